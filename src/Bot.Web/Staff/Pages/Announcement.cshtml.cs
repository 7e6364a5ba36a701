using Bot.Web.Announcements;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

/// <summary>One announcement: its targets and its broadcast's progress (refreshed while in flight), with a button that stops the rest.</summary>
public sealed class AnnouncementModel(AnnouncementService announcements, CentreDirectory centres) : PageModel
{
    /// <summary>What the staff member just did, kept in the address so that the notice stays while the page refreshes itself.</summary>
    private static readonly string[] Notices = ["published", "scheduled", "cancelled", "cannot-cancel"];

    public AnnouncementView View { get; private set; } = null!;

    /// <summary>The text key of the notice to show, if any.</summary>
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        if (!long.TryParse(id, out var number) || await announcements.GetAsync(StaffScope.Of(User), number, ct) is not { } view) return NotFound();
        View = view;
        Notice = Notices.Contains(done) ? "announcements." + done : null;
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(string id, CancellationToken ct)
    {
        if (!long.TryParse(id, out var number)) return NotFound();
        var result = await announcements.CancelAsync(StaffScope.Of(User), number, ct);
        if (result.Refusal == Refusal.NotFound) return NotFound();
        return Redirect($"/staff/announcements/{number}?done={(result.Refusal == Refusal.Conflict ? "cannot-cancel" : "cancelled")}");
    }

    public string CentreNames(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? id));
}
