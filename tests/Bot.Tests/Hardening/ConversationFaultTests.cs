using System.Collections.Concurrent;
using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Web.Channels.Telegram;
using Bot.Web.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// The channel APIs failing while people are talking to the bot (and while a broadcast goes out): 5xx answers, 429
/// with retry-after, connections dropped before the answer, one user's call hanging. Every user gets each reply of
/// their conversation exactly once — the same replies a user gets when nothing fails — as the fake servers saw them.
/// </summary>
public sealed class ConversationFaultTests : ChannelFaultHost
{

    [Fact]
    public async Task Telegram_5xx_429_and_dropped_answers_mid_conversation_lose_no_reply_and_repeat_only_the_uncertain_ones()
    {
        var expected = await TelegramControlAsync(4000);
        FailTelegram(500, """{"ok":false,"error_code":500,"description":"Internal Server Error"}""");
        FailTelegram(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}""");
        FailTelegram(0, ""); // Telegram delivered it, the answer never came back (connection dropped)
        FailTelegram(502, """{"ok":false,"error_code":502,"description":"Bad Gateway"}""");
        FailTelegram(0, "");
        FailTelegram(503, """{"ok":false,"error_code":503,"description":"Service Unavailable"}""");
        long[] users = [4001, 4002, 4003, 4004, 4005];

        await Task.WhenAll(users.Select(chat => TelegramConversationAsync(chat, TelegramScript)));

        Assert.True(await Webhooks.WaitAsync(AllHandledAsync), "turns still running after 30 s");
        Assert.Empty(Telegram.Failures["sendMessage"]); // every fault was met by some reply
        // No reply lost. A reply whose answer never came back may have arrived or not: for a reply one more send is
        // better than silence, so exactly those two (the two dropped answers) arrive twice, nothing else.
        Assert.All(users, chat => Assert.Equal(expected, Collapse(Telegram.TextsTo(chat))));
        // (When the second drop meets the first one's repeat, that message arrives twice and is then taken as sent.)
        Assert.InRange(users.Sum(chat => Telegram.TextsTo(chat).Count - expected.Count), 1, 2);
    }

    [Fact]
    public async Task WhatsApp_5xx_429_and_dropped_connections_mid_conversation_lose_no_reply_and_send_none_twice()
    {
        var expected = await WhatsAppControlAsync("+905330000000");
        Twilio.Drops.Enqueue(true); // Twilio created the message, the answer never came back
        Twilio.Drops.Enqueue(false); // the connection dropped before Twilio created it
        Twilio.Failures.Enqueue((500, 20500));
        Twilio.Failures.Enqueue((429, 20429));
        Twilio.Failures.Enqueue((503, 20503));
        string[] users = ["+905330000001", "+905330000002", "+905330000003", "+905330000004"];

        await Task.WhenAll(users.Select(phone => WhatsAppConversationAsync(phone, WhatsAppScript)));

        Assert.True(await Webhooks.WaitAsync(AllHandledAsync), "turns still running after 30 s");
        Assert.Empty(Twilio.Drops);
        Assert.Empty(Twilio.Failures);
        Assert.All(users, phone => Assert.Equal(expected, Twilio.Delivered(phone).Select(m => m.Body ?? "").ToList()));
    }

    // The inbox once waited for a whole batch of updates before taking new ones, so one user's hanging Telegram call
    // (up to 30 s a try) held up every other user's reply; each sender now has its own queue.
    [Fact]
    public async Task One_users_hanging_channel_call_does_not_hold_up_the_other_users_replies()
    {
        var held = new Gate();
        held.Close();
        Telegram.HeldChats[4100] = held;
        try
        {
            await TelegramSaysAsync(4100, "/start");
            Assert.True(await Webhooks.WaitAsync(() => held.Waiting > 0, 15), "the held user's reply never reached Telegram");

            long[] others = [4101, 4102, 4103];
            foreach (var chat in others) await TelegramSaysAsync(chat, "/start");
            await WhatsAppSaysAsync("+905330000100", "merhaba");

            var answered = await Webhooks.WaitAsync(() => others.All(c => Telegram.TextsTo(c).Count > 0) && Twilio.Delivered("+905330000100").Count > 0, 20);
            Assert.Equal(1, held.Waiting); // still hanging: the others were answered meanwhile, not after it
            Assert.True(answered, "other users got no reply while one user's Telegram call was hanging");
        }
        finally
        {
            held.Open();
        }
        Assert.True(await Webhooks.WaitAsync(AllHandledAsync));
        Assert.Equal(Telegram.TextsTo(4101), Telegram.TextsTo(4100)); // the held user's turn went on, nothing twice
    }

    [Fact]
    public async Task A_broadcast_and_conversations_under_channel_faults_reach_everyone_exactly_once()
    {
        var expectedTelegram = await TelegramControlAsync(4200);
        var expectedWhatsApp = await WhatsAppControlAsync("+905330000200");
        const int telegramSubscribers = 40, whatsAppSubscribers = 20;
        for (var i = 0; i < telegramSubscribers; i++) await TelegramSubscriberAsync(60_000 + i);
        for (var i = 0; i < whatsAppSubscribers; i++) await WhatsAppSubscriberAsync($"+90534000{i:D4}");
        var course = await CourseAsync();
        FailTelegram(500, """{"ok":false,"error_code":500,"description":"Internal Server Error"}""");
        FailTelegram(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}""");
        FailTelegram(0, "");
        FailTelegram(502, """{"ok":false,"error_code":502,"description":"Bad Gateway"}""");
        FailTelegram(0, "");
        Twilio.Drops.Enqueue(true);
        Twilio.Drops.Enqueue(false);
        Twilio.Failures.Enqueue((500, 20500));
        Twilio.Failures.Enqueue((429, 20429));

