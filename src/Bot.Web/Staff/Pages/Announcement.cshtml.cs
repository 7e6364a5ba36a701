using Bot.Web.Announcements;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bot.Web.Staff.Pages;

/// <summary>One announcement: its targets and its broadcast's progress (refreshed while in flight), with a button that stops the rest.</summary>
public sealed class AnnouncementModel(AnnouncementService announcements, CentreDirectory centres) : PageModel
{
    public AnnouncementView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!long.TryParse(id, out var number) || await announcements.GetAsync(StaffScope.Of(User), number, ct) is not { } view) return NotFound();
        View = view;
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(string id, CancellationToken ct)
    {
        if (!long.TryParse(id, out var number)) return NotFound();
        var result = await announcements.CancelAsync(StaffScope.Of(User), number, ct);
        if (result.Refusal == Refusal.NotFound) return NotFound();
        TempData["done"] = result.Refusal == Refusal.Conflict ? "announcements.cannot-cancel" : "announcements.cancelled";
        return Redirect($"/staff/announcements/{number}");
    }

    public string CentreNames(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => centres.ById(id)?.Name(Localization.Language.Turkish) ?? id));
}
