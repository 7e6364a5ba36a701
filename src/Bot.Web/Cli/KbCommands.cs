using Bot.Web.Channels;
using System.Globalization;
using System.Text.Json;
using Bot.Web.Localization;

using Bot.Web.Knowledge;

namespace Bot.Web.Cli;

/// <summary>The staff-facing knowledge-base tools: <c>kb lint</c> and <c>kb test FILE</c>.</summary>
public static class KbCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Checks the content; prints one line per problem and returns 1 if there is any, else 0.</summary>
    public static int Lint(ContentPaths paths, TextWriter stdout, TextWriter stderr)
    {
        var knowledge = KnowledgeBase.Load(paths.Localization);
        var problems = knowledge.Problems.ToList();
        try
        {
            using var analysis = TextAnalysis.Load(paths.Localization);
            // A phrasing without any of its entry's required words could never be answered with the entry.
            if (knowledge.Entries.Any(e => e.Requires.Count > 0))
            {
                using var index = new KbIndex(knowledge, analysis);
                foreach (var entry in knowledge.Entries.Where(e => e.Requires.Count > 0))
                {
                    foreach (var (language, text) in entry.Texts)
                    {
                        problems.AddRange(text.Questions.Prepend(text.Title).Where(q => !index.Fits(entry.Id, q)).Select(q =>
                            new ContentProblem(entry.Id, $"phrasing '{q}' ({language}) uses none of the entry's required words (requires:)")));
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            problems.Add(new ContentProblem("localization/synonyms.*.yaml", e.Message));
        }
        problems.AddRange(DialogProblems(paths, knowledge).Select(p => new ContentProblem("dialogs", p)));
        problems.AddRange(AnswerShapeProblems(knowledge));
        foreach (var problem in problems) stderr.WriteLine(problem.ToString());
        // Answers are read on a phone: the length of each language's answers, and a warning above the aim's ceiling.
        foreach (var language in Language.All)
        {
            var lengths = knowledge.Entries.Select(e => (e.Id, Length: e.Text(language).Answer.Trim().Length)).OrderBy(x => x.Length).ToList();
            if (lengths.Count == 0) continue;
            stdout.WriteLine($"kb lint: {language} answers: median {lengths[lengths.Count / 2].Length} characters, longest {lengths[^1].Length} ({lengths[^1].Id})");
            foreach (var (id, length) in lengths.Where(l => l.Length > WarnAnswerLength))
            {
                stderr.WriteLine($"warning: localization/knowledge/{id}.yaml: the {language} answer is {length} characters, over {WarnAnswerLength} (about one phone screen)");
            }
        }
        stdout.WriteLine(problems.Count == 0
            ? $"kb lint: {knowledge.Entries.Count} entries, no problems."
            : $"kb lint: {problems.Count} problem(s) in {knowledge.Entries.Count} entries.");
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>An answer longer than this is reported (a warning): about one phone screen; the aim is around 450.</summary>
    public const int WarnAnswerLength = 700;

    /// <summary>
    /// An answer must start with the answer: its first line is not a placeholder (the centre's contact, a list) and not
    /// a sentence other entries start with too; and the centre's contact is not announced by a line of its own ending
    /// in ":" (with no centre known it would read "your centre's contact:" + "write your city for your centre's contact").
    /// </summary>
    public static IEnumerable<ContentProblem> AnswerShapeProblems(KnowledgeBase knowledge)
    {
        foreach (var language in Language.All)
        {
            var firstLines = knowledge.Entries.Select(e => (e.Id, Lines: e.Text(language).Answer.Trim().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList()))
                .Where(x => x.Lines.Count > 0).ToList();
            foreach (var (id, lines) in firstLines)
            {
                var file = $"localization/knowledge/{id}.yaml";
                if (lines[0].StartsWith('{')) yield return new ContentProblem(file, $"the {language} answer starts with a placeholder ({lines[0]}): put the answer first");
                var contact = lines.FindIndex(l => l.Contains("{centre_contact}", StringComparison.Ordinal));
                if (contact > 0 && lines[contact].Trim() == "{centre_contact}" && lines[contact - 1].EndsWith(':'))
                {
                    yield return new ContentProblem(file, $"the {language} answer announces the centre's contact with \"{lines[contact - 1]}\": {{centre_contact}} is a whole line by itself");
                }
            }
            foreach (var shared in firstLines.GroupBy(x => x.Lines[0], StringComparer.Ordinal).Where(g => g.Count() > 1 && !g.Key.StartsWith('{')))
            {
                yield return new ContentProblem($"localization/knowledge/{shared.First().Id}.yaml",
                    $"the {language} answers of {string.Join(", ", shared.Select(x => x.Id))} start with the same line \"{shared.Key}\": start each with its own answer");
            }
        }
    }

    /// <summary>The dialogs' problems (see <see cref="DialogSet.Check"/>) and knowledge entries they show that do not exist.</summary>
    public static IReadOnlyList<string> DialogProblems(ContentPaths paths, KnowledgeBase knowledge)
    {
        TextCatalog texts;
        try
        {
            texts = TextCatalog.Load(paths.Localization);
        }
        catch (Exception e) when (e is IOException or YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            return [e.Message];
        }
        var (dialogs, problems) = DialogSet.Check(paths.Dialogs, texts);
        foreach (var dialog in dialogs.All)
        {
            foreach (var step in dialog.Steps)
            {
                foreach (var (name, arg) in step.Actions.Select(DialogActionNames.Split))
                {
                    if (name == DialogActionNames.ShowEntry && arg is not null && !knowledge.ById.ContainsKey(arg))
                    {
                        problems.Add($"dialogs/{dialog.Id}.yaml: step '{step.Id}': show-entry names unknown knowledge entry '{arg}'");
                    }
                }
            }
        }
        foreach (var (entry, start) in knowledge.Entries.SelectMany(e => e.Requests.Select(r => r.Starts).Append(e.Starts).OfType<string>().Select(s => (e, s))))
        {
            if (start != KbEntry.StartsMenu && !BotCommands.IsCommand(start) && dialogs.Find(start) is null)
            {
                problems.Add($"localization/knowledge/{entry.Id}.yaml: starts '{start}', which is no dialog of dialogs/, 'menu' or an announcements command");
            }
        }
        try
        {
            var reader = MessageReader.Load(paths.Localization);
            problems.AddRange(reader.NamedEntries().Where(id => !knowledge.ById.ContainsKey(id)).Distinct()
                .Select(id => $"localization/understanding.yaml: names unknown knowledge entry '{id}'"));
        }
        catch (Exception e) when (e is IOException or YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            problems.Add("localization/understanding.yaml: " + e.Message);
        }
        return problems;
    }

    /// <summary>
    /// Runs every line of a TSV (<c>expected_id	lang	text</c>, optionally a fourth column <c>style</c>; # comments)
    /// through the message reader and matcher, as a first message with no conversation before it, and writes one JSON
    /// object per line, in input order, then one summary line per language and, where styles are given, one per
    /// language and style. <c>expected_id</c> may name several entries joined by <c>+</c> (a message asking two
    /// questions): the line is right when every one of them is answered.
    /// </summary>
    public static int Test(KnowledgeService knowledge, string file, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(file))
        {
            stderr.WriteLine($"kb test: file not found: {file}");
            return 2;
        }
        var stats = new SortedDictionary<string, LanguageStats>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            if (parts.Length is not (3 or 4))
            {
                stderr.WriteLine($"kb test: line {lineNumber} skipped: expected 3 or 4 tab-separated fields, found {parts.Length}");
                continue;
            }
            var (expected, lang, text) = (parts[0].Trim(), parts[1].Trim(), parts[2]);
            var style = parts.Length == 4 ? parts[3].Trim() : null;
            var understood = knowledge.Understand(text);
            var result = understood.Main;
            var output = new Dictionary<string, object?>
            {
                ["text"] = text,
                ["lang"] = lang,
                ["expected"] = expected,
                ["answerId"] = result.AnswerId,
                ["confidence"] = Math.Round(result.Confidence, 3),
                ["candidates"] = understood.Parts.FirstOrDefault(p => p.Kind == MatchKind.Clarify)?.Candidates.Select(c => c.Id).ToArray() ?? [],
            };
            if (style is not null) output["style"] = style;
            if (understood.Questions.Count > 0 && string.Join(" | ", understood.Questions) != text) output["read"] = understood.Questions;
            if (understood.Answers.Count > 1) output["answers"] = understood.Answers;
            if (Environment.GetEnvironmentVariable("KB_TEST_RANKED") == "1")
            {
                // Diagnostics for tuning only: the ranked entries with score and confidence.
                output["ranked"] = result.Ranked.Select(c => new object[] { c.Id, c.Score, c.Confidence, c.Coverage, c.Similarity, c.Anchor, c.Lead }).ToArray();
                output["outOfScope"] = result.OutOfScope;
            }
            stdout.WriteLine(JsonSerializer.Serialize(output, Json));
            if (expected == "?") continue;
            foreach (var key in style is null ? [lang] : new[] { lang, $"{lang}/{style}" })
            {
                if (!stats.TryGetValue(key, out var s)) stats[key] = s = new LanguageStats();
                s.Add(expected, understood);
            }
        }
        var languages = stats.Where(kv => !kv.Key.Contains('/', StringComparison.Ordinal)).ToList();
        stdout.WriteLine("summary: " + string.Join(" | ", languages.Select(kv => $"{kv.Key} {kv.Value}")));
        foreach (var (key, value) in stats.Where(kv => kv.Key.Contains('/', StringComparison.Ordinal)))
        {
            stdout.WriteLine($"style {key}: {value.Brief()}");
        }
        return 0;
    }

    /// <summary>
    /// Fits the confidence model (logistic regression, L2-regularised) on a labelled TSV: for each line, the best
    /// entry's features, labelled 1 when that entry is the expected one. Prints the Knowledge:Calibration value.
    /// </summary>
    public static int Calibrate(KnowledgeService knowledge, string file, TextWriter stdout, TextWriter stderr)
    {
        var files = file.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            stderr.WriteLine($"kb calibrate: file not found: {missing}");
            return 2;
        }
        var samples = new List<(double[] X, double Y)>();
        foreach (var line in files.SelectMany(File.ReadLines).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split('\t');
            if (parts.Length is not (3 or 4) || parts[0] == "?") continue;
            // Each question of the message as the reader cuts it (courtesy removed), as the bot matches it.
            var expected = parts[0].Split('+');
            foreach (var question in knowledge.Current.Reader.Questions(TextAnalysis.NormalizeText(parts[2])))
            {
                var result = knowledge.Match(question);
                if (result.Ranked.Count == 0 || result.OutOfScope) continue; // decided without the confidence
                var top = result.Ranked[0];
                samples.Add((top.Features, parts[0] != "none" && expected.Contains(top.Id) ? 1 : 0));
            }
        }
        if (samples.Count < 20)
        {
            stderr.WriteLine($"kb calibrate: {samples.Count} usable lines; at least 20 are needed.");
            return 2;
        }
        var w = new double[Features.Count + 1];
        for (var iteration = 0; iteration < 4000; iteration++)
        {
            var gradient = new double[w.Length];
            foreach (var (x, y) in samples)
            {
                var error = Features.Confidence(w, x) - y;
                gradient[0] += error;
                for (var i = 0; i < x.Length; i++) gradient[i + 1] += error * x[i];
            }
            for (var i = 0; i < w.Length; i++) w[i] -= 0.5 * ((gradient[i] / samples.Count) + (i == 0 ? 0 : 0.01 * w[i]));
        }
        var value = string.Join(' ', w.Select(v => Math.Round(v, 3).ToString(CultureInfo.InvariantCulture)));
        stdout.WriteLine(JsonSerializer.Serialize(new { Knowledge = new { Calibration = value } }));
        stderr.WriteLine($"kb calibrate: fitted on {samples.Count} lines ({samples.Count(s => s.Y == 1)} where the best entry is right).");
        return 0;
    }

    private sealed class LanguageStats
    {
        private int _inScope, _correct, _wrong, _partly, _clarified, _clarifiedHit, _abstained, _outOfScope, _outAnswered;

        public void Add(string expected, Understanding understood)
        {
            var answers = understood.Answers;
            var result = understood.Main;
            if (expected == "none")
            {
                _outOfScope++;
                if (answers.Count > 0) _outAnswered++;
                return;
            }
            _inScope++;
            var wanted = expected.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (answers.Count > 0)
            {
                if (wanted.All(answers.Contains)) _correct++;
                else if (!wanted.Any(answers.Contains)) _wrong++;
                else _partly++; // one of two questions answered, the other not
                return;
            }
            if (result.Kind == MatchKind.Clarify)
            {
                _clarified++;
                if (result.Candidates.Any(c => wanted.Contains(c.Id))) _clarifiedHit++;
            }
            else _abstained++;
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"in-scope {_inScope}: correct {Pct(_correct, _inScope)}, wrong {Pct(_wrong, _inScope)}, partly {_partly}, clarify {_clarified} ({_clarifiedHit} with the right candidate), abstain {_abstained}; out-of-scope {_outOfScope}: answered {Pct(_outAnswered, _outOfScope)}");

        public string Brief() => string.Create(CultureInfo.InvariantCulture,
            $"{_inScope + _outOfScope} lines: correct {Pct(_correct, _inScope)}, wrong {Pct(_wrong, _inScope)}, partly {_partly}, clarify {_clarified}, abstain {_abstained}, out-of-scope answered {Pct(_outAnswered, _outOfScope)}");

        private static string Pct(int n, int of) =>
            of == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{n} ({100.0 * n / of:0.0}%)");
    }
}
