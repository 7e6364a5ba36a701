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
public sealed record Candidate(string Id, double Score, double Confidence, double Coverage = 0, double Similarity = 0, double Anchor = 0, double Lead = 0, double WholeCoverage = 0)
{
    public double[] Features => Knowledge.Features.Of(Coverage, Similarity, Lead, Score, Anchor, WholeCoverage);
}

/// <summary>
/// The decision for one message: answer with <see cref="AnswerId"/>, ask which of <see cref="Candidates"/> was meant,
/// or abstain. <see cref="Ranked"/> holds the best entries whatever the decision (for staff and evaluation).
/// </summary>
public sealed record MatchResult(MatchKind Kind, string? AnswerId, double Confidence, IReadOnlyList<Candidate> Candidates, IReadOnlyList<Candidate> Ranked)
{
    /// <summary>The question matched the knowledge base's out-of-scope entry (a topic the bot does not cover).</summary>
    public bool OutOfScope { get; init; }

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

    /// <summary>Indexed with documents and frequencies only: BM25 needs nothing more, and no query uses positions.</summary>
    private static readonly FieldType Searched = Freeze(new FieldType
    {
        IsIndexed = true,
        IsTokenized = true,
        IsStored = false,
        OmitNorms = false,
        IndexOptions = IndexOptions.DOCS_AND_FREQS,
    });

    private static FieldType Freeze(FieldType type)
    {
        type.Freeze();
        return type;
    }

    private static readonly char[] WordSeparators = [' ', ',', '.', '?', '!', ':', ';', '\'', '"', '(', ')', '\u061F', '\u060C', '\n', '\t'];
    private static readonly Dictionary<string, float> FieldBoosts = new()
    {
        [TextAnalysis.Turkish] = 1.0f,
        [TextAnalysis.TurkishFolded] = 1.0f,
        [TextAnalysis.Arabic] = 1.2f,
        [TextAnalysis.NGrams] = 0.15f,
    };

    private readonly RAMDirectory _directory;
    private readonly IndexReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly TextAnalysis _analysis;
    private static readonly string[] CoverageFields = [TextAnalysis.TurkishFolded, TextAnalysis.Arabic];
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _smallTalk;
    private readonly Dictionary<string, HashSet<string>> _required = new(StringComparer.Ordinal);
    private readonly List<Dictionary<string, HashSet<string>>> _vocabulary = [];
    private readonly int[] _entryOf;
    private readonly int[] _phrasingOf;
    private readonly Dictionary<string, string[][]> _phrasingTerms = [];
    private readonly Dictionary<string, double[]> _phrasingWeight = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    /// <summary>
    /// Each query term's statistics in this (immutable) index, looked up once: building them seeks the term in every
    /// segment's terms dictionary with a new enumerator each time, which was most of a match's CPU and allocations.
    /// Bounded, since n-grams of misspelt words keep coming.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Field, string Term), TermContext> _termContexts = new();
    private const int MaxCachedTerms = 200_000;
    private readonly Dictionary<string, Dictionary<string, int>> _termDocs = [];
    private int _documents;
    private readonly Dictionary<string, Dictionary<string, int>> _entryFrequency = [];

