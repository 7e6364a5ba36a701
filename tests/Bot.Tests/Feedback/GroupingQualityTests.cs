using Bot.Tests.Infrastructure;
using Bot.Web.Feedback;
using Xunit;
using Xunit.Abstractions;

namespace Bot.Tests.Feedback;

/// <summary>
/// How well the signatures group questions across Turkish and Arabic, on pairs labelled same/different that were
/// written separately from the lexicon (grouping-pairs.tsv), without help from the knowledge base.
/// </summary>
public sealed class GroupingQualityTests(ITestOutputHelper output)
{
    private static readonly QueueText Text = QueueText.Load(Repo.PathOf("localization"));

    [Fact]
    public void Most_same_meaning_pairs_are_grouped_and_different_ones_are_kept_apart()
    {
        var pairs = File.ReadAllLines(Repo.PathOf("tests", "Bot.Tests", "Feedback", "grouping-pairs.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        var same = pairs.Where(p => p[0] == "same").ToList();
        var different = pairs.Where(p => p[0] == "different").ToList();
        Assert.True(same.Count >= 30 && different.Count >= 30);
        bool Grouped(string[] p) => QueueText.Similar(Text.Signature(p[1], []), Text.Signature(p[2], []));
        var recall = (double)same.Count(Grouped) / same.Count;
        var falseMerges = (double)different.Count(Grouped) / different.Count;
        output.WriteLine($"same pairs grouped: {recall:P0} ({same.Count}); different pairs grouped: {falseMerges:P0} ({different.Count})");
        foreach (var p in same.Where(p => !Grouped(p))) output.WriteLine($"missed: {p[1]} | {p[2]}");
        foreach (var p in different.Where(Grouped)) output.WriteLine($"merged: {p[1]} | {p[2]}");
        Assert.True(recall >= 0.85, $"only {recall:P0} of same-meaning pairs grouped");
        Assert.True(falseMerges <= 0.05, $"{falseMerges:P0} of different pairs wrongly grouped");
    }

    /// <summary>#21: "I lost my kimlik card in Gaziantep" asked in Turkish and in Arabic stayed in two groups.</summary>
    [Theory]
    [InlineData("Gaziantep'te kimlik kartımı kaybettim", "ضيعت كرت الكملك بعنتاب")]
    [InlineData("Gaziantep'te kimlik kartımı kaybettim ne yapmalıyım", "فقدت بطاقة الكيمليك في غازي عنتاب شو لازم اعمل")]
    [InlineData("antepte kimligimi kaybettim", "الكملك تبعي ضاع بعنتاب")]
    [InlineData("Kimlik kartım kayboldu, Gaziantep'teyim", "ضاعت هويتي وانا بعنتاب")]
    public void The_same_question_in_Turkish_and_Arabic_is_one_group(string turkish, string arabic)
    {
        var (tr, ar) = (Text.Signature(turkish, []), Text.Signature(arabic, []));
        Assert.True(QueueText.Similar(tr, ar), $"{tr} | {ar}");
    }

    [Theory]
    [InlineData("Almanyaya uçak bileti", "c:flight")]
    [InlineData("تذكرة طيران", "c:flight")]
    [InlineData("biletlerimi", "c:ticket")]
    [InlineData("والتذاكر", "c:ticket")]
    public void Words_map_to_shared_concepts_whatever_their_suffixes_and_prefixes(string text, string concept) =>
        Assert.Contains(concept, Text.Signature(text, []).Split(' '));
}
