using System.Text;
using Bot.Web.Localization;

namespace Bot.Web.DialogRuntime;

/// <summary>
/// Tolerant word matching for dialog answers. Text is split into words folded like <see cref="OptOutWords.Normalize"/>
/// (case, Turkish letters, Arabic alef/hamza/taa marbuta variants); a word of a list then matches a written word
/// <list type="bullet">
/// <item>exactly;</item>
/// <item>(Latin script, 3 letters or more) followed by Turkish suffixes, with the final consonant softened
/// (kimlik → kimliğim, suriyeli → suriyeliyim, koruma → korumadayım, vatandaşı → vatandaşıyım; not kimliksiz);</item>
/// <item>(Arabic script, a stem of 3 letters or more) with the clitics و ف ب ل ك ال before it and pronoun or plural
/// endings after it, a final taa marbuta written as taa before an ending (إقامة → بالإقامة, إقامتي; سوري → سورية, سوريين).</item>
/// </list>
/// Words of one or two letters match only exactly.
/// </summary>
public static class AnswerWords
{
    /// <summary>The folded words of a text: apostrophes join (Ankara'dayım), other punctuation separates.</summary>
    public static string[] Tokens(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\'' or '\u2019' or '\u2018' or '`' or '\u00B4') continue;
            sb.Append(char.IsPunctuation(c) || char.IsSymbol(c) ? ' ' : c);
        }
        return OptOutWords.Normalize(sb.ToString()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Where <paramref name="phrase"/> (folded words) occurs in <paramref name="tokens"/>, word by word.</summary>
    public static IEnumerable<int> Find(string[] tokens, string[] phrase)
    {
        if (phrase.Length == 0) yield break;
        for (var i = 0; i + phrase.Length <= tokens.Length; i++)
        {
            var all = true;
            for (var j = 0; j < phrase.Length && all; j++) all = Matches(tokens[i + j], phrase[j]);
            if (all) yield return i;
        }
    }

    /// <summary>True when <paramref name="phrase"/> occurs at <paramref name="start"/>.</summary>
    public static bool At(string[] tokens, string[] phrase, int start)
    {
        if (phrase.Length == 0 || start < 0 || start + phrase.Length > tokens.Length) return false;
        for (var j = 0; j < phrase.Length; j++)
        {
            if (!Matches(tokens[start + j], phrase[j])) return false;
        }
        return true;
    }

    /// <summary>True when the written word <paramref name="token"/> is a form of the list word <paramref name="word"/> (both folded).</summary>
    public static bool Matches(string token, string word)
    {
        if (token == word) return true;
        if (word.Length < 3) return false;
        if (word.All(IsArabicLetter)) return ArabicForm(token, word);
        if (word.All(c => c is >= 'a' and <= 'z')) return TurkishForm(token, word);
        return false;
    }

    private static bool TurkishForm(string token, string word)
    {
        foreach (var stem in new[] { word, Softened(word) })
        {
            if (stem is not null && token.Length > stem.Length && token.StartsWith(stem, StringComparison.Ordinal) && IsSuffixChain(token[stem.Length..])) return true;
        }
        return false;
    }

    /// <summary>Turkish consonant softening before a vowel: kimlik → kimliğ-im (folded: kimlig), kitap → kitab-ı.</summary>
    private static string? Softened(string word) => word[^1] switch
    {
        'k' => word[..^1] + "g",
        't' => word[..^1] + "d",
        'p' => word[..^1] + "b",
        _ => null,
    };

    /// <summary>
    /// Turkish suffixes, folded (ı→i, ü→u): person and possessive, case, -li/-ci/-ki/-lik, plural, copula, buffer y/n.
    /// Not the privative -siz/-suz ("without"): kimliksiz is not kimlik.
    /// </summary>
    private static readonly HashSet<string> Suffixes =
    [
        "m", "n", "im", "um", "in", "un", "iz", "uz", "imiz", "umuz", "iniz", "unuz", "miz", "muz", "niz", "nuz",
        "y", "yim", "yum", "yiz", "yuz", "sin", "sun", "siniz", "sunuz",
        "i", "u", "a", "e", "si", "su", "ya", "ye", "yi", "yu", "nin", "nun",
        "da", "de", "ta", "te", "dan", "den", "tan", "ten", "nda", "nde", "ndan", "nden", "na", "ne",
        "li", "lu", "ci", "cu", "ki", "lik", "luk", "lig", "lug",
        "lar", "ler", "dir", "dur", "tir", "tur", "yla", "yle", "la", "le", "mis", "mus", "ydi", "ydu", "di", "du", "ti", "tu",
    ];

    private static bool IsSuffixChain(string rest)
    {
        if (rest.Length > 12) return false;
        // Can rest be cut into suffixes? (small dynamic programme over its length)
        var reachable = new bool[rest.Length + 1];
        reachable[0] = true;
        for (var i = 0; i < rest.Length; i++)
        {
            if (!reachable[i]) continue;
            for (var len = 1; len <= 5 && i + len <= rest.Length; len++)
            {
                if (Suffixes.Contains(rest.Substring(i, len))) reachable[i + len] = true;
            }
        }
        return reachable[rest.Length];
    }

    // Arabic letters as escapes (the code holds no Arabic literals): alef-lam, waw, fa, ba, lam, kaf, taa, ha (folded taa marbuta).
    private const string Al = "\u0627\u0644";
    private const string Taa = "\u062A";
    private const char Ha = '\u0647';

    private static readonly string[] Conjunctions = ["", "\u0648", "\u0641"]; // و ف
    private static readonly string[] Prepositions = ["", "\u0628", "\u0644", "\u0643"]; // ب ل ك

    /// <summary>Pronoun and plural endings: ي ك ه ها نا كم هم ين ون ات يه يين.</summary>
    private static readonly HashSet<string> ArabicEndings =
    [
        "\u064A", "\u0643", "\u0647", "\u0647\u0627", "\u0646\u0627", "\u0643\u0645", "\u0647\u0645",
        "\u064A\u0646", "\u0648\u0646", "\u0627\u062A", "\u064A\u0647", "\u064A\u064A\u0646",
    ];

    private static bool ArabicForm(string token, string word)
    {
        var stem = word.StartsWith(Al, StringComparison.Ordinal) && word.Length > 4 ? word[2..] : word;
        if (stem.Length < 3) return false;
        foreach (var core in WithoutClitics(token))
        {
            if (core == stem) return true;
            if (core.StartsWith(stem, StringComparison.Ordinal) && ArabicEndings.Contains(core[stem.Length..])) return true;
            if (stem[^1] == Ha)
            {
                var withTaa = stem[..^1] + Taa;
                if (core == withTaa || (core.StartsWith(withTaa, StringComparison.Ordinal) && ArabicEndings.Contains(core[withTaa.Length..]))) return true;
            }
        }
        return false;
    }

    /// <summary>The word with none, some or all of its leading clitics removed (و/ف, then ب/ل/ك, then ال; لل = ل + ال).</summary>
    private static IEnumerable<string> WithoutClitics(string token)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conjunction in Conjunctions)
        {
            foreach (var preposition in Prepositions)
            {
                foreach (var article in new[] { "", Al, preposition == "\u0644" ? "\u0644" : null })
                {
                    if (article is null) continue;
                    var prefix = conjunction + preposition + article;
                    if (token.Length - prefix.Length >= 2 && token.StartsWith(prefix, StringComparison.Ordinal) && seen.Add(token[prefix.Length..]))
                    {
                        yield return token[prefix.Length..];
                    }
                }
            }
        }
    }

    private static bool IsArabicLetter(char c) => c is >= '\u0620' and <= '\u064A' or >= '\u066E' and <= '\u06D3';
}
