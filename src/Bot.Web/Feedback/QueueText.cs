using System.Globalization;
using System.Text;
using Bot.Web.Knowledge;
using YamlDotNet.Serialization;

namespace Bot.Web.Feedback;

/// <summary>
/// What a queue item's text means, language-independently, for grouping and categorising: its words are normalised
/// (Turkish letters folded, Arabic letters unified, diacritics and one-letter prefixes and "ال" removed) and looked up in
/// a bilingual concept lexicon (<c>localization/queue-concepts.yaml</c>) and in the report categories' keyword lists
/// (<c>localization/queue-categories.yaml</c>). A listed word of 4 or more letters matches the words it starts
/// (suffixes: biletler, كيراتي); a shorter one matches only itself.
/// </summary>
public sealed partial class QueueText
{
    private readonly WordTable _concepts;
    private readonly WordTable _categories;
    private readonly HashSet<string> _stopWords;

    private QueueText(WordTable concepts, WordTable categories, HashSet<string> stopWords)
    {
        _concepts = concepts;
        _categories = categories;
        _stopWords = stopWords;
    }

    public static QueueText Load(string localizationFolder)
    {
        var yaml = new DeserializerBuilder().WithNamingConvention(YamlDotNet.Serialization.NamingConventions.UnderscoredNamingConvention.Instance).Build();
        var concepts = yaml.Deserialize<ConceptFile>(File.ReadAllText(Path.Combine(localizationFolder, "queue-concepts.yaml")));
        var categories = yaml.Deserialize<CategoryFile>(File.ReadAllText(Path.Combine(localizationFolder, "queue-categories.yaml")));
        var unknown = categories.Categories.Keys.Where(c => !QueueCategories.All.Contains(c)).ToList();
        if (unknown.Count > 0) throw new InvalidOperationException("localization/queue-categories.yaml: unknown categories " + string.Join(", ", unknown));
        var stops = yaml.Deserialize<Dictionary<string, List<string>>>(File.ReadAllText(Path.Combine(localizationFolder, "stopwords.yaml")));
        return new QueueText(WordTable.From(concepts.Concepts), WordTable.From(categories.Categories),
            stops.Values.SelectMany(v => v).SelectMany(Words).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The signature stored with an item: <c>c:</c> concepts, <c>k:</c> the knowledge base's nearest entries, <c>w:</c> content words.</summary>
    public string Signature(string text, IEnumerable<string> nearestEntries)
    {
        var features = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var token in Tokens(text))
        {
            var word = Stripped(token);
            if (_stopWords.Contains(word) || _stopWords.Contains(token)) continue;
            if ((_concepts.Find(token) ?? _concepts.Find(word)) is { } concept) features.Add("c:" + concept);
            if (word.Length >= 3) features.Add("w:" + word);
        }
        foreach (var entry in nearestEntries) features.Add("k:" + entry);
        return string.Join(' ', features);
    }

    /// <summary>The category whose keywords the text uses most, or null when it uses none.</summary>
    public string? CategoryOf(string text)
    {
        var hits = Tokens(text).Select(t => _categories.Find(t) ?? _categories.Find(Stripped(t))).OfType<string>().GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => QueueCategoriesOrder(g.Key)).FirstOrDefault();
        return hits?.Key;
    }

    private static int QueueCategoriesOrder(string category) => QueueCategories.All.ToList().IndexOf(category);

    /// <summary>
    /// Two items mean the same thing when they share concepts (at least two, and half of all they have; or one and the
    /// same nearest knowledge entry) or, in one language, most of their content words.
    /// </summary>
    public static bool Similar(string a, string b)
    {
        var fa = a.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var fb = b.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (sharedConcepts, conceptJaccard) = Overlap(fa, fb, "c:");
        var (sharedWords, wordJaccard) = Overlap(fa, fb, "w:");
        var sameNearest = fa.FirstOrDefault(f => f.StartsWith("k:", StringComparison.Ordinal)) is { } ka && fb.Contains(ka);
        return (sharedConcepts >= 2 && conceptJaccard >= 0.5)
            || (sharedConcepts >= 1 && conceptJaccard >= 0.5 && sameNearest)
            || (sharedWords >= 2 && wordJaccard >= 0.6);
    }