        var announcement = await AnnounceAsync(course);
        long[] talkers = [4201, 4202, 4203];
        string[] phones = ["+905330000201", "+905330000202"];
        await Task.WhenAll(talkers.Select(c => TelegramConversationAsync(c, TelegramScript))
            .Concat(phones.Select(p => WhatsAppConversationAsync(p, WhatsAppScript))));

        var rows = await WaitForRowsAsync(announcement.Id, Settled, seconds: 40);
        Assert.True(await Webhooks.WaitAsync(AllHandledAsync));
        Assert.Equal(telegramSubscribers + whatsAppSubscribers, rows.Count);
        Assert.All(rows, r => Assert.True(Settled(r), $"row {r.Id} still {r.Status}"));
        // The broadcast: every subscriber exactly once (a Telegram send whose answer was lost arrived and is not resent:
        // its row is ambiguous; a WhatsApp one is looked up in Twilio's log and recorded as sent).
        var telegram = Telegram.Received.Where(c => c >= 60_000).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(telegramSubscribers, telegram.Count);
        Assert.All(telegram, c => Assert.Equal(1, c.Value));
        Assert.All(rows.Where(r => r.Channel == TelegramAdapter.ChannelId), r => Assert.Contains(r.Status, new[] { OutboxStatus.Sent, OutboxStatus.Ambiguous }));
        var whatsApp = Twilio.Delivered().Where(m => m.Fields["To"].StartsWith("whatsapp:+90534", StringComparison.Ordinal)).GroupBy(m => m.Fields["To"]).ToList();
        Assert.Equal(whatsAppSubscribers, whatsApp.Count);
        Assert.All(whatsApp, g => Assert.Single(g));
        Assert.All(rows.Where(r => r.Channel != TelegramAdapter.ChannelId), r => Assert.Equal(OutboxStatus.Sent, r.Status));
        // The conversations at the same time: every reply, each once — except a Telegram reply whose answer was lost
        // (one of the two drops, if a reply met it), which is sent once more.
        Assert.All(talkers, chat => Assert.Equal(expectedTelegram, Collapse(Telegram.TextsTo(chat))));
        Assert.True(talkers.Sum(chat => Telegram.TextsTo(chat).Count - expectedTelegram.Count) <= 2);
        Assert.All(phones, phone => Assert.Equal(expectedWhatsApp, Twilio.Delivered(phone).Select(m => m.Body ?? "").ToList()));
    }

    /// <summary>
    /// A Bot API that drops every tenth connection after reading the request (nothing delivered; the app cannot know),
    /// under 25 conversations and a broadcast to 40 subscribers at once: every user gets every reply (a reply of unknown
    /// outcome is sent once more), and every announcement is sent or reported as uncertain (counted in the progress
    /// staff see, and logged) — never sent twice, never lost silently.
    /// </summary>
    [Fact]
    public async Task A_Bot_API_dropping_every_tenth_connection_loses_no_reply_and_reports_every_uncertain_announcement()
    {
        var expected = await TelegramControlAsync(4300);
        const int subscribers = 40;
        for (var i = 0; i < subscribers; i++) await TelegramSubscriberAsync(61_000 + i);
        var course = await CourseAsync();
        Telegram.DropEvery = 10;
        var before = Telegram.Dropped;

        var announcement = await AnnounceAsync(course);
        var users = Enumerable.Range(0, 25).Select(i => 4400L + i).ToList();
        await Task.WhenAll(users.Select(chat => TelegramConversationAsync(chat, TelegramScript)));

        var rows = await WaitForRowsAsync(announcement.Id, Settled, seconds: 60);
        Assert.True(await Webhooks.WaitAsync(AllHandledAsync, 60));
        Telegram.DropEvery = null;
        Assert.True(Telegram.Dropped - before >= 5, $"only {Telegram.Dropped - before} connections were dropped");

        Assert.All(users, chat => Assert.Equal(expected, Collapse(Telegram.TextsTo(chat))));
        var repeatedReplies = users.Sum(chat => Telegram.TextsTo(chat).Count - expected.Count);

        var received = Telegram.Received.Where(c => c >= 61_000).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(received, c => Assert.Equal(1, c.Value)); // never twice
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { OutboxStatus.Sent, OutboxStatus.Ambiguous }));
        var uncertain = rows.Count(r => r.Status == OutboxStatus.Ambiguous);
        Assert.Equal(subscribers - uncertain, received.Count); // every row sent arrived; the others are reported
        var progress = await Host.Services.GetRequiredService<OutboxStore>()
            .ProgressAsync(Bot.Web.Announcements.Announcement.OutboxKind, [announcement.Id], CancellationToken.None);
        Assert.Equal(uncertain, progress[announcement.Id].Ambiguous); // what staff see
        // Every dropped connection is accounted for: a reply of unknown outcome (sent once more, or — dropped again —
        // taken as sent; each logged), or an announcement reported uncertain.
        var uncertainReplies = Logs.Entries.Count(e => e.Message.Contains("reply's outcome is unknown", StringComparison.Ordinal));
        Assert.Equal(Telegram.Dropped - before, uncertainReplies + uncertain);
        Assert.True(repeatedReplies <= uncertainReplies);
        Assert.Equal(uncertain, Logs.Entries.Count(e => e.Message.Contains("may or may not have arrived", StringComparison.Ordinal)));
    }

    /// <summary>The texts without a message repeated right after itself (a send whose answer was lost, sent once more).</summary>
    private static List<string> Collapse(IReadOnlyList<string> texts) => texts.Where((t, i) => i == 0 || texts[i - 1] != t).ToList();
}
