using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class ConversationsModel(QueueService queue, CentreDirectory centres) : PageModel
{
    public IReadOnlyList<HandoverRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rows = await queue.ConversationsAsync(StaffScope.Of(User), ct);

    public string CentreName(string? id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? "—";
}
