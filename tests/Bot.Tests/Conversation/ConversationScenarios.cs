using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using Xunit;
using Bot.Web.State;

namespace Bot.Tests.Conversation;

/// <summary>
/// Conversations through the real host and web chat API, run against each database provider.
/// <c>start</c> starts a host on the same database every time it is called (so a second call is a restart).
/// </summary>
public static class ConversationScenarios
{
    public static async Task TurkishConversation(Func<Task<BotHost>> start)
    {
        await using var host = await start();
        // A hello starts the welcome: greeting, then the privacy notice asking for consent.
        var first = await host.SayAsync("tr-user", "selam");
        Assert.Equal(2, first.Count);
        Assert.All(first, r => Assert.Equal(("tr", "ltr"), (r.Locale, r.Direction)));
        Assert.StartsWith("Merhaba! Ben Türk Kızılay", first[0].Text, StringComparison.Ordinal);
        Assert.Equal([("Evet", "yes"), ("Hayır", "no")], first[1].SuggestedActions.Select(b => (b.Title, b.Value)));

        // A question instead of an answer leaves the welcome and gets the knowledge-base answer (no second greeting).
        var second = await host.SayAsync("tr-user", "çalışma izni için hangi belgeler gerekiyor");
        Assert.Single(second);
        Assert.Contains("Menü", second[0].SuggestedActions.Select(b => b.Title));
        Assert.DoesNotContain("Merhaba! Ben", second[0].Text, StringComparison.Ordinal);

        var menu = await host.SayAsync("tr-user", "menü");
        Assert.Single(menu);
        Assert.Equal("Size nasıl yardımcı olabilirim? Bir seçenek seçin ya da sorunuzu yazın.", menu[0].Text);
    }

    public static async Task ArabicConversation(Func<Task<BotHost>> start)
    {
        await using var host = await start();
        var first = await host.SayAsync("ar-user", "مرحبا");
        Assert.All(first, r => Assert.Equal(("ar", "rtl"), (r.Locale, r.Direction)));
        Assert.Equal(["نعم", "لا"], first[^1].SuggestedActions.Select(b => b.Title));
        var menu = await host.SayAsync("ar-user", "القائمة");
        Assert.Contains(menu[^1].SuggestedActions, b => b.Title == "إذن العمل");

        // Syrian Arabic with Turkish words in Latin letters is still Arabic, and gets an Arabic answer.
        var mixed = await host.SayAsync("ar-user", "ما هي الاوراق المطلوبه لل çalışma izni");
        Assert.All(mixed, r => Assert.Equal("ar", r.Locale));
        Assert.Contains("القائمة", mixed[^1].SuggestedActions.Select(b => b.Title));
    }

    public static async Task UnknownLanguageIsAskedInBothAndTheChoiceIsKept(Func<Task<BotHost>> start)
    {
        await using var host = await start();
        var ask = Assert.Single(await host.SayAsync("who", "hello 👋"));
        Assert.Contains("Hangi dilde konuşalım?", ask.Text, StringComparison.Ordinal);
        Assert.Contains("بأي لغة نتحدث؟", ask.Text, StringComparison.Ordinal);
        Assert.Equal(["lang:tr", "lang:ar"], ask.SuggestedActions.Select(b => b.Value));

        var chosen = await host.SayAsync("who", value: "lang:ar");
        Assert.Equal("حسناً، سنتابع بالعربية.", chosen[0].Text);
        Assert.Equal("rtl", chosen[0].Direction);

        // The explicit choice wins over Latin text that looks Turkish (Arabic speakers often type Turkish words).
        var latin = await host.SayAsync("who", "calisma izni belgeleri");
        Assert.All(latin, r => Assert.Equal("ar", r.Locale));

        // A typed language name switches too.
        var switched = await host.SayAsync("who", "Türkçe");
        Assert.Equal("Tamam, Türkçe devam ediyoruz.", switched[0].Text);
        var after = await host.SayAsync("who", "ok");
        Assert.All(after, r => Assert.Equal("tr", r.Locale));
    }

    public static async Task StateSurvivesARestart(Func<Task<BotHost>> start)
    {
        await using (var host = await start())
        {
            await host.SayAsync("returning", value: "lang:ar");
        }
        await using (var host = await start())
        {
            // Remembered: the language (an undetermined message is answered in Arabic) and that the user was greeted.
            var replies = await host.SayAsync("returning", "ok");
            Assert.All(replies, r => Assert.Equal("ar", r.Locale));
            Assert.DoesNotContain(replies, r => r.Text.StartsWith("مرحباً! أنا بوت", StringComparison.Ordinal));
        }
    }

