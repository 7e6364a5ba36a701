using System.Globalization;
using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Localization;

/// <summary>How sure the detector is about a message's language.</summary>
public enum DetectionStrength
{
    None,
    Weak,
    Strong,
}

public readonly record struct Detection(string? Language, DetectionStrength Strength);

/// <summary>
/// Recognises the language of a message and requests to switch language, from data in localization/language.yaml.
/// Arabic script means Arabic (Turkish speakers do not write in it; Syrian users mix Turkish words into Arabic
/// sentences, which stay Arabic). Latin text is Turkish when it has Turkish letters or common Turkish words,
/// with or without Turkish letters; anything else (emoji, digits, English) is undetermined.
/// </summary>
public sealed class LanguageDetector
{
    // ç ğ ı ş ö ü Ç Ğ İ Ş Ö Ü (escaped: no Turkish literals in C#)
    private const string TurkishLetters = "\u00e7\u011f\u0131\u015f\u00f6\u00fc\u00c7\u011e\u0130\u015e\u00d6\u00dc";
    private readonly Dictionary<string, string> _names;
    private readonly HashSet<string> _turkishHints;

    private LanguageDetector(Dictionary<string, string> names, HashSet<string> turkishHints)
    {
        _names = names;
        _turkishHints = turkishHints;
    }

    public static LanguageDetector Load(string localizationFolder)
    {
        var file = Path.Combine(localizationFolder, "language.yaml");
        var data = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
            .Deserialize<Dictionary<string, LanguageData>>(File.ReadAllText(file))
            ?? throw new InvalidOperationException($"{file} is empty.");
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var language in Language.All)
        {
            if (!data.TryGetValue(language, out var d) || d.Names.Count == 0)
            {
                throw new InvalidOperationException($"{file}: language '{language}' needs a non-empty 'names' list.");
            }
            foreach (var name in d.Names) names[Fold(name)] = language;
        }
        var hints = data.TryGetValue(Language.Turkish, out var tr) ? tr.Hints.Select(Fold).ToHashSet() : [];
        return new LanguageDetector(names, hints);
    }

    /// <summary>The language the user asks to switch to ("Türkçe", "عربي", a button value "lang:ar"), if any.</summary>
    public string? RequestedLanguage(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var trimmed = input.Trim();
        if (trimmed.StartsWith("lang:", StringComparison.OrdinalIgnoreCase))
        {
            var code = trimmed[5..].Trim().ToLowerInvariant();
            return Language.IsSupported(code) ? code : null;
        }
        return _names.TryGetValue(Fold(trimmed), out var language) ? language : null;
    }

    public Detection Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Detection(null, DetectionStrength.None);
        int arabic = 0, latin = 0, turkishLetters = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsArabicScript(rune.Value)) arabic++;
            else if (Rune.IsLetter(rune) && rune.Value < 0x250)
            {
                latin++;
                if (TurkishLetters.Contains((char)rune.Value, StringComparison.Ordinal)) turkishLetters++;
            }
        }
        if (arabic >= 2 && arabic * 3 >= latin) return new Detection(Language.Arabic, DetectionStrength.Strong);
        if (arabic >= 2) return new Detection(Language.Arabic, DetectionStrength.Weak);
        if (latin == 0) return new Detection(null, DetectionStrength.None);
        if (turkishLetters > 0) return new Detection(Language.Turkish, DetectionStrength.Strong);
        var words = Words(text).ToList();
        var hits = words.Count(w => _turkishHints.Contains(w) || _turkishHints.Any(h => h.Length >= 5 && w.StartsWith(h, StringComparison.Ordinal)));
        if (hits >= 2 || (hits == 1 && words.Count <= 3)) return new Detection(Language.Turkish, DetectionStrength.Strong);
        if (hits == 1) return new Detection(Language.Turkish, DetectionStrength.Weak);
        return new Detection(null, DetectionStrength.None);
    }

    private static IEnumerable<string> Words(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetter(c)) sb.Append(c);
            else if (sb.Length > 0)
            {
                yield return Fold(sb.ToString());
                sb.Clear();
            }
        }
        if (sb.Length > 0) yield return Fold(sb.ToString());
    }

    /// <summary>Lower-cases with Turkish rules and folds Turkish letters to ASCII, so "Türkçe" = "turkce", "NASIL" = "nasil".</summary>
    public static string Fold(string s)
    {
        var lower = s.Trim().ToLower(CultureInfo.GetCultureInfo("tr-TR"));
        var sb = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            sb.Append(c switch
            {
                '\u00e7' => 'c', '\u011f' => 'g', '\u0131' => 'i', '\u00f6' => 'o', '\u015f' => 's', '\u00fc' => 'u',
                '\u00e2' => 'a', '\u00ee' => 'i', '\u00fb' => 'u',
                _ => c,
            });
        }
        return sb.ToString();
    }

    private static bool IsArabicScript(int cp) =>
        cp is (>= 0x0600 and <= 0x06FF) or (>= 0x0750 and <= 0x077F) or (>= 0x08A0 and <= 0x08FF)
            or (>= 0xFB50 and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF)
        && !(cp is >= 0x0660 and <= 0x0669) && !(cp is >= 0x06F0 and <= 0x06F9) // digits are not words
        && cp != 0x060C && cp != 0x061F && cp != 0x061B; // Arabic comma, question mark, semicolon

    private sealed class LanguageData
    {
        public List<string> Names { get; set; } = [];
        public List<string> Hints { get; set; } = [];
    }
}
