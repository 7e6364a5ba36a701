using Bot.Web.Configuration;
using Bot.Web.Localization;
using Microsoft.Extensions.Options;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Knowledge;

/// <summary>A centre's contact details, from configuration (Centres:&lt;id&gt;:Address|Phone|Hours).</summary>
public sealed class CentreContact
{
    public string Address { get; set; } = "";
    public string Phone { get; set; } = "";
    public string Hours { get; set; } = "";
}

/// <summary>Configuration section "Centres": contact details per centre id (ids from localization/centres.yaml).</summary>
public sealed class CentresOptions : Dictionary<string, CentreContact>
{
    public const string Section = "Centres";

    public CentresOptions() : base(StringComparer.Ordinal)
    {
    }
}

public sealed record Centre(string Id, IReadOnlyDictionary<string, string> Names, IReadOnlyList<string> Aliases, CentreContact Contact)
{
    public string Name(string language) => Names.TryGetValue(language, out var n) ? n : Names[Language.Turkish];
}

/// <summary>The centres: names and city aliases from localization/centres.yaml, contact details from configuration.</summary>
public sealed class CentreDirectory
{
    private readonly List<(string Alias, Centre Centre)> _aliases;

    public CentreDirectory(IReadOnlyList<Centre> centres)
    {
        All = centres;
        _aliases = centres
            .SelectMany(c => c.Aliases.Append(c.Id).Select(a => (Normalize(a), c)))
            .Where(a => a.Item1.Length > 0)
            .OrderByDescending(a => a.Item1.Length) // "istanbul anadolu" before "istanbul"
            .ToList();
    }

    public IReadOnlyList<Centre> All { get; }

    public Centre? ById(string? id) => id is null ? null : All.FirstOrDefault(c => c.Id == id);

    /// <summary>The centre a text names (a city, district or centre name written any common way), if any.</summary>
    public Centre? FindIn(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var padded = " " + Normalize(text) + " ";
        foreach (var (alias, centre) in _aliases)
        {
            var at = padded.IndexOf(alias, StringComparison.Ordinal);
            while (at >= 0)
            {
                // The alias must start a word; Turkish suffixes may follow ("Antep'te", "urfadaki"), Arabic prefixes precede (بعنتاب).
                if (!char.IsLetter(padded[at - 1]) || IsArabicPrefix(padded, at)) return centre;
                at = padded.IndexOf(alias, at + 1, StringComparison.Ordinal);
            }
        }
        return null;
    }

    public static IReadOnlyList<Centre> Load(string localizationFolder, IReadOnlyDictionary<string, CentreContact> contacts)
    {
        var file = Path.Combine(localizationFolder, "centres.yaml");
        var raw = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
            .Deserialize<List<RawCentre>>(File.ReadAllText(file)) ?? [];
        return raw.Select(r => new Centre(
                r.Id,
                new Dictionary<string, string> { [Language.Turkish] = r.Tr, [Language.Arabic] = r.Ar },
                r.Aliases,
                contacts.TryGetValue(r.Id, out var contact) ? contact : new CentreContact()))
            .ToList();
    }

    /// <summary>Lower-cased with Turkish letters folded, Arabic alef/taa marbuta/yaa forms unified, punctuation as spaces.</summary>
    public static string Normalize(string text)
    {
        var folded = LanguageDetector.Fold(text);
        var chars = folded.Select(c => c switch
        {
            '\u0623' or '\u0625' or '\u0622' => '\u0627', // أ إ آ → ا
            '\u0629' => '\u0647', // ة → ه
            '\u0649' => '\u064A', // ى → ي
            '\'' or '\u2019' or '.' or ',' or '?' or '!' or '-' or '\u061F' or '\u060C' => ' ',
            _ => c,
        }).ToArray();
        return string.Join(' ', new string(chars).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static bool IsArabicPrefix(string text, int at)
    {
        // One-letter Arabic prefixes: ب (in), ل (to), و (and), ف; also ال (the) is part of some aliases already.
        var previous = text[at - 1];
        return previous is '\u0628' or '\u0644' or '\u0648' or '\u0641' && (at < 2 || !char.IsLetter(text[at - 2]));
    }

    private sealed class RawCentre
    {
        public string Id { get; set; } = "";
        public string Tr { get; set; } = "";
        public string Ar { get; set; } = "";
        public List<string> Aliases { get; set; } = [];
    }
}

internal sealed class CentresOptionsValidator(Localization.ContentPaths paths) : IValidateOptions<CentresOptions>
{
    public ValidateOptionsResult Validate(string? name, CentresOptions options)
    {
        var errors = new OptionErrors(CentresOptions.Section);
        var known = CentreDirectory.Load(paths.Localization, new Dictionary<string, CentreContact>()).Select(c => c.Id).ToHashSet();
        foreach (var id in options.Keys.Where(k => !known.Contains(k)))
        {
            errors.Add(id, $"is not a known centre id (one of: {string.Join(", ", known.Order())}).");
        }
        return errors.Result();
    }
}
