using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Knowledge;

/// <summary>
/// Arabizi: Arabic written in Latin letters with digits for the letters Latin lacks ("kifak, bde 23ref shu lazem la
/// kimlik"). Tells such a message from Turkish written without Turkish letters and from English
/// (<see cref="IsArabizi"/>), and writes it in Arabic script (<see cref="ToArabic"/>) so that the Arabic matching
/// can read it. All words, letters and rules come from localization/arabizi.yaml (its header documents them); the
/// tables are built once at load and the per-message work is hash look-ups over the message's words.
/// </summary>
public sealed class Arabizi
{
    public const string FileName = "arabizi.yaml";

    // ç ğ ı ş ö ü Ç Ğ İ Ş Ö Ü (escaped: no Turkish literals in C#)
    private const string TurkishLetters = "\u00e7\u011f\u0131\u015f\u00f6\u00fc\u00c7\u011e\u0130\u015e\u00d6\u00dc";
    private const string ArabiziDigits = "2356789";
    private const int StrongWeight = 2;
    private const int DigitWordWeight = 2;
    private const int TurkishLetterWeight = 3;
    private const int MinimumEvidence = 2;
    private const int EndingMinLength = 5;
    private const int MaxWordLength = 40;
    private const int MinPrefixRest = 2;
    private const int MinSuffixStem = 3;
    private const int LoanMinLength = 4;
    private const int LoanMaxEnding = 3;

    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _words;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _loanwords;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _strong;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _weak;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _english;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _turkish;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _numberSuffixes;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _notArabizi;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _standalonePrefixes;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _any;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _initial;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _final;
    private readonly string[] _englishEndings;
    private readonly string[] _turkishEndings;
    private readonly (string Latin, string Arabic)[] _prefixes;
    private readonly (string Latin, string Arabic)[] _suffixes;
    private readonly string[] _feminineEndings;
    private readonly string[] _notFeminine;
    private readonly int _minConsonants;
    private readonly string _feminineLetter;
    private readonly string _beforeSuffix;
    private readonly string _vowels;
    private readonly int _longestRule;

    private Arabizi(Tables t)
    {
        _words = t.Words.GetAlternateLookup<ReadOnlySpan<char>>();
        _loanwords = t.Loanwords.GetAlternateLookup<ReadOnlySpan<char>>();
        _strong = t.Strong.GetAlternateLookup<ReadOnlySpan<char>>();
        _weak = t.Weak.GetAlternateLookup<ReadOnlySpan<char>>();
        _english = t.English.GetAlternateLookup<ReadOnlySpan<char>>();
        _turkish = t.Turkish.GetAlternateLookup<ReadOnlySpan<char>>();
        _numberSuffixes = t.NumberSuffixes.GetAlternateLookup<ReadOnlySpan<char>>();
        _notArabizi = t.NotArabizi.GetAlternateLookup<ReadOnlySpan<char>>();
        _standalonePrefixes = t.Prefixes.GetAlternateLookup<ReadOnlySpan<char>>();
        _any = t.Any.GetAlternateLookup<ReadOnlySpan<char>>();
        _initial = t.Initial.GetAlternateLookup<ReadOnlySpan<char>>();
        _final = t.Final.GetAlternateLookup<ReadOnlySpan<char>>();
        _englishEndings = t.EnglishEndings;
        _turkishEndings = t.TurkishEndings;
        _prefixes = [.. t.Prefixes.Select(p => (p.Key, p.Value)).OrderByDescending(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal)];
        _suffixes = [.. t.Suffixes.Select(p => (p.Key, p.Value)).OrderByDescending(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal)];
        _feminineEndings = [.. t.FeminineEndings.OrderByDescending(e => e.Length)];
        _notFeminine = t.NotFeminine;
        _minConsonants = t.MinConsonants;
        _feminineLetter = t.FeminineLetter;
        _beforeSuffix = t.BeforeSuffix;
        _vowels = t.Vowels;
        _longestRule = t.Any.Keys.Concat(t.Initial.Keys).Concat(t.Final.Keys).Max(k => k.Length);
        WordCount = t.Words.Count;
    }

