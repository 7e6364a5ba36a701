using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Tests.Staff;
using Bot.Web.Staff;
using Microsoft.Playwright;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Feedback;

/// <summary>The answer flow in Chromium: a centre's staff member finds the grouped question, answers it in both languages, and the askers get it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class QueueBrowserTests(Browser browser) : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    [BrowserFact]
    public async Task A_centre_staff_member_answers_a_Turkish_and_Arabic_group_and_both_web_chat_askers_receive_it()
    {
        await _host.AccountAsync("antep@example.org", StaffRoles.Staff, "gaziantep");
        await _host.SayAsync("web-tr", "Almanyaya ucak bileti nasil alabilirim, gaziantepten");
        await _host.SayAsync("web-ar", "كيف بقدر احجز تذكرة طيران لالمانيا من عنتاب");

        var page = await browser.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync("/staff/login");
        await page.GetByLabel("E-posta").FillAsync("antep@example.org");
        await page.GetByLabel("Parola").FillAsync(StaffTestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Giriş yap" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Soru kuyruğu" }).ClickAsync();
        var row = page.Locator("#groups tbody tr").Filter(new() { HasText = "ucak bileti" });
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("2");
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator("#items tbody tr")).ToHaveCountAsync(2);
        var arabic = page.Locator("#items bdi[lang=ar]");
        Assert.Equal("rtl", await arabic.EvaluateAsync<string>("e => getComputedStyle(e).direction"));

        // Only the Turkish answer: the Arabic asker would get nothing, so it is refused beside the Arabic field.
        await page.GetByLabel("Türkçe yanıt").FillAsync("Merkezlerimiz bilet satmaz; havayolu şirketlerine başvurun.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yanıtı gönder (2 kişi)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#text-ar-error")).ToContainTextAsync("Bu dildeki yanıtı yazın");
        await page.GetByLabel("Arapça yanıt").FillAsync("المراكز لا تبيع تذاكر؛ تواصل مع شركات الطيران.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yanıtı gönder (2 kişi)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("Yanıt kaydedildi: 2 / 2 kişiye gönderiliyor (iletim sütununa bakın).");
        await Assertions.Expect(page.Locator("#items tbody tr td[data-label='Durum']").First).ToHaveTextAsync("Yanıtlandı");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "staff-queue-answered.png"), FullPage = true });
        // The answers go out through the outbox: in each web chat's mailbox until the page asks ("waiting"), then
        // "delivered" — what the staff member sees on reloading the group.
        var deliveries = page.Locator("#items tbody tr td[data-label='İletim']");
        var groupPage = new Uri(page.Url).GetLeftPart(UriPartial.Path);
        async Task<bool> Shows(string a, string b)
        {
            await page.GotoAsync(groupPage);
            return (await deliveries.AllInnerTextsAsync()).SequenceEqual([a, b]);
        }
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(() => Shows("Kişinin sohbeti açması bekleniyor", "Kişinin sohbeti açması bekleniyor")));

        var ar = await _host.Client.GetFromJsonAsync<JsonElement>("/api/webchat/messages?userId=" + BotHost.WebChatId("web-ar"));
        Assert.Contains("المراكز لا تبيع تذاكر", ar.GetProperty("replies")[0].GetProperty("text").GetString());
        Assert.Equal("rtl", ar.GetProperty("replies")[0].GetProperty("direction").GetString());
        var tr = await _host.SayAsync("web-tr", "teşekkürler");
        Assert.Contains("bilet satmaz", tr[0].Text); // waiting answers come first in the next reply
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(() => Shows("İletildi", "İletildi")));
    }
}
