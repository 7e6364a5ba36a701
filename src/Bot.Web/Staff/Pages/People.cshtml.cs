using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class PeopleModel(StaffDashboard dashboard, CentreDirectory centres, StaffUi text) : PageModel
{
    public IReadOnlyList<PersonRow> Rows { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Centres { get; private set; } = [];
    public string? Centre { get; private set; }
    public string? Channel { get; private set; }
    public string? Revealed { get; private set; }
    public bool IsAdmin => User.IsInRole(StaffRoles.Admin);

    public async Task<IActionResult> OnGetAsync(string? centre, string? channel, CancellationToken ct)
    {
        var scope = StaffScope.Of(User);
        if (!string.IsNullOrEmpty(centre) && !scope.Covers(centre)) return Forbid();
        Revealed = TempData["revealed"] as string; // shown once after the form action, then gone
        await LoadAsync(scope, centre, channel, ct);
        return Page();
    }

    /// <summary>The person whose reveal was refused (no reason): the error is shown next to their reason field.</summary>
    public string? RefusedFor { get; private set; }

    /// <summary>Admins only: the full address of one person, with a reason that goes into the audit log.</summary>
    public async Task<IActionResult> OnPostRevealAsync(string id, string? reason, CancellationToken ct)
    {
        var scope = StaffScope.Of(User);
        if (!scope.IsAdmin) return Forbid();
        if (string.IsNullOrWhiteSpace(reason))
        {
            ModelState.AddModelError("reason", text["people.reason-required"]);
            RefusedFor = id;
        }
        else
        {
            var revealed = await dashboard.RevealAddressAsync(scope, id, reason.Trim(), ct);
            if (revealed is null) return NotFound();
            TempData["revealed"] = revealed;
            return LocalRedirect(StaffPaths.WithoutHandler(Request));
        }
        await LoadAsync(scope, null, null, ct);
        return Page();
    }

    private async Task LoadAsync(StaffScope scope, string? centre, string? channel, CancellationToken ct)
    {
        Centre = centre;
        Channel = channel;
        Centres = scope.Visible(centres.All.Select(c => c.Id)).Select(id => (id, CentreName(id))).ToList();
        Rows = await dashboard.PeopleAsync(scope, centre, channel, 200, ct);
    }

    public string CentreName(string? id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? "—";
}
