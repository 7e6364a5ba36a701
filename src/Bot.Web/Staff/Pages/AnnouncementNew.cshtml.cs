using System.Globalization;
using Bot.Web.Announcements;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Bot.Web.Staff.Pages;

/// <summary>The announcement form as posted: targets, eligibility, and when (now, or a local time in Staff:TimeZone).</summary>
public sealed class AnnouncementForm
{
    public long CourseId { get; set; }
    public List<string> Centres { get; set; } = [];
    public List<string> Topics { get; set; } = [];
    public List<string> Languages { get; set; } = [];
    public bool EligibleOnly { get; set; }

    /// <summary>"now" or "later".</summary>
    public string When { get; set; } = "now";

    /// <summary>From an <c>input type=datetime-local</c>: yyyy-MM-ddTHH:mm in the dashboard's time zone.</summary>
    public string? SendAt { get; set; }
}

/// <summary>Announces a course: who it goes to, a preview of the audience and the messages, then now or at a time.</summary>
public sealed class AnnouncementNewModel(AnnouncementService announcements, CourseCatalog catalog, CentreDirectory centres, StaffUi text,
    IOptions<StaffOptions> options) : PageModel
{
    [BindProperty] public AnnouncementForm Input { get; set; } = new();
    public Course? Course { get; private set; }
    public AnnouncementPreview? Preview { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Centres =>
        StaffScope.Of(User).Visible(centres.All.Select(c => c.Id)).Select(id => (id, centres.ById(id)!.Name(StaffText.ContentLanguageOf(HttpContext)))).ToList();

    public async Task<IActionResult> OnGetAsync(long course, CancellationToken ct)
    {
        Course = await catalog.GetAsync(StaffScope.Of(User), course, ct);
        if (Course is null) return NotFound();
        Input = new AnnouncementForm { CourseId = course, Centres = [Course.CentreId], Topics = [Course.Topic], Languages = [.. Localization.Language.All] };
        return Page();
    }

    public Task<IActionResult> OnPostPreviewAsync(CancellationToken ct) => SubmitAsync((scope, input) => announcements.PreviewAsync(scope, input, ct), preview =>
    {
        Preview = preview;
        return Page();
    }, ct);

    public Task<IActionResult> OnPostPublishAsync(CancellationToken ct) => SubmitAsync((scope, input) => announcements.CreateAsync(scope, input, ct), created =>
    {
        return Redirect($"/staff/announcements/{created.Id}?done={(created.Status == AnnouncementStatus.Scheduled ? "scheduled" : "published")}");
    }, ct);

    public string? Error(string field) => FormErrors.Of(ModelState, field);

    /// <summary>The posted form checked and handed to <paramref name="act"/>; its refusal shown (errors beside fields), or <paramref name="done"/>.</summary>
    private async Task<IActionResult> SubmitAsync<T>(Func<StaffScope, AnnouncementInput, Task<Checked<T>>> act, Func<T, IActionResult> done, CancellationToken ct)
    {
        FormErrors.ReplaceBindingErrors(ModelState, text);
        Course = await catalog.GetAsync(StaffScope.Of(User), Input.CourseId, ct);
        if (Course is null) return NotFound();
        var input = ToInput();
        if (input is null) return Page();
        var result = await act(StaffScope.Of(User), input);
        return Refused(result.Refusal, result.Errors) ?? done(result.Value!);
    }

    private IActionResult? Refused(Refusal refusal, IReadOnlyDictionary<string, string>? errors)
    {
        switch (refusal)
        {
            case Refusal.None:
                return null;
            case Refusal.NotFound:
                return NotFound();
            case Refusal.Forbidden:
                return Forbid();
            default:
                FormErrors.Add(ModelState, text, errors);
                return Page();
        }
    }

    /// <summary>The form as the service's input, or null (with the error beside the field) when the time is not valid.</summary>
    private AnnouncementInput? ToInput()
    {
        DateTimeOffset? sendAt = null;
        if (Input.When == "later")
        {
            if (!DateTime.TryParseExact(Input.SendAt, "yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                ModelState.AddModelError("Input.SendAt", text["error.send-at.invalid"]);
                return null;
            }
            var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
            sendAt = new DateTimeOffset(local, zone.GetUtcOffset(local));
        }
        if (!ModelState.IsValid) return null;
        return new AnnouncementInput
        {
            CourseId = Input.CourseId, Centres = Input.Centres, Topics = Input.Topics, Languages = Input.Languages, EligibleOnly = Input.EligibleOnly, SendAt = sendAt,
        };
    }
}
