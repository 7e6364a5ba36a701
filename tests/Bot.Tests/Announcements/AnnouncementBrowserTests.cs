using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Tests.Staff;
using Bot.Web.Staff;
using Microsoft.Playwright;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Announcements;

/// <summary>A centre's staff member creates a course and broadcasts it, in Debian's Chromium against the real host and the fake channels.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AnnouncementBrowserTests(Browser browser) : OutboxTestHost
{
    [BrowserFact]
    public async Task A_staff_member_creates_a_course_previews_the_announcement_and_broadcasts_it_to_every_subscriber()
    {
        await Host.AccountAsync("antep@example.org", StaffRoles.Staff, "gaziantep");
        await TelegramSubscriberAsync(9501);
        await TelegramSubscriberAsync(9502, language: "ar");
        await WhatsAppSubscriberAsync("+905320009503", lastWrote: TimeSpan.FromDays(2));
        var page = await browser.SignedInPageAsync(Host.BaseAddress, "antep@example.org");
        await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Gönderilmekte olan duyurular" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Kurslar" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Yeni kurs" }).ClickAsync();
        await FillCourseAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Kaydet" }).ClickAsync();
        // The Arabic title was left empty: the error is beside the field, in Turkish, and nothing was saved.
        await Assertions.Expect(page.Locator("#TitleAr-error")).ToHaveTextAsync("Bu alan zorunludur.");
        await Assertions.Expect(page.GetByLabel("Kurs adı (Arapça)")).ToHaveAttributeAsync("aria-describedby", "TitleAr-error");
        await Assertions.Expect(page.GetByLabel("Kurs adı (Arapça)")).ToHaveAttributeAsync("dir", "rtl");
        await Assertions.Expect(page.GetByLabel("Kurs adı (Türkçe)")).ToHaveValueAsync("Aşçılık kursu");
        await page.GetByLabel("Kurs adı (Arapça)").FillAsync("دورة الطبخ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Kaydet" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/staff/courses$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Kurs kaydedildi.");
        await Assertions.Expect(page.Locator("#courses tbody tr")).ToContainTextAsync("دورة الطبخ");

        await page.GetByRole(AriaRole.Link, new() { Name = "Duyur", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Önizle" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audience")).ToHaveTextAsync("3");
        var arabic = page.Locator("pre.message[data-language='ar']");
        await Assertions.Expect(arabic).ToContainTextAsync("دورة الطبخ");
        Assert.Equal("rtl", await arabic.EvaluateAsync<string>("e => getComputedStyle(e).direction"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "announcement-preview.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-question")).ToHaveTextAsync("Telegram ve WhatsApp üzerinden 3 kişiye gönderilsin mi?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evet, gönder" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/staff/announcements/[0-9]+[?]done=published$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Duyuru gönderiliyor.");
        await Telegram.WaitForAsync(api => api.Received.Count == 2);
        await Twilio.WaitForAsync(api => api.Delivered().Count == 1);
        // The sends are recorded: every row of the announcement has its final status, which the page shows.
        var announcementId = long.Parse(Regex.Match(page.Url, "/staff/announcements/([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, (await WaitForRowsAsync(announcementId, Settled)).Count(Settled));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("Tamamlandı");
        await Assertions.Expect(page.Locator("td[data-count='sent']")).ToHaveTextAsync("3");
        Assert.Equal(TemplateTr, Twilio.Delivered("+905320009503")[0].Fields["ContentSid"]); // outside the 24 hours: the template

        var audit = (await Service<StaffAudit>().LatestAsync("antep@example.org", null, 10)).Select(a => a.Action).ToList();
        Assert.Contains(AuditActions.CourseCreated, audit);
        Assert.Contains(AuditActions.AnnouncementPublished, audit);
    }

    /// <summary>Every field but the Arabic title (left empty on purpose).</summary>
    private static async Task FillCourseAsync(IPage page)
    {
        await page.Locator("#Topic").SelectOptionAsync("vocational");
        await page.GetByLabel("Kurs adı (Türkçe)").FillAsync("Aşçılık kursu");
        await page.GetByLabel("Açıklama (Türkçe)").FillAsync("Mutfak temel eğitimi.");
        await page.GetByLabel("Geçici koruma").CheckAsync();
        await page.GetByLabel("En küçük yaş").FillAsync("18");
        await page.GetByLabel("Başlangıç tarihi").FillAsync(DateTime.UtcNow.AddDays(40).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Bitiş tarihi").FillAsync(DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Salı").CheckAsync();
        await page.GetByLabel("Perşembe").CheckAsync();
        await page.GetByLabel("Başlangıç saati").FillAsync("09:30");
        await page.GetByLabel("Bitiş saati").FillAsync("12:30");
        await page.GetByLabel("Yer", new() { Exact = true }).FillAsync("Toplum Merkezi mutfağı");
        await page.GetByLabel("Harçlık verilir").CheckAsync();
        await page.GetByLabel("Tutar (TL, isteğe bağlı)").FillAsync("120");
        await page.GetByLabel("Kontenjan").FillAsync("12");
        await page.GetByLabel("Son başvuru tarihi").FillAsync(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Nasıl başvurulur (Türkçe)").FillAsync("Merkeze gelin.");
        await page.GetByLabel("Nasıl başvurulur (Arapça)").FillAsync("تعال إلى المركز.");
    }
}
