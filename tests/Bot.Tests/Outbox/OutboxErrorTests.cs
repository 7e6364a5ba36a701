using System.Collections.Concurrent;
using Bot.Web.Outbox;
using Bot.Web.Privacy;
using Xunit;

namespace Bot.Tests.Outbox;

/// <summary>Each error class of each channel, and the outbox state the row ends in (one subscriber, one announcement).</summary>
public sealed class OutboxErrorTests : OutboxTestHost
{
    private const long Chat = 7100;
    private const string Phone = "+905320001100";

    public static TheoryData<string, int, string, OutboxStatus, string?, int> TelegramRows => new()
    {
        // row, HTTP status of the first sendMessage (0: the answer is lost after Telegram sent it), its body, final status, error, messages the user got
        { "blocked the bot", 403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""", OutboxStatus.Failed, "blocked", 0 },
        { "chat not found", 400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""", OutboxStatus.Failed, "chat-not-found", 0 },
        { "refused content", 400, """{"ok":false,"error_code":400,"description":"Bad Request: message is too long"}""", OutboxStatus.Failed, "rejected-400", 0 },
        { "flood control", 429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}""", OutboxStatus.Sent, null, 1 },
        { "server error", 502, """{"ok":false,"error_code":502,"description":"Bad Gateway"}""", OutboxStatus.Sent, null, 1 },
        { "answer lost", 0, "", OutboxStatus.Ambiguous, "no-answer", 1 },
    };

    [Theory]
    [MemberData(nameof(TelegramRows))]
    public async Task Telegram_errors_end_each_row_in_its_state(string row, int status, string body, OutboxStatus expected, string? error, int received)
    {
        var user = await TelegramSubscriberAsync(Chat);
        Telegram.Failures.GetOrAdd("sendMessage", _ => new ConcurrentQueue<(int, string)>()).Enqueue((status, body));
        var announcement = await AnnounceAsync(await CourseAsync());

        var sent = Assert.Single(await WaitForRowsAsync(announcement.Id, Settled));
        await Task.Delay(300); // deliberate: the row is final (waited for above); a window for a wrong extra send to show
        Assert.True(expected == sent.Status, $"{row}: {sent.Status} ({sent.Error})");
        Assert.Equal(error, sent.Error);
        Assert.Equal(received, Telegram.Received.Count(c => c == Chat));
        Assert.Equal(status is 403 or 400 && error != "rejected-400", (await Service<UserDirectory>().ContactAsync(user))!.UnreachableSince is not null);
    }

    public static TheoryData<string, int, int, OutboxStatus, string?> WhatsAppRows => new()
    {
        // row, HTTP status and Twilio code of the first send, final status, error
        { "opted out (21610)", 400, 21610, OutboxStatus.Failed, "opted-out" },
        { "blocked the business (63014)", 400, 63014, OutboxStatus.Failed, "opted-out" },
        { "not on WhatsApp (63003)", 400, 63003, OutboxStatus.Failed, "unreachable" },
        { "body refused (21617)", 400, 21617, OutboxStatus.Failed, "rejected-21617" },
        { "too many requests (429)", 429, 20429, OutboxStatus.Sent, null },
        { "sender rate (63018)", 400, 63018, OutboxStatus.Sent, null },
        { "server error", 500, 20500, OutboxStatus.Sent, null },
    };

    [Theory]
    [MemberData(nameof(WhatsAppRows))]
    public async Task WhatsApp_errors_end_each_row_in_its_state(string row, int status, int code, OutboxStatus expected, string? error)
    {
        var user = await WhatsAppSubscriberAsync(Phone);
        Twilio.Failures.Enqueue((status, code));
        var announcement = await AnnounceAsync(await CourseAsync());

        var sent = Assert.Single(await WaitForRowsAsync(announcement.Id, Settled));
        await Task.Delay(300); // deliberate: the row is final (waited for above); a window for a wrong extra send to show
        Assert.True(expected == sent.Status, $"{row}: {sent.Status} ({sent.Error})");
        Assert.Equal(error, sent.Error);
        Assert.Equal(expected == OutboxStatus.Sent ? 1 : 0, Twilio.Delivered(Phone).Count);
        var contact = (await Service<UserDirectory>().ContactAsync(user))!;
        Assert.Equal(error == "opted-out", contact.AnnouncementsStoppedAt is not null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_WhatsApp_send_whose_answer_is_lost_is_looked_up_in_Twilio_and_never_sent_twice(bool twilioCreatedIt)
    {
        await WhatsAppSubscriberAsync(Phone);
        Twilio.Drops.Enqueue(twilioCreatedIt);
        var announcement = await AnnounceAsync(await CourseAsync());

        var sent = Assert.Single(await WaitForRowsAsync(announcement.Id, r => r.Status == OutboxStatus.Sent));
        await Task.Delay(300); // deliberate: the row is final (waited for above); a window for a second send to show
        var delivered = Assert.Single(Twilio.Delivered(Phone)); // exactly once either way
        Assert.Equal(delivered.Sid, sent.ProviderMessageId);
        Assert.True(Twilio.Lookups >= 1);
        Assert.Equal(twilioCreatedIt ? 1 : 2, sent.Attempts); // found: not sent again; not found: sent again, once
    }

    [Fact]
    public async Task A_channel_that_cannot_be_reached_is_retried_with_backoff_then_given_up()
    {
        await Host.DisposeAsync();
        Settings["Telegram:ApiBaseUrl"] = "http://127.0.0.1:9"; // nothing listens: the request never leaves
        Settings["Telegram:MaxSendAttempts"] = "1";
        Settings["Outbox:MaxAttempts"] = "3";
        Host = await StartWithAsync(ChannelSettings(Telegram, Twilio, Settings));
        await TelegramSubscriberAsync(Chat);
        var announcement = await AnnounceAsync(await CourseAsync());

        var row = Assert.Single(await WaitForRowsAsync(announcement.Id, Settled));
        Assert.Equal((OutboxStatus.Failed, "gave-up:connection", 3), (row.Status, row.Error, row.Attempts));
    }

    [Fact]
    public async Task Over_the_daily_budget_a_WhatsApp_template_waits_for_the_budget_to_free_up()
    {
        await Host.DisposeAsync();
        Settings["Twilio:DailyBusinessInitiatedLimit"] = "1";
        Host = await StartWithAsync(ChannelSettings(Telegram, Twilio, Settings));
        await WhatsAppSubscriberAsync("+905320001101", lastWrote: TimeSpan.FromDays(2));
        await WhatsAppSubscriberAsync("+905320001102", lastWrote: TimeSpan.FromDays(2));
        var announcement = await AnnounceAsync(await CourseAsync());

        var rows = await WaitForRowsAsync(announcement.Id, r => r.Status == OutboxStatus.Sent || r.Error == "budget");
        Assert.Single(rows, r => r.Status == OutboxStatus.Sent);
        var waiting = Assert.Single(rows, r => r.Status == OutboxStatus.Pending);
        Assert.Equal(0, waiting.Attempts); // not an attempt: Twilio was never called for it
        Assert.InRange(waiting.NextAttemptAt, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(24.1));
        Assert.Single(Twilio.Messages);
    }
}
