using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Ar;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.NGram;
using Lucene.Net.Analysis.Snowball;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Synonym;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Tr;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Tartarus.Snowball.Ext;
using Lucene.Net.Util;
using YamlDotNet.Serialization;

namespace Bot.Web.Knowledge;

/// <summary>
/// The fields every phrasing is indexed into, each with its own Lucene analysis chain:
/// <list type="bullet">
/// <item><c>tr</c>: Turkish — apostrophe suffixes dropped ("İstanbul'da"), Turkish lower-casing (I/İ/ı), stop words, Snowball Turkish stemmer.</item>
/// <item><c>trf</c>: Turkish folded to ASCII ("calisma" = "çalışma") and cut to the first 5 letters (the classic, robust stemming for Turkish written without Turkish letters).</item>
/// <item><c>ar</c>: Arabic — digits normalised (٠-٩, ۰-۹ → 0-9), alef/yaa/taa marbuta normalised, diacritics and tatweel removed, stop words, light stemming; Latin words in Arabic sentences folded.</item>
/// <item><c>ng</c>: character 3-grams of the folded, normalised words, for typos.</item>
/// </list>
/// Synonyms (localization/synonyms.&lt;lang&gt;.yaml) are added at query time, before stemming, in the folded Turkish
/// and the Arabic fields.
/// </summary>
public sealed class TextAnalysis : IDisposable
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    public const string Turkish = "tr";
    public const string TurkishFolded = "trf";
    public const string Arabic = "ar";
    public const string NGrams = "ng";
    public static readonly IReadOnlyList<string> Fields = [Turkish, TurkishFolded, Arabic, NGrams];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _stems = new(StringComparer.Ordinal);
    private readonly CharArraySet _turkishStops;
    private readonly CharArraySet _foldedStops;
    private readonly CharArraySet _arabicStops;

    public TextAnalysis(SynonymMap? turkishSynonyms, SynonymMap? foldedSynonyms, SynonymMap? arabicSynonyms,
        IReadOnlyCollection<string>? extraTurkishStops = null, IReadOnlyCollection<string>? extraArabicStops = null)
    {
        (_turkishStops, _foldedStops, _arabicStops) = StopSets(extraTurkishStops ?? [], extraArabicStops ?? []);
        IndexAnalyzer = PerField(null, null, null);
        // Turkish synonyms are expanded in the folded field only: the stemmed field would repeat the same matches.
        QueryAnalyzer = PerField(null, foldedSynonyms, arabicSynonyms);
    }

    /// <summary>Analyzes indexed phrasings (no synonym expansion).</summary>
    public Analyzer IndexAnalyzer { get; }

    /// <summary>Analyzes questions (synonyms expanded).</summary>
    public Analyzer QueryAnalyzer { get; }

    public static TextAnalysis Load(string localizationFolder)
    {
        var tr = ReadGroups(Path.Combine(localizationFolder, "synonyms.tr.yaml"));
        var ar = ReadGroups(Path.Combine(localizationFolder, "synonyms.ar.yaml"));
        var stops = ReadStopWords(Path.Combine(localizationFolder, "stopwords.yaml"));
        var (turkishStops, foldedStops, arabicStops) = StopSets(stops.GetValueOrDefault("tr") ?? [], stops.GetValueOrDefault("ar") ?? []);
        // Arabic users write Turkish words too, and Turkish users' terms appear in Arabic questions: each field gets both lists.
        var all = tr.Concat(ar).ToList();
        return new TextAnalysis(
            BuildSynonyms(all, s => TurkishPrefix(s, turkishStops)),
            BuildSynonyms(all, s => FoldedPrefix(s, foldedStops)),
            BuildSynonyms(all, s => ArabicPrefix(s, arabicStops)),
            stops.GetValueOrDefault("tr"), stops.GetValueOrDefault("ar"));
    }

    /// <summary>
    /// Run on every text before analysis (Lucene 4.8 has no decimal-digit filter): Arabic-Indic and Persian digits
    /// become ASCII digits; zero-width characters (which sit inside words) are removed; direction marks and isolates
    /// (which sit between words) become spaces. Also used by the dialogs to read numbers.
    /// </summary>
    public static string NormalizeText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case >= '\u0660' and <= '\u0669': sb.Append((char)('0' + (c - '\u0660'))); break;
                case >= '\u06F0' and <= '\u06F9': sb.Append((char)('0' + (c - '\u06F0'))); break;
                case '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD': break;
                case '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'): sb.Append(' '); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The terms a text is turned into in one field, with the position each came from (synonyms share a position).</summary>
    public static List<(int Position, string Term)> Terms(Analyzer analyzer, string field, string text)
    {
        var result = new List<(int, string)>();
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            result.Add((Math.Max(position, 0), term.ToString()));
        }
        stream.End();
        return result;
    }

    public void Dispose()
    {
        IndexAnalyzer.Dispose();
        QueryAnalyzer.Dispose();
    }

    private Analyzer PerField(SynonymMap? tr, SynonymMap? trf, SynonymMap? ar) =>
        Analyzer.NewAnonymous(
            (field, reader) => field switch
            {
                Turkish => TurkishChain(reader, tr),
                TurkishFolded => FoldedChain(reader, trf),
                Arabic => ArabicChain(reader, ar),
                NGrams => NGramChain(reader),
                _ => throw new ArgumentOutOfRangeException(nameof(field), field, "unknown field"),
            },
            Analyzer.PER_FIELD_REUSE_STRATEGY);

    // The parts of each chain before synonyms; synonym entries go through the same parts.
    private static TokenStream TurkishPrefix(TokenStream s, CharArraySet stops) =>
        new StopFilter(Version, new ContractedArticleFilter(new TurkishLowerCaseFilter(new ApostropheFilter(s))), stops);

    private static TokenStream FoldedPrefix(TokenStream s, CharArraySet stops) =>
        new StopFilter(Version, new ContractedArticleFilter(new ASCIIFoldingFilter(new TurkishLowerCaseFilter(new ApostropheFilter(s)))), stops);

    private static TokenStream ArabicPrefix(TokenStream s, CharArraySet stops) =>
        new StopFilter(Version, new ContractedArticleFilter(new ArabicNormalizationFilter(new ASCIIFoldingFilter(new LowerCaseFilter(Version, s)))), stops);

    private TokenStreamComponents TurkishChain(TextReader reader, SynonymMap? synonyms)
    {
        var source = new StandardTokenizer(Version, reader);
        var stream = WithSynonyms(TurkishPrefix(source, _turkishStops), synonyms);
        return new TokenStreamComponents(source, new CachedTurkishStemFilter(stream, _stems));
    }

    private TokenStreamComponents FoldedChain(TextReader reader, SynonymMap? synonyms)
    {
        var source = new StandardTokenizer(Version, reader);
        var stream = WithSynonyms(FoldedPrefix(source, _foldedStops), synonyms);
        return new TokenStreamComponents(source, new TruncateTokenFilter(stream, 5));
    }

    private TokenStreamComponents ArabicChain(TextReader reader, SynonymMap? synonyms)
    {
        var source = new StandardTokenizer(Version, reader);
        var stream = WithSynonyms(ArabicPrefix(source, _arabicStops), synonyms);
        return new TokenStreamComponents(source, new ArabicStemFilter(stream));
    }

    private static TokenStreamComponents NGramChain(TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new ArabicNormalizationFilter(new ASCIIFoldingFilter(new TurkishLowerCaseFilter(new ApostropheFilter(source))));
        return new TokenStreamComponents(source, new NGramTokenFilter(Version, stream, 3, 3));
    }

    private static TokenStream WithSynonyms(TokenStream stream, SynonymMap? synonyms) =>
        synonyms is null ? stream : new SynonymFilter(stream, synonyms, ignoreCase: false);

    /// <summary>Lucene's stop lists plus ours, in the form each chain compares them (as typed, folded, normalised).</summary>
    private static (CharArraySet Turkish, CharArraySet Folded, CharArraySet Arabic) StopSets(IReadOnlyCollection<string> turkish, IReadOnlyCollection<string> arabic)
    {
        var tr = TurkishAnalyzer.DefaultStopSet.Select(w => w.ToString()!).Concat(turkish).ToList();
        var ar = ArabicAnalyzer.DefaultStopSet.Select(w => w.ToString()!).Concat(arabic).ToList();
        return (
            new CharArraySet(Version, tr.Select(w => w.ToLower(System.Globalization.CultureInfo.GetCultureInfo("tr-TR"))).ToList(), false),
            new CharArraySet(Version, tr.Select(Fold).ToList(), false),
            new CharArraySet(Version, ar.Select(NormalizeArabic).ToList(), false));
    }

    private static Dictionary<string, List<string>> ReadStopWords(string file) =>
        File.Exists(file)
            ? new DeserializerBuilder().Build().Deserialize<Dictionary<string, List<string>>>(File.ReadAllText(file)) ?? []
            : [];

    private static string Fold(string word)
    {
        using var analyzer = Analyzer.NewAnonymous((_, r) =>
        {
            var t = new KeywordTokenizer(r);
            return new TokenStreamComponents(t, new ASCIIFoldingFilter(new TurkishLowerCaseFilter(t)));
        });
        return Terms(analyzer, "x", word).Select(t => t.Term).FirstOrDefault() ?? word;
    }

    private static string NormalizeArabic(string word)
    {
        using var analyzer = Analyzer.NewAnonymous((_, r) =>
        {
            var t = new KeywordTokenizer(r);
            return new TokenStreamComponents(t, new ArabicNormalizationFilter(new ASCIIFoldingFilter(new LowerCaseFilter(Version, t))));
        });
        return Terms(analyzer, "x", word).Select(t => t.Term).FirstOrDefault() ?? word;
    }

    private static SynonymMap? BuildSynonyms(IReadOnlyList<IReadOnlyList<string>> groups, Func<TokenStream, TokenStream> prefix)
    {
        using var analyzer = Analyzer.NewAnonymous(
            (_, reader) =>
            {
                var source = new StandardTokenizer(Version, reader);
                return new TokenStreamComponents(source, prefix(source));
            });
        var builder = new SynonymMap.Builder(dedup: true);
        var added = 0;
        foreach (var group in groups)
        {
            var forms = group.Select(v => Terms(analyzer, "x", NormalizeText(v)).Select(t => t.Term).ToArray())
                .Where(words => words.Length > 0)
                .Select(words => string.Join(" ", words))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            foreach (var from in forms)
            {
                foreach (var to in forms.Where(t => t != from))
                {
                    builder.Add(SynonymMap.Builder.Join(from.Split(' '), new CharsRef()), SynonymMap.Builder.Join(to.Split(' '), new CharsRef()), includeOrig: true);
                    added++;
                }
            }
        }
        return added == 0 ? null : builder.Build();
    }

    private static List<IReadOnlyList<string>> ReadGroups(string file)
    {
        if (!File.Exists(file)) return [];
        var groups = new DeserializerBuilder().Build().Deserialize<List<List<string>>>(File.ReadAllText(file)) ?? [];
        return groups.Where(g => g.Count > 1).Select(g => (IReadOnlyList<string>)g).ToList();
    }
}