    public KbIndex(KnowledgeBase knowledge, TextAnalysis analysis)
    {
        _analysis = analysis;
        _smallTalk = knowledge.Entries.Where(e => e.Category == KbEntry.SmallTalk).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        // An entry's required words as analysed terms (both coverage fields), without synonyms: the words themselves
        // ("meslek lisesi" has "okul" among its synonyms, which is just what a general school question uses).
        foreach (var entry in knowledge.Entries.Where(e => e.Requires.Count > 0))
        {
            _required[entry.Id] = PlainTerms(entry.Requires.Select(TextAnalysis.NormalizeText), analysis);
        }
        // Phrasings are numbered up front (entry by entry), so each thread writes its own slots without locking.
        var firstPhrasing = new int[knowledge.Entries.Count];
        foreach (var entry in knowledge.Entries)
        {
            firstPhrasing[_ids.Count] = _documents;
            _documents += entry.Texts.Values.Sum(t => t.Questions.Count + 1);
            _numbers[entry.Id] = _ids.Count;
            _ids.Add(entry.Id);
            _vocabulary.Add(CoverageFields.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal)));
        }
        foreach (var field in CoverageFields) _phrasingTerms[field] = new string[_documents][];

        // One in-memory index per core, each written by one thread in order, then appended into one segment (see OneSegment):
        // no contention between writers, and a document's entry and phrasing are plain arrays in insertion order.
        var parts = Math.Max(1, Math.Min(Environment.ProcessorCount, knowledge.Entries.Count));
        var groups = Enumerable.Range(0, parts)
            .Select(p => Enumerable.Range(0, knowledge.Entries.Count).Where(n => n % parts == p).ToList()).ToList();
        var partEntries = new List<int>[parts];
        var partPhrasings = new List<int>[parts];
        var directories = new RAMDirectory[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var entries = partEntries[part] = [];
            var phrasings = partPhrasings[part] = [];
            var directory = directories[part] = new RAMDirectory();
            var config = new IndexWriterConfig(TextAnalysis.Version, analysis.IndexAnalyzer)
            {
                Similarity = new BM25Similarity(),
                RAMBufferSizeMB = 512,
                OpenMode = OpenMode.CREATE,
                // In memory, packing segments into compound files and merging them only copies bytes: skip both.
                UseCompoundFile = false,
                MergePolicy = NoMergePolicy.NO_COMPOUND_FILES,
                MaxThreadStates = 1,
            };
            using var writer = new IndexWriter(directory, config);
            foreach (var number in groups[part])
            {
                var entry = knowledge.Entries[number];
                var vocabulary = _vocabulary[number];
                var words = new HashSet<string>(StringComparer.Ordinal);
                var phrasingNumber = firstPhrasing[number];
                foreach (var (_, text) in entry.Texts)
                {
                    // The answer's words count as the entry's vocabulary (for confidence); only phrasings are searched.
                    AddVocabulary(vocabulary, text.Answer);
                    foreach (var phrasing in text.Questions.Prepend(text.Title))
                    {
                        var normalized = TextAnalysis.NormalizeText(phrasing);
                        var document = new Document { new Field(TextAnalysis.Turkish, normalized, Searched) };
                        // The coverage fields are analysed once: the same tokens feed the vocabulary and the index.
                        var (terms, tokens) = Analyse(normalized);
                        foreach (var field in CoverageFields)
                        {
                            foreach (var term in terms[field]) vocabulary[field].Add(term);
                            document.Add(new Field(field, new ListTokenStream(tokens[field]), Searched));
                            _phrasingTerms[field][phrasingNumber] = terms[field];
                        }
                        foreach (var word in normalized.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries)) words.Add(word);
                        writer.AddDocument(document);
                        entries.Add(number);
                        phrasings.Add(phrasingNumber++);
                    }
                }
                // Character n-grams (for typos) once per entry, over its distinct words: far fewer tokens than per
                // phrasing, and a typo's hit still points to the entry.
                writer.AddDocument(new Document { new Field(TextAnalysis.NGrams, string.Join(' ', words), Searched) });
                entries.Add(number);
                phrasings.Add(-1);
            }
            writer.Commit();
        });
        _entryOf = partEntries.SelectMany(e => e).ToArray();
        _phrasingOf = partPhrasings.SelectMany(p => p).ToArray();
        // In how many entries each word occurs: "başvuru" is in many, "harç" in a few — the few make a topic.
        Parallel.ForEach(CoverageFields, field =>
        {
            var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var vocabulary in _vocabulary)
            {
                foreach (var term in vocabulary[field]) frequency[term] = frequency.GetValueOrDefault(term) + 1;
            }
            lock (_entryFrequency) _entryFrequency[field] = frequency;
        });
        _directory = OneSegment(directories);
        _reader = DirectoryReader.Open(_directory);
        // Document frequencies of the coverage fields, counted exactly from the phrasings' term sets (these fields hold
        // nothing else), then each phrasing's total word weight (idf) for the phrasing similarity.
        Parallel.ForEach(CoverageFields, field =>
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var terms in _phrasingTerms[field])
            {
                foreach (var term in terms) counts[term] = counts.GetValueOrDefault(term) + 1;
            }
            var totals = new double[_documents];
            for (var d = 0; d < _documents; d++)
            {
                foreach (var term in _phrasingTerms[field][d]) totals[d] += Idf(counts[term]);
            }
            lock (_termDocs)
            {
                _termDocs[field] = counts;
                _phrasingWeight[field] = totals;
            }
        });
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
    }

    /// <summary>A text's tokens per coverage field (with positions, for the index) and its distinct terms.</summary>
    private (Dictionary<string, string[]> Terms, Dictionary<string, List<(int Position, string Term)>> Tokens) Analyse(string normalized)
    {
        var terms = new Dictionary<string, string[]>(CoverageFields.Length);
        var tokens = new Dictionary<string, List<(int, string)>>(CoverageFields.Length);
        foreach (var field in CoverageFields)
        {
            var list = TextAnalysis.Terms(_analysis.IndexAnalyzer, field, normalized);
            tokens[field] = list;
            terms[field] = list.Select(t => t.Term).Distinct(StringComparer.Ordinal).ToArray();
        }
        return (terms, tokens);
    }

    /// <summary>Adds a text's terms to the entry's vocabulary; returns them per coverage field.</summary>
    private Dictionary<string, string[]> AddVocabulary(Dictionary<string, HashSet<string>> vocabulary, string text)
    {
        var normalized = TextAnalysis.NormalizeText(text);
        var result = new Dictionary<string, string[]>(CoverageFields.Length);
        foreach (var field in CoverageFields)
        {
            var terms = TextAnalysis.Terms(_analysis.IndexAnalyzer, field, normalized).Select(t => t.Term).Distinct(StringComparer.Ordinal).ToArray();
            result[field] = terms;
            foreach (var term in terms) vocabulary[field].Add(term);
        }
        return result;
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
                query.Add(TermQueryFor(field, term), Occur.SHOULD);
            }
        }
        // Character n-grams only for the words the index does not know (typos): known words already match exactly.
        var unknown = string.Join(' ', Words(normalized).Where(w => !Known(w)));
        if (unknown.Length > 0)
        {
            foreach (var gram in TextAnalysis.Terms(_analysis.IndexAnalyzer, TextAnalysis.NGrams, unknown).Select(t => t.Term).Distinct(StringComparer.Ordinal))
            {
                query.Add(TermQueryFor(TextAnalysis.NGrams, gram), Occur.SHOULD);
            }
        }
        if (query.Clauses.Count == 0) return MatchResult.Nothing;

        var hits = _searcher.Search(query, DocsToRank).ScoreDocs;
        var coverageField = IsArabic(normalized) ? TextAnalysis.Arabic : TextAnalysis.TurkishFolded;
        var positions = queryTerms[coverageField].GroupBy(t => t.Position)
            .Select(g => (Terms: g.Select(t => t.Term).ToList(), Weight: Weight(coverageField, g.Select(t => t.Term))))
            .ToList();
        var wholeWords = queryTerms[TextAnalysis.Arabic].GroupBy(t => t.Position)
            .Select(g => (Terms: g.Select(t => t.Term).ToList(), Weight: Weight(TextAnalysis.Arabic, g.Select(t => t.Term)))).ToList();
        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var similarity = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var hit in hits)
        {
            var id = _ids[_entryOf[hit.Doc]];
            var phrasing = _phrasingOf[hit.Doc];
            var sim = phrasing < 0 ? 0 : PhrasingSimilarity(positions, _phrasingTerms[coverageField][phrasing], _phrasingWeight[coverageField][phrasing]);
            if (sim > similarity.GetValueOrDefault(id)) similarity[id] = sim;
            var n = seen.GetValueOrDefault(id);
            seen[id] = n + 1;
            // Hits come best first. An entry scores its best phrasing plus half its second: several phrasings
            // agreeing is stronger evidence than one lucky match.
            if (n == 0) best[id] = hit.Score;
            else if (n == 1) best[id] += 0.5 * hit.Score;
        }
        if (best.Count == 0) return MatchResult.Nothing;

        var top = best.OrderByDescending(kv => kv.Value).Take(options.MaxCandidates + 1).ToList();
        var calibration = options.CalibrationWeights();
        var ranked = new List<Candidate>(top.Count);
        for (var i = 0; i < top.Count; i++)
        {
            // Confidence: a calibrated probability from how much of the question the entry accounts for, the most
            // specific word it shares with the question, how close the question is to its nearest phrasing, how clearly it
            // leads the next entry (one word fitting several entries equally, like "kurs", is no answer) and its score.
            var next = i + 1 < top.Count ? top[i + 1].Value : 0;
            var lead = top[i].Value > 0 ? 1 - (next / top[i].Value) : 0;
            var coverage = Coverage(top[i].Key, coverageField, positions, fuzzy: i < 2);
            // For Latin text also the whole folded words (kept whole in the Arabic field): "kizilaykart" is specific
            // where its 5-letter stem "kizil" (as in Kızılay) is not.
            var anchor = coverageField == TextAnalysis.Arabic
                ? Anchor(top[i].Key, coverageField, positions)
                : Math.Max(Anchor(top[i].Key, coverageField, positions), Anchor(top[i].Key, TextAnalysis.Arabic, wholeWords));
            var sim = similarity.GetValueOrDefault(top[i].Key);
            // Whole-word coverage: for Latin text the same share over untruncated words (5-letter stems overlap more
            // than the words do: "vatandaşlık" is not "vatandaş"); for Arabic it is the coverage itself.
            var whole = coverageField == TextAnalysis.Arabic ? coverage : Coverage(top[i].Key, TextAnalysis.Arabic, wholeWords, fuzzy: false);
            var confidence = Features.Confidence(calibration, Features.Of(coverage, sim, lead, top[i].Value, anchor, whole));
            ranked.Add(new Candidate(top[i].Key, Math.Round(top[i].Value, 4), Math.Round(confidence, 4), Math.Round(coverage, 4),
                Math.Round(sim, 4), Math.Round(anchor, 4), Math.Round(lead, 4), Math.Round(whole, 4)));
        }
        // BM25 ranks by shared words, so a phrasing that shares a few common words can come first; the confidence model
        // weighs how much of the question each entry accounts for. When the first is not confident enough to answer,
        // the candidates are put in the order of their confidence ("بيقدر يكمل جامعة": the entry about university, not
        // the one sharing "بيقدر").
        // Only when the first leaves part of the question unaccounted for: when it accounts for all of it, the others can
        // only differ in wording, and a question that fits several entries equally ("ne kadar sürer") is no answer.
        if (ranked[0].Confidence < options.AnswerThreshold && ranked[0].Coverage < ReorderBelowCoverage) ranked = Reorder(ranked, calibration);
        // A question the out-of-scope entry accounts for clearly better than the best entry does is out of scope, even
        // when more of that entry's phrasings share its generic words ("vatandaşlık için hangi belgeler": "belge").
        if (ranked[0].Id != KbEntry.OutOfScope && _numbers.ContainsKey(KbEntry.OutOfScope)
            && Coverage(KbEntry.OutOfScope, coverageField, positions, fuzzy: false) >= ranked[0].Coverage + options.OutOfScopeMargin)
        {
            return new MatchResult(MatchKind.Abstain, null, ranked[0].Confidence, [], ranked) { OutOfScope = true };
        }
        return Decide(ranked, options, positions.Count, Unfit(ranked, normalized));
    }

    /// <summary>The ranked entries with required words (<see cref="KbEntry.Requires"/>) of which the question uses none.</summary>
    private HashSet<string> Unfit(List<Candidate> ranked, string normalized)
    {
        HashSet<string>? unfit = null, question = null;
        foreach (var candidate in ranked)
        {
            if (!_required.TryGetValue(candidate.Id, out var required)) continue;
            question ??= PlainTerms([normalized], _analysis);
            if (!required.Overlaps(question)) (unfit ??= new HashSet<string>(StringComparer.Ordinal)).Add(candidate.Id);
        }
        return unfit ?? NoUnfit;
    }

    private static readonly HashSet<string> NoUnfit = [];

    /// <summary>Whether a text uses one of the entry's required words (true when it has none): see <see cref="KbEntry.Requires"/>.</summary>
    public bool Fits(string entryId, string text) =>
        !_required.TryGetValue(entryId, out var required) || required.Overlaps(PlainTerms([TextAnalysis.NormalizeText(text)], _analysis));

    /// <summary>The terms of normalised texts in both coverage fields, as indexed (no synonyms).</summary>
    private static HashSet<string> PlainTerms(IEnumerable<string> normalized, TextAnalysis analysis) =>
        normalized.SelectMany(text => CoverageFields.SelectMany(field => TextAnalysis.Terms(analysis.IndexAnalyzer, field, text)))
            .Select(t => t.Term).ToHashSet(StringComparer.Ordinal);

    /// <summary>Coverage of BM25's first entry below which unsure candidates are re-ordered (see <see cref="Reorder"/>).</summary>
    private const double ReorderBelowCoverage = 0.95;

    /// <summary>How much less of the question (coverage) the entry put first by <see cref="Reorder"/> may account for than BM25's first.</summary>
    private const double ReorderCoverageSlack = 0.05;

    /// <summary>
    /// The candidates in the order of their confidence without the lead (which favours the one BM25 put first), the
    /// first of them among those covering about as much of the question as BM25's first; the lead (over the next in
    /// the new order, never below 0) and the confidence are then computed again.
    /// </summary>
    private static List<Candidate> Reorder(List<Candidate> ranked, double[] calibration)
    {
        var order = ranked
            .OrderByDescending(c => Features.Confidence(calibration, (c with { Lead = 0 }).Features))
            .ToList();
        // First place only for an entry that accounts for about as much of the question as BM25's first: a rare word
        // shared with a phrasing ("نلاقي") is not enough to put first an entry that leaves more of the question out.
        var first = order.First(c => c.Coverage >= ranked[0].Coverage - ReorderCoverageSlack);
        order = order.Where(c => c != first).Prepend(first).ToList();
        var reordered = new List<Candidate>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            var c = order[i];
            var next = i + 1 < order.Count ? order[i + 1].Score : 0;
            var lead = c.Score > 0 ? Math.Max(0, 1 - (next / c.Score)) : 0;
            var confidence = Features.Confidence(calibration, (c with { Lead = lead }).Features);
            reordered.Add(c with { Lead = Math.Round(lead, 4), Confidence = Math.Round(confidence, 4) });
        }
        return reordered;
    }

    private TermQuery TermQueryFor(string field, string text)
    {
        var term = new Term(field, text);
        var states = _termContexts.TryGetValue((field, text), out var known) ? known : TermContext.Build(_reader.Context, term);
        if (known is null && _termContexts.Count < MaxCachedTerms) _termContexts.TryAdd((field, text), states);
        return new TermQuery(term, states) { Boost = FieldBoosts[field] };
    }

    /// <summary>
    /// Answer when the best entry is confident enough; otherwise offer the close candidates (scores within
    /// ClarifyScoreRatio of the best, covering at least ClarifyThreshold of the question); otherwise abstain.
    /// </summary>
    private MatchResult Decide(List<Candidate> ranked, KnowledgeOptions options, int questionWords, HashSet<string> unfit)
    {
        var top = ranked[0];
        if (top.Id == KbEntry.OutOfScope)
        {
            // The question resembles the questions the bot knows it cannot answer.
            return new MatchResult(MatchKind.Abstain, null, top.Confidence, [], ranked) { OutOfScope = true };
        }
        ranked = ranked.Where(c => c.Id != KbEntry.OutOfScope).ToList();
        // A greeting or thanks is answered when it accounts for most of the message (a lone "merhaba" is short but clear).
        if (_smallTalk.Contains(top.Id))
        {
            if (top.Coverage >= options.SmallTalkThreshold) return new MatchResult(MatchKind.Answer, top.Id, top.Confidence, [], ranked);
        }
        // A question of one or two words needs one word specific enough to the entry ("kurs" alone fits a dozen):
        // otherwise the bot asks rather than answers.
        // An entry whose required words the question does not use is offered, never answered.
        else if (top.Confidence >= options.AnswerThreshold && (questionWords > 2 || top.Anchor >= options.MinAnchor) && !unfit.Contains(top.Id))
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

    private double Coverage(string entryId, string field, List<(List<string> Terms, double Weight)> positions, bool fuzzy = true)
    {
        if (positions.Count == 0) return 0;
        var vocabulary = _vocabulary[_numbers[entryId]][field];
        double covered = 0, total = 0;
        List<(string Term, double Weight)>? uncovered = null;
        foreach (var (terms, weight) in positions)
        {
            total += weight;
            if (terms.Any(vocabulary.Contains)) covered += weight;
            else if (fuzzy) (uncovered ??= []).Add((terms[0], weight));
        }
        // Near spellings count for the heaviest few words the entry does not use exactly.
        foreach (var (term, weight) in (uncovered ?? []).OrderByDescending(u => u.Weight).Take(6))
        {
            covered += weight * Similar(term, vocabulary);
        }
        return total == 0 ? 0 : covered / total;
    }

    /// <summary>
    /// The most specific of the question's words that the entry uses: each word scored by how few entries use it,
    /// log(entries / entries using it) ÷ log(entries), from 0 (every entry) to 1 (this entry only). A question about
    /// a topic names something specific to it ("harç", "kreş"); one generic word ("kurs", "para") anchors nothing.
    /// </summary>
    private double Anchor(string entryId, string field, List<(List<string> Terms, double Weight)> positions)
    {
        var vocabulary = _vocabulary[_numbers[entryId]][field];
        var frequency = _entryFrequency[field];
        var scale = Math.Log(Math.Max(2, _ids.Count));
        var best = 0.0;
        double Specificity(string term) => Math.Log((double)_ids.Count / Math.Max(1, frequency.GetValueOrDefault(term))) / scale;
        foreach (var (terms, _) in positions)
        {
            // The word as written counts; a synonym only when the written word is not the entry's (and then the least
            // specific matching synonym, so that expansion cannot make a generic word look specific).
            // Abbreviations and numbers ("tl", "2") name no topic.
            if (terms[0].Length < 3 || terms[0].All(char.IsDigit)) continue;
            var matched = terms.Where(vocabulary.Contains).ToList();
            if (matched.Count == 0) continue;
            var specificity = vocabulary.Contains(terms[0]) ? Specificity(terms[0]) : matched.Min(Specificity);
            best = Math.Max(best, specificity);
        }
        return best;
    }

    /// <summary>
    /// Weighted Dice similarity of the question and one phrasing: shared words (by rarity) over all words of both.
    /// A question that shares one generic word with a long phrasing is far from it; a paraphrase is close.
    /// </summary>
    private static double PhrasingSimilarity(List<(List<string> Terms, double Weight)> positions, string[] phrasing, double phrasingWeight)
    {
        if (positions.Count == 0 || phrasing.Length == 0) return 0;
        double shared = 0, question = 0;
        foreach (var (terms, weight) in positions)
        {
            question += weight;
            if (terms.Any(t => Array.IndexOf(phrasing, t) >= 0)) shared += weight;
        }
        // Dice: shared words (by rarity) over the words of both; the phrasing's words weigh their idf.
        return 2 * shared / (question + Math.Max(phrasingWeight, shared));
    }



    /// <summary>
    /// How close a question word is to the entry's nearest word (Dice coefficient of character bigrams, counted from
    /// 0.6 up): spelling variants and dialect forms the stemmers leave apart (بشتغل ~ اشتغل, basvrum ~ basvuru).
    /// </summary>
    private static double Similar(string term, HashSet<string> vocabulary)
    {
        if (term.Length < 4) return 0;
        var best = 0.0;
        foreach (var word in vocabulary)
        {
            if (Math.Abs(word.Length - term.Length) > 2) continue;
            var dice = Dice(term, word);
            if (dice > best) best = dice;
        }
        return best >= 0.6 ? best : 0;
    }

    private static double Dice(string a, string b)
    {
        if (a.Length < 2 || b.Length < 2) return 0;
        var shared = 0;
        Span<bool> used = stackalloc bool[b.Length - 1];
        for (var i = 0; i < a.Length - 1; i++)
        {
            for (var j = 0; j < b.Length - 1; j++)
            {
                if (!used[j] && a[i] == b[j] && a[i + 1] == b[j + 1])
                {
                    used[j] = true;
                    shared++;
                    break;
                }
            }
        }
        return 2.0 * shared / (a.Length + b.Length - 2);
    }

    /// <summary>A question word's weight: its rarity (idf, the rarest of its synonyms); a word the knowledge base never
    /// uses is often a personal detail (a name, a job) and counts half.</summary>
    private double Weight(string field, IEnumerable<string> terms)
    {
        var frequencies = terms.Select(t => DocFreq(field, t)).ToList();
        var idf = frequencies.Max(Idf);
        return frequencies.All(df => df == 0) ? idf * 0.5 : idf;
    }

    /// <summary>Document frequency of a word in a coverage field (an exact table built with the index).</summary>
    private int DocFreq(string field, string term) => _termDocs[field].GetValueOrDefault(term);

    private double Idf(int df) => Math.Log(1 + ((_documents - df + 0.5) / (df + 0.5)));

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
        return folded.Any(t => DocFreq(TextAnalysis.TurkishFolded, t.Term) > 0)
            || arabic.Any(t => DocFreq(TextAnalysis.Arabic, t.Term) > 0);
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

    /// <summary>
    /// The parts written in parallel, as one segment: a question's every term costs Lucene a scorer and its buffers per
    /// segment (20–100 terms with synonyms), so two segments allocate about twice what one does. The parts are appended
    /// in order, so documents keep their numbers; the parts are then released.
    /// </summary>
    private static RAMDirectory OneSegment(RAMDirectory[] parts)
    {
        if (parts.Length == 1) return parts[0];
        var merged = new RAMDirectory();
        var readers = new List<IndexReader>(parts.Length);
        try
        {
            foreach (var part in parts) readers.Add(DirectoryReader.Open(part));
            var config = new IndexWriterConfig(TextAnalysis.Version, null)
            {
                Similarity = new BM25Similarity(),
                OpenMode = OpenMode.CREATE,
                UseCompoundFile = false,
                MergePolicy = NoMergePolicy.NO_COMPOUND_FILES,
            };
            using var writer = new IndexWriter(merged, config);
            writer.AddIndexes(readers.ToArray());
            writer.Commit();
        }
        catch
        {
            merged.Dispose();
            throw;
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
            foreach (var part in parts) part.Dispose();
        }
        return merged;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
    }
}

/// <summary>A token stream over tokens analysed beforehand (term and position), so a field is not analysed twice.</summary>
internal sealed class ListTokenStream : Lucene.Net.Analysis.TokenStream
{
    private readonly List<(int Position, string Term)> _tokens;
    private readonly Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute _term;
    private readonly Lucene.Net.Analysis.TokenAttributes.IPositionIncrementAttribute _increment;
    private int _next;
    private int _position = -1;

    public ListTokenStream(List<(int Position, string Term)> tokens)
    {
        _tokens = tokens;
        _term = AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        _increment = AddAttribute<Lucene.Net.Analysis.TokenAttributes.IPositionIncrementAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_next >= _tokens.Count) return false;
        ClearAttributes();
        var (position, term) = _tokens[_next++];
        _term.SetEmpty().Append(term);
        _increment.PositionIncrement = Math.Max(_position < 0 ? position + 1 : position - _position, _next == 1 ? 1 : 0);
        _position = position;
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _next = 0;
        _position = -1;
    }
}
