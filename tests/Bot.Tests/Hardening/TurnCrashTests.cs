using System.Net;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Web.Data;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// The app killed with SIGKILL while users' turns are running (their replies in flight at the channel) and others'
/// messages are accepted but not yet processed, then started again: every accepted message gets its complete replies,
/// each once (only the send in flight at the kill may arrive twice); Telegram and Twilio then redeliver what they had
/// posted (the same update_id, the same MessageSid), as they do when an answer is lost, and get no second reply.
/// </summary>
public sealed class TurnCrashTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private FakeTelegramApi _telegram = null!;
    private FakeTwilioApi _twilio = null!;
    private long _update = 800_000;
    private int _sid = 800_000;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegramApi.StartAsync();
        _twilio = await FakeTwilioApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _telegram.DisposeAsync();
        await _twilio.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Turns_cut_by_a_kill_are_run_again_after_the_restart_and_every_user_gets_every_reply_once()
    {
        var run = await KillMidTurnsAsync();

        await using var second = await AppProcess.StartAsync(Settings(), Repo.Root);
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        // Every message accepted before the kill gets its complete replies: the cut turns are run again (their state
        // was not saved, so they say the same things), the messages waiting behind them follow.
        var telegramExpected = run.ExpectedTelegram.Concat(run.ExpectedAnswer).ToList();
        var whatsAppExpected = run.ExpectedWhatsApp.Concat(run.ExpectedWhatsAppAnswer).ToList();
        Assert.True(await Webhooks.WaitAsync(() => run.Telegram.All(u => Distinct(TelegramSince(run, u.Chat)).Count >= telegramExpected.Count)
            && run.WhatsApp.All(u => Distinct(WhatsAppSince(run, u.Phone)).Count >= whatsAppExpected.Count)),
            "messages accepted before the kill were not all answered after the restart");

        // Telegram and Twilio redeliver everything they had posted: accepted, and not answered a second time.
        foreach (var user in run.Telegram)
        {
            foreach (var body in user.Bodies) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, body));
        }
        foreach (var user in run.WhatsApp)
        {
            foreach (var form in user.Forms) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(client, form));
        }
        // A new user's message after the redeliveries: once it is answered, anything the redeliveries started would have been too.
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, 4599, "/start")));
        Assert.True(await Webhooks.WaitAsync(() => _telegram.TextsTo(4599).Count >= run.ExpectedTelegram.Count));
        // And no turn is waiting or running: a redelivery that had been taken for a new update would be a row of the
        // inbox (counted below), and its replies would be out once its turn is over (the outbox is off: a turn sends its own).
        Assert.True(await Webhooks.TurnsOverAsync(_data.Path, rows: (2 * (run.Telegram.Count + run.WhatsApp.Count)) + 5), "turns still running after the redeliveries");

        // Each reply once; the only repeat allowed is the message that was in flight at the kill (its outcome was unknown).
        foreach (var user in run.Telegram)
        {
            var got = TelegramSince(run, user.Chat);
            Assert.Equal(telegramExpected, Distinct(got));
            Assert.True(got.Count <= telegramExpected.Count + 1, $"more than the one uncertain reply repeated: {string.Join(" | ", got)}");
        }
        foreach (var user in run.WhatsApp)
        {
            var got = WhatsAppSince(run, user.Phone);
            Assert.Equal(whatsAppExpected, Distinct(got));
            Assert.True(got.Count <= whatsAppExpected.Count + 1, $"more than the one uncertain reply repeated: {string.Join(" | ", got)}");
        }
        var rows = await Webhooks.InboxAsync(_data.Path);
        var users = run.Telegram.Count + run.WhatsApp.Count;
        Assert.Equal((2 * users) + 5, rows.Count); // each update stored once (two per user, the 4 control updates and the new user)
        Assert.All(rows, r => Assert.Equal(InboundStatus.Handled, r.Status));
        Assert.All(rows, r => Assert.Null(r.Payload));
    }

    /// <summary>
    /// A burst from 100 Telegram users (two messages each), SIGKILL in the middle of it — some turns done, some cut
    /// between their replies, some not started — then a restart: every user has their complete replies, and a reply
    /// arrived twice only where its send was in flight at the kill (at most one per user).
    /// </summary>
    [Fact]
    public async Task A_burst_from_100_users_killed_midway_ends_with_every_user_having_every_reply()
    {
        _telegram.Delays["sendMessage"] = TimeSpan.FromMilliseconds(40); // turns take a while: many are in flight at the kill
        List<string> expected;
        const long control = 4700;
        long[] chats = Enumerable.Range(0, 100).Select(i => 4800L + i).ToArray();
        await using (var first = await AppProcess.StartAsync(Settings(), Repo.Root))
        {
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, control, "/start")));
            Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, control, Question)));
            // Handled: the turns are over, and with the outbox off a turn sends its own replies, so all of them are out.
            Assert.True(await Webhooks.WaitAsync(async () => (await Webhooks.InboxAsync(_data.Path)).All(u => u.Status == InboundStatus.Handled)));
            expected = [.. _telegram.TextsTo(control)];
            Assert.True(expected.Count >= 3);

            // The burst: both messages of every user accepted, then the kill once about a third of the replies are out.
            var posts = chats.SelectMany(chat => new[] { (chat, "/start"), (chat, Question) }).ToList();
            foreach (var (chat, text) in posts) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, chat, text)));
            var total = chats.Length * expected.Count;
            Assert.True(await Webhooks.WaitAsync(() => chats.Sum(c => _telegram.TextsTo(c).Count) >= total / 3), "the burst did not get going");
            await first.KillAsync();
        }
        var atKill = chats.Sum(c => _telegram.TextsTo(c).Count);
        Assert.True(atKill < chats.Length * expected.Count, "every reply was out before the kill: nothing was cut");

        await using var second = await AppProcess.StartAsync(Settings(), Repo.Root);
        Assert.True(await Webhooks.WaitAsync(() => chats.All(c => Collapse(_telegram.TextsTo(c)).Count >= expected.Count), 90),
            $"not every user had every reply 90 s after the restart: {chats.Count(c => Collapse(_telegram.TextsTo(c)).Count < expected.Count)} short");
        Assert.True(await Webhooks.WaitAsync(async () => (await Webhooks.InboxAsync(_data.Path)).All(u => u.Status == InboundStatus.Handled), 30));
        foreach (var chat in chats)
        {
            var got = _telegram.TextsTo(chat);
            Assert.Equal(expected, Collapse(got));
            Assert.True(got.Count <= expected.Count + 1, $"chat {chat}: more than the one reply in flight at the kill came twice: {string.Join(" | ", got)}");
        }
    }

    private static List<string> Collapse(IReadOnlyList<string> texts) => Distinct(texts);

    /// <summary>The replies without a message repeated right after itself (a send in flight at the kill, sent again).</summary>
    private static List<string> Distinct(IReadOnlyList<string> texts) =>
        texts.Where((t, i) => i == 0 || texts[i - 1] != t).ToList();

    private const string Question = "çalışma izni için hangi belgeler gerekiyor";

    private List<string> TelegramSince(CrashRun run, long chat) => _telegram.TextsTo(chat).Skip(run.TelegramAtKill[chat]).ToList();

    private List<string> WhatsAppSince(CrashRun run, string phone) =>
        _twilio.Delivered(phone).Select(m => m.Body ?? "").Skip(run.WhatsAppAtKill[phone]).ToList();

    /// <summary>
    /// Runs the first process: control users (the replies when nothing fails), then each user's first message held at
    /// the fakes (its turn hangs mid-send) and a second message waiting behind it; then SIGKILL.
    /// </summary>
    private async Task<CrashRun> KillMidTurnsAsync()
    {
        var telegram = new List<TelegramUser>();
        var whatsApp = new List<WhatsAppUser>();
        await using var first = await AppProcess.StartAsync(Settings(), Repo.Root);
        using var client = new HttpClient { BaseAddress = first.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, 4500, "/start")));
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(client, Webhooks.WhatsAppText(Webhooks.Sid(++_sid), "+905330000500", "merhaba")));
        Assert.True(await Webhooks.WaitAsync(async () => (await Webhooks.InboxAsync(_data.Path)).All(u => u.Status == InboundStatus.Handled)));
        var expectedTelegram = _telegram.TextsTo(4500);
        var expectedWhatsApp = _twilio.Delivered("+905330000500").Select(m => m.Body ?? "").ToList();
        Assert.True(expectedTelegram.Count >= 2 && expectedWhatsApp.Count >= 1);
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, 4500, Question)));
        // Handled: the turn is over and its replies are out (the outbox is off: a turn sends its own).
        Assert.True(await Webhooks.WaitAsync(async () => (await Webhooks.InboxAsync(_data.Path)).All(u => u.Status == InboundStatus.Handled)));
        var expectedAnswer = _telegram.TextsTo(4500).Skip(expectedTelegram.Count).ToList();
        Assert.Contains(expectedAnswer, t => t.StartsWith("Çalışma izni", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(client, Webhooks.WhatsAppText(Webhooks.Sid(++_sid), "+905330000500", Question)));
        Assert.True(await Webhooks.WaitAsync(async () => (await Webhooks.InboxAsync(_data.Path)).All(u => u.Status == InboundStatus.Handled)));
        var expectedWhatsAppAnswer = _twilio.Delivered("+905330000500").Select(m => m.Body ?? "").Skip(expectedWhatsApp.Count).ToList();
        Assert.NotEmpty(expectedWhatsAppAnswer);

        _telegram.Answers.Close();
        _twilio.Answers.Close();
        try
        {
            foreach (var chat in new long[] { 4501, 4502, 4503, 4504 })
            {
                var bodies = new List<string> { Webhooks.TelegramText(++_update, chat, "/start"), Webhooks.TelegramText(++_update, chat, Question) };
                telegram.Add(new TelegramUser(chat, bodies));
                foreach (var body in bodies) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, body));
            }
            foreach (var phone in new[] { "+905330000501", "+905330000502" })
            {
                var forms = new List<Dictionary<string, string>>
                {
                    Webhooks.WhatsAppText(Webhooks.Sid(++_sid), phone, "merhaba"), Webhooks.WhatsAppText(Webhooks.Sid(++_sid), phone, Question),
                };
                whatsApp.Add(new WhatsAppUser(phone, forms));
                foreach (var form in forms) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(client, form));
            }
            // Kill once every user's first turn is hanging at a fake, with their second message waiting behind it.
            Assert.True(await Webhooks.WaitAsync(() => _telegram.Answers.Waiting == telegram.Count && _twilio.Answers.Waiting == whatsApp.Count),
                "not every first turn reached the channel");
            var rows = await Webhooks.InboxAsync(_data.Path);
            Assert.Equal(telegram.Count + whatsApp.Count, rows.Count(u => u.Status == InboundStatus.Processing));
            Assert.Equal(telegram.Count + whatsApp.Count, rows.Count(u => u.Status == InboundStatus.Pending));
            await first.KillAsync();
        }
        finally
        {
            _telegram.Answers.Open();
            _twilio.Answers.Open();
        }
        // The process is gone (KillAsync waits for its exit) and the fakes have let go of the calls they held: what the
        // users got before the restart is final.
        Assert.True(await Webhooks.WaitAsync(() => _telegram.Answers.Waiting == 0 && _twilio.Answers.Waiting == 0), "the fakes still hold calls of the killed process");
        return new CrashRun(telegram, whatsApp, expectedTelegram, expectedWhatsApp, expectedAnswer, expectedWhatsAppAnswer,
            telegram.ToDictionary(u => u.Chat, u => _telegram.TextsTo(u.Chat).Count),
            whatsApp.ToDictionary(u => u.Phone, u => _twilio.Delivered(u.Phone).Count));
    }

    private sealed record TelegramUser(long Chat, List<string> Bodies);

    private sealed record WhatsAppUser(string Phone, List<Dictionary<string, string>> Forms);

    private sealed record CrashRun(
        List<TelegramUser> Telegram,
        List<WhatsAppUser> WhatsApp,
        IReadOnlyList<string> ExpectedTelegram,
        IReadOnlyList<string> ExpectedWhatsApp,
        IReadOnlyList<string> ExpectedAnswer,
        IReadOnlyList<string> ExpectedWhatsAppAnswer,
        Dictionary<long, int> TelegramAtKill,
        Dictionary<string, int> WhatsAppAtKill);

    private Dictionary<string, string?> Settings() => OutboxTestHost.ChannelSettings(_telegram, _twilio, new Dictionary<string, string?>
    {
        ["Content:Root"] = Repo.Root,
        ["Database:Provider"] = "Sqlite",
        ["Database:DataFolder"] = _data.Path,
        ["Outbox:Enabled"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
        ["RateLimits:MessagesPerSenderPerMinute"] = "100000",
        ["RateLimits:SenderBurst"] = "100000",
    });
}