    private static (int Shared, double Jaccard) Overlap(string[] a, string[] b, string prefix)
    {
        var sa = a.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var sb = b.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var shared = sa.Count(sb.Contains);
        var union = sa.Count + sb.Count - shared;
        return (shared, union == 0 ? 0 : (double)shared / union);
    }

    /// <summary>The normalised words of a text, without their Arabic prefixes (see the class summary).</summary>
    public static IEnumerable<string> Words(string text) => Tokens(text).Select(Stripped);

    /// <summary>An Arabic word without a leading one-letter prefix and article; other words as they are.</summary>
    private static string Stripped(string token) => IsArabic(token) ? StripArabicPrefixes(token) : token;

    /// <summary>The normalised words of a text, as written (Arabic prefixes kept: a listed word may begin with one of those letters).</summary>
    private static IEnumerable<string> Tokens(string text)
    {
        // "e-devlet" is one word (a hyphen inside a word joins; elsewhere punctuation separates words).
        var normal = CentreDirectory.Normalize(Knowledge.TextAnalysis.NormalizeText(HyphenInWord().Replace(text, "")));
        var sb = new StringBuilder(normal.Length);
        foreach (var c in normal)
        {
            switch (c)
            {
                case >= '\u064B' and <= '\u065F' or '\u0670' or '\u0640': break; // diacritics, tatweel
                case '\u0624': sb.Append('\u0648'); break; // ؤ → و
                case '\u0626': sb.Append('\u064A'); break; // ئ → ي
                case '\u0671': sb.Append('\u0627'); break; // ٱ → ا
                default: sb.Append(char.IsLetterOrDigit(c) ? c : ' '); break;
            }
        }
        return sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static bool IsArabic(string word) => word[0] is >= '\u0600' and <= '\u06FF';

    private static string StripArabicPrefixes(string word)
    {
        if (word.Length > 4 && word.StartsWith("\u0644\u0644", StringComparison.Ordinal)) return word[2..]; // لل (for the)
        if (word.Length > 3 && word[0] is '\u0648' or '\u0641' or '\u0628' or '\u0644' or '\u0643') word = word[1..]; // و ف ب ل ك
        if (word.Length > 4 && word.StartsWith("\u0627\u0644", StringComparison.Ordinal)) word = word[2..]; // ال
        return word;
    }

    /// <summary>Listed words → an id, exact for short words and by prefix for words of 4 letters or more.</summary>
    private sealed class WordTable
    {
        private readonly Dictionary<string, string> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _prefix = new(StringComparer.Ordinal);
        private int _longest;

        public static WordTable From(Dictionary<string, LanguageWords> lists)
        {
            var table = new WordTable();
            foreach (var (id, words) in lists)
            {
                foreach (var listed in words.Tr.Concat(words.Ar))
                {
                    foreach (var word in Tokens(listed))
                    {
                        table._exact.TryAdd(word, id);
                        if (word.Length >= 4) table._prefix.TryAdd(word, id);
                        table._longest = Math.Max(table._longest, word.Length);
                    }
                }
            }
            return table;
        }

        public string? Find(string word)
        {
            if (_exact.TryGetValue(word, out var id)) return id;
            var arabic = IsArabic(word);
            for (var length = Math.Min(word.Length - 1, _longest); length >= 4; length--)
            {
                if (arabic && word.Length - length > 3) break; // Arabic suffixes are short
                if (_prefix.TryGetValue(word[..length], out id)) return id;
            }
            return null;
        }
    }

    private sealed class ConceptFile
    {
        public Dictionary<string, LanguageWords> Concepts { get; set; } = [];
    }

    private sealed class CategoryFile
    {
        public Dictionary<string, LanguageWords> Categories { get; set; } = [];
    }

    private sealed class LanguageWords
    {
        public List<string> Tr { get; set; } = [];
        public List<string> Ar { get; set; } = [];
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=\p{L})-(?=\p{L})")]
    private static partial System.Text.RegularExpressions.Regex HyphenInWord();
}
