using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Localization;

/// <summary>What a step expects from the user.</summary>
public enum InputKind
{
    None,
    Choice,
    YesNo,
    Number,
    Text,
    Centre,

    /// <summary>An age (min, max required): in digits or words, or from a date or year of birth; also saves {save}_birth_year.</summary>
    Age,
}

/// <summary>A guided conversation loaded from dialogs/&lt;id&gt;.yaml: steps run in order unless a step says where to go.</summary>
/// <param name="Id">The dialog's id (its file name).</param>
/// <param name="Steps">The steps, in order.</param>
/// <param name="LeaveOnQuestion">
/// When something other than an answer comes: true leaves the dialog and lets the bot handle it (the welcome: nobody
/// has to finish it, and a menu button or a question there is done at once); false answers a question if the knowledge
/// base can and asks the step again (else leaves to answer it), and asks again after anything else.
/// </param>
public sealed record DialogDefinition(string Id, IReadOnlyList<DialogStep> Steps, bool LeaveOnQuestion = false)
{
    /// <summary>Leaves the dialog silently.</summary>
    public const string End = "end";

    /// <summary>Leaves the dialog and shows the menu.</summary>
    public const string Menu = "menu";

    public DialogStep Step(string id) => Steps.First(s => s.Id == id);

    /// <summary>Where a step goes when it names no next step: the one after it, or the end.</summary>
    public string After(DialogStep step)
    {
        if (step.Next is not null) return step.Next;
        var index = Steps.ToList().IndexOf(step);
        return index + 1 < Steps.Count ? Steps[index + 1].Id : End;
    }
}

/// <summary>
/// One step: on entering it runs its actions and says its texts; a step with an input then asks its prompt and waits.
/// The answer is saved under <see cref="Save"/> (and its label under <c>Save_label</c>) and the first branch whose
/// conditions all hold decides the next step, else <see cref="Next"/>, else the following step.
/// </summary>
public sealed record DialogStep(
    string Id,
    IReadOnlyDictionary<string, string> If,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Say,
    string? Prompt,
    InputKind Input,
    IReadOnlyList<DialogOption> Options,
    string? OptionsFrom,
    bool Optional,
    int? Min,
    int? Max,
    int MaxLength,
    string? Retry,
    int MaxRetries,
    string? Save,
    IReadOnlyList<DialogBranch> Branches,
    string? Next)
{
    /// <summary>
    /// yesno only: an answer stating how long ago ("2 yıldır", "سجلت من سنتين", "3 ay önce") means yes when it is at
    /// least this many months, no when less.
    /// </summary>
    public int? YesFromMonths { get; init; }

    /// <summary>
    /// choice and yesno: only a whole answer counts (a button, a number, an option's name or word, a yes or no word),
    /// never words found inside a sentence: for consent and deleting, which must be said plainly.
    /// </summary>
    public bool Strict { get; init; }
}

/// <summary>A choice: the value saved, the text key shown, and an optional text-list key of words that also pick it.</summary>
public sealed record DialogOption(string Value, string Text, string? Words);

public sealed record DialogBranch(IReadOnlyDictionary<string, string> When, string Next);

/// <summary>Every dialog in dialogs/ (except the menu), loaded and checked together.</summary>
public sealed class DialogSet
{
    public const int DefaultMaxRetries = 2;
    private const int DefaultMaxLength = 1000;
    private readonly Dictionary<string, DialogDefinition> _dialogs;

    private DialogSet(Dictionary<string, DialogDefinition> dialogs) => _dialogs = dialogs;

    public IReadOnlyCollection<DialogDefinition> All => _dialogs.Values;

    public DialogDefinition? Find(string? id) => id is not null && _dialogs.TryGetValue(id, out var d) ? d : null;

    public DialogDefinition Get(string id) => _dialogs[id];

    /// <summary>Loads every dialog, throwing one error that lists every problem (see <see cref="Check"/>).</summary>
    public static DialogSet Load(string dialogsFolder, TextCatalog texts)
    {
        var (set, problems) = Check(dialogsFolder, texts);
        if (problems.Count > 0) throw new InvalidOperationException("Dialogs are invalid:\n" + string.Join('\n', problems));
        return set;
    }

