using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.Telegram;
using Bot.Web.Outbox;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// PostgreSQL restarted under the app (a private cluster of this class's own, stopped with <c>pg_ctl -m fast</c>:
/// every connection cut, as in an upgrade or a failover): a broadcast pauses and resumes without sending anything
/// twice, and users writing across the restart lose no message.
/// </summary>
public sealed class PostgresFaultTests : ChannelFaultHost
{
    private readonly PostgresCluster _cluster = new();
    private string? _connectionString;

    protected override async Task<BotHost> StartWithAsync(Dictionary<string, string?> settings)
    {
        if (_connectionString is null)
        {
            await _cluster.StartAsync();
            _connectionString = await _cluster.CreateDatabaseAsync();
        }
        settings["Database:Provider"] = "Postgres";
        settings["ConnectionStrings:Bot"] = _connectionString;
        settings["Telegram:MessagesPerSecond"] = "60";
        settings["Twilio:MessagesPerSecond"] = "30";
        return await BotHost.StartAsync(settings, Logs);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [PostgresFact]
    public async Task A_PostgreSQL_restart_during_a_broadcast_pauses_it_and_it_resumes_without_sending_anything_twice()
    {
        const int telegramSubscribers = 150, whatsAppSubscribers = 60;
        for (var i = 0; i < telegramSubscribers; i++) await TelegramSubscriberAsync(70_000 + i);
        for (var i = 0; i < whatsAppSubscribers; i++) await WhatsAppSubscriberAsync($"+90535000{i:D4}");
        var announcement = await AnnounceAsync(await CourseAsync());

        Assert.True(await Webhooks.WaitAsync(() => Telegram.Received.Count >= telegramSubscribers / 4 && Twilio.Delivered().Count >= whatsAppSubscribers / 4));
        // Sends in flight on both channels when the database goes away.
        Telegram.Answers.Close();
        Twilio.Answers.Close();
        Assert.True(await Webhooks.WaitAsync(() => Telegram.Answers.Waiting > 0 && Twilio.Answers.Waiting > 0));
        var telegramInFlight = Telegram.Answers.Waiting;
        await _cluster.StopAsync();
        Telegram.Answers.Open();
        Twilio.Answers.Open();
        // While the database is down the outbox sends nothing new (a send starts only once "sending" is committed).
        Assert.True(await Webhooks.WaitAsync(() => Telegram.Answers.Waiting == 0 && Twilio.Answers.Waiting == 0));
        // deliberate: a send whose "sending" was committed just before the stop may still be on its way to a fake, and
        // nothing says when the last one has landed; the count is taken after this settling time.
        await Task.Delay(500);
        var atStop = (Telegram.Received.Count, Twilio.Delivered().Count);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the outage
        Assert.Equal(atStop, (Telegram.Received.Count, Twilio.Delivered().Count));
        Assert.True(atStop.Item1 < telegramSubscribers && atStop.Item2 < whatsAppSubscribers, $"the outage came too late: {atStop}");
        await _cluster.StartAgainAsync();

        var rows = await WaitForRowsAsync(announcement.Id, Settled, seconds: 60);
        Assert.All(rows, r => Assert.True(Settled(r), $"row {r.Id} still {r.Status} after the restart"));
        var telegram = Telegram.Received.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(telegramSubscribers, telegram.Count); // none lost
        Assert.All(telegram, c => Assert.Equal(1, c.Value)); // none twice
        var whatsApp = Twilio.Delivered().GroupBy(m => m.Fields["To"]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(whatsAppSubscribers, whatsApp.Count);
        Assert.All(whatsApp, c => Assert.Equal(1, c.Value));
        // Telegram sends whose outcome the app could not record arrived, and are reported as ambiguous rather than resent
        // (at most those in flight at the stop, and one per worker that had just committed "sending").
        var ambiguous = rows.Count(r => r.Channel == TelegramAdapter.ChannelId && r.Status == OutboxStatus.Ambiguous);
        Assert.InRange(ambiguous, 0, telegramInFlight + 8);
        Assert.Equal(telegramSubscribers - ambiguous, rows.Count(r => r.Channel == TelegramAdapter.ChannelId && r.Status == OutboxStatus.Sent));
        // WhatsApp sends whose outcome was not recorded were found in Twilio's log: all recorded as sent.
        Assert.All(rows.Where(r => r.Channel != TelegramAdapter.ChannelId), r => Assert.Equal(OutboxStatus.Sent, r.Status));
    }

    // After the restart the pool may still hold connections the server cut: a webhook must then be refused with a
    // status the channel retries (or succeed), never answered 200 and dropped.
    [PostgresFact]
    public async Task Messages_sent_right_after_a_PostgreSQL_restart_are_not_lost()
    {
        var expectedTelegram = await TelegramControlAsync(4400);
        var expectedWhatsApp = await WhatsAppControlAsync("+905330000400");
        await _cluster.StopAsync();
        await _cluster.StartAgainAsync();
        long[] chats = [4401, 4402, 4403];
        string[] phones = ["+905330000401", "+905330000402"];

        foreach (var chat in chats)
        {
            foreach (var body in TelegramScript.Select(t => NextTelegramText(chat, t)).ToList()) await DeliverAsync(() => Webhooks.PostTelegramAsync(Host.Client, body));
        }
        foreach (var phone in phones)
        {
            foreach (var form in WhatsAppScript.Select(t => NextWhatsAppText(phone, t)).ToList()) await DeliverAsync(() => Webhooks.PostWhatsAppAsync(Host.Client, form));
        }

        Assert.True(await Webhooks.WaitAsync(AllHandledAsync), "turns still running after 30 s");
        Assert.All(chats, chat => Assert.Equal(expectedTelegram, Telegram.TextsTo(chat)));
        Assert.All(phones, phone => Assert.Equal(expectedWhatsApp, Twilio.Delivered(phone).Select(m => m.Body ?? "").ToList()));
    }

    /// <summary>Posts one update (the same each time) until it is accepted, as the channels redeliver one answered with an error.</summary>
    private static async Task DeliverAsync(Func<Task<HttpStatusCode>> post)
    {
        for (var attempt = 1; ; attempt++)
        {
            var status = await post();
            if (status == HttpStatusCode.OK) return;
            Assert.True((int)status >= 500 || status == HttpStatusCode.TooManyRequests, $"answered {(int)status}: the channel would not redeliver");
            Assert.True(attempt < 20, "still refused after 20 redeliveries");
            await Task.Delay(300); // deliberate: the pace at which the channel redelivers, not a wait for state
        }
    }
}
