using System.Globalization;
using Bot.Web.Announcements;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Bot.Web.Access;

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

    /// <summary>The message for Turkish recipients, prefilled with the text rendered from the course; staff may edit it.</summary>
    public string? TextTr { get; set; }

    /// <summary>The message for Arabic recipients, like <see cref="TextTr"/>.</summary>
    public string? TextAr { get; set; }

    /// <summary>The number of people the staff member confirmed sending to (the confirmation step); null before it.</summary>
    public int? Confirmed { get; set; }

    /// <summary>A fingerprint of the texts shown when the staff member confirmed: a text changed since asks again.</summary>
    public string? ConfirmedTexts { get; set; }

    public string? Text(string language) => language == Localization.Language.Arabic ? TextAr : TextTr;
}

/// <summary>Announces a course: who it goes to, a preview of the audience and the messages, then now or at a time.</summary>
/// <remarks>
/// Guards against a broadcast going wrong by accident: a schedule time already past is refused (not sent at once), an
/// announcement reaching nobody is refused with the reason, and sending asks first for a confirmation naming the number of
/// people and the channels (a step on the server: the dashboard runs no script).
/// </remarks>
public sealed class AnnouncementNewModel(AnnouncementService announcements, CourseCatalog catalog, CourseTexts texts, CentreDirectory centres, StaffUi text,
    IOptions<StaffOptions> options, TimeProvider clock) : PageModel
{
    [BindProperty] public AnnouncementForm Input { get; set; } = new();
    public Course? Course { get; private set; }
    public AnnouncementPreview? Preview { get; private set; }

    /// <summary>Set when "send" was pressed: the question to confirm (people and channels), shown with the preview.</summary>
    public string? Confirmation { get; private set; }

    /// <summary>Set when the announcement would reach nobody: why, shown with the preview's breakdown of who was left out.</summary>
    public string? Nobody { get; private set; }

    /// <summary>What an empty choice stands for, said plainly in the preview (centres, topics, languages).</summary>
    public IReadOnlyList<string> Defaults { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> Centres =>
        StaffScope.Of(User).Visible(centres.All.Select(c => c.Id)).Select(id => (id, centres.ById(id)!.Name(StaffText.ContentLanguageOf(HttpContext)))).ToList();

    public async Task<IActionResult> OnGetAsync(long course, CancellationToken ct)
    {
        Course = await catalog.GetAsync(StaffScope.Of(User), course, ct);
        if (Course is null) return NotFound();
        Input = new AnnouncementForm
        {
            CourseId = course, Centres = [Course.CentreId], Topics = [Course.Topic], Languages = [.. Localization.Language.All],
            TextTr = texts.Announcement(Course, Localization.Language.Turkish), TextAr = texts.Announcement(Course, Localization.Language.Arabic),
        };
        return Page();
    }

    public Task<IActionResult> OnPostPreviewAsync(CancellationToken ct) => SubmitAsync((scope, input) => announcements.PreviewAsync(scope, input, ct), preview =>
    {
        ShowPreview(preview);
        return Task.FromResult<IActionResult>(Page());
    }, ct);

    /// <summary>
    /// Send (or schedule): refused when it would reach nobody; otherwise first the confirmation ("send to 1,240 people on
    /// WhatsApp and Telegram?"), then — confirmed for the same number of people — created.
    /// </summary>
    public Task<IActionResult> OnPostPublishAsync(CancellationToken ct) => SubmitAsync((scope, input) => announcements.PreviewAsync(scope, input, ct), async preview =>
    {
        ShowPreview(preview);
        if (preview.Recipients == 0)
        {
            Nobody = text["announcements.nobody"];
            ModelState.AddModelError("Input.Audience", Nobody);
            return Page();
        }
        if (Input.Confirmed != preview.Recipients || Input.ConfirmedTexts != Fingerprint(preview))
        {
            var channels = preview.Groups.Select(g => g.Channel).Distinct().Order(StringComparer.Ordinal).Select(c => text["channel." + c]).ToList();
            var people = preview.Recipients.ToString("#,0", CultureInfo.InvariantCulture);
            Confirmation = Input.When == "later"
                ? text.Format("announcements.confirm-later", people, string.Join(text["common.and"], channels), Input.SendAt?.Replace('T', ' ') ?? "")
                : text.Format("announcements.confirm", people, string.Join(text["common.and"], channels));
            return Page();
        }
        var created = await announcements.CreateAsync(StaffScope.Of(User), ToInput()!, ct);
        return Refused(created.Refusal, created.Errors)
            ?? Redirect($"/staff/announcements/{created.Value!.Id}?done={(created.Value.Status == AnnouncementStatus.Scheduled ? "scheduled" : "published")}");
    }, ct);

    private void ShowPreview(AnnouncementPreview preview)
    {
        Preview = preview;
        var defaults = new List<string>();
        if (Input.Centres.Count == 0) defaults.Add(text.Format("announcements.default-centre", centres.ById(Course!.CentreId)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? Course.CentreId));
        if (Input.Topics.Count == 0) defaults.Add(text.Format("announcements.default-topic", text["topic." + Course!.Topic]));
        if (Input.Languages.Count == 0) defaults.Add(text["announcements.default-languages"]);
        Defaults = defaults;
    }

    public string? Error(string field) => FormErrors.Of(ModelState, field);

    /// <summary>
    /// The texts the preview shows, as a short fingerprint carried by the confirmation: a text edited after the
    /// confirmation was asked is not sent unseen — the confirmation is asked again with the new preview.
    /// </summary>
    public static string Fingerprint(AnnouncementPreview preview) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join("\u0000", preview.Messages.Select(m => m.Language + "\u0000" + m.Text)))))[..16];

    /// <summary>The posted form checked and handed to <paramref name="act"/>; its refusal shown (errors beside fields), or <paramref name="done"/>.</summary>
    private async Task<IActionResult> SubmitAsync<T>(Func<StaffScope, AnnouncementInput, Task<Checked<T>>> act, Func<T, Task<IActionResult>> done, CancellationToken ct)
    {
        FormErrors.ReplaceBindingErrors(ModelState, text);
        Course = await catalog.GetAsync(StaffScope.Of(User), Input.CourseId, ct);
        if (Course is null) return NotFound();
        var input = ToInput();
        if (input is null) return Page();
        var result = await act(StaffScope.Of(User), input);
        return Refused(result.Refusal, result.Errors) ?? await done(result.Value!);
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
            if (sendAt <= clock.GetUtcNow())
            {
                // A time already past would send at once: refused, with the time it is now.
                ModelState.AddModelError("Input.SendAt", text.Format("error.send-at.past", text.Time(clock.GetUtcNow())));
                return null;
            }
        }
        if (!ModelState.IsValid) return null;
        return new AnnouncementInput
        {
            CourseId = Input.CourseId, Centres = Input.Centres, Topics = Input.Topics, Languages = Input.Languages, EligibleOnly = Input.EligibleOnly, SendAt = sendAt,
            TextTr = Input.TextTr ?? "", TextAr = Input.TextAr ?? "",
        };
    }
}
