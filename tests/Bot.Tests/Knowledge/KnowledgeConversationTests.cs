using System.Text.Json;
using Bot.Tests.Infrastructure;
using Bot.Web.Cli;
using Bot.Web.Data;
using Bot.Web.Knowledge;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.Feedback;

namespace Bot.Tests.Knowledge;

public sealed class KnowledgeConversationTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path, extra: new Dictionary<string, string?>
    {
        ["Centres:gaziantep:Address"] = "Örnek Mahallesi 1. Sokak No:2, Şahinbey",
        ["Centres:gaziantep:Phone"] = "+90 342 000 00 00",
    });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    private KbEntry Entry(string id) => _host.Services.GetRequiredService<KnowledgeService>().Current.Knowledge.ById[id];

    [Fact]
    public async Task A_question_is_answered_in_its_language_with_follow_ups_and_the_menu_button()
    {
        var replies = await _host.SayAsync("answer-user", "calisma izni icin hangi belgeler gerekiyor");
        var expected = Entry("work-permit-documents");
        var answer = replies[^1];
        Assert.StartsWith(expected.Text("tr").Answer[..40], answer.Text, StringComparison.Ordinal);
        Assert.Equal("tr", answer.Locale);
        var related = expected.Related.Select(id => Entry(id).Text("tr").Title).Append("Menü");
        Assert.Equal(related, answer.SuggestedActions.Select(b => b.Title));

        // A follow-up button answers that entry.
        var followUp = await _host.SayAsync("answer-user", value: answer.SuggestedActions[0].Value);
        Assert.StartsWith(Entry(expected.Related[0]).Text("tr").Answer[..30], followUp[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clarification_offers_close_candidates_and_the_choice_answers()
    {
        var question = await FindClarifyingQuestionAsync();
        var replies = await _host.SayAsync("clarify-user", question);
        var ask = replies[^1];
        Assert.Equal("Hangisini sormak istediniz?", ask.Text);
        Assert.InRange(ask.SuggestedActions.Count, 2, 4);
        Assert.Equal("kb:none", ask.SuggestedActions[^1].Value);

        var pick = ask.SuggestedActions[0];
        var answer = await _host.SayAsync("clarify-user", value: pick.Value);
        Assert.StartsWith(Entry(pick.Value["kb:".Length..]).Text("tr").Answer[..30], answer[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejecting_all_candidates_records_the_question_for_staff()
    {
        var question = await FindClarifyingQuestionAsync();
        await _host.SayAsync("reject-user", question);
        var replies = await _host.SayAsync("reject-user", value: "kb:none");
        Assert.StartsWith("Bu soruyu henüz yanıtlayamıyorum", replies[0].Text, StringComparison.Ordinal);
        var item = await SingleQueued("reject-user");
        Assert.Equal(("clarification-rejected", question), (item.Reason, item.Text));
    }

    [Fact]
    public async Task An_off_topic_question_gets_the_out_of_scope_answer_and_is_recorded()
    {
        const string question = "Almanya'daki kardeşimin yanına aile birleşimi vizesiyle nasıl gidebilirim";
        var replies = await _host.SayAsync("oos-user", question);
        Assert.StartsWith(Entry("out-of-scope").Text("tr").Answer[..30], replies[^1].Text, StringComparison.Ordinal);
        var item = await SingleQueued("oos-user");
        Assert.Equal(("out-of-scope", "tr", question), (item.Reason, item.Language, item.Text));
    }

    [Fact]
    public async Task An_unknown_question_is_admitted_and_recorded_with_its_candidates()
    {
        const string question = "zxqv plimbo wertyuk";
        await _host.SayAsync("abstain-user", value: "lang:tr");
        var replies = await _host.SayAsync("abstain-user", question);
        Assert.Contains(replies, r => r.Text.StartsWith("Bu soruyu henüz yanıtlayamıyorum", StringComparison.Ordinal));
        Assert.Equal(8, replies[^1].SuggestedActions.Count); // the menu

        var item = await SingleQueued("abstain-user");
        Assert.Equal(("abstained", "tr", "webchat", question), (item.Reason, item.Language, item.Channel, item.Text));
        using var candidates = JsonDocument.Parse(item.CandidatesJson);
        Assert.Equal(JsonValueKind.Array, candidates.RootElement.ValueKind);
        Assert.DoesNotContain("abstain-user", item.UserId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_language_follows_the_question_and_can_be_switched_mid_conversation()
    {
        var tr = await _host.SayAsync("switcher", "türkçe kursu açılacak mı");
        Assert.All(tr, r => Assert.Equal("tr", r.Locale));
        var ar = await _host.SayAsync("switcher", "في دورات لغة تركية");
        Assert.All(ar, r => Assert.Equal(("ar", "rtl"), (r.Locale, r.Direction)));
        Assert.StartsWith(Entry("turkish-courses").Text("ar").Answer[..30], ar[^1].Text, StringComparison.Ordinal);
        var back = await _host.SayAsync("switcher", value: "lang:tr");
        Assert.Equal("Tamam, Türkçe devam ediyoruz.", back[0].Text);
    }

    [Fact]
    public async Task A_centre_named_in_the_question_gets_its_configured_contact()
    {
        var replies = await _host.SayAsync("centre-user", "Gaziantep'teki toplum merkezinin adresi ve telefonu nedir");
        var answer = replies[^1].Text;
        Assert.Contains("Gaziantep Toplum Merkezi", answer, StringComparison.Ordinal);
        Assert.Contains("Adres: Örnek Mahallesi 1. Sokak No:2, Şahinbey", answer, StringComparison.Ordinal);
        Assert.Contains("Telefon: +90 342 000 00 00", answer, StringComparison.Ordinal);

        var unconfigured = await _host.SayAsync("centre-user", "Konya'daki toplum merkezinin adresi ve telefonu nedir");
        Assert.Contains("Konya Toplum Merkezi: adres ve telefon bilgisi henüz eklenmedi", unconfigured[^1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("{centre_contact}", unconfigured[^1].Text, StringComparison.Ordinal);
    }

    private async Task<Bot.Web.Feedback.UnansweredQuestion> SingleQueued(string webChatUser)
    {
        var id = await _host.Services.GetRequiredService<UserDirectory>().IdOfAsync("webchat", BotHost.WebChatId(webChatUser));
        var factory = _host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Unanswered.SingleAsync(u => u.UserId == id);
    }

    /// <summary>A short, ambiguous question the matcher answers by asking (found, so the test follows the content).</summary>
    private Task<string> FindClarifyingQuestionAsync()
    {
        var knowledge = _host.Services.GetRequiredService<KnowledgeService>();
        string[] tries = ["kurs", "kurs parası", "başvuru", "belge", "izin", "ev", "destek", "eğitim", "para", "kart", "merkez"];
        var found = tries.FirstOrDefault(t => knowledge.Match(t).Kind == MatchKind.Clarify);
        Assert.True(found is not null, "none of the short ambiguous questions leads to a clarification");
        return Task.FromResult(found!);
    }
}

public sealed class KnowledgeReloadTests
{
    [Fact]
    public async Task Edited_content_is_re_indexed_without_a_restart()
    {
        using var root = new TempFolder();
        Repo.CopyContentTo(root.Path);
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?> { ["Content:Root"] = root.Path });
        var knowledge = host.Services.GetRequiredService<KnowledgeService>();
        const string novel = "xyzzy plugh frobozz";
        Assert.NotEqual(MatchKind.Answer, knowledge.Match(novel).Kind);

        await host.SayAsync("reload-user", value: "lang:tr");
        var version = knowledge.Version;
        var file = Path.Combine(root.Path, "localization", "knowledge", "other-trainings.yaml");
        var yaml = File.ReadAllText(file);
        var at = yaml.IndexOf("  questions:\n", StringComparison.Ordinal) + "  questions:\n".Length;
        File.WriteAllText(file, yaml.Insert(at, $"    - {novel}\n"));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (knowledge.Version == version && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(knowledge.Version > version, "the change was not picked up");
        var replies = await host.SayAsync("reload-user", novel);
        Assert.StartsWith(knowledge.Current.Knowledge.ById["other-trainings"].Text("tr").Answer[..30], replies[^1].Text, StringComparison.Ordinal);

        // The learned signal is trained for the new content in the background and joins BM25 when ready.
        var trained = DateTime.UtcNow.AddSeconds(90);
        while (knowledge.Current.Learned is null && DateTime.UtcNow < trained) await Task.Delay(100);
        Assert.NotNull(knowledge.Current.Learned);
        Assert.Equal("other-trainings", knowledge.Current.Learned!.Best(LearnedSignal.Key(novel, null)).Id);
    }
}

public sealed class KbTestCommandTests
{
    [Fact]
    public void Writes_one_JSON_object_per_line_in_order_then_a_summary()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "set.tsv");
        File.WriteAllLines(file,
        [
            "# expected_id\tlang\ttext",
            "work-permit-documents\ttr\tçalışma izni için hangi belgeler gerekiyor",
            "none\ttr\tbugün hava yağmurlu mu olacak",
            "?\tar\tمرحبا",
            "",
            "turkish-courses\tar\tفي دورات لغة تركية",
        ]);
        using var knowledge = new KnowledgeService(new Bot.Web.Localization.ContentPaths(Repo.Root),
            new StaticOptionsMonitor<KnowledgeOptions>(new KnowledgeOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KnowledgeService>.Instance, TimeProvider.System, watch: false);
        var stdout = new StringWriter();
        Assert.Equal(0, KbCommands.Test(knowledge, file, stdout, new StringWriter()));
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        var objects = lines[..4].Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["work-permit-documents", "none", "?", "turkish-courses"], objects.Select(o => o.GetProperty("expected").GetString()));
        Assert.Equal("work-permit-documents", objects[0].GetProperty("answerId").GetString());
        Assert.Equal(JsonValueKind.Null, objects[1].GetProperty("answerId").ValueKind);
        foreach (var o in objects)
        {
            Assert.Equal(JsonValueKind.Array, o.GetProperty("candidates").ValueKind);
            Assert.InRange(o.GetProperty("confidence").GetDouble(), 0, 1);
            Assert.Equal(["text", "lang", "expected", "answerId", "confidence", "candidates"], o.EnumerateObject().Select(p => p.Name));
        }
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(lines[4]));
        Assert.StartsWith("summary:", lines[4], StringComparison.Ordinal);
        Assert.Contains("ar in-scope 1", lines[4], StringComparison.Ordinal);
        Assert.Contains("tr in-scope 1", lines[4], StringComparison.Ordinal);
    }
}

public sealed class StaticOptionsMonitor<T>(T value) : Microsoft.Extensions.Options.IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
