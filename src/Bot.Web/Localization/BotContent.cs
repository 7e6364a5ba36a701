using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Localization;

/// <summary>A menu loaded from dialogs/menu.yaml: a prompt and options (text key + value a button sends).</summary>
public sealed record MenuDefinition(string Prompt, IReadOnlyList<MenuOption> Options)
{
    public static MenuDefinition Load(string dialogsFolder, TextCatalog texts)
    {
        var file = Path.Combine(dialogsFolder, "menu.yaml");
        var raw = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build()
            .Deserialize<RawMenu>(File.ReadAllText(file)) ?? throw new InvalidOperationException($"{file} is empty.");
        var errors = new List<string>();
        var keys = new[] { raw.Prompt }.Concat(raw.Options.Select(o => o.Text)).ToList();
        foreach (var key in keys)
        {
            foreach (var language in Language.All)
            {
                if (string.IsNullOrEmpty(key) || !texts.Has(language, key))
                {
                    errors.Add($"{file}: text key '{key}' is missing in localization/strings.{language}.yaml");
                }
            }
        }
        if (raw.Options.Count == 0) errors.Add($"{file}: the menu has no options");
        if (raw.Options.Any(o => string.IsNullOrWhiteSpace(o.Value))) errors.Add($"{file}: every option needs a value");
        if (errors.Count > 0) throw new InvalidOperationException(string.Join('\n', errors));
        return new MenuDefinition(raw.Prompt, raw.Options.Select(o => new MenuOption(o.Value, o.Text, NullIfEmpty(o.Entry), NullIfEmpty(o.Dialog))).ToList());
    }

    private sealed class RawMenu
    {
        public string Id { get; set; } = "";
        public string Prompt { get; set; } = "";
        public List<RawOption> Options { get; set; } = [];
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private sealed class RawOption
    {
        public string Value { get; set; } = "";
        public string Text { get; set; } = "";
        public string? Entry { get; set; }
        public string? Dialog { get; set; }
    }
}

/// <summary>A menu option: the value its button sends, its text key, and the dialog it starts or knowledge-base entry it shows (if any).</summary>
public sealed record MenuOption(string Value, string TextKey, string? Entry, string? Dialog = null);

/// <summary>All content the bot runs on, loaded and validated together from localization/ and dialogs/.</summary>
public sealed class BotContent(ContentPaths paths, TextCatalog texts, LanguageDetector languages, MenuDefinition menu, OptOutWords optOut,
    DialogSet dialogs)
{
    public ContentPaths Paths { get; } = paths;
    public TextCatalog Texts { get; } = texts;
    public LanguageDetector Languages { get; } = languages;
    public MenuDefinition Menu { get; } = menu;
    public OptOutWords OptOut { get; } = optOut;
    public DialogSet Dialogs { get; } = dialogs;
    public NumberWords NumberWords { get; } = NumberWords.Load(paths.Localization);

    private readonly HashSet<string> _menuCommands = Language.All.SelectMany(l => texts.GetList(l, TextKeys.MenuCommands))
        .Select(LanguageDetector.Fold).Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);

    private readonly HashSet<string> _cancelWords = Language.All.SelectMany(l => texts.GetList(l, TextKeys.CancelWords))
        .Select(OptOutWords.Normalize).Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when the whole message is a menu command of any language (folded: case, Turkish letters, diacritics).</summary>
    public bool IsMenuCommand(string? text) => _menuCommands.Contains(LanguageDetector.Fold(text ?? ""));

    /// <summary>True when the whole message is a cancel word of any language.</summary>
    public bool IsCancelWord(string? text) => _cancelWords.Contains(OptOutWords.Normalize(text ?? ""));

    public static BotContent Load(ContentPaths paths)
    {
        var texts = TextCatalog.Load(paths.Localization);
        var menu = MenuDefinition.Load(paths.Dialogs, texts);
        var dialogs = DialogSet.Load(paths.Dialogs, texts);
        var unknown = menu.Options.Where(o => o.Dialog is not null && dialogs.Find(o.Dialog) is null).Select(o => o.Dialog).ToList();
        if (unknown.Count > 0) throw new InvalidOperationException("dialogs/menu.yaml starts dialogs that do not exist: " + string.Join(", ", unknown));
        return new BotContent(paths, texts, LanguageDetector.Load(paths.Localization), menu, OptOutWords.Load(paths.Localization), dialogs);
    }
}
