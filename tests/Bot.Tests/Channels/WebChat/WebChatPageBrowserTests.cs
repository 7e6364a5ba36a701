using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Bot.Tests.Channels.WebChat;

/// <summary>The web chat page in Chromium: it makes its own secret id (128 random bits) and talks under its security headers.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebChatPageBrowserTests(Browser browser) : IAsyncLifetime
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
    public async Task The_page_makes_a_random_id_replacing_a_guessable_one_and_is_answered()
    {
        var page = await browser.NewPageAsync(_host.BaseAddress);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        await page.GotoAsync("/chat");
        // An id an older page made with Math.random: guessable, so replaced.
        await page.EvaluateAsync("localStorage.setItem('seg-chat-user', 'web-12345678901234567891700000000000')");
        await page.ReloadAsync();
        await page.Locator("#text").FillAsync("merhaba");
        await page.Locator("#send").ClickAsync();
        await Assertions.Expect(page.Locator(".msg.bot").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator(".error").CountAsync());

        var id = await page.EvaluateAsync<string>("localStorage.getItem('seg-chat-user')");
        Assert.Matches(new Regex("^w-[A-Za-z0-9_-]{22}$"), id);
        var userId = await _host.Services.GetRequiredService<UserDirectory>().IdOfAsync("webchat", id);
        await using var db = await _host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        Assert.True(await db.BotUsers.AnyAsync(u => u.Id == userId), "the page's id is the one the server knows the person by");

        // Another browser gets another id.
        var other = await browser.NewPageAsync(_host.BaseAddress);
        await other.GotoAsync("/chat");
        await other.Locator("#text").FillAsync("merhaba");
        await other.Locator("#send").ClickAsync();
        await Assertions.Expect(other.Locator(".msg.bot").First).ToBeVisibleAsync();
        Assert.NotEqual(id, await other.EvaluateAsync<string>("localStorage.getItem('seg-chat-user')"));
        Assert.Empty(violations);
    }
}
