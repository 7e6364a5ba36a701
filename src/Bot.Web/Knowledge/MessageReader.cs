using System.Globalization;
using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bot.Web.Knowledge;

/// <summary>One word of a message: where it stands in the text and its normalised form (for comparing with phrases).</summary>
public readonly record struct Word(int Start, int End, string Key, bool Attached = false);

/// <summary>
/// Reads a message the way people write it before the knowledge base is searched (data in
/// localization/understanding.yaml): cuts it into its questions, removes greetings, blessings, apologies and thanks
/// around them, and recognises short follow-up questions ("ne kadar?", "وين؟") and their aspect. Each step is a small
/// pure function of the text.
/// </summary>
public sealed class MessageReader
{
    private readonly PhraseSet _courtesy;
    private readonly PhraseSet _connectors;
    private readonly PhraseSet _acknowledgements;
    private readonly Dictionary<string, PhraseSet> _aspects;
    private readonly List<Subject> _subjects;
    private PhraseSet _urgent = new([]);
    private PhraseSet _fillers = new([]);
    private PhraseSet _questionWords = new([]);
    private PhraseSet _and = new([]);

    /// <summary>The entry a message naming danger always gets first (violence, threats, abuse, suicide: the emergency lines), if the data names one.</summary>
    public string? UrgentEntry { get; private set; }

    private MessageReader(PhraseSet courtesy, PhraseSet connectors, PhraseSet acknowledgements, Dictionary<string, PhraseSet> aspects, List<Subject> subjects, int followUpWords)
    {
        _courtesy = courtesy;
        _connectors = connectors;
        _acknowledgements = acknowledgements;
        _aspects = aspects;
        _subjects = subjects;
        FollowUpWords = followUpWords;
    }

    /// <summary>The most words (after courtesy is removed) a message may have to be read as a follow-up.</summary>
    public int FollowUpWords { get; }

    /// <summary>A reader that changes nothing (no data file): the message is one question as written.</summary>
    public static readonly MessageReader Empty = new(new PhraseSet([]), new PhraseSet([]), new PhraseSet([]), [], [], 0);

