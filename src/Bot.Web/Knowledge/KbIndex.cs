using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Bot.Web.Knowledge;

public enum MatchKind
{
    Answer,
    Clarify,
    Abstain,
}

/// <summary>
/// An entry the question may be about: its ranking score (BM25), coverage (0–1: how much of the question its
/// phrasings and answer account for) and confidence (0–1: coverage, reduced when the next entry is close behind).
/// </summary>
public sealed record Candidate(string Id, double Score, double Confidence, double Coverage = 0);

/// <summary>
/// The decision for one message: answer with <see cref="AnswerId"/>, ask which of <see cref="Candidates"/> was meant,
/// or abstain. <see cref="Ranked"/> holds the best entries whatever the decision (for staff and evaluation).
/// </summary>
public sealed record MatchResult(MatchKind Kind, string? AnswerId, double Confidence, IReadOnlyList<Candidate> Candidates, IReadOnlyList<Candidate> Ranked)
{
    public static readonly MatchResult Nothing = new(MatchKind.Abstain, null, 0, [], []);
}

/// <summary>
/// The in-memory Lucene index of the knowledge base. Every phrasing (and title) of every entry is one document,
/// indexed into all analysis fields; a question is searched in all of them (BM25) and documents are grouped by
/// entry. Confidence is how much of the question the best entry accounts for: the share of the question's words,
/// weighted by rarity (idf), that occur in that entry's phrasings — synonyms counting as the word.
/// </summary>
public sealed class KbIndex : IDisposable
{
    private const int MaxQueryLength = 600;
    private const int DocsToRank = 50;
    private static readonly Dictionary<string, float> FieldBoosts = new()
    {
        [TextAnalysis.Turkish] = 1.0f,
        [TextAnalysis.TurkishFolded] = 1.0f,
        [TextAnalysis.Arabic] = 1.2f,
        [TextAnalysis.NGrams] = 0.15f,
    };

    private readonly RAMDirectory _directory = new();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly TextAnalysis _analysis;
    private static readonly string[] CoverageFields = [TextAnalysis.TurkishFolded, TextAnalysis.Arabic];
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<Dictionary<string, HashSet<string>>> _vocabulary = [];
    private readonly NumericDocValues _entryOf;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly int _documents;

