using YamlDotNet.Serialization;

namespace Bot.Web.Localization;

/// <summary>
/// Whole numbers written in words that Microsoft.Recognizers.Text misreads (Arabic: "ثلاثين" → 0), from
/// localization/number-words.yaml, Standard and Syrian spoken forms: units and tens joined by و are added
/// ("five and thirty" = 35). Digits are handled before; Turkish and English words go to the recognizer.
/// </summary>
public sealed class NumberWords
{
    public const string FileName = "number-words.yaml";
    private readonly Dictionary<string, int> _words;

    private NumberWords(Dictionary<string, int> words) => _words = words;

    public static NumberWords Load(string localizationFolder)
    {
        var file = Path.Combine(localizationFolder, FileName);
        var raw = new DeserializerBuilder().Build().Deserialize<Dictionary<string, Dictionary<int, List<string>>>>(File.ReadAllText(file))
            ?? throw new InvalidOperationException($"{file} is empty.");
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (language, values) in raw)
        {
            if (!Language.IsSupported(language)) throw new InvalidOperationException($"{file}: unknown language '{language}'.");
            foreach (var (value, forms) in values)
            {
                foreach (var form in forms) words[OptOutWords.Normalize(form)] = value;
            }
        }
        return new NumberWords(words);
    }

    /// <summary>The number the text spells out in words of the table (other words are ignored), or null.</summary>
    public int? Parse(string text)
    {
        var found = new List<int>();
        foreach (var token in OptOutWords.Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (_words.TryGetValue(token, out var value)) found.Add(value);
            else if (token.Length > 1 && token[0] == And && _words.TryGetValue(token[1..], out value)) found.Add(value); // "and" + word
            else if (token.Length == 1 && token[0] == And) continue; // a separate "and" between two numbers
            else if (found.Count > 0) break; // the number has ended
        }
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            2 when found[0] < 10 && found[1] >= 20 && found[1] % 10 == 0 => found[0] + found[1],
            2 when found[0] >= 20 && found[0] % 10 == 0 && found[1] < 10 => found[0] + found[1],
            _ => null,
        };
    }

    /// <summary>Arabic "and" (waw), written joined to the next word.</summary>
    private const char And = '\u0648';
}
