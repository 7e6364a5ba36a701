using Bot.Web.Announcements;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

/// <summary>Announcements of the staff member's centres with their progress, newest first.</summary>
public sealed class AnnouncementsModel(AnnouncementService announcements) : PageModel
{
    public IReadOnlyList<AnnouncementView> Announcements { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Announcements = await announcements.ListAsync(StaffScope.Of(User), 200, ct);

    /// <summary>The text key of an announcement's state: scheduled, sending, done (nothing left to send) or cancelled.</summary>
    public static string State(AnnouncementView view) => view.Announcement.Status switch
    {
        AnnouncementStatus.Scheduled => "announcements.state-scheduled",
        AnnouncementStatus.Cancelled => "announcements.state-cancelled",
        _ => view.InFlight ? "announcements.state-sending" : "announcements.state-done",
    };
}