    public KbIndex(KnowledgeBase knowledge, TextAnalysis analysis)
    {
        _analysis = analysis;
        var config = new IndexWriterConfig(TextAnalysis.Version, analysis.IndexAnalyzer)
        {
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = 128,
            OpenMode = OpenMode.CREATE,
        };
        foreach (var entry in knowledge.Entries)
        {
            _numbers[entry.Id] = _ids.Count;
            _ids.Add(entry.Id);
            _vocabulary.Add(CoverageFields.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal)));
        }
        using (var writer = new IndexWriter(_directory, config))
        {
            // Entries are analysed and added on every core (the writer is thread-safe; each entry's vocabulary is its own).
            var documents = 0;
            Parallel.For(0, knowledge.Entries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, number =>
            {
                var entry = knowledge.Entries[number];
                var vocabulary = _vocabulary[number];
                foreach (var (_, text) in entry.Texts)
                {
                    // The answer's words count as the entry's vocabulary (for confidence); only phrasings are searched.
                    AddVocabulary(vocabulary, text.Answer);
                    foreach (var phrasing in text.Questions.Prepend(text.Title))
                    {
                        var normalized = TextAnalysis.NormalizeText(phrasing);
                        var document = new Document { new NumericDocValuesField("entry", number) };
                        foreach (var field in TextAnalysis.Fields) document.Add(new TextField(field, normalized, Field.Store.NO));
                        AddVocabulary(vocabulary, normalized);
                        writer.AddDocument(document);
                        Interlocked.Increment(ref documents);
                    }
                }
            });
            _documents = documents;
            writer.Commit();
        }
        _reader = DirectoryReader.Open(_directory);
        _entryOf = MultiDocValues.GetNumericValues(_reader, "entry");
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
    }

    private void AddVocabulary(Dictionary<string, HashSet<string>> vocabulary, string text)
    {
        var normalized = TextAnalysis.NormalizeText(text);
        foreach (var field in CoverageFields)
        {
            foreach (var (_, term) in TextAnalysis.Terms(_analysis.IndexAnalyzer, field, normalized)) vocabulary[field].Add(term);
        }
    }

    public int DocumentCount => _documents;

    public MatchResult Match(string text, KnowledgeOptions options)
    {
        if (string.IsNullOrWhiteSpace(text)) return MatchResult.Nothing;
        var normalized = TextAnalysis.NormalizeText(text.Length > MaxQueryLength ? text[..MaxQueryLength] : text);

        var query = new BooleanQuery(disableCoord: true);
        var queryTerms = new Dictionary<string, List<(int Position, string Term)>>();
        foreach (var field in TextAnalysis.Fields.Where(f => f != TextAnalysis.NGrams))
        {
            var terms = TextAnalysis.Terms(_analysis.QueryAnalyzer, field, normalized);
            queryTerms[field] = terms;
            foreach (var term in terms.Select(t => t.Term).Distinct(StringComparer.Ordinal))
            {
                query.Add(new TermQuery(new Term(field, term)) { Boost = FieldBoosts[field] }, Occur.SHOULD);
            }
        }
        // Character n-grams only for the words the index does not know (typos): known words already match exactly.
        var unknown = string.Join(' ', Words(normalized).Where(w => !Known(w)));
        if (unknown.Length > 0)
        {
            foreach (var gram in TextAnalysis.Terms(_analysis.IndexAnalyzer, TextAnalysis.NGrams, unknown).Select(t => t.Term).Distinct(StringComparer.Ordinal))
            {
                query.Add(new TermQuery(new Term(TextAnalysis.NGrams, gram)) { Boost = FieldBoosts[TextAnalysis.NGrams] }, Occur.SHOULD);
            }
        }
        if (query.Clauses.Count == 0) return MatchResult.Nothing;

        var hits = _searcher.Search(query, DocsToRank).ScoreDocs;
        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var hit in hits)
        {
            var id = _ids[(int)_entryOf.Get(hit.Doc)];
            var n = seen.GetValueOrDefault(id);
            seen[id] = n + 1;
            // Hits come best first. An entry scores its best phrasing plus half its second: several phrasings
            // agreeing is stronger evidence than one lucky match.
            if (n == 0) best[id] = hit.Score;
            else if (n == 1) best[id] += 0.5 * hit.Score;
        }
        if (best.Count == 0) return MatchResult.Nothing;

        var coverageField = IsArabic(normalized) ? TextAnalysis.Arabic : TextAnalysis.TurkishFolded;
        var positions = queryTerms[coverageField].GroupBy(t => t.Position)
            .Select(g => (Terms: g.Select(t => t.Term).ToList(), Weight: Weight(coverageField, g.Select(t => t.Term))))
            .ToList();
        var top = best.OrderByDescending(kv => kv.Value).Take(options.MaxCandidates + 3).ToList();
        var ranked = new List<Candidate>(top.Count);
        for (var i = 0; i < top.Count; i++)
        {
            // Confidence: how much of the question the entry accounts for, scaled down while the next entry is close
            // behind (a lead of LeadForFullConfidence or more keeps it whole): one word that fits several entries
            // equally ("kurs") is not an answer, a long question whose topic words all point one way is.
            var next = i + 1 < top.Count ? top[i + 1].Value : 0;
            var lead = top[i].Value > 0 ? 1 - (next / top[i].Value) : 0;
            var coverage = Coverage(top[i].Key, coverageField, positions);
            var confidence = Math.Clamp(coverage * Math.Min(1, lead / options.LeadForFullConfidence), 0, 1);
            ranked.Add(new Candidate(top[i].Key, Math.Round(top[i].Value, 4), Math.Round(confidence, 4), Math.Round(coverage, 4)));
        }
        return Decide(ranked, options);
    }

    /// <summary>
    /// Answer when the best entry is confident enough; otherwise offer the close candidates (scores within
    /// ClarifyScoreRatio of the best, covering at least ClarifyThreshold of the question); otherwise abstain.
    /// </summary>
    private static MatchResult Decide(List<Candidate> ranked, KnowledgeOptions options)
    {
        var top = ranked[0];
        if (top.Confidence >= options.AnswerThreshold)
        {
            return new MatchResult(MatchKind.Answer, top.Id, top.Confidence, [], ranked);
        }
        var offered = ranked
            .Where(c => c.Score >= top.Score * options.ClarifyScoreRatio && c.Coverage >= options.ClarifyThreshold)
            .Take(options.MaxCandidates)
            .ToList();
        return offered.Count > 0
            ? new MatchResult(MatchKind.Clarify, null, top.Confidence, offered, ranked)
            : new MatchResult(MatchKind.Abstain, null, top.Confidence, [], ranked);
    }

    private double Coverage(string entryId, string field, List<(List<string> Terms, double Weight)> positions)
    {
        if (positions.Count == 0) return 0;
        var vocabulary = _vocabulary[_numbers[entryId]][field];
        double covered = 0, total = 0;
        foreach (var (terms, weight) in positions)
        {
            total += weight;
            if (terms.Any(vocabulary.Contains)) covered += weight;
        }
        return total == 0 ? 0 : covered / total;
    }

    /// <summary>A question word's weight: its rarity (idf, the rarest of its synonyms); a word the knowledge base never
    /// uses is often a personal detail (a name, a job) and counts half.</summary>
    private double Weight(string field, IEnumerable<string> terms)
    {
        var frequencies = terms.Select(t => _reader.DocFreq(new Term(field, new BytesRef(t)))).ToList();
        var idf = frequencies.Max(df => Math.Log(1 + ((_documents - df + 0.5) / (df + 0.5))));
        return frequencies.All(df => df == 0) ? idf * 0.5 : idf;
    }

    /// <summary>Whether the index knows the word (folded Turkish or normalised Arabic); a stop word counts as known.</summary>
    private bool Known(string word)
    {
        if (_known.TryGetValue(word, out var cached)) return cached;
        if (_known.Count > 100_000) _known.Clear(); // bounded: the words people write are endless
        return _known[word] = IsKnown(word);
    }

    private bool IsKnown(string word)
    {
        var folded = TextAnalysis.Terms(_analysis.IndexAnalyzer, TextAnalysis.TurkishFolded, word);
        var arabic = TextAnalysis.Terms(_analysis.IndexAnalyzer, TextAnalysis.Arabic, word);
        if (folded.Count == 0 || arabic.Count == 0) return true;
        return folded.Any(t => _reader.DocFreq(new Term(TextAnalysis.TurkishFolded, new BytesRef(t.Term))) > 0)
            || arabic.Any(t => _reader.DocFreq(new Term(TextAnalysis.Arabic, new BytesRef(t.Term))) > 0);
    }

    private static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                if (i - start >= 3) yield return text[start..i];
                start = -1;
            }
        }
    }

    private static bool IsArabic(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c is >= '\u0620' and <= '\u064A' && ++count >= 2) return true;
        }
        return false;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
    }
}
