using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Tests.Staff;
using Bot.Web.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit;
using Bot.Web.Access;
using Bot.Web.Announcements;

namespace Bot.Tests.Announcements;

/// <summary>A broadcast cannot go wrong by accident (issue #21): past times, nobody to reach, plain defaults, confirmations.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BroadcastGuardBrowserTests(Browser browser) : OutboxTestHost
{
    private async Task<IPage> SignInAsync()
    {
        await Host.AccountAsync("antep@example.org", StaffRoles.Staff, "gaziantep");
        var page = await browser.SignedInPageAsync(Host.BaseAddress, "antep@example.org");
        return page;
    }

    private async Task<int> AnnouncementsAsync()
    {
        await using var db = await Db();
        return await db.Announcements.CountAsync();
    }

    /// <summary>A local time in the dashboard's time zone (Europe/Istanbul, UTC+3) for the datetime-local field.</summary>
    private static string Local(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    [BrowserFact]
    public async Task A_past_time_and_an_audience_of_nobody_are_refused_with_the_reason_and_nothing_is_sent()
    {
        var course = await CourseAsync();
        var page = await SignInAsync();
        await page.GotoAsync($"/staff/announcements/new?course={course.Id}");

        // Nobody subscribed yet: refused, with the reason, and the preview's breakdown is shown.
        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await Assertions.Expect(page.Locator("#nobody")).ToContainTextAsync("Bu duyuru kimseye ulaşmaz");
        await Assertions.Expect(page.Locator("#audience")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#left-out")).ToBeVisibleAsync();
        Assert.Equal(0, await AnnouncementsAsync());

        // A schedule time already past: refused next to the field (it used to be sent at once).
        await TelegramSubscriberAsync(9701);
        await page.GetByLabel("Şu zamanda gönder", new() { Exact = true }).First.CheckAsync();
        await page.Locator("#SendAt").FillAsync(Local(DateTimeOffset.UtcNow.AddHours(-2)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await Assertions.Expect(page.Locator("#SendAt-error")).ToContainTextAsync("Bu zaman geçti");
        await Assertions.Expect(page.Locator("#confirm")).ToHaveCountAsync(0);
        Assert.Equal(0, await AnnouncementsAsync());
        Assert.Empty(Telegram.Received);
    }

    [BrowserFact]
    public async Task The_preview_names_the_defaults_and_sending_or_stopping_asks_first_with_the_number_of_people_and_channels()
    {
        var course = await CourseAsync();
        await TelegramSubscriberAsync(9801);
        await TelegramSubscriberAsync(9802, language: "ar");
        await WhatsAppSubscriberAsync("+905320009803");
        var page = await SignInAsync();
        await page.GotoAsync($"/staff/announcements/new?course={course.Id}");

        // Nothing ticked: the preview says what is used instead.
        await page.Locator("#Centres").SelectOptionAsync(Array.Empty<string>());
        var ticked = page.Locator("input[type=checkbox]:checked");
        while (await ticked.CountAsync() > 0) await ticked.First.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Önizle" }).ClickAsync();
        await Assertions.Expect(page.Locator("#defaults li")).ToHaveTextAsync([
            "Merkez seçilmedi: kursun merkezi (Gaziantep Toplum Merkezi) kullanılır.",
            "Konu seçilmedi: kursun konusu (Meslek kursları) kullanılır.",
            "Dil seçilmedi: Türkçe ve Arapça'nın ikisi de kullanılır.",
        ]);

        // Sending asks first; "cancel" sends nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-question")).ToHaveTextAsync("Telegram ve WhatsApp üzerinden 3 kişiye gönderilsin mi?");
        Assert.Equal(0, await AnnouncementsAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Vazgeç" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm")).ToHaveCountAsync(0);
        Assert.Equal(0, await AnnouncementsAsync());

        // Scheduled for later, confirmed; then stopping it asks too.
        await page.GetByLabel("Şu zamanda gönder", new() { Exact = true }).First.CheckAsync();
        await page.Locator("#SendAt").FillAsync(Local(DateTimeOffset.UtcNow.AddDays(2)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Gönder / zamanla" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-question")).ToContainTextAsync("3 kişi");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evet, gönder" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/staff/announcements/[0-9]+[?]done=scheduled$"));
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("Zamanlandı");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Evet, durdur" })).Not.ToBeVisibleAsync();
        await page.GetByText("Gönderimi durdur").ClickAsync();
        await Assertions.Expect(page.Locator("#cancel-question")).ToContainTextAsync("Bu duyuru durdurulsun mu?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evet, durdur" }).ClickAsync();
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("İptal edildi");
        Assert.Empty(Telegram.Received);
    }

    [BrowserFact]
    public async Task A_course_whose_dates_are_past_is_saved_only_after_an_explicit_warning()
    {
        var course = await CourseAsync();
        var page = await SignInAsync();
        await page.GotoAsync($"/staff/courses/edit?id={course.Id}");
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GetByLabel("Son başvuru tarihi").FillAsync(yesterday);
        await page.GetByRole(AriaRole.Button, new() { Name = "Kaydet" }).ClickAsync();
        await Assertions.Expect(page.Locator("#past-warning")).ToContainTextAsync("Bu tarihler geçmişte kaldı: Son başvuru tarihi");
        await using (var db = await Db())
        {
            Assert.NotEqual(DateOnly.Parse(yesterday, CultureInfo.InvariantCulture), (await db.Courses.SingleAsync()).ApplicationDeadline); // not saved
        }
        await Assertions.Expect(page.GetByLabel("Son başvuru tarihi")).ToHaveValueAsync(yesterday); // the input is kept
        await page.GetByLabel("Tarihlerin geçmişte kaldığını biliyorum; yine de kaydet").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Kaydet" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/staff/courses$"));
        await Assertions.Expect(page.Locator($"tr[data-course='{course.Id}']")).ToContainTextAsync("Kapandı");
    }
}
