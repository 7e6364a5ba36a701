using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Cli;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Xunit;

namespace Bot.Tests.Knowledge;

public sealed partial class KnowledgeContentTests
{
    private static readonly KnowledgeBase Shipped = KnowledgeBase.Load(Repo.PathOf("localization"));

    /// <summary>The required topics (id, category) from shared/knowledge/faq-topics.yaml (read as text: it is not strict YAML).</summary>
    public static IReadOnlyList<(string Id, string Category)> RequiredTopics()
    {
        var text = File.ReadAllText(Path.Combine(Repo.SharedFolder, "knowledge", "faq-topics.yaml"));
        var topics = TopicLine().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.True(topics.Count >= 45, "faq-topics.yaml was not read");
        return topics;
    }

    [SharedFact]
    public void Every_required_topic_has_an_entry_with_its_id_and_category_plus_greeting_and_thanks()
    {
        foreach (var (id, category) in RequiredTopics())
        {
            Assert.True(Shipped.ById.TryGetValue(id, out var entry), $"no entry for topic '{id}'");
            Assert.Equal(category, entry!.Category);
        }
        Assert.Equal(KbEntry.SmallTalk, Shipped.ById["greeting"].Category);
        Assert.Equal(KbEntry.SmallTalk, Shipped.ById["thanks"].Category);
    }

    [Fact]
    public void Every_entry_has_answers_titles_and_at_least_8_phrasings_in_both_languages()
    {
        foreach (var entry in Shipped.Entries)
        {
            foreach (var language in Language.All)
            {
                var text = entry.Text(language);
                Assert.True(entry.Texts.ContainsKey(language), $"{entry.Id}: no {language}");
                Assert.True(text.Questions.Count >= 8, $"{entry.Id} ({language}) has {text.Questions.Count} phrasings");
                Assert.False(string.IsNullOrWhiteSpace(text.Answer));
                Assert.InRange(text.Title.Length, 1, 40);
                Assert.InRange(text.Answer.Length, 1, 1200); // room for the centre's contact lines under WhatsApp's 1,600
            }
            Assert.InRange(entry.Related.Count, 0, 3);
        }
    }

    [Fact]
    public void Kb_lint_passes_on_the_shipped_content()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = KbCommands.Lint(new ContentPaths(Repo.Root), stdout, stderr);
        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains("no problems", stdout.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The evaluation sets measure how the bot generalises: none of their questions may be in the knowledge base.</summary>
    [SharedTheory]
    [InlineData("shared/knowledge/faq-devset.tsv")]
    [InlineData("tests/Bot.Tests/Knowledge/kb-tuning.tsv")]
    [InlineData("shared/knowledge/faq-realistic.tsv")]
    [InlineData("tests/Bot.Tests/Knowledge/realistic.tsv")]
    [InlineData("tests/Bot.Tests/Knowledge/heldout.tsv")]
    [InlineData("tests/Bot.Tests/Knowledge/fresh.tsv")]
    public void No_evaluation_question_is_copied_into_the_knowledge_base(string set)
    {
        var path = set.StartsWith("shared/", StringComparison.Ordinal)
            ? Path.Combine(Repo.SharedFolder, set["shared/".Length..])
            : Repo.PathOf(set);
        var held = File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => Normalize(l.Split('\t')[2])).Where(t => t.Length > 0).ToHashSet();
        Assert.True(held.Count > 50, $"{set} was not read");
        var copied = Shipped.Entries
            .SelectMany(e => e.Texts.Values.SelectMany(t => t.Questions.Append(t.Answer)).Select(q => (e.Id, q)))
            .Where(x => held.Contains(Normalize(x.q)))
            .Select(x => $"{x.Id}: {x.q}")
            .ToList();
        Assert.Empty(copied);
    }

    private static string Normalize(string text) =>
        string.Join(' ', NonWord().Replace(CentreDirectory.Normalize(text), " ").Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static TheoryData<string, string, string> LintRows => new()
    {
        { "missing translation", Entry("a", ar: null), "missing translation: no 'ar' section" },
        { "empty answer", Entry("a", trAnswer: "\"\""), "empty answer in 'tr'" },
        { "answer too long", Entry("a", trAnswer: new string('x', 1700)), "over the 1600 a WhatsApp message can take" },
        { "unknown category", Entry("a", category: "weather"), "unknown category 'weather'" },
        { "unknown follow-up", Entry("a", related: "[nope]"), "unknown follow-up id 'nope'" },
        { "duplicate phrasing", Entry("a") + "\n---\n" + Entry("b"), "is also in 'a'" },
        { "invalid YAML", "id: a\ntr: [unclosed", "not valid YAML" },
        { "phrasing without a required word", Entry("a").Replace("related: []", "related: []\nrequires:\n  tr: [kurs]\n  ar: [ستاج]", StringComparison.Ordinal), "phrasing 'متى الدورة' (ar) uses none of the entry's required words" },
    };

    [Theory]
    [MemberData(nameof(LintRows))]
    public void Kb_lint_fails_with_a_clear_message(string row, string files, string message)
    {
        using var root = new TempFolder();
        var folder = Path.Combine(root.Path, "localization", "knowledge");
        Directory.CreateDirectory(folder);
        var i = 0;
        foreach (var file in files.Split("\n---\n")) File.WriteAllText(Path.Combine(folder, $"e{i++}.yaml"), file);
        var stderr = new StringWriter();
        var exit = KbCommands.Lint(new ContentPaths(root.Path), new StringWriter(), stderr);
        Assert.True(exit == 1, row);
        Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
    }

    private static string Entry(string id, string category = "employment", string related = "[]", string? trAnswer = null, string? ar = "default") =>
        $"""
        id: {id}
        category: {category}
        related: {related}
        tr:
          title: T
          answer: {trAnswer ?? "Bir yanıt."}
          questions: [kurs ne zaman]
        """ + (ar is null ? "" : """

        ar:
          title: ع
          answer: جواب.
          questions: [متى الدورة]
        """);

    [GeneratedRegex(@"^\s*- id: (\S+)\s*\n\s*category: (\S+)", RegexOptions.Multiline)]
    private static partial Regex TopicLine();

    [GeneratedRegex(@"[^\p{L}\p{N} ]")]
    private static partial Regex NonWord();
}
