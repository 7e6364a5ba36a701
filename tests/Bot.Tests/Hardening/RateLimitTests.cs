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
                message = new { message_id = update, date = 1764000000, chat = new { id = chat, type = "private" }, from = new { id = chat, is_bot = false, first_name = "A" }, text },
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
        Assert.Equal(6, statuses.Count(s => s == InboundStatus.Dropped));
        Assert.Equal(0, await db.Inbound.CountAsync(u => u.Status == InboundStatus.Dropped && u.Payload != null)); // nothing of a dropped message is kept
    }
}
