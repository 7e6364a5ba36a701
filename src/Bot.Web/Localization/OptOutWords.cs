using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Localization;

/// <summary>Whole-message keywords that stop or resume all announcements (localization/opt-out.yaml).</summary>
public sealed class OptOutWords
{
    public const string FileName = "opt-out.yaml";
    private const string AnyLanguage = "any";
    private readonly Dictionary<string, (bool Stop, string? Language)> _words;

    private OptOutWords(Dictionary<string, (bool Stop, string? Language)> words) => _words = words;

    /// <summary>
    /// What a message means if it is one of the keywords: Stop (true) or resume (false), and the language the
    /// keyword belongs to (null for words of every language such as STOP); null when it is not a keyword.
    /// </summary>
    public (bool Stop, string? Language)? Match(string? text) =>
        text is not null && _words.TryGetValue(Normalize(text), out var found) ? found : null;

    public static OptOutWords Load(string localizationFolder)
    {
        var file = Path.Combine(localizationFolder, FileName);
        var raw = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
            .Deserialize<Dictionary<string, Dictionary<string, List<string>>>>(File.ReadAllText(file))
            ?? throw new InvalidOperationException($"{file} is empty.");
        var words = new Dictionary<string, (bool, string?)>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (kind, languages) in raw)
        {
            if (kind is not ("stop" or "resume"))
            {
                errors.Add($"{file}: unknown list '{kind}' (use stop and resume)");
                continue;
            }
            foreach (var (language, list) in languages)
            {
                if (language != AnyLanguage && !Language.IsSupported(language))
                {
                    errors.Add($"{file}: {kind}: unknown language '{language}'");
                    continue;
                }
                foreach (var word in list)
                {
                    var key = Normalize(word);
                    if (key.Length == 0) continue;
                    if (words.TryGetValue(key, out var other) && other.Item1 != (kind == "stop"))
                    {
                        errors.Add($"{file}: '{word}' is both a stop and a resume word");
                    }
                    words[key] = (kind == "stop", language == AnyLanguage ? null : language);
                }
            }
        }
        if (!raw.ContainsKey("stop") || !raw.ContainsKey("resume")) errors.Add($"{file}: needs both a stop and a resume list");
        if (errors.Count > 0) throw new InvalidOperationException(string.Join('\n', errors));
        return new OptOutWords(words);
    }

    /// <summary>Folded (Turkish letters, case), Arabic alef/hamza/ta marbuta variants unified, punctuation dropped, spaces collapsed.</summary>
    public static string Normalize(string text)
    {
        var folded = LanguageDetector.Fold(text);
        var sb = new StringBuilder(folded.Length);
        var space = false;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (char.IsPunctuation(c) || char.IsSymbol(c) || c is '\u0640' or (>= '\u064B' and <= '\u0652')) continue; // tatweel, harakat
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c switch
            {
                '\u0623' or '\u0625' or '\u0622' => '\u0627', // أ إ آ → ا
                '\u0629' => '\u0647', // ة → ه
                '\u0649' => '\u064A', // ى → ي
                _ => c,
            });
        }
        return sb.ToString();
    }
}
