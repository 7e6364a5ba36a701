using Bot.Tests.Infrastructure;
using Bot.Web.Outbox;
using Xunit;

namespace Bot.Tests.Outbox;

/// <summary>Two app instances sharing one PostgreSQL database broadcast together: every recipient gets each announcement once.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class OutboxPostgresTests(PostgresServer server) : OutboxTestHost
{
    private string? _connectionString;
    private BotHost? _second;
    private readonly LogSink _secondLogs = new();

    protected override async Task<BotHost> StartWithAsync(Dictionary<string, string?> settings) => await BotHost.StartAsync(await OnPostgresAsync(settings), Logs);

    /// <summary>The test's database, and limits high enough for a few hundred messages in seconds.</summary>
    private async Task<Dictionary<string, string?>> OnPostgresAsync(Dictionary<string, string?> settings)
    {
        _connectionString ??= await server.CreateDatabaseAsync();
        settings["Database:Provider"] = "Postgres";
        settings["ConnectionStrings:Bot"] = _connectionString;
        settings["Telegram:MessagesPerSecond"] = "200";
        settings["Twilio:MessagesPerSecond"] = "100";
        settings["Outbox:BatchSize"] = "40";
        settings["Outbox:LeaseSeconds"] = "30"; // nothing here should be taken over: no lease may run out on a busy machine
        return settings;
    }

    public override async Task DisposeAsync()
    {
        if (_second is not null) await _second.DisposeAsync();
        await base.DisposeAsync();
    }

    [PostgresFact]
    public async Task Two_instances_share_a_broadcast_without_sending_anything_twice()
    {
        _second = await BotHost.StartAsync(await OnPostgresAsync(ChannelSettings(Telegram, Twilio, Settings)), _secondLogs);
        for (var i = 0; i < 300; i++) await TelegramSubscriberAsync(20_000 + i, language: i % 3 == 0 ? "ar" : "tr");
        for (var i = 0; i < 100; i++) await WhatsAppSubscriberAsync($"+90532100{i:D4}");
        var course = await CourseAsync();

        var now = await AnnounceAsync(course);
        var later = await AnnounceAsync(course, a => a.SendAt = DateTimeOffset.UtcNow.AddSeconds(1)); // both schedulers race for it
        var rows = (await WaitForRowsAsync(now.Id, Settled, seconds: 60)).Concat(await WaitForRowsAsync(later.Id, Settled, seconds: 60)).ToList();

        Assert.Equal(800, rows.Count); // 400 recipients per announcement: the scheduled one was published once
        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        var telegramTwice = Telegram.Received.GroupBy(c => c).Where(g => g.Count() != 2).Select(g => g.Key).ToList();
        Assert.Empty(telegramTwice);
        Assert.Equal(600, Telegram.Received.Count);
        Assert.Equal(200, Twilio.Delivered().Count);
        Assert.All(Twilio.Delivered().GroupBy(m => m.Fields["To"]), g => Assert.Equal(2, g.Count()));
        // Both instances sent part of it.
        Assert.True(SentBy(Logs) > 0 && SentBy(_secondLogs) > 0, $"first {SentBy(Logs)}, second {SentBy(_secondLogs)}");
        Assert.Equal(800, SentBy(Logs) + SentBy(_secondLogs));
    }

    /// <summary>Rows an instance recorded as sent (its dispatcher logs each result at Debug).</summary>
    private static int SentBy(LogSink logs) =>
        logs.Entries.Count(e => e.Category == typeof(OutboxDispatcher).FullName && SentLine().IsMatch(e.Message));

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z]+ outbox row [0-9]+: Sent ")]
    private static partial System.Text.RegularExpressions.Regex SentLine();
}
