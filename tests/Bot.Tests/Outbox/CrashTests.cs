using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Web.Announcements;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Data;
using Bot.Web.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Outbox;

/// <summary>
/// The app killed with SIGKILL in the middle of a broadcast, with sends in flight on both channels, then started
/// again: every recipient received the announcement exactly once, as the fake Telegram and Twilio servers saw it.
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private const int TelegramRecipients = 200;
    private const int WhatsAppRecipients = 100;
    private readonly TempFolder _data = new();
    private FakeTelegramApi _telegram = null!;
    private FakeTwilioApi _twilio = null!;

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
    public async Task Killed_mid_broadcast_and_restarted_every_recipient_gets_it_exactly_once()
    {
        var announcementId = await PublishWithTheDispatcherOffAsync();
        var settings = Settings(outbox: true);

        var first = await AppProcess.StartAsync(settings, Repo.Root);
        await WaitAsync(() => _telegram.Received.Count >= TelegramRecipients / 3 && _twilio.Delivered().Count >= WhatsAppRecipients / 3);
        // Hold the providers' answers so that sends are in flight on both channels (requested, not yet answered), then kill.
        _telegram.Answers.Close();
        _twilio.Answers.Close();
        // Every worker of both channels holds a send at the gate: nothing more can reach the fakes before the kill.
        var workers = new OutboxOptions().MaxInFlight;
        await WaitAsync(() => _telegram.Answers.Waiting == workers && _twilio.Answers.Waiting == workers);
        var (telegramInFlight, whatsAppInFlight) = (_telegram.Answers.Waiting, _twilio.Answers.Waiting);
        await first.KillAsync();
        var receivedAtKill = (_telegram.Received.Count, _twilio.Delivered().Count);
        _telegram.Answers.Open();
        _twilio.Answers.Open();
        Assert.True(receivedAtKill.Item1 < TelegramRecipients && receivedAtKill.Item2 < WhatsAppRecipients, $"killed too late: {receivedAtKill}");

        await using (await AppProcess.StartAsync(settings, Repo.Root))
        {
            await WaitAsync(async () => (await RowsAsync(announcementId)).All(r => !OutboxStatuses.Open.Contains(r.Status)), seconds: 45);
        }

        var telegramCounts = _telegram.Received.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(TelegramRecipients, telegramCounts.Count); // none lost
        Assert.All(telegramCounts, c => Assert.Equal(1, c.Value)); // none twice
        var whatsAppCounts = _twilio.Delivered().GroupBy(m => m.Fields["To"]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(WhatsAppRecipients, whatsAppCounts.Count);
        Assert.All(whatsAppCounts, c => Assert.Equal(1, c.Value));

        var rows = await RowsAsync(announcementId);
        // Telegram sends cut off by the kill arrived but cannot be confirmed: reported as ambiguous, not resent. (A send may
        // still have reached the fake between counting the held ones and the kill: at most one per worker.)
        var ambiguous = rows.Count(r => r.Channel == TelegramAdapter.ChannelId && r.Status == OutboxStatus.Ambiguous);
        Assert.InRange(ambiguous, telegramInFlight, telegramInFlight + 8);
        Assert.Equal(TelegramRecipients - ambiguous, rows.Count(r => r.Channel == TelegramAdapter.ChannelId && r.Status == OutboxStatus.Sent));
        // WhatsApp sends cut off by the kill were found in Twilio's message log and recorded as sent with their SID.
        Assert.True(whatsAppInFlight > 0);
        Assert.All(rows.Where(r => r.Channel == WhatsAppAdapter.ChannelId), r => Assert.Equal(OutboxStatus.Sent, r.Status));
        Assert.True(_twilio.Lookups >= whatsAppInFlight);
    }

    /// <summary>Subscribers, a course and its announcement, published by an in-process host whose dispatcher is off.</summary>
    private async Task<long> PublishWithTheDispatcherOffAsync()
    {
        await using var host = await BotHost.StartAsync(Settings(outbox: false));
        for (var i = 0; i < TelegramRecipients; i++) await host.SubscriberAsync(TelegramAdapter.ChannelId, (30_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), "gaziantep", "vocational", "tr");
        for (var i = 0; i < WhatsAppRecipients; i++) await host.SubscriberAsync(WhatsAppAdapter.ChannelId, $"+90533200{i:D4}", "gaziantep", "vocational", "ar");
        var course = await host.CourseAsync();
        var result = await host.Services.GetRequiredService<AnnouncementService>().CreateAsync(OutboxTestHost.Admin, new AnnouncementInput { CourseId = course.Id }, default);
        return result.Value!.Id;
    }

    private Dictionary<string, string?> Settings(bool outbox)
    {
        var settings = OutboxTestHost.ChannelSettings(_telegram, _twilio, new Dictionary<string, string?>
        {
            ["Content:Root"] = Repo.Root,
            ["Database:Provider"] = "Sqlite",
            ["Database:DataFolder"] = _data.Path,
            ["Outbox:Enabled"] = outbox ? "true" : "false",
            ["Outbox:LeaseSeconds"] = "3",
            ["Telegram:MessagesPerSecond"] = "100",
            ["Twilio:MessagesPerSecond"] = "50",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        return settings;
    }

    private async Task<List<OutboxMessage>> RowsAsync(long announcementId)
    {
        var options = new DbContextOptionsBuilder<SqliteBotDbContext>().UseSqlite($"Data Source={Path.Combine(_data.Path, "bot.db")};Pooling=false").Options;
        await using var db = new SqliteBotDbContext(options);
        return await db.Outbox.AsNoTracking().Where(o => o.ReferenceId == announcementId).ToListAsync();
    }

    private static Task WaitAsync(Func<bool> done, int seconds = 30) => WaitAsync(() => Task.FromResult(done()), seconds);

    private static async Task WaitAsync(Func<Task<bool>> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The broadcast did not get there in time.");
            await Task.Delay(20);
        }
    }
}
