using System.Text;
using System.Text.RegularExpressions;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using Bot.Web.Access;

namespace Bot.Web.Feedback;

/// <summary>
/// Turns staff-reviewed questions into knowledge: adds their phrasings to an existing entry, or writes a new entry
/// (both languages required), in <c>localization/knowledge/</c>; re-indexes at once; and keeps each taught question
/// with its entry in <c>localization/knowledge-taught.tsv</c> (the saved set: <c>kb test localization/knowledge-taught.tsv</c>).
/// </summary>
public sealed partial class KnowledgeTeacher(ContentPaths paths, KnowledgeService knowledge, StaffAudit audit)
{
    public const string TaughtSet = "knowledge-taught.tsv";
    private static readonly Lock WriteLock = new();

    /// <summary>Adds the questions (language, text) as phrasings of <paramref name="entryId"/>; false when there is no such entry.</summary>
    public async Task<TeachResult> AddPhrasingsAsync(string actor, string entryId, IReadOnlyList<(string Language, string Text)> questions, CancellationToken ct)
    {
        if (!knowledge.Current.Knowledge.ById.ContainsKey(entryId) || entryId is KbEntry.OutOfScope) return TeachResult.Failed("entryId", "queue.entry-unknown");
        var file = FileOf(entryId);
        if (file is null) return TeachResult.Failed("entryId", "queue.entry-unknown");
        lock (WriteLock)
        {
            var lines = File.ReadAllLines(file).ToList();
            foreach (var (language, text) in questions.Where(q => Language.IsSupported(q.Language)).DistinctBy(q => (q.Language, q.Text)))
            {
                var at = EndOfQuestions(lines, language);
                if (at < 0) continue;
                lines.Insert(at, "    - " + Quote(OneLine(text)));
            }
            File.WriteAllLines(file, lines, new UTF8Encoding(false));
        }
        return await FinishAsync(actor, "knowledge-phrasing-added", entryId, questions, ct);
    }

    /// <summary>Writes a new entry from the staff's texts (title and answer in every language) and the questions as its phrasings.</summary>
    public async Task<TeachResult> CreateEntryAsync(string actor, NewEntry entry, IReadOnlyList<(string Language, string Text)> questions, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!EntryId().IsMatch(entry.Id ?? "")) errors["id"] = "teach.id-invalid";
        else if (knowledge.Current.Knowledge.ById.ContainsKey(entry.Id!) || File.Exists(Path.Combine(paths.Localization, "knowledge", entry.Id + ".yaml"))) errors["id"] = "teach.id-taken";
        if (entry.Category is null || !QueueCategories.All.Contains(entry.Category) || entry.Category == QueueCategories.OutOfScope) errors["category"] = "queue.category-invalid";
        foreach (var language in Language.All)
        {
            var (title, answer) = entry.Texts.GetValueOrDefault(language);
            if (string.IsNullOrWhiteSpace(title) || title.Length > 80) errors["title-" + language] = "teach.title-required";
            if (string.IsNullOrWhiteSpace(answer) || answer.Length > KnowledgeBase.MaxAnswerLength) errors["answer-" + language] = "teach.answer-required";
        }
        if (errors.Count > 0) return new TeachResult(false, errors, []);

        var document = new Dictionary<string, object> { ["id"] = entry.Id!, ["category"] = entry.Category! };
        foreach (var language in Language.All)
        {
            var (title, answer) = entry.Texts[language];
            var phrasings = questions.Where(q => q.Language == language).Select(q => OneLine(q.Text)).Distinct().ToList();
            if (phrasings.Count == 0) phrasings.Add(OneLine(title!));
            document[language] = new Dictionary<string, object> { ["title"] = title!.Trim(), ["answer"] = answer!.Trim() + "\n", ["questions"] = phrasings };
        }
        var yaml = new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Serialize(document);
        lock (WriteLock)
        {
            File.WriteAllText(Path.Combine(paths.Localization, "knowledge", entry.Id + ".yaml"),
                "# Written from the staff queue (teach: new entry). Edit freely.\n" + yaml, new UTF8Encoding(false));
        }
        return await FinishAsync(actor, "knowledge-entry-created", entry.Id!, questions, ct);
    }

    private async Task<TeachResult> FinishAsync(string actor, string action, string entryId, IReadOnlyList<(string Language, string Text)> questions, CancellationToken ct)
    {
        lock (WriteLock)
        {
            var set = Path.Combine(paths.Localization, TaughtSet);
            if (!File.Exists(set)) File.WriteAllText(set, "# Questions staff taught from the queue: expected entry<TAB>language<TAB>question (kb test localization/knowledge-taught.tsv)\n");
            File.AppendAllLines(set, questions.Select(q => $"{entryId}\t{q.Language}\t{OneLine(q.Text)}"), new UTF8Encoding(false));
        }
        var reloaded = knowledge.Reload();
        await audit.WriteAsync(actor, action, entryId, $"{questions.Count} question(s)", ct);
        // The effect, at once: what the matcher now does with each taught question.
        var effect = questions.Select(q => (q.Text, Result: knowledge.Match(q.Text))).Select(r => new TaughtQuestion(r.Text, r.Result.Kind == MatchKind.Answer && r.Result.AnswerId == entryId,
            r.Result.AnswerId, r.Result.Confidence)).ToList();
        return new TeachResult(reloaded, reloaded ? new Dictionary<string, string>() : new() { [""] = "teach.reload-failed" }, effect);
    }

    private string? FileOf(string entryId)
    {
        var named = Path.Combine(paths.Localization, "knowledge", entryId + ".yaml");
        if (File.Exists(named)) return named;
        return Directory.GetFiles(Path.Combine(paths.Localization, "knowledge"), "*.yaml")
            .FirstOrDefault(f => File.ReadLines(f).Any(l => l.Trim() == "id: " + entryId));
    }

    /// <summary>The line after the last item of <c>&lt;language&gt;: questions:</c>, or -1 when the entry has no such list.</summary>
    private static int EndOfQuestions(List<string> lines, string language)
    {
        var block = lines.FindIndex(l => l.TrimEnd() == language + ":");
        if (block < 0) return -1;
        var list = lines.FindIndex(block + 1, l => l.TrimEnd() == "  questions:");
        if (list < 0) return -1;
        var at = list + 1;
        while (at < lines.Count && (lines[at].StartsWith("    ", StringComparison.Ordinal) || lines[at].Trim().Length == 0)) at++;
        while (at > list + 1 && lines[at - 1].Trim().Length == 0) at--;
        return at;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    /// <summary>A YAML double-quoted scalar (safe for any text: colons, quotes, leading dashes).</summary>
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex EntryId();
}

public sealed record NewEntry(string? Id, string? Category, IReadOnlyDictionary<string, (string? Title, string? Answer)> Texts);

public sealed record TaughtQuestion(string Text, bool NowAnswered, string? AnswerId, double Confidence);

public sealed record TeachResult(bool Succeeded, IReadOnlyDictionary<string, string> Errors, IReadOnlyList<TaughtQuestion> Effect)
{
    public static TeachResult Failed(string field, string key) => new(false, new Dictionary<string, string> { [field] = key }, []);
}
