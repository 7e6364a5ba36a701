using Bot.Web.Localization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Knowledge;

/// <summary>One answer of the knowledge base in one language: a button title, the answer, and phrasings people use.</summary>
public sealed record KbText(string Title, string Answer, IReadOnlyList<string> Questions);

/// <summary>One knowledge-base entry (localization/knowledge/&lt;id&gt;.yaml).</summary>
public sealed record KbEntry(string Id, string Category, IReadOnlyList<string> Related, IReadOnlyDictionary<string, KbText> Texts)
{
    public const string SmallTalk = "smalltalk";

    /// <summary>The <see cref="Starts"/> value that shows the main menu.</summary>
    public const string StartsMenu = "menu";

    /// <summary>
    /// For an entry that stands for a request rather than a question ("I want to talk to a person", "stop the
    /// announcements"): what the bot does when it is the answer — a dialog id of dialogs/, <c>menu</c>, or an
    /// announcements command (<c>announcements:stop</c>, <c>announcements:resume</c>). Its answer text is then what staff and
    /// `kb test` see.
    /// </summary>
    public string? Starts { get; init; }

    /// <summary>
    /// Requests an answer to this entry may carry: when the message uses one of a request's words, the bot does what
    /// the request starts instead (e.g. "stop the announcements" matches the announcements entry and stops them).
    /// </summary>
    public IReadOnlyList<KbRequest> Requests { get; init; } = [];

    /// <summary>
    /// Words of which a question must use one (in either language, as written: no synonyms) to be answered with this entry:
    /// for an entry narrower than the words it shares with broader questions (vocational high schools within "school":
    /// a primary-school enrolment is not theirs). Without one the entry can still be offered as a choice. Empty: no condition.
    /// </summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>What the bot does for a message answered with this entry: a request's action, the entry's own, or null (show the answer).</summary>
    public string? ActionFor(string message) =>
        Requests.FirstOrDefault(r => r.Phrases.FoundIn(message))?.Starts ?? Starts;

    /// <summary>The entry holding questions the bot must not answer (its category has the same name).</summary>
    public const string OutOfScope = "out-of-scope";

    public KbText Text(string language) => Texts.TryGetValue(language, out var t) ? t : Texts[Language.Turkish];
}

/// <summary>A request an entry's answer may carry (see <see cref="KbEntry.Requests"/>): what it starts and the words that ask for it, in every language.</summary>
public sealed record KbRequest(string Starts, IReadOnlyList<string> Words)
{
    /// <summary>The words, prepared once for matching.</summary>
    public MessageReader.PhraseSet Phrases { get; } = new(Words);
}

/// <summary>A problem found in the content: the file it is in and what is wrong.</summary>
public sealed record ContentProblem(string File, string Message)
{
    public override string ToString() => $"{File}: {Message}";
}

/// <summary>The knowledge base: entries loaded from localization/knowledge/*.yaml, and the checks `kb lint` runs.</summary>
public sealed class KnowledgeBase
{
    /// <summary>The report's feedback categories (shared/knowledge/faq-topics.yaml) plus small talk.</summary>
    public static readonly IReadOnlySet<string> Categories = new HashSet<string>(StringComparer.Ordinal)
    {
        "legal-rights", "employment", "information", "social-cohesion", "other-activities", "coordination", KbEntry.SmallTalk, KbEntry.OutOfScope,
    };

    /// <summary>The longest answer a channel can take in one message (WhatsApp through Twilio: 1,600 characters).</summary>
    public const int MaxAnswerLength = 1600;

    private KnowledgeBase(IReadOnlyList<KbEntry> entries, IReadOnlyList<ContentProblem> problems)
    {
        Entries = entries;
        ById = entries.ToDictionary(e => e.Id, StringComparer.Ordinal);
        Problems = problems;
    }

    public IReadOnlyList<KbEntry> Entries { get; }
    public IReadOnlyDictionary<string, KbEntry> ById { get; }

    /// <summary>Everything `kb lint` reports; empty when the content is sound.</summary>
    public IReadOnlyList<ContentProblem> Problems { get; }

    public static KnowledgeBase Load(string localizationFolder) =>
        FromFiles(Directory.GetFiles(Path.Combine(localizationFolder, "knowledge"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(Path.GetDirectoryName(localizationFolder)!, f), File.ReadAllText(f))));