    public static async Task ConcurrentMessagesOfOneUserAreAllKept(Func<Task<BotHost>> start)
    {
        await using var host = await start();
        await host.SayAsync("busy", "merhaba");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.SayAsync("busy", "menü")));
        var state = await ReadConversationAsync(host, "busy");
        Assert.Equal(11, state["conversation"]!["Turns"]!.Value<int>());
    }

    /// <summary>
    /// Two turns (as two instances would) read the same conversation state, both change it and save:
    /// the second save is refused with a conflict and the first one's change is what is stored.
    /// </summary>
    public static async Task AConcurrentStateWriteIsDetected(Func<Task<BotHost>> start)
    {
        await using var host = await start();
        var storage = host.Services.GetRequiredService<IStorage>();
        var adapter = new TestAdapter("conflict-test");
        var stateA = new ConversationState(storage);
        var stateB = new ConversationState(storage);
        var propA = stateA.CreateProperty<ConversationData>("conversation");
        var propB = stateB.CreateProperty<ConversationData>("conversation");

        // Existing state (read back with a version) and a brand-new key (read as absent) both race.
        foreach (var conversationId in new[] { "existing", "fresh" })
        {
            if (conversationId == "existing")
            {
                using var seed = Turn(adapter, conversationId);
                await propA.SetAsync(seed, new ConversationData { Turns = 1 });
                await stateA.SaveChangesAsync(seed);
            }
            using var turnA = Turn(adapter, conversationId);
            using var turnB = Turn(adapter, conversationId);
            await stateA.LoadAsync(turnA);
            await stateB.LoadAsync(turnB);
            await propA.SetAsync(turnA, new ConversationData { Turns = 100 });
            await propB.SetAsync(turnB, new ConversationData { Turns = 200 });
            await stateA.SaveChangesAsync(turnA);
            var conflict = await Assert.ThrowsAsync<StateConflictException>(() => stateB.SaveChangesAsync(turnB));
            Assert.Contains(conversationId, conflict.Key, StringComparison.Ordinal);

            using var check = Turn(adapter, conversationId);
            Assert.Equal(100, (await propA.GetAsync(check, () => new ConversationData())).Turns);

            // The winner can keep saving within its turn (the storage hands back the new version).
            await propA.SetAsync(turnA, new ConversationData { Turns = 101 });
            await stateA.SaveChangesAsync(turnA);
            using var final = Turn(adapter, conversationId);
            Assert.Equal(101, (await propA.GetAsync(final, () => new ConversationData())).Turns);
        }
    }

    /// <summary>
    /// Many turns saving at once (their writes share commits): each stale write is rejected on its own, undoing all of
    /// that turn's keys, while every other turn's state is saved.
    /// </summary>
    public static async Task ConcurrentStateWritesFailOnlyTheStaleOnes(Func<Task<BotHost>> start)
    {
        await using var host = await start();
        var storage = host.Services.GetRequiredService<IStorage>();
        const int Turns = 40;
        // Every turn writes two keys; the odd turns carry a stale version for their second key.
        await storage.WriteAsync(Enumerable.Range(0, Turns).ToDictionary(i => $"many/{i}/b", i => (object)new JObject { ["n"] = 0, ["eTag"] = "*" }));
        var current = await storage.ReadAsync(Enumerable.Range(0, Turns).Select(i => $"many/{i}/b").ToArray());
        var results = await Task.WhenAll(Enumerable.Range(0, Turns).Select(async i =>
        {
            var version = ((IDictionary<string, object>)current[$"many/{i}/b"])["eTag"].ToString()!;
            var stale = i % 2 == 1 ? (long.Parse(version, System.Globalization.CultureInfo.InvariantCulture) + 5).ToString(System.Globalization.CultureInfo.InvariantCulture) : version;
            try
            {
                await storage.WriteAsync(new Dictionary<string, object>
                {
                    [$"many/{i}/a"] = new JObject { ["n"] = i },
                    [$"many/{i}/b"] = new JObject { ["n"] = i, ["eTag"] = stale },
                });
                return true;
            }
            catch (StateConflictException e)
            {
                Assert.Equal($"many/{i}/b", e.Key);
                return false;
            }
        }));
        var saved = await storage.ReadAsync(Enumerable.Range(0, Turns).SelectMany(i => new[] { $"many/{i}/a", $"many/{i}/b" }).ToArray());
        for (var i = 0; i < Turns; i++)
        {
            Assert.Equal(i % 2 == 0, results[i]);
            var b = JObject.FromObject(saved[$"many/{i}/b"]);
            if (i % 2 == 0)
            {
                Assert.Equal(i, b.Value<int>("n"));
                Assert.Equal(i, JObject.FromObject(saved[$"many/{i}/a"]).Value<int>("n"));
            }
            else
            {
                Assert.Equal(0, b.Value<int>("n"));
                Assert.False(saved.ContainsKey($"many/{i}/a")); // the rejected turn's other key is not half-saved
            }
        }
    }

    private static TurnContext Turn(TestAdapter adapter, string conversationId)
    {
        var activity = new Activity(ActivityTypes.Message)
        {
            ChannelId = "conflict-test",
            Conversation = new ConversationAccount(id: conversationId),
            From = new ChannelAccount("user"),
            Recipient = new ChannelAccount("bot"),
            Text = "x",
        };
        return new TurnContext(adapter, activity);
    }

    public static async Task<JObject> ReadConversationAsync(BotHost host, string webChatUserId)
    {
        var users = host.Services.GetRequiredService<Bot.Web.Privacy.UserDirectory>();
        var id = await users.IdOfAsync("webchat", BotHost.WebChatId(webChatUserId));
        var factory = host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var row = await db.State.SingleAsync(s => s.Key == $"webchat/conversations/{id}");
        return JObject.Parse(row.Data);
    }
}

