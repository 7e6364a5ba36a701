using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Tests.Staff;
using Bot.Web.Access;
using Bot.Web.Announcements;
using Bot.Web.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit;

namespace Bot.Tests.Announcements;

/// <summary>
/// Staff edit each language's text of an announcement (issue #21), in Debian's Chromium against the real host and the
/// fake channels: the boxes start from the course's text, a failed form keeps what was typed with the reason beside the
/// field, the preview shows each language group and its text, and each subscriber receives their language's text.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AnnouncementTextBrowserTests(Browser browser) : OutboxTestHost
{
    private const string ArabicLine = "سجّلوا مبكراً، المقاعد محدودة!";
    private const string TurkishLine = "Yerler sınırlı, erken başvurun!";

    [BrowserFact]
    public async Task Staff_edit_the_Arabic_text_preview_each_language_group_and_each_subscriber_receives_their_languages_text()
    {
        var course = await CourseAsync();
        await TelegramSubscriberAsync(9901);
        await TelegramSubscriberAsync(9902, language: "ar");
        await WhatsAppSubscriberAsync("+905320009903", language: "ar", lastWrote: TimeSpan.FromDays(2));
        var texts = Service<CourseTexts>();
        await Host.AccountAsync("antep@example.org", StaffRoles.Staff, "gaziantep");
        var page = await browser.SignedInPageAsync(Host.BaseAddress, "antep@example.org");
        await page.GotoAsync($"/staff/announcements/new?course={course.Id}");

        // One box per language, starting from the text made from the course; the Arabic one right to left.
        var turkish = page.GetByLabel("Türkçe metin");
        var arabic = page.GetByLabel("Arapça metin");
        await Assertions.Expect(turkish).ToHaveValueAsync(texts.Announcement(course, "tr"));
        await Assertions.Expect(arabic).ToHaveValueAsync(texts.Announcement(course, "ar"));
        await Assertions.Expect(arabic).ToHaveAttributeAsync("dir", "rtl");
        Assert.Equal("rtl", await arabic.EvaluateAsync<string>("e => getComputedStyle(e).direction"));

        // A failed form keeps every text typed, with the reason beside the field it belongs to.
        var turkishText = texts.Announcement(course, "tr") + "\n" + TurkishLine;
        await turkish.FillAsync(turkishText);
        await arabic.FillAsync("   ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Önizle" }).ClickAsync();
        await Assertions.Expect(page.Locator("#TextAr-error")).ToContainTextAsync("Metin boş");
        await Assertions.Expect(arabic).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#TextTr-error")).ToBeEmptyAsync();
        await Assertions.Expect(turkish).ToHaveValueAsync(turkishText);
        await Assertions.Expect(page.Locator("#preview")).ToHaveCountAsync(0);

        var withoutTitle = texts.Announcement(course, "ar").Replace("دورة الخياطة والتطريز", "دورة جديدة", StringComparison.Ordinal);
        await arabic.FillAsync(withoutTitle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await Assertions.Expect(page.Locator("#TextAr-error")).ToContainTextAsync("Metinde kurs adı yok");
        await Assertions.Expect(arabic).ToHaveValueAsync(withoutTitle);
        await Assertions.Expect(turkish).ToHaveValueAsync(turkishText);
        await Assertions.Expect(page.Locator("#confirm")).ToHaveCountAsync(0);

        // The Arabic text edited: the preview shows each language group, how many people, and exactly what they get.
        var arabicText = texts.Announcement(course, "ar") + "\n" + ArabicLine;
        await arabic.FillAsync(arabicText);
        await page.GetByRole(AriaRole.Button, new() { Name = "Önizle" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audience")).ToHaveTextAsync("3");
        var arGroup = page.Locator("[data-group='ar']");
        var trGroup = page.Locator("[data-group='tr']");
        await Assertions.Expect(arGroup.Locator("[data-count='recipients']")).ToHaveTextAsync("2 kişi");
        await Assertions.Expect(arGroup.Locator("[data-count='text']")).ToContainTextAsync("(1 kişi)");
        await Assertions.Expect(arGroup.Locator("[data-count='template']")).ToContainTextAsync("(1 kişi)");
        await Assertions.Expect(arGroup).ToContainTextAsync("personel düzenledi");
        Assert.Equal(arabicText, await arGroup.Locator("pre.message").InnerTextAsync());
        await Assertions.Expect(arGroup.Locator("[data-variable='1']")).ToHaveTextAsync("دورة الخياطة والتطريز");
        await Assertions.Expect(trGroup.Locator("[data-count='recipients']")).ToHaveTextAsync("1 kişi");
        Assert.Equal(turkishText, await trGroup.Locator("pre.message").InnerTextAsync());
        await Assertions.Expect(arabic).ToHaveValueAsync(arabicText); // the boxes keep the edits after a preview
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "announcement-texts-preview.png"), FullPage = true });

        // "No" at the confirmation goes back to the form with the texts as typed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Vazgeç" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm")).ToHaveCountAsync(0);
        await Assertions.Expect(arabic).ToHaveValueAsync(arabicText);
        await Assertions.Expect(turkish).ToHaveValueAsync(turkishText);

        // A text changed after the confirmation was asked is not sent unseen: the confirmation is asked again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-question")).ToHaveTextAsync("Telegram ve WhatsApp üzerinden 3 kişiye gönderilsin mi?");
        arabicText += "\n" + "📞";
        await arabic.FillAsync(arabicText);
        await page.GetByRole(AriaRole.Button, new() { Name = "Evet, gönder" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-question")).ToBeVisibleAsync();
        Assert.Equal(arabicText, await page.Locator("[data-group='ar'] pre.message").InnerTextAsync());
        await using (var db = await Db())
        {
            Assert.Equal(0, await db.Announcements.CountAsync());
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Evet, gönder" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/staff/announcements/[0-9]+[?]done=published$"));

        // Each subscriber receives their language's text; WhatsApp outside the 24 hours, the template.
        await Telegram.WaitForAsync(api => api.Received.Count == 2);
        Assert.Equal([arabicText], Telegram.TextsTo(9902));
        Assert.Equal([turkishText], Telegram.TextsTo(9901));
        await Twilio.WaitForAsync(api => api.Delivered().Count == 1);
        Assert.Equal(TemplateAr, Twilio.Delivered("+905320009903")[0].Fields["ContentSid"]);

        // The announcement's page shows the texts sent and which were edited.
        await page.ReloadAsync();
        await page.GetByText("Gönderilen metinler").ClickAsync();
        Assert.Equal(arabicText, await page.Locator("#texts pre[data-language='ar']").InnerTextAsync());
        await Assertions.Expect(page.Locator("#texts")).ToContainTextAsync("personel düzenledi");
    }
}