    /// <summary>How many Latin spellings the dictionary knows.</summary>
    public int WordCount { get; }

    /// <summary>Reads localization/arabizi.yaml; throws <see cref="InvalidOperationException"/> naming the file when the data is wrong.</summary>
    public static Arabizi Load(string localizationFolder)
    {
        var file = Path.Combine(localizationFolder, FileName);
        ArabiziData data;
        try
        {
            data = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).WithDuplicateKeyChecking().Build()
                .Deserialize<ArabiziData?>(File.ReadAllText(file))
                ?? throw new InvalidOperationException($"{file} is empty.");
        }
        catch (Exception e) when (e is YamlException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{file}: {e.Message}", e);
        }
        var errors = new List<string>();
        var tables = Tables.Build(data, file, errors);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join('\n', errors));
        return new Arabizi(tables);
    }

    /// <summary>
    /// Whether a message is Arabic written in Latin letters. Evidence for: words with a digit used as a letter
    /// (ma3ash, 2addesh), Arabizi marker words (strong and weak); against: English and Turkish marker words and
    /// endings, and above all Turkish letters. Text with Arabic script is not Arabizi (it is Arabic).
    /// </summary>
    public bool IsArabizi(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        Span<char> buffer = stackalloc char[MaxWordLength];
        int evidence = 0, against = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }
            var end = TokenEnd(text, i);
            var token = text.AsSpan(i, end - i);
            i = end;
            var shape = Lower(token, buffer);
            if (shape.HasArabic) return false;
            if (shape.HasTurkishLetter)
            {
                against += TurkishLetterWeight;
                continue;
            }
            if (shape.IsOther || !shape.HasLetter) continue;
            var word = buffer[..token.Length];
            if (_strong.Contains(word)) evidence += StrongWeight;
            else if (_weak.Contains(word)) evidence++;
            else if (_english.Contains(word) || _turkish.Contains(word)) against++;
            else if (shape.HasDigit)
            {
                if (HasArabiziDigit(word) && !_notArabizi.Contains(word) && !_loanwords.Contains(word) && !IsNumberWithSuffix(word)) evidence += DigitWordWeight;
            }
            else if (_loanwords.Contains(word) || _words.ContainsKey(word)) continue;
            else if (StrongAfterPrefix(word)) evidence += StrongWeight;
            else if (word.Length >= EndingMinLength && (EndsWithAny(word, _turkishEndings) || EndsWithAny(word, _englishEndings))) against++;
        }
        return evidence >= MinimumEvidence && evidence > against;
    }

    /// <summary>
    /// Writes a Latin message in Arabic script, word by word: a known word (with its w- / el- / b- / la- / 3al-
    /// prefix and pronoun suffix) by the dictionary, a loanword kept as written, any other word by the letter rules.
    /// Numbers, punctuation, spacing and words in other scripts are kept.
    /// </summary>
    public string ToArabic(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 8);
        string? pending = null; // separate prefixes ("el", "w", "bel") waiting to be joined to the next word
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                var start = i;
                while (i < text.Length && !char.IsLetterOrDigit(text[i])) i++;
                if (pending is not null)
                {
                    sb.Append(pending.TrimEnd());
                    pending = null;
                }
                sb.Append(text, start, i - start);
                continue;
            }
            var end = TokenEnd(text, i);
            var token = text.AsSpan(i, end - i);
            i = end;
            var output = ConvertWord(token, out var isPrefix);
            if (isPrefix && NextIsWordAfterSpaces(text, i, out var next))
            {
                pending = (pending ?? string.Empty) + output;
                i = next;
                continue;
            }
            if (pending is null)
            {
                sb.Append(isPrefix ? output.TrimEnd() : output);
            }
            else
            {
                if (output.Length > 0 && IsArabicScript(output[0])) sb.Append(pending).Append(output);
                else sb.Append(pending.TrimEnd()).Append(' ').Append(output);
                pending = null;
            }
        }
        if (pending is not null) sb.Append(pending.TrimEnd());
        return sb.ToString();
    }

    private string ConvertWord(ReadOnlySpan<char> token, out bool isPrefix)
    {
        isPrefix = false;
        if (token.Length > MaxWordLength) return token.ToString();
        Span<char> buffer = stackalloc char[MaxWordLength];
        var shape = Lower(token, buffer);
        if (shape.HasArabic || shape.HasTurkishLetter || shape.IsOther || !shape.HasLetter) return token.ToString();
        ReadOnlySpan<char> word = buffer[..token.Length];
        if (_words.TryGetValue(word, out var known)) return known;
        if (_standalonePrefixes.TryGetValue(word, out var prefix))
        {
            isPrefix = true;
            return prefix;
        }
        if (IsLoanword(word) || _notArabizi.Contains(word) || IsNumberWithSuffix(word)) return token.ToString();
        if (word.Contains('-')) return ConvertHyphenated(token, word);
        return Decompose(token, word) ?? Letters(word);
    }

    /// <summary>"el-dawra" → الدورة, "ash-hor" → اشهر: the parts converted, joined without the hyphen when all are Arabic.</summary>
    private string ConvertHyphenated(ReadOnlySpan<char> token, ReadOnlySpan<char> word)
    {
        var sb = new StringBuilder(token.Length + 4);
        bool lastArabic = false, lastPrefix = false;
        var start = 0;
        while (start <= word.Length)
        {
            var dash = word[start..].IndexOf('-');
            var stop = dash < 0 ? word.Length : start + dash;
            if (stop > start)
            {
                var part = ConvertWord(token[start..stop], out var isPrefix);
                if (isPrefix) part = part.TrimEnd();
                var arabic = part.Length > 0 && IsArabicScript(part[0]);
                if (sb.Length > 0 && !(arabic && lastArabic)) sb.Append(lastPrefix ? ' ' : '-');
                sb.Append(part);
                lastArabic = arabic && IsArabicScript(part[^1]);
                lastPrefix = isPrefix;
            }
            start = stop + 1;
        }
        return sb.ToString();
    }

    /// <summary>A prefix and/or a suffix around a known word or loanword: "welmarkaz", "wbaddi", "bantep", "shoghli".</summary>
    private string? Decompose(ReadOnlySpan<char> token, ReadOnlySpan<char> word)
    {
        foreach (var (latin, arabic) in _prefixes)
        {
            if (word.Length - latin.Length < MinPrefixRest || !word.StartsWith(latin, StringComparison.Ordinal)) continue;
            var rest = word[latin.Length..];
            if (_words.TryGetValue(rest, out var known)) return arabic + known;
            if (IsLoanword(rest)) return arabic.TrimEnd() + " " + token[latin.Length..].ToString();
            foreach (var (latin2, arabic2) in _prefixes)
            {
                if (rest.Length - latin2.Length < MinPrefixRest || !rest.StartsWith(latin2, StringComparison.Ordinal)) continue;
                if (_words.TryGetValue(rest[latin2.Length..], out var known2)) return arabic + arabic2 + known2;
            }
            var withSuffix = WithSuffix(rest);
            if (withSuffix is not null) return arabic + withSuffix;
        }
        return WithSuffix(word);
    }

    private string? WithSuffix(ReadOnlySpan<char> word)
    {
        foreach (var (latin, arabic) in _suffixes)
        {
            if (word.Length - latin.Length < MinSuffixStem || !word.EndsWith(latin, StringComparison.Ordinal)) continue;
            if (!_words.TryGetValue(word[..^latin.Length], out var known)) continue;
            return known.EndsWith(_feminineLetter, StringComparison.Ordinal)
                ? string.Concat(known.AsSpan(0, known.Length - _feminineLetter.Length), _beforeSuffix, arabic)
                : known + arabic;
        }
        return null;
    }

    /// <summary>The letter rules, with the feminine ending (dawra → دورة).</summary>
    private string Letters(ReadOnlySpan<char> word)
    {
        var sb = new StringBuilder(word.Length + 2);
        foreach (var ending in _feminineEndings)
        {
            if (word.Length <= ending.Length || !word.EndsWith(ending, StringComparison.Ordinal)) continue;
            var before = word[^(ending.Length + 1)];
            if (IsVowel(before) || !char.IsAsciiLetterOrDigit(before) || EndsWithAny(word, _notFeminine)) break;
            if (Transliterate(word[..^ending.Length], sb, endIsWordEnd: false) >= _minConsonants)
            {
                return sb.Append(_feminineLetter).ToString();
            }
            sb.Clear();
            break;
        }
        Transliterate(word, sb, endIsWordEnd: true);
        return sb.ToString();
    }

    /// <summary>Applies the longest matching rule at each position; returns how many consonants were written.</summary>
    private int Transliterate(ReadOnlySpan<char> word, StringBuilder sb, bool endIsWordEnd)
    {
        int i = 0, consonants = 0, previousStart = -1, previousLength = 0;
        while (i < word.Length)
        {
            var matched = 0;
            for (var length = Math.Min(_longestRule, word.Length - i); length >= 1 && matched == 0; length--)
            {
                var key = word.Slice(i, length);
                var value = Rule(key, i == 0, endIsWordEnd && i + length == word.Length);
                if (value is null) continue;
                matched = length;
                var consonant = !IsVowelKey(key);
                var doubled = consonant && previousStart >= 0 && word.Slice(previousStart, previousLength).SequenceEqual(key);
                if (!doubled)
                {
                    sb.Append(value);
                    if (consonant && value.Length > 0) consonants++;
                }
                previousStart = i;
                previousLength = length;
            }
            if (matched == 0)
            {
                // No rule: an apostrophe or hyphen is dropped, anything else (0, 1, 4) kept.
                if (word[i] is not ('\'' or '-')) sb.Append(word[i]);
                previousStart = -1;
                matched = 1;
            }
            i += matched;
        }
        return consonants;
    }

    /// <summary>The rule for <paramref name="key"/>: the initial one at the start of a word, the final one at its end, else the general one.</summary>
    private string? Rule(ReadOnlySpan<char> key, bool atStart, bool atEnd)
    {
        if (atStart && _initial.TryGetValue(key, out var initial)) return initial;
        if (atEnd && _final.TryGetValue(key, out var final)) return final;
        return _any.TryGetValue(key, out var any) ? any : null;
    }

    /// <summary>kimlik, antep'te, kimlikim (a loanword with a Turkish ending of up to 3 letters).</summary>
    private bool IsLoanword(ReadOnlySpan<char> word)
    {
        if (_loanwords.Contains(word)) return true;
        var apostrophe = word.IndexOf('\'');
        if (apostrophe > 0) return IsLoanword(word[..apostrophe]);
        for (var cut = 1; cut <= LoanMaxEnding && word.Length - cut >= LoanMinLength; cut++)
        {
            if (_loanwords.Contains(word[..^cut])) return true;
        }
        return false;
    }

    /// <summary>A digit used as a letter: 2, 3, 5, 6, 7, 8 or 9 next to a letter (ma3ash, 2addesh, 3'ali, 23ref).</summary>
    private static bool HasArabiziDigit(ReadOnlySpan<char> word)
    {
        for (var i = 0; i < word.Length; i++)
        {
            if (!ArabiziDigits.Contains(word[i], StringComparison.Ordinal)) continue;
            if (i > 0 && char.IsAsciiLetter(word[i - 1])) return true;
            if (i + 1 < word.Length && char.IsAsciiLetter(word[i + 1])) return true;
            if (i + 2 < word.Length && word[i + 1] == '\'' && char.IsAsciiLetter(word[i + 2])) return true;
        }
        return false;
    }

    /// <summary>A number followed by a unit or a Turkish / English ending: 2nd, 45tl, 2023te, 3'te.</summary>
    private bool IsNumberWithSuffix(ReadOnlySpan<char> word)
    {
        var digits = 0;
        while (digits < word.Length && char.IsAsciiDigit(word[digits])) digits++;
        if (digits == 0 || digits == word.Length) return digits > 0;
        var rest = word[digits..];
        if (rest[0] == '\'') rest = rest[1..];
        return rest.Length > 0 && _numberSuffixes.Contains(rest);
    }

    /// <summary>A strong marker after a prefix: wbaddi, elmarkaz, el-markaz, mnsajjel.</summary>
    private bool StrongAfterPrefix(ReadOnlySpan<char> word)
    {
        foreach (var (latin, _) in _prefixes)
        {
            if (!word.StartsWith(latin, StringComparison.Ordinal)) continue;
            var rest = word[latin.Length..].TrimStart('-');
            if (rest.Length >= MinSuffixStem && _strong.Contains(rest)) return true;
        }
        return false;
    }

    private static bool EndsWithAny(ReadOnlySpan<char> word, string[] endings)
    {
        foreach (var ending in endings)
        {
            if (word.EndsWith(ending, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private bool IsVowel(char c) => _vowels.Contains(c, StringComparison.Ordinal);

    private bool IsVowelKey(ReadOnlySpan<char> key)
    {
        foreach (var c in key)
        {
            if (!IsVowel(c)) return false;
        }
        return true;
    }

    /// <summary>
    /// The end of the word starting at <paramref name="start"/>: letters and digits, an apostrophe after 3 or 7
    /// (3' = غ, 7' = خ), and an apostrophe or hyphen between two letters or digits (antep'te, e-devlet).
    /// </summary>
    private static int TokenEnd(string text, int start)
    {
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c)
                || (IsApostrophe(c) && text[i - 1] is '3' or '7')
                || ((IsApostrophe(c) || c == '-') && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]) && char.IsLetterOrDigit(text[i - 1])))
            {
                i++;
                continue;
            }
            break;
        }
        return i;
    }

    private static bool NextIsWordAfterSpaces(string text, int i, out int next)
    {
        next = i;
        while (next < text.Length && text[next] == ' ') next++;
        return next > i && next < text.Length && char.IsLetterOrDigit(text[next]);
    }

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '`';

    private readonly record struct Shape(bool HasLetter, bool HasDigit, bool HasArabic, bool HasTurkishLetter, bool IsOther);

    /// <summary>Lower-cases an ASCII word into <paramref name="buffer"/> (apostrophes unified) and says what it is made of.</summary>
    private static Shape Lower(ReadOnlySpan<char> token, Span<char> buffer)
    {
        bool letter = false, digit = false, arabic = false, turkish = false, other = token.Length > buffer.Length;
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (char.IsAsciiLetter(c)) letter = true;
            else if (char.IsAsciiDigit(c)) digit = true;
            else if (IsArabicScript(c)) arabic = true;
            else if (TurkishLetters.Contains(c, StringComparison.Ordinal)) turkish = true;
            else if (!IsApostrophe(c) && c != '-') other = true;
            if (i < buffer.Length) buffer[i] = IsApostrophe(c) ? '\'' : char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
        }
        return new Shape(letter, digit, arabic, turkish, other);
    }

    private static bool IsArabicScript(char c) =>
        c is (>= '\u0600' and <= '\u06FF') or (>= '\u0750' and <= '\u077F') or (>= '\u08A0' and <= '\u08FF')
            or (>= '\uFB50' and <= '\uFDFF') or (>= '\uFE70' and <= '\uFEFF')
        && c is not ((>= '\u0660' and <= '\u0669') or (>= '\u06F0' and <= '\u06F9') or '\u060C' or '\u061F' or '\u061B');

    /// <summary>The loaded data, checked and turned into look-up tables.</summary>
    private sealed class Tables
    {
        public Dictionary<string, string> Words { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Loanwords { get; private set; } = [];
        public HashSet<string> Strong { get; private set; } = [];
        public HashSet<string> Weak { get; private set; } = [];
        public HashSet<string> English { get; private set; } = [];
        public HashSet<string> Turkish { get; private set; } = [];
        public HashSet<string> NumberSuffixes { get; private set; } = [];
        public HashSet<string> NotArabizi { get; private set; } = [];
        public Dictionary<string, string> Prefixes { get; private set; } = [];
        public Dictionary<string, string> Suffixes { get; private set; } = [];
        public Dictionary<string, string> Any { get; private set; } = [];
        public Dictionary<string, string> Initial { get; private set; } = [];
        public Dictionary<string, string> Final { get; private set; } = [];
        public string[] EnglishEndings { get; private set; } = [];
        public string[] TurkishEndings { get; private set; } = [];
        public string[] FeminineEndings { get; private set; } = [];
        public string[] NotFeminine { get; private set; } = [];
        public int MinConsonants { get; private set; }
        public string FeminineLetter { get; private set; } = string.Empty;
        public string BeforeSuffix { get; private set; } = string.Empty;
        public string Vowels { get; private set; } = string.Empty;

        public static Tables Build(ArabiziData data, string file, List<string> errors)
        {
            var t = new Tables();
            foreach (var (arabic, spellings) in data.Words)
            {
                if (string.IsNullOrWhiteSpace(arabic) || spellings is null || spellings.Count == 0)
                {
                    errors.Add($"{file}: words: '{arabic}' needs a non-empty list of Latin spellings");
                    continue;
                }
                foreach (var spelling in spellings)
                {
                    var key = Latin(spelling, file, "words", errors);
                    if (key is null) continue;
                    if (t.Words.TryGetValue(key, out var other) && other != arabic)
                    {
                        errors.Add($"{file}: words: '{key}' is listed under both '{other}' and '{arabic}'");
                        continue;
                    }
                    t.Words[key] = arabic.Trim();
                }
            }
            if (t.Words.Count == 0) errors.Add($"{file}: 'words' is empty");
            t.Loanwords = Set(data.Loanwords, file, "loanwords", errors);
            t.Strong = Set(data.Markers.Strong, file, "markers.strong", errors);
            t.Weak = Set(data.Markers.Weak, file, "markers.weak", errors);
            t.English = Set(data.Against.English, file, "against.english", errors);
            t.Turkish = Set(data.Against.Turkish, file, "against.turkish", errors);
            t.NumberSuffixes = Set(data.NumberSuffixes, file, "number_suffixes", errors);
            t.NotArabizi = Set(data.NotArabizi, file, "not_arabizi", errors);
            t.EnglishEndings = [.. Set(data.Against.EnglishEndings, file, "against.english_endings", errors)];
            t.TurkishEndings = [.. Set(data.Against.TurkishEndings, file, "against.turkish_endings", errors)];
            if (t.Strong.Count == 0) errors.Add($"{file}: 'markers.strong' is empty");
            foreach (var loan in t.Loanwords.Where(t.Words.ContainsKey)) errors.Add($"{file}: '{loan}' is both a loanword and in words");
            foreach (var marker in t.Strong.Where(t.Weak.Contains)) errors.Add($"{file}: '{marker}' is both a strong and a weak marker");
            foreach (var marker in t.Strong.Concat(t.Weak))
            {
                if (t.English.Contains(marker) || t.Turkish.Contains(marker)) errors.Add($"{file}: marker '{marker}' is also a word against Arabizi");
                if (t.Loanwords.Contains(marker)) errors.Add($"{file}: marker '{marker}' is also a loanword");
            }
            t.Prefixes = Map(data.Prefixes, file, "prefixes", allowEmpty: false, errors);
            t.Suffixes = Map(data.Suffixes, file, "suffixes", allowEmpty: false, errors);
            t.Any = Map(data.Letters.Any, file, "letters.any", allowEmpty: true, errors);
            t.Initial = Map(data.Letters.Initial, file, "letters.initial", allowEmpty: true, errors);
            t.Final = Map(data.Letters.Final, file, "letters.final", allowEmpty: true, errors);
            foreach (var c in "abcdefghijklmnopqrstuvwxyz" + ArabiziDigits)
            {
                if (!t.Any.ContainsKey(c.ToString())) errors.Add($"{file}: letters.any has no rule for '{c}'");
            }
            t.Vowels = string.Concat(data.Vowels.Select(v => v.Trim().ToLowerInvariant()));
            if (t.Vowels.Length == 0 || t.Vowels.Any(c => !char.IsAsciiLetterLower(c))) errors.Add($"{file}: 'vowels' must list single letters a-z");
            var feminine = data.Feminine;
            t.FeminineEndings = [.. Set(feminine.Endings, file, "feminine.endings", errors)];
            t.NotFeminine = [.. Set(feminine.NotEndings, file, "feminine.not_endings", errors)];
            t.MinConsonants = feminine.MinConsonants;
            t.FeminineLetter = feminine.Letter?.Trim() ?? string.Empty;
            t.BeforeSuffix = feminine.BeforeSuffix?.Trim() ?? string.Empty;
            if (t.FeminineEndings.Length == 0 || t.FeminineLetter.Length == 0 || t.BeforeSuffix.Length == 0 || t.MinConsonants < 1)
            {
                errors.Add($"{file}: 'feminine' needs endings, letter, before_suffix and min_consonants of 1 or more");
            }
            return t;
        }

        private static HashSet<string> Set(List<string>? words, string file, string section, List<string> errors)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var word in words ?? [])
            {
                var key = Latin(word, file, section, errors);
                if (key is not null) set.Add(key);
            }
            return set;
        }

        private static Dictionary<string, string> Map(Dictionary<string, string?>? map, string file, string section, bool allowEmpty, List<string> errors)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (latin, arabic) in map ?? [])
            {
                var key = Latin(latin, file, section, errors);
                if (key is null) continue;
                if (arabic is null || (!allowEmpty && arabic.Trim().Length == 0))
                {
                    errors.Add($"{file}: {section}: '{latin}' has no Arabic value");
                    continue;
                }
                result[key] = allowEmpty ? arabic.Trim() : arabic;
            }
            if (result.Count == 0) errors.Add($"{file}: '{section}' is empty");
            return result;
        }

        /// <summary>A Latin spelling, lower-cased: a-z, digits, apostrophe and hyphen only.</summary>
        private static string? Latin(string? word, string file, string section, List<string> errors)
        {
            var key = word?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(key) || key.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '\'' or '-')))
            {
                errors.Add($"{file}: {section}: '{word}' is not a Latin spelling (a-z, 0-9, ' and - only)");
                return null;
            }
            return key;
        }
    }

    private sealed class ArabiziData
    {
        public List<string> Vowels { get; set; } = [];
        public LetterData Letters { get; set; } = new();
        public FeminineData Feminine { get; set; } = new();
        public Dictionary<string, string?> Prefixes { get; set; } = [];
        public Dictionary<string, string?> Suffixes { get; set; } = [];
        public Dictionary<string, List<string>?> Words { get; set; } = [];
        public List<string> Loanwords { get; set; } = [];
        public MarkerData Markers { get; set; } = new();
        public AgainstData Against { get; set; } = new();
        public List<string> NumberSuffixes { get; set; } = [];
        public List<string> NotArabizi { get; set; } = [];
    }

    private sealed class LetterData
    {
        public Dictionary<string, string?> Any { get; set; } = [];
        public Dictionary<string, string?> Initial { get; set; } = [];
        public Dictionary<string, string?> Final { get; set; } = [];
    }

    private sealed class FeminineData
    {
        public List<string> Endings { get; set; } = [];
        public List<string> NotEndings { get; set; } = [];
        public int MinConsonants { get; set; }
        public string? Letter { get; set; }
        public string? BeforeSuffix { get; set; }
    }

    private sealed class MarkerData
    {
        public List<string> Strong { get; set; } = [];
        public List<string> Weak { get; set; } = [];
    }

    private sealed class AgainstData
    {
        public List<string> English { get; set; } = [];
        public List<string> Turkish { get; set; } = [];
        public List<string> EnglishEndings { get; set; } = [];
        public List<string> TurkishEndings { get; set; } = [];
    }
}
