using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages.Admin;

public sealed class AuditModel(StaffAudit audit) : PageModel
{
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public string? Actor { get; private set; }
    public string? Action { get; private set; }

    public async Task OnGetAsync(string? actor, string? action, CancellationToken ct)
    {
        Actor = actor;
        Action = action;
        Entries = await audit.LatestAsync(actor, action, 300, ct);
    }
}
