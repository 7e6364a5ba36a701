using Bot.Web.Localization;
using Microsoft.Extensions.Options;

namespace Bot.Web.Knowledge;

/// <summary>The knowledge base and its index as loaded at one moment: swapped whole when the content changes.</summary>
public sealed class KnowledgeSnapshot(KnowledgeBase knowledge, TextAnalysis analysis, KbIndex index, MessageReader reader, Arabizi? arabizi = null,
    LearnedSignal? learned = null) : IDisposable
{
    private LearnedSignal? _learned = learned;

    /// <summary>
    /// The learned second signal (null: BM25 alone — above <see cref="KnowledgeOptions.LearnedMaxEntries"/> entries, or
    /// for the few seconds after a re-index while it is trained for the new content).
    /// </summary>
    public LearnedSignal? Learned => Volatile.Read(ref _learned);

    /// <summary>Trains the learned signal for this content in the background and attaches it when ready (after a re-index).</summary>
    public Task TrainLearnedAsync(int maxEntries) => Task.Run(() =>
    {
        if (LearnedSignal.For(Knowledge, Arabizi, maxEntries) is { } trained) Volatile.Write(ref _learned, trained);
    });

    public KnowledgeBase Knowledge { get; } = knowledge;
    public KbIndex Index { get; } = index;
    public MessageReader Reader { get; } = reader;

    /// <summary>Recognises Arabic written in Latin letters and writes it in Arabic script (none: such text is read as written).</summary>
    public Arabizi? Arabizi { get; } = arabizi;
    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>
    /// Loads and indexes the content; the learned signal is trained at the same time (on another thread, while Lucene
    /// indexes) unless <paramref name="learnedMaxEntries"/> is 0 — then it can be trained later with <see cref="TrainLearnedAsync"/>.
    /// </summary>
    public static KnowledgeSnapshot Load(string localizationFolder, DateTimeOffset now, int learnedMaxEntries = KnowledgeOptions.DefaultLearnedMaxEntries)
    {
        var knowledge = KnowledgeBase.Load(localizationFolder);
        var analysis = TextAnalysis.Load(localizationFolder);
        var arabizi = File.Exists(Path.Combine(localizationFolder, Arabizi.FileName)) ? Arabizi.Load(localizationFolder) : null;
        var learned = Task.Run(() => LearnedSignal.For(knowledge, arabizi, learnedMaxEntries));
        var index = new KbIndex(knowledge, analysis);
        return new KnowledgeSnapshot(knowledge, analysis, index, MessageReader.Load(localizationFolder), arabizi, learned.GetAwaiter().GetResult()) { LoadedAt = now };
    }

    /// <summary>
    /// One question matched: BM25's decision, and where BM25 is not sure enough to answer (and the question is not
    /// out of scope), the learned signal's: its best entry is answered when it is also BM25's best and at least
    /// <see cref="KnowledgeOptions.LearnedAgreement"/> likely, or when it alone is at least <see cref="KnowledgeOptions.LearnedAlone"/> likely.
    /// </summary>
    public MatchResult Match(string question, KnowledgeOptions options, bool shortMessage = false)
    {
        var result = Index.Match(question, options);
        if (result.Kind == MatchKind.Answer || result.OutOfScope) return result;
        // One word whose choices are all of one subject ("الكورس") is that subject's general entry, whatever the learned
        // signal makes of a single word (it agreed with BM25 on a coin toss: "the course" as dropping out).
        if (shortMessage && MessageReader.Words(question).Count == 1 && General(result) is { Kind: MatchKind.Answer } general) return general;
        if (Learned is null) return shortMessage ? General(result) : result;
        var (id, probability) = Learned.Best(LearnedSignal.Key(question, Arabizi));
        if (id.Length == 0 || id == KbEntry.OutOfScope || IsSmallTalk(id) || !Knowledge.ById.ContainsKey(id)
            || !Index.Fits(id, question))
        {
            return shortMessage ? General(result) : result;
        }
        var agrees = result.Ranked.Count > 0 && result.Ranked[0].Id == id && probability >= options.LearnedAgreement;
        // A message of a few words gives the model too little to go on alone: there it must agree with BM25, and
        // otherwise the subject's general entry answers (see General).
        return agrees || (!shortMessage && probability >= options.LearnedAlone)
            ? new MatchResult(MatchKind.Answer, id, Math.Max(result.Confidence, probability), [], result.Ranked)
            : shortMessage ? General(result) : result;
    }

    /// <summary>
    /// Reads a message as people write it and decides what to answer: courtesy around the question removed, each of
    /// several questions matched on its own, a short follow-up read against <paramref name="previousEntry"/> (the
    /// entry answered just before, if recent). The parts come in the order asked: answers first, then at most one
    /// part to clarify or abstain on.
    /// </summary>
    public Understanding Understand(string text, string? previousEntry, KnowledgeOptions options)
    {
        if (Reader.AsksNothing(text)) return Understanding.Nothing;
        var normalized = TextAnalysis.NormalizeText(text);
        // Arabic in Latin letters ("shu lazem la kimlik") is matched in Arabic script; Turkish loanwords stay as written.
        if (Arabizi?.IsArabizi(normalized) == true) normalized = Arabizi.ToArabic(normalized);
        var questions = Reader.Questions(normalized);
        // Only courtesy: it is what the message says (a greeting or thanks).
        if (questions.Count == 0) return new Understanding([SmallTalk(normalized, options)]) { Questions = [normalized] };
        if (questions.Count == 1)
        {
            var single = Match(questions[0], options, shortMessage: MessageReader.Words(normalized).Count <= ShortWords);
            if (previousEntry is not null && FollowUp(questions[0], previousEntry, single, options) is { } followUp)
            {
                return new Understanding([followUp]) { Questions = questions };
            }
            if (SubjectAspect(questions[0], single, options) is { } aspect) single = aspect;
            return Urgent(new Understanding([single]) { Questions = questions }, normalized, options);
        }

        // Each question matched; a later one that is not clear alone is read as a follow-up to the one before it
        // ("كيف بطلع اذن عمل؟ وقديش بدو مصاري؟": the second asks the cost of the work permit).
        var parts = new List<MatchResult>(questions.Count);
        string? previous = previousEntry;
        foreach (var question in questions)
        {
            var part = Match(question, options);
            if (previous is not null && FollowUp(question, previous, part, options) is { } read) part = read;
            parts.Add(part);
            if (part.Kind == MatchKind.Answer && !IsSmallTalk(part.AnswerId)) previous = part.AnswerId;
        }
        var answered = parts.Where(p => p.Kind == MatchKind.Answer && !IsSmallTalk(p.AnswerId)).DistinctBy(p => p.AnswerId).Take(MaxAnswers).ToList();
        if (answered.Count == 0)
        {
            // No part clear on its own: the questions read together.
            return Urgent(new Understanding([Match(string.Join(" . ", questions), options)]) { Questions = questions }, normalized, options);
        }
        var result = new List<MatchResult>(answered);
        // One more part that was not clear enough is offered as choices (or recorded, when nothing fits).
        // A part the matcher would abstain on still has its best entries: offered too, since the person asked it.
        var unclear = parts.Where(p => p.Kind != MatchKind.Answer && !p.OutOfScope)
            .Select(p => p.Ranked.Where(c => c.Id != KbEntry.OutOfScope && !IsSmallTalk(c.Id) && !answered.Any(a => a.AnswerId == c.Id)).Take(options.MaxCandidates - 1).ToList())
            .FirstOrDefault(c => c.Count > 0);
        if (unclear is not null) result.Add(new MatchResult(MatchKind.Clarify, null, unclear[0].Confidence, unclear, unclear));
        return Urgent(new Understanding(result) { Questions = questions }, normalized, options);
    }

    /// <summary>Most words of a message answered with its subject's most general entry instead of a choice.</summary>
    public const int ShortWords = 3;

    /// <summary>
    /// A short message ("çalışma izni?", "اذن العمل") that the matcher would ask about, whose candidates are mostly of one
    /// subject (every one of them): answered with that subject's most general entry (its `general` in understanding.yaml), which leads on
    /// to the others, rather than asking which detail was meant.
    /// </summary>
    private MatchResult General(MatchResult result)
    {
        if (result.Kind != MatchKind.Clarify || result.Candidates.Count == 0) return result;
        if (Reader.GeneralOf(result.Candidates[0].Id) is not { } general || !Knowledge.ById.ContainsKey(general)) return result;
        var sameSubject = result.Candidates.Count(c => Reader.GeneralOf(c.Id) == general);
        return sameSubject >= 2 && sameSubject == result.Candidates.Count ? new MatchResult(MatchKind.Answer, general, result.Confidence, [], result.Ranked) : result;
    }

    /// <summary>A message that names danger gets the urgent entry (the emergency lines) first, whatever else it asks.</summary>
    private Understanding Urgent(Understanding understood, string text, KnowledgeOptions options)
    {
        if (Reader.UrgentEntry is not { } urgent || !Knowledge.ById.ContainsKey(urgent) || understood.Answers.Contains(urgent) || !Reader.IsUrgent(text))
        {
            return understood;
        }
        var first = new MatchResult(MatchKind.Answer, urgent, 1, [], understood.Main.Ranked);
        var rest = understood.Parts.Where(p => p.Kind == MatchKind.Answer).Take(MaxAnswers - 1)
            .Concat(understood.Parts.Where(p => p.Kind == MatchKind.Clarify).Take(understood.Answers.Count > 0 ? 1 : 0));
        return understood with { Parts = [first, .. rest] };
    }

    /// <summary>
    /// A message made only of courtesy is small talk: the greeting or thanks entry that ranks best for it (a greeting
    /// when neither ranks), never a topic that happens to share a word with it ("يا شباب").
    /// </summary>
    private MatchResult SmallTalk(string text, KnowledgeOptions options)
    {
        var result = Index.Match(text, options);
        if (result.Kind == MatchKind.Answer && IsSmallTalk(result.AnswerId)) return result;
        var id = result.Ranked.FirstOrDefault(c => IsSmallTalk(c.Id))?.Id ?? GreetingEntry;
        return Knowledge.ById.ContainsKey(id) ? new MatchResult(MatchKind.Answer, id, result.Confidence, [], result.Ranked) : result;
    }

    /// <summary>The small-talk entry that welcomes (answered to a message of greetings only).</summary>
    public const string GreetingEntry = "greeting";

    /// <summary>Most answers sent for one message.</summary>
    public const int MaxAnswers = 3;

    private bool IsSmallTalk(string? id) => id is not null && Knowledge.ById.TryGetValue(id, out var e) && e.Category == KbEntry.SmallTalk;

    /// <summary>
    /// A short question the matcher is not sure of that names a subject and asks one of its aspects ("مدة الكورس؟",
    /// "kurs süresi", "izin ne kadar"): the subject is what its other words are answered with (a short message answered
    /// with its subject's general entry counts), the answer that subject's entry for the aspect — as a follow-up would
    /// be read after an answer about that subject.
    /// </summary>
    private MatchResult? SubjectAspect(string question, MatchResult alone, KnowledgeOptions options)
    {
        // Even when the out-of-scope entry's phrasings share the aspect's word ("مدته"): the subject named is ours.
        if (alone.Kind == MatchKind.Answer || Reader.AspectAndRest(question) is not var (aspect, rest)) return null;
        // The other words only name the subject: at most two ("kursa geliş gidiş parası" names transport, a topic of its
        // own, and stays as the matcher read it).
        if (MessageReader.Words(rest).Count > SubjectWords) return null;
        var named = Match(rest, options, shortMessage: true);
        if (named.Kind != MatchKind.Answer || named.AnswerId is not { } subject || IsSmallTalk(subject)) return null;
        return Reader.AspectEntry(subject, aspect) is { } entry && Knowledge.ById.ContainsKey(entry)
            ? new MatchResult(MatchKind.Answer, entry, Math.Max(alone.Confidence, options.AnswerThreshold), [], alone.Ranked)
            : null;
    }

    /// <summary>Most words naming the subject in a short question about one of its aspects (see <see cref="SubjectAspect"/>).</summary>
    private const int SubjectWords = 2;

    /// <summary>
    /// A short question right after an answer: the aspect it asks ("ne kadar?" → cost) answered for the previous
    /// answer's subject; or, when it names more than an aspect, the question read together with the previous answer's
    /// title, kept when that gives a confident answer of the same subject.
    /// </summary>
    private MatchResult? FollowUp(string question, string previousEntry, MatchResult alone, KnowledgeOptions options)
    {
        if (!Knowledge.ById.TryGetValue(previousEntry, out var previous)) return null;
        var words = MessageReader.Words(question).Count;
        if (words == 0 || words > Reader.FollowUpWords) return null;
        if (Reader.FollowUp(question, previousEntry) is { } entry && Knowledge.ById.ContainsKey(entry))
        {
            return new MatchResult(MatchKind.Answer, entry, Math.Max(alone.Confidence, options.AnswerThreshold), [], alone.Ranked);
        }
        if (alone.Kind == MatchKind.Answer) return null; // a question of its own
        var subject = Reader.SubjectOf(previousEntry);
        var title = previous.Texts.Values.Select(t => t.Title);
        var together = Match(string.Join(" ", title.Append(question)), options);
        return together.Kind == MatchKind.Answer && together.AnswerId != previousEntry && subject.Contains(together.AnswerId!, StringComparer.Ordinal)
            ? together
            : null;
    }

    public void Dispose()
    {
        Index.Dispose();
        analysis.Dispose();
    }
}

