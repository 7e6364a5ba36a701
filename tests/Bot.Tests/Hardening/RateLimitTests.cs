using System.Net;
using System.Net.Http.Json;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>A spammer cannot starve others: per-sender and per-address limits, over real HTTP.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_web_chat_user_over_the_rate_gets_429_while_another_user_is_still_answered()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?>
        {
            ["RateLimits:MessagesPerSenderPerMinute"] = "6", ["RateLimits:SenderBurst"] = "3",
        });
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Client.PostAsJsonAsync("/api/webchat/messages", new { userId = BotHost.WebChatId("spammer"), text = "merhaba " + i });
            codes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Contains("Too many messages", await response.Content.ReadAsStringAsync());
            }
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        Assert.NotEmpty(await host.SayAsync("someone-else", "merhaba"));
    }

    /// <summary>The limits as shipped (not the tests' loose ones): the per-address cap must not be what stops a flooder.</summary>
    private static Dictionary<string, string?> ShippedLimits()
    {
        var shipped = new Bot.Web.Operations.RateLimitOptions();
        return new Dictionary<string, string?>
        {
            ["RateLimits:MessagesPerSenderPerMinute"] = shipped.MessagesPerSenderPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits:SenderBurst"] = shipped.SenderBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits:WebChatPerUserPerMinute"] = shipped.WebChatPerUserPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits:WebChatPerIpPerMinute"] = shipped.WebChatPerIpPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    [Fact]
    public async Task A_web_chat_user_flooding_is_refused_alone_and_others_behind_the_same_address_are_still_answered()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: ShippedLimits());
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 160; i++)
        {
            using var response = await host.Client.PostAsJsonAsync("/api/webchat/messages", new { userId = BotHost.WebChatId("flooder"), text = "merhaba " + i });
            codes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After {response.Headers.RetryAfter}");
            }
        }
        Assert.InRange(codes.Count(c => c == HttpStatusCode.OK), 10, 40); // the burst, and what refilled meanwhile (5 every 10 s)
        Assert.Equal(160, codes.Count(c => c is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        // Everyone else at the same address (a community centre's wifi): answered, and their page's checks too.
        for (var user = 0; user < 5; user++) Assert.NotEmpty(await host.SayAsync("neighbour-" + user, "merhaba"));
        using var poll = await host.Client.GetAsync("/api/webchat/messages?userId=" + BotHost.WebChatId("neighbour-0"));
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
    }

    [Fact]
    public async Task A_web_chat_user_over_the_per_user_request_limit_gets_429_and_another_user_does_not()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?> { ["RateLimits:WebChatPerUserPerMinute"] = "4" });
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await host.Client.GetAsync("/api/webchat/messages?userId=" + BotHost.WebChatId("checker"));
            codes.Add(response.StatusCode);
            if (i == 5) Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 });
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        using var other = await host.Client.GetAsync("/api/webchat/messages?userId=" + BotHost.WebChatId("someone-else"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.NotEmpty(await host.SayAsync("someone-else", "merhaba"));
    }

    [Fact]
    public async Task The_chat_page_tells_a_person_who_writes_too_fast_in_their_language()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path);
        var page = await host.Client.GetStringAsync("/chat");
        var texts = host.Services.GetRequiredService<Bot.Web.Localization.BotContent>().Texts;
        foreach (var language in Bot.Web.Localization.Language.All)
        {
            Assert.Contains(System.Text.Json.JsonSerializer.Serialize(texts.Get(language, Bot.Web.Localization.TextKeys.WebChatSlowDown)), page, StringComparison.Ordinal);
        }
        Assert.Contains("response.status === 429", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_address_over_the_web_chat_limit_gets_429_with_retry_after()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?> { ["RateLimits:WebChatPerIpPerMinute"] = "4" });
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await host.Client.GetAsync("/api/webchat/messages?userId=" + BotHost.WebChatId($"user-{i}"));
            codes.Add(response.StatusCode);
            if (i == 5) Assert.Equal("60", response.Headers.RetryAfter?.ToString());
        }
        Assert.Equal(4, codes.Count(c => c == HttpStatusCode.OK));
        Assert.Equal(2, codes.Count(c => c == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?> { ["RateLimits:SignInPerIpPerMinute"] = "3" });
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) codes.Add((await host.Client.GetAsync("/staff/login")).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
    }

    [Fact]
    public async Task A_Telegram_sender_flooding_the_webhook_is_answered_for_the_allowed_messages_only_and_others_are_not_delayed()
    {
        await using var api = await FakeTelegramApi.StartAsync();
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = FakeTelegramApi.Token, ["Telegram:WebhookSecret"] = "s", ["Telegram:ApiBaseUrl"] = api.BaseUrl,
            ["RateLimits:MessagesPerSenderPerMinute"] = "6", ["RateLimits:SenderBurst"] = "2",
        });
        async Task PostAsync(int update, long chat, string text)
        {
            var body = System.Text.Json.JsonSerializer.Serialize(new
            {
                update_id = update,
                message = new { message_id = update, date = Webhooks.Now, chat = new { id = chat, type = "private" }, from = new { id = chat, is_bot = false, first_name = "A" }, text },
            });
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", "s");
            Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(request)).StatusCode); // 200 even when dropped: Telegram must not redeliver
        }
        for (var i = 0; i < 8; i++) await PostAsync(100 + i, 555, "merhaba " + i);
        await PostAsync(200, 777, "merhaba");
        await api.WaitForAsync(a => a.Sent("sendMessage", 777).Count > 0);

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var statuses = await db.Inbound.Where(u => u.ExternalId.StartsWith("10")).Select(u => u.Status).ToListAsync();
        Assert.Equal(8, statuses.Count);
        Assert.Equal(5, statuses.Count(s => s == InboundStatus.Dropped)); // the sixth over the limit: kept for the notice to slow down
        var notice = host.Services.GetRequiredService<Bot.Web.Localization.BotContent>().Texts.Get(Bot.Web.Localization.Language.Turkish, Bot.Web.Localization.TextKeys.FloodSlowDown);
        await api.WaitForAsync(a => a.Sent("sendMessage", 555).Any(m => m.GetProperty("text").GetString() == notice));
        Assert.Equal(0, await db.Inbound.CountAsync(u => u.Status == InboundStatus.Dropped && u.Payload != null)); // nothing of a dropped message is kept
    }
}
