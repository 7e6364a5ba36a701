using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Tests.Outbox;
using Bot.Tests.Staff;
using Bot.Web.Access;
using Bot.Web.Announcements;
using Bot.Web.Outbox;
using Bot.Web.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Announcements;

/// <summary>
/// Staff's own text per language (issue #21): each language group receives its language's edited text, the WhatsApp
/// template outside the 24 hours keeps the course's variables, a text that would go wrong is refused with the reason,
/// and announcements made before texts could be edited still send the text rendered from the course.
/// </summary>
public sealed class AnnouncementTextTests : OutboxTestHost
{
    private const string ArabicLine = "سجّلوا مبكراً، المقاعد محدودة!";
    private const string TurkishLine = "Yerler sınırlı, erken başvurun!";

    private string Generated(Course course, string language) => Service<CourseTexts>().Announcement(course, language);

    private Task<Checked<Announcement>> CreateAsync(Course course, Action<AnnouncementInput> change)
    {
        var input = new AnnouncementInput { CourseId = course.Id };
        change(input);
        return Service<AnnouncementService>().CreateAsync(Admin, input, default);
    }

    [Fact]
    public async Task Each_language_group_receives_its_edited_text_and_WhatsApp_outside_the_window_the_template_with_the_course_variables()
    {
        var course = await CourseAsync();
        await TelegramSubscriberAsync(9601);
        await TelegramSubscriberAsync(9602, language: "ar");
        await WhatsAppSubscriberAsync("+905320009603", language: "ar", lastWrote: TimeSpan.FromHours(1));
        await WhatsAppSubscriberAsync("+905320009604", language: "ar", lastWrote: TimeSpan.FromDays(2));
        // Typed in a browser: Windows line endings and a trailing blank line; the Arabic text gains a line.
        var arabic = Generated(course, "ar").Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n" + ArabicLine + "\r\n\r\n";
        var expected = Generated(course, "ar") + "\n" + ArabicLine;

        var preview = (await Service<AnnouncementService>().PreviewAsync(Admin, new AnnouncementInput { CourseId = course.Id, TextAr = arabic }, default)).Value!;
        var (tr, ar) = (preview.Messages.Single(m => m.Language == "tr"), preview.Messages.Single(m => m.Language == "ar"));
        Assert.Equal((1, 0, 1, false, Generated(course, "tr")), (tr.Recipients, tr.Template, tr.TextRecipients, tr.Edited, tr.Text));
        Assert.Equal((3, 1, 2, true, expected), (ar.Recipients, ar.Template, ar.TextRecipients, ar.Edited, ar.Text));
        Assert.Equal(Service<CourseTexts>().TemplateVariables(course, "ar"), ar.TemplateVariables);

        var created = await CreateAsync(course, i => i.TextAr = arabic);
        Assert.Equal(Refusal.None, created.Refusal);
        Assert.Equal((null, expected), (created.Value!.EditedTextTr, created.Value.EditedTextAr));
        Assert.Equal(Generated(course, "ar"), created.Value.TextAr); // the rendered text is kept beside the edit
        var rows = await WaitForRowsAsync(created.Value.Id, Settled);
        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));

        Assert.Equal([Generated(course, "tr")], Telegram.TextsTo(9601));
        Assert.Equal([expected], Telegram.TextsTo(9602));
        await Twilio.WaitForAsync(api => api.Delivered().Count == 2);
        Assert.Equal(expected, Twilio.Delivered("+905320009603").Single().Body); // inside the 24 hours: the edited text
        var template = Twilio.Delivered("+905320009604").Single(); // outside: the template, filled from the course
        Assert.Equal((TemplateAr, null), (template.Fields["ContentSid"], template.Body));
        var variables = JsonSerializer.Deserialize<Dictionary<string, string>>(template.Fields["ContentVariables"])!;
        Assert.Equal("دورة الخياطة والتطريز", variables["1"]);
        Assert.Equal(course.ApplicationDeadline.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), variables["4"]);
        foreach (var value in variables.Values) Assert.Contains(value, expected, StringComparison.Ordinal); // both groups read the same facts

        var audit = (await Service<StaffAudit>().LatestAsync(Admin.Actor, null, 1)).Single();
        Assert.EndsWith("texts edited: ar", audit.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(ArabicLine, audit.Details, StringComparison.Ordinal); // never a message text in the audit
    }

    [Fact]
    public async Task A_text_left_as_rendered_is_not_stored_as_an_edit_and_an_unticked_languages_box_is_ignored()
    {
        var course = await CourseAsync();
        await TelegramSubscriberAsync(9611);
        var created = await CreateAsync(course, i =>
        {
            i.Languages = ["tr"];
            i.TextTr = Generated(course, "tr").Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n";
            i.TextAr = "";
        });
        Assert.Equal(Refusal.None, created.Refusal);
        Assert.Equal((null, null), (created.Value!.EditedTextTr, created.Value.EditedTextAr));
        await WaitForRowsAsync(created.Value.Id, Settled);
        Assert.Equal([Generated(course, "tr")], Telegram.TextsTo(9611));
    }

    [Fact]
    public async Task A_text_that_would_go_wrong_is_refused_with_the_reason_for_its_field()
    {
        var course = await CourseAsync();
        await TelegramSubscriberAsync(9621);
        var tr = Generated(course, "tr");
        var ar = Generated(course, "ar");
        var deadline = course.ApplicationDeadline.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
        var start = course.StartDate.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
        var cases = new (Action<AnnouncementInput> Change, string Field, string Error)[]
        {
            (i => i.TextAr = " \r\n\t ", "TextAr", "announcement-text.empty"),
            (i => i.TextTr = "", "TextTr", "announcement-text.empty"),
            (i => i.TextTr = tr + "\n" + new string('x', CourseCatalog.MaxMessageLength), "TextTr", "announcement-text.too-long"),
            (i => i.TextTr = tr.Replace("Dikiş ve nakış kursu", "Dikiş kursu", StringComparison.Ordinal), "TextTr", "announcement-text.missing-title"),
            (i => i.TextAr = ar.Replace("دورة الخياطة والتطريز", "دورة", StringComparison.Ordinal), "TextAr", "announcement-text.missing-title"),
            (i => i.TextTr = tr.Replace("Gaziantep", "Antep", StringComparison.Ordinal), "TextTr", "announcement-text.missing-centre"),
            (i => i.TextTr = tr.Replace(start, "yakında", StringComparison.Ordinal), "TextTr", "announcement-text.missing-start"),
            (i => i.TextAr = ar.Replace(deadline, "قريباً", StringComparison.Ordinal), "TextAr", "announcement-text.missing-deadline"),
            (i => i.TextTr = tr.Replace(Service<CourseTexts>().HowToStop("tr"), "", StringComparison.Ordinal), "TextTr", "announcement-text.missing-stop"),
        };
        foreach (var (change, field, error) in cases)
        {
            var input = new AnnouncementInput { CourseId = course.Id };
            change(input);
            var preview = await Service<AnnouncementService>().PreviewAsync(Admin, input, default);
            Assert.Equal(Refusal.Invalid, preview.Refusal);
            Assert.Equal(error, preview.Errors![field]);
            var created = await CreateAsync(course, change);
            Assert.Equal((Refusal.Invalid, error), (created.Refusal, created.Errors![field]));
        }
        // Every refusal has its reason in the staff's three languages.
        var texts = Service<StaffText>();
        foreach (var error in cases.Select(c => c.Error).Distinct())
        {
            foreach (var language in new[] { StaffText.English, "tr", "ar" }) Assert.DoesNotContain("error.", texts.Get(language, "error." + error), StringComparison.Ordinal);
        }
        await using var db = await Db();
        Assert.Equal(0, await db.Announcements.CountAsync());
        Assert.Empty(Telegram.Received);
    }

    [Fact]
    public async Task An_announcement_made_before_texts_could_be_edited_sends_the_text_rendered_from_the_course()
    {
        var course = await CourseAsync();
        await TelegramSubscriberAsync(9631);
        await TelegramSubscriberAsync(9632, language: "ar");
        await WhatsAppSubscriberAsync("+905320009633", lastWrote: TimeSpan.FromDays(3));
        long id;
        await using (var db = await Db())
        {
            // As a row written before the AnnouncementTexts migration: no edited texts.
            var old = new Announcement
            {
                CourseId = course.Id, CentreId = course.CentreId, Centres = course.CentreId, Topics = course.Topic, Languages = "tr,ar",
                TextTr = Generated(course, "tr"), TextAr = Generated(course, "ar"),
                TemplateVariablesTr = Service<CourseTexts>().TemplateVariablesJson(course, "tr"),
                TemplateVariablesAr = Service<CourseTexts>().TemplateVariablesJson(course, "ar"),
                Status = AnnouncementStatus.Scheduled, SendAt = DateTimeOffset.UtcNow.AddHours(1), CreatedBy = Admin.Actor, CreatedAt = DateTimeOffset.UtcNow,
            };
            db.Announcements.Add(old);
            await db.SaveChangesAsync();
            id = old.Id;
        }
        Assert.True(await Service<AnnouncementService>().PublishAsync(id, default));
        await WaitForRowsAsync(id, Settled);
        Assert.Equal([Generated(course, "tr")], Telegram.TextsTo(9631));
        Assert.Equal([Generated(course, "ar")], Telegram.TextsTo(9632));
        await Twilio.WaitForAsync(api => api.Delivered().Count == 1);
        Assert.Equal(TemplateTr, Twilio.Delivered("+905320009633").Single().Fields["ContentSid"]);
    }

    [Fact]
    public async Task The_staff_API_takes_the_texts_and_names_the_field_of_a_refused_one()
    {
        using var api = Host.ApiClient(await Host.ApiKeyAsync("antep", StaffRoles.Staff, "gaziantep"));
        var course = await CourseAsync();
        await TelegramSubscriberAsync(9641);
        using (var refused = await api.PostAsJsonAsync("/api/staff/announcements", new { courseId = course.Id, textTr = "   " }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.StartsWith("The text is empty", errors.GetProperty("TextTr")[0].GetString(), StringComparison.Ordinal);
        }
        var text = Generated(course, "tr") + "\n" + TurkishLine;
        using var preview = await api.PostAsJsonAsync("/api/staff/announcements/preview", new { courseId = course.Id, textTr = text });
        var message = (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0];
        Assert.Equal((text, 1, true), (message.GetProperty("text").GetString(), message.GetProperty("recipients").GetInt32(), message.GetProperty("edited").GetBoolean()));
        using var created = await api.PostAsJsonAsync("/api/staff/announcements", new { courseId = course.Id, textTr = text });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Telegram.WaitForAsync(t => t.Received.Count == 1);
        Assert.Equal([text], Telegram.TextsTo(9641));
    }
}