/// <summary>What a message asks, as read by <see cref="KnowledgeSnapshot.Understand"/>: its parts in the order asked.</summary>
public sealed record Understanding(IReadOnlyList<MatchResult> Parts)
{
    /// <summary>A message that asks nothing ("?", "ok", a sticker's emoji): nothing to answer or record.</summary>
    public static readonly Understanding Nothing = new([]) { AsksNothing = true };

    public bool AsksNothing { get; init; }

    /// <summary>The questions as the reader cut and rewrote them (Arabizi in Arabic script, courtesy removed).</summary>
    public IReadOnlyList<string> Questions { get; init; } = [];

    /// <summary>The first part (what the message is mostly about), or <see cref="MatchResult.Nothing"/>.</summary>
    public MatchResult Main => Parts.Count > 0 ? Parts[0] : MatchResult.Nothing;

    /// <summary>The entries answered, in the order asked.</summary>
    public IReadOnlyList<string> Answers => Parts.Where(p => p.Kind == MatchKind.Answer).Select(p => p.AnswerId!).ToList();
}

/// <summary>
/// Serves matches from the current snapshot and re-indexes when files under localization/ change (no restart):
/// a change is picked up after a short quiet period; a broken edit is logged and the previous content kept.
/// </summary>
public sealed class KnowledgeService : IDisposable
{
    private readonly ContentPaths _paths;
    private readonly IOptionsMonitor<KnowledgeOptions> _options;
    private readonly ILogger<KnowledgeService> _logger;
    private readonly TimeProvider _clock;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _debounce;
    private KnowledgeSnapshot _current;
    private int _version;

