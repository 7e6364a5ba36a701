using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Bot.Web.Feedback;
using Bot.Web.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using Bot.Web.Access;

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
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("Kaydedildi."); // the action's page has come back
        await ReloadShowsThePageAsync(page, "Soru grubu #" + group.Split('/')[^1]);
        await Assertions.Expect(page.GetByLabel("Notlar")).ToHaveValueAsync("yarın aranacak");
        await page.GetByLabel("Arapça yanıt").FillAsync("المراكز لا تبيع تذاكر الطيران.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yanıtı gönder (1 kişi)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("Yanıt kaydedildi: 1 / 1 kişiye gönderiliyor (iletim sütununa bakın).");
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

    [BrowserFact]
    public async Task A_refused_form_keeps_what_was_typed_with_each_error_next_to_its_field_and_candidates_are_shown_by_title()
    {
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        await _host.SayAsync("web-tr", "Gaziantep'te kimlik kartımı kaybettim, yenisini nasıl alırım ve ne kadar sürer");
        var page = await SignInAsync("admin@example.org");
        await page.GotoAsync("/staff/queue");
        await page.Locator("#groups tbody tr a").First.ClickAsync();

        // The bot's candidates by title, and the top one preselected for teaching (not the first entry of the list).
        UnansweredQuestion item;
        await using (var db = await _host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync())
        {
            item = await db.Unanswered.SingleAsync();
        }
        var teachable = await page.Locator("#teach-entry option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        var candidates = QueueService.CandidatesOf(item).Where(c => teachable.Contains(c.Id)).ToList(); // answers that can be taught (not "out of scope")
        var cell = await page.Locator($"tr[data-item='{item.Id}'] td").Nth(5).InnerTextAsync();
        Assert.DoesNotMatch(new Regex(@"\b[a-z]+(?:-[a-z]+)+ \(0[.,]"), cell);
        if (candidates.Count > 0)
        {
            var top = candidates.OrderByDescending(c => c.Confidence).First().Id;
            await Assertions.Expect(page.Locator("#teach-entry")).ToHaveValueAsync(top);
            var title = await page.Locator($"#teach-entry option[value='{top}']").InnerTextAsync();
            Assert.Contains(title, cell, StringComparison.Ordinal);
        }
        else
        {
            await Assertions.Expect(page.Locator("#teach-entry")).ToHaveValueAsync("");
        }

        // A new answer with a bad id and no Arabic answer: refused, everything typed is still there, the section stays open.
        await page.GetByText("Yeni yanıt oluştur (iki dilde de zorunlu)").ClickAsync();
        await page.GetByLabel("Kimlik", new() { Exact = true }).FillAsync("Kimlik Kartı");
        await page.GetByLabel("Yeni yanıtın Türkçe başlığı").FillAsync("Kayıp kimlik kartı");
        await page.GetByLabel("Yeni yanıtın Arapça başlığı").FillAsync("فقدان بطاقة الكيمليك");
        await page.GetByLabel("Yeni yanıtın Türkçe metni").FillAsync("Nüfus müdürlüğüne kayıp başvurusu yapın.");
        await page.EvaluateAsync("() => document.getElementById('new-id').removeAttribute('pattern')"); // the server's check, not the browser's
        await page.GetByRole(AriaRole.Button, new() { Name = "Yanıtı oluştur" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-id-error")).ToContainTextAsync("Kimlik yalnızca küçük harf");
        await Assertions.Expect(page.Locator("#answer-ar-error")).ToHaveTextAsync("Her iki dilde de yanıt yazın (en çok 1600 karakter).");
        await Assertions.Expect(page.Locator("#answer-tr-error")).ToBeEmptyAsync();
        await Assertions.Expect(page.GetByLabel("Yeni yanıtın Türkçe başlığı")).ToBeVisibleAsync(); // still open
        await Assertions.Expect(page.GetByLabel("Kimlik", new() { Exact = true })).ToHaveValueAsync("Kimlik Kartı");
        await Assertions.Expect(page.GetByLabel("Yeni yanıtın Arapça başlığı")).ToHaveValueAsync("فقدان بطاقة الكيمليك");
        await Assertions.Expect(page.GetByLabel("Yeni yanıtın Türkçe metni")).ToHaveValueAsync("Nüfus müdürlüğüne kayıp başvurusu yapın.");
        await Assertions.Expect(page.Locator("main > p.error")).ToHaveCountAsync(0); // nothing at the top of the page

        // Dismissing without a reason: the error is beside the reason.
        await page.GetByRole(AriaRole.Button, new() { Name = "Kapat", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#dismiss-reason-error")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.GetByLabel("Kapatma gerekçesi")).ToHaveAttributeAsync("aria-invalid", "true");
    }

    [BrowserFact]
    public async Task A_staff_conversation_shows_the_persons_language_and_the_same_centre_to_the_admin_and_the_centres_staff()
    {
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        await _host.AccountAsync("antep@example.org", StaffRoles.Staff, "gaziantep");
        await _host.SayAsync("web-handover", "merhaba");
        await _host.SayAsync("web-handover", "menü");
        await _host.SayAsync("web-handover", value: "menu:staff");
        await _host.SayAsync("web-handover", "kira yardımı için biriyle konuşmak istiyorum");
        await _host.SayAsync("web-handover", "Gaziantep");
        await _host.SayAsync("web-handover", "ev sahibi beni çıkarmak istiyor");

        foreach (var email in new[] { "admin@example.org", "antep@example.org" })
        {
            var page = await SignInAsync(email);
            await page.GotoAsync("/staff/conversations");
            var row = page.Locator("#conversations tbody tr").First;
            await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("Gaziantep Toplum Merkezi");
            await row.GetByRole(AriaRole.Link).ClickAsync();
            await Assertions.Expect(page.Locator("#person dd[data-fact='language']")).ToHaveTextAsync("Türkçe");
            await Assertions.Expect(page.Locator("#person dd[data-fact='centre']")).ToHaveTextAsync("Gaziantep Toplum Merkezi");
            await Assertions.Expect(page.Locator("#person dd[data-fact='channel']")).ToHaveTextAsync("web sohbeti");
            await page.Context.CloseAsync();
        }
    }
}
