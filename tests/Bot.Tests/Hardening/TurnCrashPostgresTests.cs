using System.Net;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// Two app instances (separate processes) on one PostgreSQL database: one is killed with SIGKILL in the middle of a
/// user's turn. The other cannot know at start-up that the turn is dead; once its lease runs out it runs the turn
/// again (the reply in flight at the kill may arrive twice, nothing else), and the user's next message is answered.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TurnCrashPostgresTests(PostgresServer server) : IAsyncLifetime
{
    private FakeTelegramApi _telegram = null!;
    private FakeTwilioApi _twilio = null!;
    private long _update = 900_000;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegramApi.StartAsync();
        _twilio = await FakeTwilioApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _telegram.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [PostgresFact]
    public async Task A_turn_cut_by_a_dead_instance_is_run_again_by_the_other_when_its_lease_runs_out()
    {
        var connection = await server.CreateDatabaseAsync();
        var settings = OutboxTestHost.ChannelSettings(_telegram, _twilio, new Dictionary<string, string?>
        {
            ["Content:Root"] = Repo.Root,
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Bot"] = connection,
            ["Outbox:Enabled"] = "false",
            ["Inbox:LeaseSeconds"] = "3",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await using var first = await AppProcess.StartAsync(settings, Repo.Root);
        await using var second = await AppProcess.StartAsync(settings, Repo.Root);
        using var toFirst = new HttpClient { BaseAddress = first.BaseAddress };
        using var toSecond = new HttpClient { BaseAddress = second.BaseAddress };

        // What a new user gets, when nothing fails.
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(toFirst, Webhooks.TelegramText(++_update, 4600, "/start")));
        // Handled: the turn is over and its replies are out (the outbox is off: a turn sends its own).
        Assert.True(await Webhooks.WaitAsync(async () => (await InboxAsync(connection)).All(u => u.Status == InboundStatus.Handled)));
        var expected = _telegram.TextsTo(4600);
        Assert.True(expected.Count >= 2);

        // A user's turn hangs at Telegram on the first instance, which then dies.
        _telegram.Answers.Close();
        try
        {
            Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(toFirst, Webhooks.TelegramText(++_update, 4601, "/start")));
            Assert.True(await Webhooks.WaitAsync(() => _telegram.Answers.Waiting == 1), "the turn did not reach Telegram");
            await first.KillAsync();
        }
        finally
        {
            _telegram.Answers.Open();
        }
        // The process is gone (KillAsync waits for its exit) and the fake has let go of the call it held.
        Assert.True(await Webhooks.WaitAsync(() => _telegram.Answers.Waiting == 0), "the fake still holds the killed process's call");
        var atKill = _telegram.TextsTo(4601).Count;
        Assert.Equal(1, atKill); // the cut turn's first reply had reached Telegram

        // The surviving instance takes the cut turn up once its lease has run out (3 s, then its next poll) and runs it
        // again: the user gets the complete reply (the message in flight at the kill, whose outcome was unknown, twice).
        Assert.True(await Webhooks.WaitAsync(() => _telegram.TextsTo(4601).Count >= atKill + expected.Count, 20),
            "the dead instance's turn was not run again");
        Assert.True(await Webhooks.WaitAsync(async () => (await InboxAsync(connection)).All(u => u.Status == InboundStatus.Handled), 20));
        Assert.Equal(expected, _telegram.TextsTo(4601).Skip(atKill).ToList());
        Assert.All(await InboxAsync(connection), u => Assert.Null(u.Payload));

        // The user goes on: their next message is answered by the other instance, the cut turn never again.
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(toSecond, Webhooks.TelegramText(++_update, 4601, "merhaba")));
        Assert.True(await Webhooks.WaitAsync(() => _telegram.TextsTo(4601).Count > atKill + expected.Count, 20), "the user's next message was not answered");
        // Every turn over (the next message's too): anything the cut turn said again would be out by now.
        Assert.True(await Webhooks.WaitAsync(async () => await InboxAsync(connection) is { Count: 3 } rows && rows.All(u => u.Status == InboundStatus.Handled), 20),
            "the turns did not end");
        Assert.DoesNotContain(_telegram.TextsTo(4601).Skip(atKill + expected.Count), t => t == expected[0]);
    }

    private static async Task<List<InboundUpdate>> InboxAsync(string connection)
    {
        var options = new DbContextOptionsBuilder<PostgresBotDbContext>().UseNpgsql(connection).Options;
        await using var db = new PostgresBotDbContext(options);
        return await db.Inbound.AsNoTracking().OrderBy(u => u.Id).ToListAsync();
    }
}