    /// <summary>
    /// Loads and checks: YAML shape, unknown input kinds, actions and option sources, steps named but not defined,
    /// steps no path reaches, text keys missing in any language, choices without options, dialogs started but not defined,
    /// ages without min and max, yes_from_months outside a yesno step, strict outside a choice or yesno step.
    /// </summary>
    public static (DialogSet Set, List<string> Problems) Check(string dialogsFolder, TextCatalog texts)
    {
        var problems = new List<string>();
        var dialogs = new Dictionary<string, DialogDefinition>(StringComparer.Ordinal);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        foreach (var file in Directory.GetFiles(dialogsFolder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name == "menu.yaml") continue;
            RawDialog? raw;
            try
            {
                raw = deserializer.Deserialize<RawDialog>(File.ReadAllText(file));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                problems.Add($"dialogs/{name}: invalid YAML ({e.Start}): {e.InnerException?.Message ?? e.Message}");
                continue;
            }
            if (raw is null || string.IsNullOrWhiteSpace(raw.Id))
            {
                problems.Add($"dialogs/{name}: needs an id");
                continue;
            }
            var dialog = Build(raw, name, problems);
            if (!dialogs.TryAdd(dialog.Id, dialog)) problems.Add($"dialogs/{name}: dialog id '{dialog.Id}' is used twice");
        }
        foreach (var dialog in dialogs.Values) Validate(dialog, dialogs, texts, problems);
        return (new DialogSet(dialogs), problems);
    }

    private static DialogDefinition Build(RawDialog raw, string file, List<string> problems)
    {
        var steps = new List<DialogStep>();
        foreach (var s in raw.Steps)
        {
            var where = $"dialogs/{file}: step '{s.Id}'";
            if (!Enum.TryParse<InputKind>(s.Input?.Replace("-", "", StringComparison.Ordinal) ?? "none", ignoreCase: true, out var input))
            {
                problems.Add($"{where}: unknown input '{s.Input}' (use choice, yesno, number, age, text, centre)");
            }
            if (input != InputKind.None && s.Prompt is null) problems.Add($"{where}: an input needs a prompt");
            if (input != InputKind.None && s.Save is null) problems.Add($"{where}: an input needs 'save' (the name of the answer)");
            steps.Add(new DialogStep(
                s.Id,
                s.If ?? [],
                s.Actions ?? [],
                s.Say is null ? [] : [s.Say],
                s.Prompt,
                input,
                (s.Options ?? []).Select(o => new DialogOption(o.Value, o.Text, o.Words)).ToList(),
                s.OptionsFrom,
                s.Optional,
                s.Min,
                s.Max,
                s.MaxLength ?? DefaultMaxLength,
                s.Retry,
                s.MaxRetries ?? DefaultMaxRetries,
                s.Save,
                (s.Branches ?? []).Select(b => new DialogBranch(b.When ?? [], b.Next)).ToList(),
                s.Next) { YesFromMonths = s.YesFromMonths, Strict = s.Strict });
        }
        if (steps.Count == 0) problems.Add($"dialogs/{file}: the dialog has no steps");
        if (raw.OnQuestion is not ("resume" or "leave")) problems.Add($"dialogs/{file}: on_question must be resume or leave");
        return new DialogDefinition(raw.Id, steps, raw.OnQuestion == "leave");
    }

