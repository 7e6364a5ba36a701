using System.Text.RegularExpressions;
using Bot.Tests.Announcements;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Web.Staff;
using Microsoft.Playwright;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Staff;

/// <summary>
/// Every dashboard page in Debian's Chromium with real data behind it (a question group, a staff conversation, a course,
/// an announcement): the Arabic interface right to left with no text missing, and no page wider than a 360 px phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffPagesBrowserTests(Browser browser) : OutboxTestHost
{
    /// <summary>The first part of every staff text key: a key shown instead of its text starts with one of these.</summary>
    private static readonly Regex MissingText = new(
        @"\b(?:" + string.Join("|", new StaffText(Repo.PathOf("localization")).Keys.Select(k => k.Split('.')[0]).Distinct().Select(Regex.Escape)) + @")\.[a-z0-9-]+(?:\.[a-z0-9-]+)*\b");

    private static readonly Regex ArabicLetters = new("[\u0600-\u06FF]");

    /// <summary>A question group, a staff conversation, a course and a scheduled announcement; returns every page's path.</summary>
    private async Task<IReadOnlyList<string>> EveryPageAsync(IPage page)
    {
        await Host.SayAsync("web-ar", "كيف أشتري تذكرة طيران إلى ألمانيا من عنتاب");
        await Host.SayAsync("web-handover", "merhaba");
        await Host.SayAsync("web-handover", "menü");
        await Host.SayAsync("web-handover", value: "menu:staff");
        await Host.SayAsync("web-handover", "kira yardımı için biriyle konuşmak istiyorum");
        await Host.SayAsync("web-handover", "Gaziantep");
        await TelegramSubscriberAsync(9601, language: "ar");
        var course = await CourseAsync();
        var announcement = await AnnounceAsync(course, a => a.SendAt = DateTimeOffset.UtcNow.AddDays(3));

        await page.GotoAsync("/staff/queue");
        var group = await page.Locator("#groups tbody tr").First.GetAttributeAsync("data-group");
        await page.GotoAsync("/staff/conversations");
        var person = await page.Locator("#conversations tbody tr").First.GetAttributeAsync("data-person");
        return
        [
            "/staff", "/staff/queue", $"/staff/queue/{group}", "/staff/conversations", $"/staff/conversations/{person}", "/staff/reports",
            "/staff/people", "/staff/courses", "/staff/courses/edit", $"/staff/courses/edit?id={course.Id}", "/staff/announcements",
            $"/staff/announcements/new?course={course.Id}", $"/staff/announcements/{announcement.Id}", "/staff/admin/users",
            "/staff/admin/keys", "/staff/admin/audit", "/staff/password", "/staff/denied",
        ];
    }

    private async Task<IPage> SignedInAdminAsync(ViewportSize? viewport = null)
    {
        await Host.AccountAsync("admin@example.org", StaffRoles.Admin);
        var page = await browser.NewPageAsync(Host.BaseAddress, viewport);
        await page.GotoAsync("/staff/login");
        await page.GetByLabel("E-posta").FillAsync("admin@example.org");
        await page.GetByLabel("Parola").FillAsync(StaffTestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Giriş yap" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/staff$"));
        return page;
    }

    [BrowserFact]
    public async Task Every_page_of_the_Arabic_interface_is_right_to_left_with_every_text_in_Arabic()
    {
        var page = await SignedInAdminAsync();
        var pages = await EveryPageAsync(page);
        await page.GotoAsync("/staff");
        await page.GetByRole(AriaRole.Button, new() { Name = "العربية" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "اليوم", Level = 1 })).ToBeVisibleAsync();

        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ar");
            var heading = await page.Locator("h1").First.InnerTextAsync();
            Assert.True(ArabicLetters.IsMatch(heading), $"{path}: the heading '{heading}' is not in Arabic");
            var shown = await page.Locator("body").InnerTextAsync();
            var missing = MissingText.Matches(shown).Select(m => m.Value).ToList();
            Assert.True(missing.Count == 0, $"{path} shows text keys instead of texts: {string.Join(", ", missing)}");
            // The header starts on the right: the brand is against the right edge.
            var brand = await page.Locator("header .brand").BoundingBoxAsync();
            Assert.True(brand!.X + brand.Width > 1200 - 40, $"{path}: the header is not mirrored (brand at {brand.X}..{brand.X + brand.Width})");
        }
        await page.GotoAsync("/staff/courses");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "staff-arabic-courses.png"), FullPage = true });

        // Back to Turkish from the Arabic interface.
        await page.GetByRole(AriaRole.Button, new() { Name = "Türkçe" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "ltr");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Kurslar", Level = 1 })).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task Arabic_user_text_is_right_aligned_and_Turkish_left_aligned_in_every_interface_language()
    {
        var page = await SignedInAdminAsync();
        await CourseAsync();
        const string edges = """
            e => { const r = document.createRange(); r.selectNodeContents(e); const t = r.getBoundingClientRect();
                   const td = e.closest('td'); const c = td.getBoundingClientRect(); const s = getComputedStyle(td);
                   return [t.left - c.left - parseFloat(s.paddingLeft), c.right - parseFloat(s.paddingRight) - t.right]; }
            """;
        foreach (var language in new[] { "Türkçe", "English", "العربية" })
        {
            await page.GotoAsync("/staff/courses");
            var button = page.GetByRole(AriaRole.Button, new() { Name = language });
            if (await button.CountAsync() > 0) await button.ClickAsync();
            var arabic = await page.Locator("#courses bdi[lang=ar]").First.EvaluateAsync<double[]>(edges);
            var turkish = await page.Locator("#courses bdi[lang=tr]").First.EvaluateAsync<double[]>(edges);
            Assert.True(arabic[1] < 2 && arabic[0] > 2, $"{language}: the Arabic title is not against the right edge ({arabic[0]}, {arabic[1]})");
            Assert.True(turkish[0] < 2 && turkish[1] > 2, $"{language}: the Turkish title is not against the left edge ({turkish[0]}, {turkish[1]})");
        }
    }

    [BrowserFact]
    public async Task No_page_is_wider_than_a_360_px_phone_in_Turkish_or_Arabic()
    {
        var page = await SignedInAdminAsync(new ViewportSize { Width = 360, Height = 740 });
        var pages = await EveryPageAsync(page);
        foreach (var language in new[] { "tr", "ar" })
        {
            if (language == "ar")
            {
                await page.GotoAsync("/staff");
                await page.GetByRole(AriaRole.Button, new() { Name = "العربية" }).ClickAsync();
                await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
            }
            var tooWide = new List<string>();
            foreach (var path in pages)
            {
                await page.GotoAsync(path);
                await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
                var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                if (width > 361)
                {
                    tooWide.Add($"{path} ({width} px)");
                    await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, $"too-wide-{language}-{tooWide.Count}.png"), FullPage = true });
                }
            }
            Assert.True(tooWide.Count == 0, $"{language}: wider than the phone: {string.Join(", ", tooWide)}");
        }
    }
}