    public static MessageReader Load(string localizationFolder)
    {
        var file = Path.Combine(localizationFolder, "understanding.yaml");
        if (!File.Exists(file)) return Empty;
        var raw = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
            .Deserialize<RawData>(File.ReadAllText(file)) ?? throw new InvalidOperationException($"{file} is empty.");
        static IEnumerable<string> All(Dictionary<string, List<string>>? byLanguage) => byLanguage?.Values.SelectMany(v => v) ?? [];
        var aspects = (raw.Followups?.Aspects ?? []).ToDictionary(a => a.Key, a => new PhraseSet(All(a.Value)), StringComparer.Ordinal);
        var subjects = new List<Subject>();
        foreach (var s in raw.Followups?.Subjects ?? [])
        {
            var entries = s.TryGetValue("entries", out var e) && e is List<object> list ? list.Select(o => o.ToString()!).ToList() : [];
            var answers = s.Where(kv => kv.Key != "entries").ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal);
            foreach (var aspect in answers.Keys.Where(k => k != GeneralKey && !aspects.ContainsKey(k)))
            {
                throw new InvalidOperationException($"{file}: a subject names the aspect '{aspect}', which `followups.aspects` does not define.");
            }
            subjects.Add(new Subject(entries, answers));
        }
        return new MessageReader(new PhraseSet(All(raw.Courtesy)), new PhraseSet(All(raw.Connectors)), new PhraseSet(All(raw.Acknowledgements)),
            aspects, subjects, raw.Followups?.MaxWords ?? 4)
        {
            _urgent = new PhraseSet(All(raw.Urgent?.Words)),
            _fillers = new PhraseSet(All(raw.Followups?.Fillers)),
            _questionWords = new PhraseSet(All(raw.QuestionWords)),
            _and = new PhraseSet(All(raw.And)),
            UrgentEntry = string.IsNullOrWhiteSpace(raw.Urgent?.Entry) ? null : raw.Urgent.Entry.Trim(),
        };
    }

    /// <summary>Every entry id the data names (for `kb lint`: each must exist).</summary>
    public IEnumerable<string> NamedEntries() =>
        _subjects.SelectMany(s => s.Entries.Concat(s.Answers.Values)).Concat(UrgentEntry is null ? [] : [UrgentEntry]);

    /// <summary>Whether the message names danger (a word of `urgent.words`: violence, threats, abuse, suicide).</summary>
    public bool IsUrgent(string text) => _urgent.FoundIn(text);

    /// <summary>
    /// The questions of a message, in order: the text is cut at ? ؟ ! line breaks and at words that start another
    /// question ("bir de", "وكمان"); courtesy is removed from each part, and parts left empty are dropped. A message
    /// made only of courtesy gives no part.
    /// </summary>
    public IReadOnlyList<string> Questions(string text)
    {
        var parts = new List<string>();
        foreach (var piece in text.Split(['?', '\u061F', '!', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            var words = Words(piece);
            var start = 0;
            for (var i = 0; i <= words.Count; i++)
            {
                var connector = i < words.Count ? _connectors.LongestAt(words, i) : 0;
                if (connector == 0 && i < words.Count && i - start >= MinPartWords && StartsAnotherQuestion(words, i) is var cut and > 0)
                {
                    // "… kaç saat sürüyor ve nerede yapılıyor", "… بسجل عالدورة وقديش المنحة": "and" + a question word.
                    AddPart(parts, piece, words, start, i);
                    start = cut == 1 ? i + 1 : i; // a separate "and" is dropped; one attached to the question word stays with it
                    i = start - 1;
                    continue;
                }
                if (i < words.Count && connector == 0) continue;
                if (i > start) AddPart(parts, piece, words, start, i);
                if (i < words.Count) i += connector - 1;
                start = i + 1;
            }
        }
        return parts;
    }

    /// <summary>Words a question needs before "and" + a question word may start another one.</summary>
    private const int MinPartWords = 3;

    /// <summary>
    /// Whether another question starts at word <paramref name="i"/>: 1 when it is a separate "and" ("ve", "و") followed by a
    /// question word, 2 when it is a question word with "and" attached ("وقديش", "وكيف" — not "وين", itself a question word), else 0.
    /// </summary>
    private int StartsAnotherQuestion(List<Word> words, int i)
    {
        if (_questionWords.LongestAt(words, i) > 0 && words[i].Key.Length > 2 && words[i].Key[0] == '\u0648'
            && !_questionWords.Exact(words[i].Key))
        {
            return 2;
        }
        return i + 1 < words.Count && _and.Exact(words[i].Key) && _questionWords.LongestAt(words, i + 1) > 0 ? 1 : 0;
    }

    private void AddPart(List<string> parts, string piece, List<Word> words, int from, int to)
    {
        var kept = new StringBuilder();
        for (var i = from; i < to;)
        {
            var courtesy = _courtesy.LongestAt(words, i, to);
            if (courtesy > 0)
            {
                i += courtesy;
                continue;
            }
            if (kept.Length > 0 && !words[i].Attached) kept.Append(' ');
            kept.Append(piece, words[i].Start, words[i].End - words[i].Start);
            i++;
        }
        if (kept.Length > 0) parts.Add(kept.ToString());
    }

    /// <summary>True when the message asks nothing: no word at all ("?", "👍", "..."), only acknowledgements or laughter ("ok", "tamam", "تمام", "هههه"), or only numbers.</summary>
    public bool AsksNothing(string text)
    {
        var words = Words(text);
        for (var i = 0; i < words.Count;)
        {
            var n = words[i].Key.All(char.IsDigit) ? 1 : _acknowledgements.LongestAt(words, i);
            if (n == 0) return false;
            i += n;
        }
        return true;
    }

    /// <summary>
    /// For a short message after an answer about <paramref name="previousEntry"/>: the entry that answers the aspect it
    /// asks about (cost, where, who, when, how, documents, duration) for that entry's subject, or null.
    /// </summary>
    public string? FollowUp(string question, string previousEntry)
    {
        var words = Words(question);
        if (words.Count == 0 || words.Count > FollowUpWords) return null;
        var subject = _subjects.FirstOrDefault(s => s.Entries.Contains(previousEntry, StringComparer.Ordinal));
        if (subject is null) return null;
        // Only a message that asks nothing but an aspect ("ne kadar?", "ve nerede?", "ومين بيحقلو؟"): every word is part
        // of an aspect's phrase or a filler. "kurs ne zaman başlıyor" names a topic of its own and is not a follow-up.
        var (aspect, others) = Aspects(words);
        return aspect is not null && others.Count == 0 && subject.Answers.TryGetValue(aspect, out var entry) ? entry : null;
    }

    /// <summary>
    /// For a short question made of an aspect and a few other words ("kurs süresi?", "مدة الكورس؟", "izin ne kadar"):
    /// the aspect and the other words (which may name the subject), or null when it has no aspect, no other word, or
    /// more than <see cref="FollowUpWords"/> words.
    /// </summary>
    public (string Aspect, string Others)? AspectAndRest(string question)
    {
        var words = Words(question);
        if (words.Count < 2 || words.Count > FollowUpWords) return null;
        var (aspect, others) = Aspects(words);
        return aspect is null || others.Count == 0 ? null : (aspect, string.Join(' ', others.Select(w => question[w.Start..w.End])));
    }

    /// <summary>
    /// The aspect a short question asks (the one whose phrase covers the most words; ties: the first in the data's
    /// order) and the words that are neither part of an aspect's phrase nor fillers.
    /// </summary>
    private (string? Aspect, List<Word> Others) Aspects(List<Word> words)
    {
        string? best = null;
        var bestLength = 0;
        var others = new List<Word>();
        for (var i = 0; i < words.Count;)
        {
            var step = _fillers.LongestAt(words, i);
            string? aspectHere = null;
            foreach (var (aspect, phrases) in _aspects)
            {
                var n = phrases.LongestAt(words, i);
                if (n > step)
                {
                    step = n;
                    aspectHere = aspect;
                }
            }
            if (step == 0)
            {
                others.Add(words[i]);
                i++;
                continue;
            }
            if (aspectHere is not null && step > bestLength)
            {
                best = aspectHere;
                bestLength = step;
            }
            i += step;
        }
        return (best, others);
    }

    /// <summary>The entry answering <paramref name="aspect"/> in the subject of <paramref name="entry"/>, if the data names one.</summary>
    public string? AspectEntry(string entry, string aspect) =>
        _subjects.FirstOrDefault(s => s.Entries.Contains(entry, StringComparer.Ordinal))?.Answers.GetValueOrDefault(aspect);

    /// <summary>The most general entry of the subject <paramref name="entry"/> belongs to (its `general`), if the data names one.</summary>
    public string? GeneralOf(string entry) =>
        _subjects.FirstOrDefault(s => s.Entries.Contains(entry, StringComparer.Ordinal))?.Answers.GetValueOrDefault(GeneralKey);

    private const string GeneralKey = "general";

    /// <summary>The entries of the subject <paramref name="entry"/> belongs to (itself alone when it has none).</summary>
    public IReadOnlyList<string> SubjectOf(string entry) =>
        _subjects.FirstOrDefault(s => s.Entries.Contains(entry, StringComparer.Ordinal))?.Entries ?? [entry];

    /// <summary>The words of a text with their normalised keys (see <see cref="Key"/>).</summary>
    public static List<Word> Words(string text)
    {
        var words = new List<Word>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || char.GetUnicodeCategory(text[i]) == UnicodeCategory.NonSpacingMark
                || (text[i] is '\'' or '\u2019' or '-' && start >= 0 && i + 1 < text.Length && char.IsLetter(text[i + 1])));
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                var key = Key(text.AsSpan(start, i - start));
                if (key.Length == i - start && JoinedParticle(key) is var stem and > 0)
                {
                    // "varmi", "gelebilirmiyim": the question particle written joined is its own word, as in "var mı".
                    words.Add(new Word(start, start + stem, key[..stem]));
                    words.Add(new Word(start + stem, i, key[stem..], Attached: true));
                }
                else if (key.Length > 0)
                {
                    words.Add(new Word(start, i, key));
                }
                start = -1;
            }
        }
        return words;
    }

    /// <summary>The Turkish question particle (mı, mi, mu, mü with its person endings) as keys, longest first.</summary>
    private static readonly string[] Particles =
        ["misiniz", "musunuz", "miyim", "miyiz", "muyum", "muyuz", "midir", "mudur", "misin", "musun", "mi", "mu"];

    /// <summary>Words after which a joined particle is read off (besides verb forms): "lazimmi", "yokmu".</summary>
    private static readonly HashSet<string> ParticleHosts = new(StringComparer.Ordinal)
    {
        "var", "yok", "lazim", "gerek", "gerekli", "mumkun", "dogru", "sart", "yeterli", "ucretli", "ucretsiz", "bedava",
        "parali", "acik", "tamam", "normal", "zorunlu",
    };

    /// <summary>
    /// The length of the word before a question particle written joined to it ("varmi", "olurmu", "gelebilirmiyim",
    /// "veriyomu", "kalmismi"), or 0. Only after the forms a question particle follows: a verb in -r (aorist, "var"),
    /// -yo (spoken -yor), -miş, or a word of <see cref="ParticleHosts"/>; the word before it has at least four letters
    /// (so "yirmi" stays twenty). Keys are folded to ASCII, so ı and ü are i and u.
    /// </summary>
    internal static int JoinedParticle(string key)
    {
        if (key.Length < 5) return 0;
        foreach (var c in key)
        {
            if (c is < 'a' or > 'z') return 0;
        }
        foreach (var particle in Particles)
        {
            if (!key.EndsWith(particle, StringComparison.Ordinal)) continue;
            var stem = key[..^particle.Length];
            if (ParticleHosts.Contains(stem)) return stem.Length;
            if (stem.Length >= 4 && (stem[^1] == 'r' || stem.EndsWith("yo", StringComparison.Ordinal)
                || stem.EndsWith("mis", StringComparison.Ordinal) || stem.EndsWith("mus", StringComparison.Ordinal)))
            {
                return stem.Length;
            }
        }
        return 0;
    }

    /// <summary>
    /// A word as compared with phrases: lower case, Turkish letters folded to ASCII, Arabic letter variants unified
    /// (أ إ آ ٱ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي), diacritics and tatweel removed, apostrophe suffixes dropped ("Antep'te").
    /// </summary>
    public static string Key(ReadOnlySpan<char> word)
    {
        var sb = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            if (c is '\'' or '\u2019') break;
            switch (c)
            {
                case '\u0130' or 'I' or '\u0131': sb.Append('i'); break;
                case '\u00e7' or '\u00c7': sb.Append('c'); break;
                case '\u011f' or '\u011e': sb.Append('g'); break;
                case '\u00f6' or '\u00d6': sb.Append('o'); break;
                case '\u015f' or '\u015e': sb.Append('s'); break;
                case '\u00fc' or '\u00dc': sb.Append('u'); break;
                case '\u00e2' or '\u00c2': sb.Append('a'); break;
                case '\u00ee' or '\u00ce': sb.Append('i'); break;
                case '\u00fb' or '\u00db': sb.Append('u'); break;
                case '\u0623' or '\u0625' or '\u0622' or '\u0671': sb.Append('\u0627'); break;
                case '\u0629': sb.Append('\u0647'); break;
                case '\u0649': sb.Append('\u064A'); break;
                case '\u0624': sb.Append('\u0648'); break;
                case '\u0626': sb.Append('\u064A'); break;
                case '\u0640': break; // tatweel
                case >= '\u064B' and <= '\u065F' or '\u0670': break; // diacritics
                case >= '\u0660' and <= '\u0669': sb.Append((char)('0' + (c - '\u0660'))); break;
                case >= '\u06F0' and <= '\u06F9': sb.Append((char)('0' + (c - '\u06F0'))); break;
                default: sb.Append(char.ToLowerInvariant(c)); break;
            }
        }
        return sb.ToString();
    }

    private sealed record Subject(List<string> Entries, Dictionary<string, string> Answers);

    /// <summary>Phrases as sequences of word keys, looked up by their first word (a first word ending in * is a prefix).</summary>
    public sealed class PhraseSet
    {
        private readonly Dictionary<string, List<string[]>> _byFirst = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string[]>> _byPrefix = new(StringComparer.Ordinal);
        private int[] _prefixLengths = [];

        public PhraseSet(IEnumerable<string> phrases)
        {
            foreach (var phrase in phrases)
            {
                // A trailing * (a prefix) survives as part of the word's key.
                var keys = phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(w => w.EndsWith('*') ? Key(w.AsSpan(0, w.Length - 1)) + "*" : string.Join(' ', Words(w).Select(x => x.Key)))
                    .SelectMany(k => k.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
                if (keys.Length == 0) continue;
                var table = keys[0].EndsWith('*') ? _byPrefix : _byFirst;
                var first = keys[0].TrimEnd('*');
                if (!table.TryGetValue(first, out var list)) table[first] = list = [];
                list.Add(keys);
            }
            _prefixLengths = _byPrefix.Keys.Select(k => k.Length).Distinct().Order().ToArray();
        }

        /// <summary>Whether the text uses one of the phrases (whole words, compared as <see cref="Key"/>s).</summary>
        public bool FoundIn(string text)
        {
            if (_byFirst.Count == 0 && _byPrefix.Count == 0) return false;
            var words = Words(text);
            for (var i = 0; i < words.Count; i++)
            {
                if (LongestAt(words, i) > 0) return true;
            }
            return false;
        }

        /// <summary>Whether a word is exactly a one-word phrase of the set (no و / ال stripped, no prefix).</summary>
        public bool Exact(string key) => _byFirst.TryGetValue(key, out var phrases) && phrases.Any(p => p.Length == 1 && p[0] == key);

        /// <summary>The number of words of the longest phrase starting at word <paramref name="at"/> (0: none).</summary>
        public int LongestAt(List<Word> words, int at, int end = int.MaxValue)
        {
            end = Math.Min(end, words.Count);
            var best = 0;
            foreach (var phrases in PhrasesFor(words[at].Key))
            {
                foreach (var phrase in phrases)
                {
                    if (phrase.Length <= best || at + phrase.Length > end || !Same(words[at].Key, phrase[0])) continue;
                    var ok = true;
                    for (var k = 1; k < phrase.Length && ok; k++) ok = Same(words[at + k].Key, phrase[k]);
                    if (ok) best = phrase.Length;
                }
            }
            return best;
        }

        /// <summary>The phrases that may start with this word: by the word itself (and its forms) and by prefix (phrases whose first word ends in *).</summary>
        private IEnumerable<List<string[]>> PhrasesFor(string key)
        {
            if (_byFirst.Count > 0)
            {
                if (_byFirst.TryGetValue(key, out var phrases)) yield return phrases;
                if (WithoutAnd(key) is { } and && _byFirst.TryGetValue(and, out phrases)) yield return phrases;
                if (WithoutThe(key) is { } the && _byFirst.TryGetValue(the, out phrases)) yield return phrases;
            }
            if (_byPrefix.Count == 0) yield break;
            var lookup = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var length in _prefixLengths)
            {
                if (length <= key.Length && lookup.TryGetValue(key.AsSpan(0, length), out var phrases)) yield return phrases;
                if (WithoutAnd(key) is { } and && length <= and.Length && lookup.TryGetValue(and.AsSpan(0, length), out phrases)) yield return phrases;
            }
        }

        /// <summary>The word without a leading و ("and"): "وشكرا" is "شكرا".</summary>
        private static string? WithoutAnd(string key) => key.Length > 2 && key[0] == '\u0648' ? key[1..] : null;

        /// <summary>The word without a leading ال ("the").</summary>
        private static string? WithoutThe(string key) => key.Length > 3 && key[0] == '\u0627' && key[1] == '\u0644' ? key[2..] : null;

        /// <summary>
        /// Whether a word of the message is a word of a phrase: itself, or without a leading و or ال; a phrase word ending
        /// in * matches every word that starts with the rest ("dovuyor*": dövüyorlar).
        /// </summary>
        private static bool Same(string word, string phrase)
        {
            if (phrase.EndsWith('*'))
            {
                var prefix = phrase.AsSpan(0, phrase.Length - 1);
                return word.AsSpan().StartsWith(prefix, StringComparison.Ordinal)
                    || (word.Length > 2 && word[0] == '\u0648' && word.AsSpan(1).StartsWith(prefix, StringComparison.Ordinal));
            }
            return word == phrase
                || (word.Length > 2 && word[0] == '\u0648' && word.AsSpan(1).SequenceEqual(phrase))
                || (word.Length > 3 && word[0] == '\u0627' && word[1] == '\u0644' && word.AsSpan(2).SequenceEqual(phrase));
        }
    }

    private sealed class RawData
    {
        public Dictionary<string, List<string>>? Courtesy { get; set; }
        public Dictionary<string, List<string>>? Connectors { get; set; }
        public Dictionary<string, List<string>>? Acknowledgements { get; set; }
        public Dictionary<string, List<string>>? QuestionWords { get; set; }
        public Dictionary<string, List<string>>? And { get; set; }
        public RawFollowUps? Followups { get; set; }
        public RawUrgent? Urgent { get; set; }
    }

    private sealed class RawUrgent
    {
        public string? Entry { get; set; }
        public Dictionary<string, List<string>>? Words { get; set; }
    }

    private sealed class RawFollowUps
    {
        public int? MaxWords { get; set; }
        public Dictionary<string, List<string>>? Fillers { get; set; }
        public Dictionary<string, Dictionary<string, List<string>>>? Aspects { get; set; }
        public List<Dictionary<string, object>>? Subjects { get; set; }
    }
}