public sealed class SqliteConversationTests : IDisposable
{
    private readonly TempFolder _data = new();

    private Task<BotHost> Start() => BotHost.StartSqliteAsync(_data.Path);

    [Fact] public Task Turkish_conversation() => ConversationScenarios.TurkishConversation(Start);
    [Fact] public Task Arabic_conversation() => ConversationScenarios.ArabicConversation(Start);
    [Fact] public Task Unknown_language_is_asked_and_the_choice_kept() => ConversationScenarios.UnknownLanguageIsAskedInBothAndTheChoiceIsKept(Start);
    [Fact] public Task State_survives_a_restart() => ConversationScenarios.StateSurvivesARestart(Start);
    [Fact] public Task Concurrent_messages_of_one_user_are_all_kept() => ConversationScenarios.ConcurrentMessagesOfOneUserAreAllKept(Start);
    [Fact] public Task A_concurrent_state_write_is_detected() => ConversationScenarios.AConcurrentStateWriteIsDetected(Start);
    [Fact] public Task Concurrent_state_writes_fail_only_the_stale_ones() => ConversationScenarios.ConcurrentStateWritesFailOnlyTheStaleOnes(Start);

    [Fact]
    public async Task The_database_file_is_created_under_the_data_folder_in_WAL_mode()
    {
        await using var host = await Start();
        Assert.True(File.Exists(Path.Combine(_data.Path, "bot.db")));
        var factory = host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!); // NORMAL: with WAL, a commit does not wait for the disk
    }

    [Fact]
    public async Task Database_SqliteSynchronous_Full_makes_every_commit_wait_for_the_disk()
    {
        await using var host = await BotHost.StartSqliteAsync(_data.Path, extra: new Dictionary<string, string?> { ["Database:SqliteSynchronous"] = "Full" });
        var factory = host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(2L, (long)(await command.ExecuteScalarAsync())!);
    }

    public void Dispose() => _data.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConversationTests(PostgresServer server)
{
    private string? _connectionString;

    private async Task<BotHost> Start()
    {
        _connectionString ??= await server.CreateDatabaseAsync();
        return await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Bot"] = _connectionString,
        });
    }

    [PostgresFact] public Task Turkish_conversation() => ConversationScenarios.TurkishConversation(Start);
    [PostgresFact] public Task Arabic_conversation() => ConversationScenarios.ArabicConversation(Start);
    [PostgresFact] public Task Unknown_language_is_asked_and_the_choice_kept() => ConversationScenarios.UnknownLanguageIsAskedInBothAndTheChoiceIsKept(Start);
    [PostgresFact] public Task State_survives_a_restart() => ConversationScenarios.StateSurvivesARestart(Start);
    [PostgresFact] public Task Concurrent_messages_of_one_user_are_all_kept() => ConversationScenarios.ConcurrentMessagesOfOneUserAreAllKept(Start);
    [PostgresFact] public Task A_concurrent_state_write_is_detected() => ConversationScenarios.AConcurrentStateWriteIsDetected(Start);
    [PostgresFact] public Task Concurrent_state_writes_fail_only_the_stale_ones() => ConversationScenarios.ConcurrentStateWritesFailOnlyTheStaleOnes(Start);
}
