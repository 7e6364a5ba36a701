using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Bot.Web.Feedback;
using Bot.Web.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Bot.Tests.Staff;

/// <summary>Defects found by walking the staff journeys in Chromium (issue #21), each reproduced in the browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffDefectBrowserTests(Browser browser) : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path, new LogSink());

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    private async Task<IPage> SignInAsync(string email)
    {
        var page = await browser.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync("/staff/login");
        await page.GetByLabel("E-posta").FillAsync(email);
        await page.GetByLabel("Parola").FillAsync(StaffTestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Giriş yap" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/staff$"));
        return page;
    }

    [BrowserFact]
    public async Task The_reports_CSV_download_arrives_whole_in_the_browser()
    {
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        await _host.SayAsync("web-ar", "كيف أشتري تذكرة طيران إلى ألمانيا من عنتاب");
        await using (var db = await _host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync())
        {
            // Enough rows that the file is sent in several parts (the response starts before the handler ends).
            for (var i = 0; i < 2000; i++)
            {
                db.Unanswered.Add(new UnansweredQuestion
                {
                    UserId = $"user-{i}", Channel = "webchat", Language = "tr", Reason = QueueReason.Abstained, CentreId = "adana",
                    Text = $"Soru numarası {i}: çalışma izni başvurusu ne kadar sürer, belgeler nereye verilir?", CreatedAt = DateTimeOffset.UtcNow,
                });
            }
            await db.SaveChangesAsync();
        }
        var person = await _host.PersonAsync("whatsapp", "whatsapp:+905321234534", "adana");
        var page = await SignInAsync("admin@example.org");
        // A form action before the download (showing a full address without a reason: refused).
        await page.GotoAsync("/staff/people");
        await page.Locator($"tr[data-person='{person}']").GetByRole(AriaRole.Button, new() { Name = "Göster" }).ClickAsync();
        await page.GotoAsync("/staff/reports");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#csv").ClickAsync());
        Assert.Null(await download.FailureAsync());
        Assert.Equal("queue-items.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2002, lines.Length); // the header and every question
        Assert.Contains("تذكرة طيران", lines[1], StringComparison.Ordinal);
        Assert.Contains("Soru numarası 1999:", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    /// <summary>Reloads the page after a form action: the address carries no handler and the page itself comes back.</summary>
    private static async Task ReloadShowsThePageAsync(IPage page, string heading)
    {
        Assert.DoesNotContain("handler=", page.Url, StringComparison.OrdinalIgnoreCase);
        var reloaded = await page.ReloadAsync();
        Assert.Equal(200, reloaded!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task After_every_form_action_the_page_can_be_reloaded_and_unknown_pages_are_pages_in_the_staff_language()
    {
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        await _host.SayAsync("web-ar", "كيف أشتري تذكرة طيران إلى ألمانيا من عنتاب");
        var person = await _host.PersonAsync("whatsapp", "whatsapp:+905321234534", "adana");
        var page = await SignInAsync("admin@example.org");

        await page.GotoAsync("/staff/queue");
        await page.Locator("#groups tbody tr a").First.ClickAsync();
        var group = page.Url;
        await page.Locator("#fix-type").SelectOptionAsync("suggestion");
        await page.Locator("form:has(#fix-type) button").ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("Kaydedildi.");
        await ReloadShowsThePageAsync(page, "Soru grubu #" + group.Split('/')[^1]);
        await Assertions.Expect(page.Locator("#result")).ToHaveCountAsync(0); // the notice is shown once
        await page.GetByLabel("Notlar").FillAsync("yarın aranacak");
        await page.Locator("form:has(#note) button").ClickAsync();
        await ReloadShowsThePageAsync(page, "Soru grubu #" + group.Split('/')[^1]);
        await Assertions.Expect(page.GetByLabel("Notlar")).ToHaveValueAsync("yarın aranacak");
        await page.GetByLabel("Arapça yanıt").FillAsync("المراكز لا تبيع تذاكر الطيران.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yanıtı gönder (1 kişi)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("Yanıt gönderildi: 1 / 1 kişiye iletildi.");
        await ReloadShowsThePageAsync(page, "Soru grubu #" + group.Split('/')[^1]);

        // An address that a form action used to leave behind, opened again: the page, not a raw 404.
        var stale = await page.GotoAsync(group + "?handler=Answer");
        Assert.Equal(200, stale!.Status);
        Assert.DoesNotContain("handler=", page.Url, StringComparison.OrdinalIgnoreCase);

        await page.GotoAsync("/staff/people");
        var row = page.Locator($"tr[data-person='{person}']");
        await row.GetByLabel("Gerekçe").FillAsync("geri arama");
        await row.GetByRole(AriaRole.Button, new() { Name = "Göster" }).ClickAsync();
        await Assertions.Expect(page.Locator("#revealed")).ToContainTextAsync("whatsapp:+905321234534");
        await ReloadShowsThePageAsync(page, "Kişiler");
        await Assertions.Expect(page.Locator("#revealed")).ToHaveCountAsync(0); // shown once; another look needs another reason

        await page.GotoAsync("/staff/admin/keys");
        await page.GetByLabel("Ad", new() { Exact = true }).FillAsync("rapor robotu");
        await page.Locator("#Role").SelectOptionAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Anahtar oluştur" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key")).ToContainTextAsync("seg_");
        await ReloadShowsThePageAsync(page, "API anahtarları");
        await Assertions.Expect(page.Locator("#api-key")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#keys tbody tr")).ToHaveCountAsync(1); // the reload made no second key
        await page.GetByRole(AriaRole.Button, new() { Name = "İptal et" }).ClickAsync();
        await ReloadShowsThePageAsync(page, "API anahtarları");

        await page.GotoAsync("/staff/admin/users");
        await page.GetByLabel("E-posta").FillAsync("adana@example.org");
        await page.Locator("#new-centres").SelectOptionAsync("adana");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hesap oluştur" }).ClickAsync();
        await Assertions.Expect(page.Locator("#one-time-password")).ToHaveTextAsync(new Regex("^.{16}$"));
        await ReloadShowsThePageAsync(page, "Personel hesapları");
        await Assertions.Expect(page.Locator("#one-time-password")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("tr[data-account='adana@example.org'] td").Nth(2)).ToHaveTextAsync("Merkez personeli");

        // Not found: a page in the staff member's language with the status, never JSON.
        foreach (var missing in new[] { "/staff/queue/999999", "/staff/no-such-page", "/staff/announcements/999999" })
        {
            var response = await page.GotoAsync(missing);
            Assert.Equal(404, response!.Status);
            Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sayfa bulunamadı", Level = 1 })).ToBeVisibleAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 })).ToBeVisibleAsync();
    }
}
