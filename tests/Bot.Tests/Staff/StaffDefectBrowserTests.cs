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
}
