using Bot.Tests.Infrastructure;
using Bot.Web.Conversation;
using Bot.Web.Data;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.State;

namespace Bot.Tests.Conversation;

public sealed class TurnErrorTests
{
    /// <summary>
    /// A turn that fails: the user gets an apology in their language, the conversation state is cleared
    /// (so a broken flow cannot loop), and the user's own state (language) is kept.
    /// </summary>
    [Fact]
    public async Task A_failing_turn_apologises_in_the_users_language_and_clears_the_conversation()
    {
        using var data = new TempFolder();
        var logs = new LogSink();
        await using var host = await BotHost.StartSqliteAsync(data.Path, logs);
        var services = host.Services;
        var state = services.GetRequiredService<BotStateAccessors>();
        var adapter = new TestAdapter("webchat");
        adapter.Use(new AutoSaveStateMiddleware(state.ConversationState, state.UserState));
        adapter.Use(services.GetRequiredService<LanguageMiddleware>());
        adapter.OnTurnError = services.GetRequiredService<TurnErrorHandler>().HandleAsync;

        async Task Bot(ITurnContext turn, CancellationToken ct)
        {
            var conversation = await state.ConversationAsync(turn, ct);
            conversation.Turns++;
            if (turn.Activity.Text == "boom") throw new InvalidOperationException("simulated failure");
            await turn.SendActivityAsync("ok", cancellationToken: ct);
        }

        await new TestFlow(adapter, Bot)
            .Send("مرحبا").AssertReply("ok")
            .Send("boom").AssertReply(a => Assert.Equal("عذراً، حدثت مشكلة واضطررت للبدء من جديد. من فضلك أعد كتابة رسالتك.", a.AsMessageActivity().Text))
            .StartTestAsync();

        var factory = services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var keys = await db.State.Select(s => s.Key).ToListAsync();
        Assert.DoesNotContain(keys, k => k.Contains("/conversations/", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains("/users/", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Exception?.Message == "simulated failure");
    }
}

public sealed class KeyedLockTests
{
    [Fact]
    public async Task Turns_of_one_key_run_one_at_a_time_and_other_keys_do_not_wait()
    {
        var locks = new KeyedLock();
        var running = 0;
        var maxRunning = 0;
        async Task Work()
        {
            using var held = await locks.AcquireAsync("a", CancellationToken.None);
            var now = Interlocked.Increment(ref running);
            maxRunning = Math.Max(maxRunning, now);
            await Task.Delay(5); // deliberate: work inside the turn, so that overlapping turns would be seen
            Interlocked.Decrement(ref running);
        }
        var otherKeyTook = Task.Run(async () =>
        {
            using var held = await locks.AcquireAsync("a", CancellationToken.None);
            using var other = await locks.AcquireAsync("b", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        });
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Work()).Append(otherKeyTook));
        Assert.Equal(1, maxRunning);
        Assert.Equal(0, locks.Count);
    }
}