/// <summary>
/// Lucene's Snowball Turkish stemmer with its results remembered per word: the stemmer is the costliest step of
/// indexing, and the same words recur across phrasings and questions. The stems are the stemmer's own.
/// </summary>
internal sealed class CachedTurkishStemFilter : TokenFilter
{
    private const int MaxCached = 200_000;
    private readonly TurkishStemmer _stemmer = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _cache;
    private readonly ICharTermAttribute _term;
    private readonly Lucene.Net.Analysis.TokenAttributes.IKeywordAttribute _keyword;

    public CachedTurkishStemFilter(TokenStream input, System.Collections.Concurrent.ConcurrentDictionary<string, string> cache) : base(input)
    {
        _cache = cache;
        _term = AddAttribute<ICharTermAttribute>();
        _keyword = AddAttribute<Lucene.Net.Analysis.TokenAttributes.IKeywordAttribute>();
    }

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken()) return false;
        if (_keyword.IsKeyword) return true;
        var word = _term.ToString();
        if (!_cache.TryGetValue(word, out var stem))
        {
            _stemmer.SetCurrent(word);
            _stemmer.Stem();
            stem = _stemmer.Current;
            if (_cache.Count > MaxCached) _cache.Clear(); // bounded: questions bring endless new words
            _cache[word] = stem;
        }
        _term.SetEmpty().Append(stem);
        return true;
    }
}

/// <summary>
/// Levantine speech contracts "على ال…" (on the) into one word, "عال…": عالكرت, عالمركز, عالجامعة. The word is read as
/// "ال…" in every field (Arabic words are indexed in the Turkish fields too), and the Arabic stemmer then takes the
/// article off as usual. Only with three letters or more after it, so that عالم, عالي and عالية (world, high) stay
/// as written.
/// </summary>
internal sealed class ContractedArticleFilter : TokenFilter
{
    private const string Contracted = "\u0639\u0627\u0644";
    private readonly ICharTermAttribute _term;

    public ContractedArticleFilter(TokenStream input) : base(input) => _term = AddAttribute<ICharTermAttribute>();

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken()) return false;
        var buffer = _term.Buffer;
        if (_term.Length >= Contracted.Length + 3 && buffer[0] == Contracted[0] && buffer[1] == Contracted[1] && buffer[2] == Contracted[2])
        {
            // "عال…" → "ال…": drop the first letter.
            Array.Copy(buffer, 1, buffer, 0, _term.Length - 1);
            _term.Length -= 1;
        }
        return true;
    }
}
