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
/// messages are accepted but not yet processed, then started again; Telegram and Twilio then redeliver what they had
/// posted (the same update_id, the same MessageSid), as they do when an answer is lost.
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
    public async Task Messages_accepted_before_a_kill_are_answered_once_after_the_restart_and_redeliveries_get_no_second_reply()
    {
        var run = await KillMidTurnsAsync();

        await using var second = await AppProcess.StartAsync(Settings(), Repo.Root);
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        // Every message that was waiting when the app died is answered after the restart, exactly as when nothing fails.
        var waiting = run.Telegram.Where(u => !run.Cut.Contains(u.Key)).ToList();
        var waitingWhatsApp = run.WhatsApp.Where(u => !run.Cut.Contains(u.Key)).ToList();
        Assert.NotEmpty(waiting);
        Assert.True(await Webhooks.WaitAsync(() => waiting.All(u => _telegram.TextsTo(u.Value.Chat).Count >= run.ExpectedTelegram.Count)
            && waitingWhatsApp.All(u => _twilio.Delivered(u.Value.Phone).Count >= run.ExpectedWhatsApp.Count)), "messages waiting at the kill were not answered after the restart");

        // Telegram and Twilio redeliver everything they had posted: accepted, and not answered a second time.
        foreach (var (_, (_, body)) in run.Telegram) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, body));
        foreach (var (_, (_, form)) in run.WhatsApp) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(client, form));
        // A new user's message after the redeliveries: once it is answered, anything the redeliveries started would have been too.
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, 4599, "/start")));
        Assert.True(await Webhooks.WaitAsync(() => _telegram.TextsTo(4599).Count >= run.ExpectedTelegram.Count));
        await Task.Delay(500); // the redeliveries must stay unanswered: give a wrong second reply a moment to show

        Assert.All(waiting, u => Assert.Equal(run.ExpectedTelegram, _telegram.TextsTo(u.Value.Chat)));
        Assert.All(waitingWhatsApp, u => Assert.Equal(run.ExpectedWhatsApp, _twilio.Delivered(u.Value.Phone).Select(m => m.Body ?? "").ToList()));
        Assert.All(run.Telegram.Values, u => Assert.Equal(_telegram.TextsTo(u.Chat).Distinct().Count(), _telegram.TextsTo(u.Chat).Count)); // no user got anything twice
        var rows = await Webhooks.InboxAsync(_data.Path);
        Assert.Equal(run.Telegram.Count + run.WhatsApp.Count + 3, rows.Count); // each update stored once (2 controls + the new user)
    }

    // KNOWN BUG (fails until fixed): a turn cut by the kill leaves its inbox row "processing" with a 10-minute lease
    // (ChannelInbox.Lease). After the restart that user's row is not taken up again, and every later message of theirs
    // waits behind it ("a sender busy elsewhere waits") for up to 10 minutes; when the lease runs out the cut turn is
    // run again from the start and its replies that had already arrived are sent twice. See the hardening report.
    [Fact]
    [Trait("Category", "KnownBug")]
    public async Task A_user_whose_turn_was_cut_by_a_kill_is_answered_again_after_the_restart_without_repeats()
    {
        var run = await KillMidTurnsAsync();
        var cut = run.Telegram.Where(u => run.Cut.Contains(u.Key)).Select(u => u.Value.Chat).ToList();
        Assert.NotEmpty(cut);

        await using var second = await AppProcess.StartAsync(Settings(), Repo.Root);
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        var before = cut.ToDictionary(c => c, c => _telegram.TextsTo(c).Count);
        foreach (var chat in cut) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, chat, "çalışma izni için hangi belgeler gerekiyor")));

        var answered = await Webhooks.WaitAsync(() => cut.All(c => _telegram.TextsTo(c).Skip(before[c]).Any(t => t.StartsWith("Çalışma izni", StringComparison.Ordinal))), 20);
        Assert.True(answered, "a user whose turn was cut by the kill got no answer to a new message 20 s after the restart");
        Assert.All(cut, c => Assert.Equal(_telegram.TextsTo(c).Count, _telegram.TextsTo(c).Distinct().Count())); // nothing twice
    }

    /// <summary>
    /// Runs the first process: control users (the replies when nothing fails), then replies held at both fakes so that
    /// the first users' turns hang mid-send while more messages arrive and wait; then SIGKILL.
    /// </summary>
    private async Task<CrashRun> KillMidTurnsAsync()
    {
        var telegram = new Dictionary<string, (long Chat, string Body)>();
        var whatsApp = new Dictionary<string, (string Phone, Dictionary<string, string> Form)>();
        await using var first = await AppProcess.StartAsync(Settings(), Repo.Root);
        using var client = new HttpClient { BaseAddress = first.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, Webhooks.TelegramText(++_update, 4500, "/start")));
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(client, Webhooks.WhatsAppText(Webhooks.Sid(++_sid), "+905330000500", "merhaba")));
        Assert.True(await Webhooks.WaitAsync(async () => (await Webhooks.InboxAsync(_data.Path)).All(u => u.Status == InboundStatus.Handled)));
        var expectedTelegram = _telegram.TextsTo(4500);
        var expectedWhatsApp = _twilio.Delivered("+905330000500").Select(m => m.Body ?? "").ToList();
        Assert.True(expectedTelegram.Count >= 2 && expectedWhatsApp.Count >= 1);

        _telegram.Answers.Close();
        _twilio.Answers.Close();
        try
        {
            async Task TelegramAsync(long chat)
            {
                var body = Webhooks.TelegramText(++_update, chat, "/start");
                telegram["t" + chat] = (chat, body);
                Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(client, body));
            }
            async Task WhatsAppAsync(string phone)
            {
                var form = Webhooks.WhatsAppText(Webhooks.Sid(++_sid), phone, "merhaba");
                whatsApp["w" + phone] = (phone, form);
                Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(client, form));
            }
            foreach (var chat in new long[] { 4501, 4502 }) await TelegramAsync(chat);
            Assert.True(await Webhooks.WaitAsync(() => _telegram.Answers.Waiting > 0), "no turn reached Telegram");
            await WhatsAppAsync("+905330000501");
            foreach (var chat in new long[] { 4503, 4504, 4505, 4506 }) await TelegramAsync(chat);
            await WhatsAppAsync("+905330000502");
            // Kill once every turn that was started is hanging at a fake (nothing between a claim and its first send).
            Assert.True(await Webhooks.WaitAsync(async () =>
                (await Webhooks.InboxAsync(_data.Path)).Count(u => u.Status == InboundStatus.Processing) == _telegram.Answers.Waiting + _twilio.Answers.Waiting));
            await first.KillAsync();
        }
        finally
        {
            _telegram.Answers.Open();
            _twilio.Answers.Open();
        }

        // A turn the kill cut short: the channel had already received something of it.
        var cut = telegram.Where(u => _telegram.Calls.Any(c => c.Body.TryGetProperty("chat_id", out var id) && id.GetInt64() == u.Value.Chat)).Select(u => u.Key)
            .Concat(whatsApp.Where(u => _twilio.Messages.Any(m => m.Fields.GetValueOrDefault("To") == "whatsapp:" + u.Value.Phone)).Select(u => u.Key))
            .ToHashSet();
        return new CrashRun(telegram, whatsApp, cut, expectedTelegram, expectedWhatsApp);
    }

    private sealed record CrashRun(
        Dictionary<string, (long Chat, string Body)> Telegram,
        Dictionary<string, (string Phone, Dictionary<string, string> Form)> WhatsApp,
        HashSet<string> Cut,
        IReadOnlyList<string> ExpectedTelegram,
        IReadOnlyList<string> ExpectedWhatsApp);

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