    private static void Validate(DialogDefinition dialog, Dictionary<string, DialogDefinition> dialogs, TextCatalog texts, List<string> problems)
    {
        var where = $"dialogs/{dialog.Id}.yaml";
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in dialog.Steps)
        {
            if (!ids.Add(step.Id)) problems.Add($"{where}: step id '{step.Id}' is used twice");
        }
        bool Known(string target) => target is DialogDefinition.End or DialogDefinition.Menu || ids.Contains(target);
        foreach (var step in dialog.Steps)
        {
            var at = $"{where}: step '{step.Id}'";
            foreach (var target in step.Branches.Select(b => b.Next).Append(step.Next).OfType<string>())
            {
                if (!Known(target)) problems.Add($"{at}: goes to unknown step '{target}'");
            }
            foreach (var action in step.Actions)
            {
                var (name, arg) = DialogActionNames.Split(action);
                if (!DialogActionNames.All.Contains(name)) problems.Add($"{at}: unknown action '{name}' (known: {string.Join(", ", DialogActionNames.All)})");
                if (name == DialogActionNames.StartDialog && (arg is null || !dialogs.ContainsKey(arg))) problems.Add($"{at}: start-dialog names unknown dialog '{arg}'");
                if (name == DialogActionNames.ShowEntry && string.IsNullOrEmpty(arg)) problems.Add($"{at}: show-entry needs an entry id (show-entry:<id>)");
            }
            if (step.Input == InputKind.Choice && step.Options.Count == 0 && step.OptionsFrom is null) problems.Add($"{at}: a choice needs options or options_from");
            if (step.OptionsFrom is not null && !DialogActionNames.OptionSources.Contains(step.OptionsFrom)) problems.Add($"{at}: unknown options_from '{step.OptionsFrom}'");
            if (step.Min > step.Max) problems.Add($"{at}: min is above max");
            if (step.Input == InputKind.Age && (step.Min is null || step.Max is null)) problems.Add($"{at}: an age needs min and max (the ages that make sense)");
            if (step.YesFromMonths is not null && step.Input != InputKind.YesNo) problems.Add($"{at}: yes_from_months is only for yesno steps");
            if (step.YesFromMonths <= 0) problems.Add($"{at}: yes_from_months must be a positive number of months");
            if (step.Strict && step.Input is not (InputKind.YesNo or InputKind.Choice)) problems.Add($"{at}: strict is only for choice and yesno steps");
            var keys = step.Say.Concat(new[] { step.Prompt, step.Retry }.OfType<string>())
                .Concat(step.Options.SelectMany(o => new[] { o.Text, o.Words }.OfType<string>()));
            foreach (var key in keys)
            {
                foreach (var language in Language.All.Where(l => !texts.Has(l, key)))
                {
                    problems.Add($"{at}: text key '{key}' is missing in localization/*.{language}.yaml");
                }
            }
        }
        if (dialog.Steps.Count == 0) return;
        // Reachability from the first step: through next, branches, the following step, and past skipped steps.
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([dialog.Steps[0].Id]);
        while (queue.TryDequeue(out var id))
        {
            if (!ids.Contains(id) || !reached.Add(id)) continue;
            var step = dialog.Step(id);
            foreach (var next in step.Branches.Select(b => b.Next).Append(dialog.After(step))) queue.Enqueue(next);
        }
        foreach (var step in dialog.Steps.Where(s => !reached.Contains(s.Id)))
        {
            problems.Add($"{where}: step '{step.Id}' cannot be reached");
        }
    }

    private sealed class RawDialog
    {
        public string Id { get; set; } = "";
        public string OnQuestion { get; set; } = "resume";
        public List<RawStep> Steps { get; set; } = [];
    }

    private sealed class RawStep
    {
        public string Id { get; set; } = "";
        public Dictionary<string, string>? If { get; set; }
        public List<string>? Actions { get; set; }
        public string? Say { get; set; }
        public string? Prompt { get; set; }
        public string? Input { get; set; }
        public List<RawOption>? Options { get; set; }
        public string? OptionsFrom { get; set; }
        public bool Optional { get; set; }
        public int? Min { get; set; }
        public int? Max { get; set; }
        public int? MaxLength { get; set; }
        public string? Retry { get; set; }
        public int? MaxRetries { get; set; }
        public string? Save { get; set; }
        public List<RawBranch>? Branches { get; set; }
        public string? Next { get; set; }
        public int? YesFromMonths { get; set; }
        public bool Strict { get; set; }
    }

    private sealed class RawOption
    {
        public string Value { get; set; } = "";
        public string Text { get; set; } = "";
        public string? Words { get; set; }
    }

    private sealed class RawBranch
    {
        public Dictionary<string, string>? When { get; set; }
        public string Next { get; set; } = "";
    }
}

/// <summary>The actions dialogs may name (implemented in <see cref="DialogActions"/>).</summary>
public static class DialogActionNames
{
    public const string Consent = "consent";
    public const string SetCentre = "set-centre";
    public const string SetLanguage = "set-language";
    public const string LoadSubscriptions = "load-subscriptions";
    public const string ShowSubscriptions = "show-subscriptions";
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";
    public const string UnsubscribeAll = "unsubscribe-all";
    public const string EligibleCourses = "eligible-courses";
    public const string RememberEligibility = "remember-eligibility";
    public const string ShowEntry = "show-entry";
    public const string StartDialog = "start-dialog";
    public const string RecordFeedback = "record-feedback";
    public const string Handover = "handover";
    public const string ShowMyData = "show-my-data";
    public const string DeleteMyData = "delete-my-data";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(
        typeof(DialogActionNames).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!), StringComparer.Ordinal);

    /// <summary>Where a choice's options can come from instead of the YAML: the user's subscriptions.</summary>
    public static readonly IReadOnlySet<string> OptionSources = new HashSet<string>(["subscriptions"], StringComparer.Ordinal);

    /// <summary>"show-entry:work-permit-fee" → ("show-entry", "work-permit-fee").</summary>
    public static (string Name, string? Arg) Split(string action)
    {
        var at = action.IndexOf(':', StringComparison.Ordinal);
        return at < 0 ? (action, null) : (action[..at], action[(at + 1)..]);
    }
}