    public KnowledgeService(ContentPaths paths, IOptionsMonitor<KnowledgeOptions> options, ILogger<KnowledgeService> logger, TimeProvider clock, bool watch = true)
    {
        _paths = paths;
        _options = options;
        _logger = logger;
        _clock = clock;
        _current = KnowledgeSnapshot.Load(paths.Localization, clock.GetUtcNow(), options.CurrentValue.LearnedMaxEntries);
        Report(_current);
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        if (watch)
        {
            _watcher = new FileSystemWatcher(paths.Localization) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            _watcher.Changed += OnChange;
            _watcher.Created += OnChange;
            _watcher.Deleted += OnChange;
            _watcher.Renamed += OnChange;
        }
    }

    public KnowledgeSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Increases every time the content is re-indexed.</summary>
    public int Version => Volatile.Read(ref _version);

    public MatchResult Match(string text) => Current.Match(text, _options.CurrentValue);

    /// <summary>See <see cref="KnowledgeSnapshot.Understand"/>.</summary>
    public Understanding Understand(string text, string? previousEntry = null) => Current.Understand(text, previousEntry, _options.CurrentValue);

    /// <summary>Re-reads and re-indexes the content now; keeps the current content if the new one cannot be loaded.</summary>
    public bool Reload()
    {
        try
        {
            // The new content is answered at once with BM25; its learned signal follows when trained (a few seconds).
            var fresh = KnowledgeSnapshot.Load(_paths.Localization, _clock.GetUtcNow(), learnedMaxEntries: 0);
            _ = fresh.TrainLearnedAsync(_options.CurrentValue.LearnedMaxEntries).ContinueWith(
                t => _logger.LogWarning(t.Exception, "The learned signal could not be trained for the new content; BM25 answers alone"),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            var old = Interlocked.Exchange(ref _current, fresh);
            Interlocked.Increment(ref _version);
            Report(fresh);
            // Matches in flight may still use the old index for a moment: dispose it a little later.
            _ = Task.Delay(TimeSpan.FromSeconds(10)).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or YamlDotNet.Core.YamlException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Knowledge base not reloaded: the changed content could not be loaded; the previous content stays in use");
            return false;
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        if (!e.FullPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)) return;
        _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }

    private void Report(KnowledgeSnapshot snapshot)
    {
        _logger.LogInformation("Knowledge base indexed: {Entries} entries, {Documents} phrasings", snapshot.Knowledge.Entries.Count, snapshot.Index.DocumentCount);
        foreach (var problem in snapshot.Knowledge.Problems) _logger.LogWarning("Knowledge base problem: {Problem}", problem.ToString());
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
        _current.Dispose();
    }
}