    public static KnowledgeBase FromFiles(IEnumerable<(string Name, string Yaml)> files)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var entries = new List<KbEntry>();
        var problems = new List<ContentProblem>();
        var files_ = files.ToList();
        foreach (var (name, yaml) in files_)
        {
            RawEntry? raw;
            try
            {
                raw = deserializer.Deserialize<RawEntry>(yaml);
            }
            catch (YamlException e)
            {
                problems.Add(new ContentProblem(name, $"not valid YAML (line {e.Start.Line}): {e.InnerException?.Message ?? e.Message}"));
                continue;
            }
            if (raw is null || string.IsNullOrWhiteSpace(raw.Id))
            {
                problems.Add(new ContentProblem(name, "has no id"));
                continue;
            }
            var texts = new Dictionary<string, KbText>(StringComparer.Ordinal);
            foreach (var (language, text) in new[] { (Language.Turkish, raw.Tr), (Language.Arabic, raw.Ar) })
            {
                if (text is null)
                {
                    problems.Add(new ContentProblem(name, $"missing translation: no '{language}' section"));
                    continue;
                }
                var answer = (text.Answer ?? "").Trim();
                var questions = (text.Questions ?? []).Where(q => !string.IsNullOrWhiteSpace(q)).Select(q => q.Trim()).ToList();
                if (answer.Length == 0) problems.Add(new ContentProblem(name, $"empty answer in '{language}'"));
                if (answer.Length > MaxAnswerLength)
                {
                    problems.Add(new ContentProblem(name, $"answer in '{language}' is {answer.Length} characters, over the {MaxAnswerLength} a WhatsApp message can take"));
                }
                if (string.IsNullOrWhiteSpace(text.Title)) problems.Add(new ContentProblem(name, $"empty title in '{language}'"));
                if (questions.Count == 0) problems.Add(new ContentProblem(name, $"no question phrasings in '{language}'"));
                texts[language] = new KbText((text.Title ?? "").Trim(), answer, questions);
            }
            if (!Categories.Contains(raw.Category ?? ""))
            {
                problems.Add(new ContentProblem(name, $"unknown category '{raw.Category}' (one of: {string.Join(", ", Categories)})"));
            }
            entries.Add(new KbEntry(raw.Id.Trim(), raw.Category ?? "", raw.Related ?? [], texts)
            {
                Starts = string.IsNullOrWhiteSpace(raw.Starts) ? null : raw.Starts.Trim(),
                Requires = (raw.Requires ?? []).SelectMany(w => w.Value ?? []).Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w.Trim()).ToList(),
                Requests = (raw.Requests ?? []).Where(r => !string.IsNullOrWhiteSpace(r.Starts))
                    .Select(r => new KbRequest(r.Starts!.Trim(), (r.Words ?? []).SelectMany(w => w.Value).ToList())).ToList(),
            });
        }

        foreach (var duplicate in entries.GroupBy(e => e.Id).Where(g => g.Count() > 1))
        {
            problems.Add(new ContentProblem(duplicate.Key, $"the id '{duplicate.Key}' is used by {duplicate.Count()} entries"));
        }
        var ids = entries.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var related in entry.Related.Where(r => !ids.Contains(r)))
            {
                problems.Add(new ContentProblem(entry.Id, $"unknown follow-up id '{related}'"));
            }
        }
        // The same phrasing in two entries makes the matcher's choice arbitrary.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var (language, text) in entry.Texts)
            {
                foreach (var question in text.Questions)
                {
                    var key = language + ":" + LanguageDetector.Fold(question);
                    if (owners.TryGetValue(key, out var owner) && owner != entry.Id)
                    {
                        problems.Add(new ContentProblem(entry.Id, $"phrasing '{question}' ({language}) is also in '{owner}'"));
                    }
                    owners.TryAdd(key, entry.Id);
                }
            }
        }
        return new KnowledgeBase(entries.GroupBy(e => e.Id).Select(g => g.First()).ToList(), problems);
    }

    private sealed class RawEntry
    {
        public string Id { get; set; } = "";
        public string? Category { get; set; }
        public List<string>? Related { get; set; }
        public string? Starts { get; set; }
        public List<RawRequest>? Requests { get; set; }
        public Dictionary<string, List<string>>? Requires { get; set; }
        public RawText? Tr { get; set; }
        public RawText? Ar { get; set; }
    }

    private sealed class RawRequest
    {
        public string? Starts { get; set; }
        public Dictionary<string, List<string>>? Words { get; set; }
    }

    private sealed class RawText
    {
        public string? Title { get; set; }
        public string? Answer { get; set; }
        public List<string>? Questions { get; set; }
    }
}
