using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.Recognizers.Text;
using Microsoft.Recognizers.Text.DateTime;
using Microsoft.Recognizers.Text.Number;

namespace Bot.Web.DialogRuntime;

/// <summary>
/// A recognised answer: the value saved and the label shown back to the user ({save}_label); <paramref name="More"/>
/// are further values saved as {save}_{name} (the age step's birth_year).
/// </summary>
public sealed record DialogAnswer(string Value, string Label, IReadOnlyDictionary<string, string>? More = null);

/// <summary>What an answer at an age step says: the age, and the year of birth (exact when a date or year was given).</summary>
/// <param name="Age">Whole years; negative for a date of birth in the future.</param>
/// <param name="BirthYear">From the date or year given, else the current year minus the age.</param>
/// <param name="FromDate">True when a date or a year of birth was given (not an age).</param>
public sealed record AgeReading(int Age, int BirthYear, bool FromDate);

/// <summary>
/// Recognises a step's answer: choices by value (a button), number (1, ١, ۱…), text or extra words in any language,
/// also inside a short answer and with Turkish suffixes or Arabic clitics (<see cref="AnswerWords"/>); yes/no from
/// localized word lists, also at the start or end of a short sentence, and (yes_from_months) from a duration; numbers
/// with Microsoft.Recognizers.Text (digits in any script, Turkish words) and our Arabic number words; ages also from a
/// date or year of birth (Microsoft.Recognizers.Text.DateTime); centres by name or city, tolerantly (Urfa, Antep…).
/// </summary>
public sealed partial class DialogInputs
{
    public const string Yes = "yes";
    public const string No = "no";
    public const string Skip = "skip";

    /// <summary>The extra value an age step saves ({save}_birth_year).</summary>
    public const string BirthYear = "birth_year";

    private const string YesWords = "dialog.words.yes";
    private const string NoWords = "dialog.words.no";
    private const string SkipWords = "dialog.words.skip";
    private const string NegationWords = "dialog.words.negation";
    private const string BornWords = "dialog.words.born";
    private const string MonthNames = "dialog.words.months";
    private const string HalfWords = "dialog.words.duration_half";

    /// <summary>Duration units: the word list, months per unit, and the count the word itself implies (dual forms: سنتين).</summary>
    private static readonly (string Key, double Months, int? Count)[] Units =
    [
        ("dialog.words.duration_two_years", 12, 2),
        ("dialog.words.duration_two_months", 1, 2),
        ("dialog.words.duration_years", 12, null),
        ("dialog.words.duration_months", 1, null),
        ("dialog.words.duration_weeks", 7 / 30.44, null),
        ("dialog.words.duration_days", 1 / 30.44, null),
    ];

    /// <summary>
    /// Beyond exact answers, words are looked for only in short answers without a question mark: a longer message or
    /// a question is more likely a question than an answer, and is left to the runner (it answers it and asks again).
    /// </summary>
    private const int MaxTolerantWords = 6;

    /// <summary>
    /// Dates are read with the Turkish DateTime model for both languages. Microsoft.Recognizers.Text.DateTime 1.8.13
    /// has an Arabic namespace, but the Arabic culture resolves like English (12/3/1990 → 3 December, no Arabic month
    /// names, no Arabic durations): the Turkish model reads day-first dates (12.03.1990, 12/3/1990, 12-03-1990,
    /// 1990-03-12), Turkish month names, years (1990, 1990 doğumluyum) and Turkish durations (2 yıldır, 3 ay önce) as
    /// they are written in Turkey and Syria. Arabic month names are turned into Turkish ones first (our word lists),
    /// Arabic-Indic digits into 0-9, and Arabic durations are read by our own unit lists.
    /// </summary>
    private static readonly Lazy<DateTimeModel> DateModel = new(() => (DateTimeModel)new DateTimeRecognizer(Culture.Turkish).GetDateTimeModel());

    private readonly BotContent _content;
    private readonly CentreDirectory _centres;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, string[][]> _phrases = new(StringComparer.Ordinal);

    /// <param name="clock">The app's clock (ages, durations); the system clock when none is given.</param>
    public DialogInputs(BotContent content, CentreDirectory centres, TimeProvider? clock = null)
    {
        _content = content;
        _centres = centres;
        _clock = clock ?? TimeProvider.System;
        // The DateTime model takes a second or two to build: not during a user's turn.
        if (!DateModel.IsValueCreated) _ = Task.Run(() => DateModel.Value);
    }

    /// <summary>The answer, or null when <paramref name="input"/> is not one.</summary>
    public DialogAnswer? Recognize(DialogStep step, IReadOnlyList<(string Value, string Label)> options, string input, string language)
    {
        var text = input.Trim();
        if (text.Length == 0) return null;
        if (step.Optional && (text == Skip || IsWord(text, SkipWords))) return new DialogAnswer("", "");
        return step.Input switch
        {
            InputKind.Choice => Choice(step, options, text),
            InputKind.YesNo => YesNo(step, text, language),
            InputKind.Number => Number(text, language) is { } n && InRange(step, n)
                ? new DialogAnswer(n.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture))
                : null,
            InputKind.Age => Age(text, language) is { } age && age.Age >= 0 && InRange(step, age.Age)
                ? new DialogAnswer(age.Age.ToString(CultureInfo.InvariantCulture), age.Age.ToString(CultureInfo.InvariantCulture),
                    new Dictionary<string, string> { [BirthYear] = age.BirthYear.ToString(CultureInfo.InvariantCulture) })
                : null,
            InputKind.Text => text.Length <= step.MaxLength ? new DialogAnswer(text, text) : null,
            InputKind.Centre => _centres.FindIn(text) is { } centre ? new DialogAnswer(centre.Id, centre.Name(language)) : null,
            _ => null,
        };
    }

    private static bool InRange(DialogStep step, int n) => (step.Min is null || n >= step.Min) && (step.Max is null || n <= step.Max);

    // ---- Choices ----

    private DialogAnswer? Choice(DialogStep step, IReadOnlyList<(string Value, string Label)> options, string text)
    {
        var exact = options.FirstOrDefault(o => o.Value == text);
        if (exact.Value is not null) return new DialogAnswer(exact.Value, exact.Label);
        if (ParseSmallNumber(text) is { } n) return n >= 1 && n <= options.Count ? new DialogAnswer(options[n - 1].Value, options[n - 1].Label) : null;
        // A language named where a language is asked ("arapca", "عربي", "Türkçe"): the option of that language.
        if (_content.Languages.RequestedLanguage(text) is { } named
            && options.FirstOrDefault(o => o.Value == named || o.Value == "lang:" + named) is { Value: not null } language)
        {
            return new DialogAnswer(language.Value, language.Label);
        }
        var names = options.Select(o => NamesOf(step, o.Value, o.Label).ToList()).ToList();
        // The whole answer is an option's name or word.
        var folded = OptOutWords.Normalize(text);
        for (var i = 0; i < options.Count; i++)
        {
            if (names[i].Any(name => OptOutWords.Normalize(name) == folded)) return new DialogAnswer(options[i].Value, options[i].Label);
        }
        return !step.Strict && Tolerant(text) && ChoiceInside(names, AnswerWords.Tokens(text)) is { } index ? new DialogAnswer(options[index].Value, options[index].Label) : null;
    }

    /// <summary>The label of a saved answer in <paramref name="language"/> (null when it has none to translate: a number, a text).</summary>
    public string? LabelOf(DialogStep step, string value, string language) => step.Input switch
    {
        InputKind.Choice => step.Options.FirstOrDefault(o => o.Value == value) is { } option ? _content.Texts.Get(language, option.Text) : null,
        InputKind.YesNo => value == Yes ? _content.Texts.Get(language, "dialog.yes") : value == No ? _content.Texts.Get(language, "dialog.no") : null,
        InputKind.Centre => _centres.ById(value)?.Name(language),
        _ => null,
    };

    /// <summary>An option's text in every language, its label, and its extra words.</summary>
    private IEnumerable<string> NamesOf(DialogStep step, string value, string label)
    {
        var defined = step.Options.FirstOrDefault(o => o.Value == value);
        var names = Language.All.Select(l => defined is null ? label : _content.Texts.Get(l, defined.Text)).Append(label);
        if (defined?.Words is { } words) names = names.Concat(Language.All.SelectMany(l => _content.Texts.GetList(l, words)));
        return names;
    }

    /// <summary>
    /// The one option named inside the answer ("Suriyeliyim", "kimliğim var", "معي كملك"), or null when none is, or two
    /// different options are ("kimlik ikamet"). A name inside a longer name found at the same place does not count
    /// against it; a name right before or after a negation ("kimliğim yok", "ما معي كملك") does not count.
    /// </summary>
    private int? ChoiceInside(List<List<string>> names, string[] tokens)
    {
        var negations = Phrases(NegationWords);
        var found = new List<(int Option, int Start, int Length)>();
        for (var i = 0; i < names.Count; i++)
        {
            foreach (var name in names[i])
            {
                var phrase = AnswerWords.Tokens(name);
                foreach (var start in AnswerWords.Find(tokens, phrase))
                {
                    var end = start + phrase.Length;
                    if (negations.Any(neg => AnswerWords.At(tokens, neg, end) || AnswerWords.At(tokens, neg, start - neg.Length))) continue;
                    found.Add((i, start, phrase.Length));
                }
            }
        }
        if (found.Count == 0) return null;
        var best = found.OrderByDescending(f => f.Length).First();
        var rivals = found.Where(f => f.Option != best.Option
            && !(f.Start >= best.Start && f.Start + f.Length <= best.Start + best.Length && f.Length < best.Length));
        return rivals.Any() ? null : best.Option;
    }

    // ---- Yes / no ----

    private DialogAnswer? YesNo(DialogStep step, string text, string language)
    {
        var verdict = text is Yes or No ? text : step.Strict ? WholeYesOrNo(text) : YesOrNo(text);
        if (step.YesFromMonths is { } least && text is not (Yes or No) && MonthsSince(text, language) is { } months)
        {
            // The duration decides ("3 ay oldu" is no, though "oldu" ends it); a yes or no it starts with must agree.
            var byDuration = months >= least ? Yes : No;
            var said = YesOrNo(text, atEnd: false);
            if (said is not null && said != byDuration) return null; // "evet, 3 ay": ask again
            verdict = byDuration;
        }
        return verdict switch
        {
            Yes => new DialogAnswer(Yes, _content.Texts.Get(language, "dialog.yes")),
            No => new DialogAnswer(No, _content.Texts.Get(language, "dialog.no")),
            _ => null,
        };
    }

    /// <summary>
    /// yes or no from the word lists: the whole answer, or (in a short answer) the words it starts with ("evet aynı
    /// ilde", "لا والله", "ما عندي") and the words it ends with ("kimliğim var", "işverenim yok"), the longest that fit.
    /// When the start and the end disagree, it is neither.
    /// </summary>
    public string? YesOrNo(string text, bool atEnd = true)
    {
        if (WholeYesOrNo(text) is { } whole) return whole;
        if (!Tolerant(text)) return null;
        var tokens = AnswerWords.Tokens(text);
        if (tokens.Length == 0) return null;
        var candidates = Phrases(YesWords).Select(p => (Verdict: Yes, Phrase: p)).Concat(Phrases(NoWords).Select(p => (Verdict: No, Phrase: p))).ToList();
        string? Longest(Func<string[], int> startOf)
        {
            var fitting = candidates.Where(c => AnswerWords.At(tokens, c.Phrase, startOf(c.Phrase))).ToList();
            if (fitting.Count == 0) return null;
            var length = fitting.Max(c => c.Phrase.Length);
            var verdicts = fitting.Where(c => c.Phrase.Length == length).Select(c => c.Verdict).Distinct().ToList();
            return verdicts.Count == 1 ? verdicts[0] : null;
        }
        var first = Longest(_ => 0);
        var last = atEnd ? Longest(p => tokens.Length - p.Length) : null;
        return first is not null && last is not null && first != last ? null : first ?? last;
    }

    private string? WholeYesOrNo(string text) => IsWord(text, YesWords) ? Yes : IsWord(text, NoWords) ? No : null;

    /// <summary>
    /// The time the answer says has passed, in months: a duration ("2 yıldır", "bir buçuk yıl", "سجلت من سنتين",
    /// "من ٣ شهور", "6 aydır") or a past date or year ("3 ay önce", "2020'de"). Null when it names none.
    /// </summary>
    public double? MonthsSince(string text, string language)
    {
        var western = ToWesternDigits(text);
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        foreach (var result in DateModel.Value.Parse(western, today.ToDateTime(TimeOnly.MinValue)))
        {
            if (Timex(result) is not { } timex) continue;
            switch (result.TypeName)
            {
                case "datetimeV2.duration" when DurationMonths(timex) is { } months:
                    return months;
                case "datetimeV2.date" when FullDate(timex) is { } date && date <= today:
                    return MonthsBetween(date, today);
                case "datetimeV2.daterange" when YearMonth().Match(timex) is { Success: true } m && HasYearDigits(result.Text):
                    var start = new DateOnly(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 1, 1);
                    var end = m.Groups[2].Success ? start.AddMonths(1) : start.AddYears(1);
                    if (end <= today) return MonthsBetween(end, today); // at least this long
                    break;
            }
        }
        return OwnDuration(AnswerWords.Tokens(western), language);
    }

    /// <summary>Number + unit words of our lists (Arabic durations, Turkish forms the recognizer misses: "6 aydır").</summary>
    private double? OwnDuration(string[] tokens, string language)
    {
        double? total = null;
        for (var i = 0; i < tokens.Length; i++)
        {
            var unit = Units.SelectMany(u => Phrases(u.Key).Where(p => AnswerWords.At(tokens, p, i)).Select(p => (u.Months, u.Count, p.Length)))
                .OrderByDescending(u => u.Length).Cast<(double Months, int? Count, int Length)?>().FirstOrDefault();
            if (unit is not { } found) continue;
            double count = found.Count ?? (i > 0 && Number(tokens[i - 1], language) is { } n ? n : 1);
            var after = i + found.Length;
            if (Phrases(HalfWords).Any(h => AnswerWords.At(tokens, h, after))) count += 0.5;
            total = (total ?? 0) + count * found.Months;
            i = after - 1;
        }
        return total;
    }

    private static double? DurationMonths(string timex)
    {
        var m = Duration().Match(timex);
        if (!m.Success) return null;
        double Part(string unit) => m.Groups[unit].Success ? double.Parse(m.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;
        return Part("y") * 12 + Part("m") + Part("w") * 7 / 30.44 + Part("d") / 30.44;
    }

    // ---- Ages ----

    /// <summary>
    /// An age from the answer: a date of birth ("12.03.1990", "12/3/1990", "1990-03-12", "12 Mart 1990",
    /// "١٢/٣/١٩٩٠", "12 آذار 1990"), a year of birth ("1990", "1990 doğumluyum", and two digits only next to a
    /// word that says it is a year of birth: "مواليد ٩٠", "90 doğumluyum"), or an age in digits or words ("35",
    /// "otuz beş", "35 yaşındayım", "خمس و تلاتين", "عمري ٣٥"). A day without a year ("12 Mart") is not an age.
    /// Ages are computed on the app's clock (UTC date).
    /// </summary>
    public AgeReading? Age(string text, string language)
    {
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var western = TurkishMonthNames(ToWesternDigits(text));
        foreach (var result in DateModel.Value.Parse(western, today.ToDateTime(TimeOnly.MinValue)))
        {
            if (Timex(result) is not { } timex) continue;
            if (result.TypeName == "datetimeV2.date")
            {
                if (FullDate(timex) is { } birth)
                {
                    var age = today.Year - birth.Year - (today < birth.AddYears(today.Year - birth.Year) ? 1 : 0);
                    return new AgeReading(birth > today ? -1 : age, birth.Year, true);
                }
                if (timex.StartsWith("XXXX", StringComparison.Ordinal)) return null; // "12 Mart": a day, no year
            }
            else if (result.TypeName == "datetimeV2.daterange" && YearMonth().Match(timex) is { Success: true } m && HasYearDigits(result.Text))
            {
                var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                return new AgeReading(today.Year - year, year, true);
            }
        }
        var tokens = AnswerWords.Tokens(western);
        if (Phrases(BornWords).Any(p => AnswerWords.Find(tokens, p).Any())
            && tokens.FirstOrDefault(t => t.Length is 1 or 2 && t.All(char.IsAsciiDigit)) is { } twoDigits)
        {
            var yy = int.Parse(twoDigits, CultureInfo.InvariantCulture);
            var year = 2000 + yy <= today.Year ? 2000 + yy : 1900 + yy;
            return new AgeReading(today.Year - year, year, true);
        }
        if (Number(text, language) is not { } n) return null;
        return n >= 1000 ? new AgeReading(today.Year - n, n, true) : new AgeReading(n, today.Year - n, false);
    }

    /// <summary>Month names of any language (localized lists: آذار, مارس, شباط…) as the Turkish ones the DateTime model reads.</summary>
    private string TurkishMonthNames(string text)
    {
        var turkish = _content.Texts.GetList(Language.Turkish, MonthNames);
        var raw = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var folded = raw.Select(OptOutWords.Normalize).ToArray();
        var output = new List<string>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var month = Months().Select((phrases, index) => (Index: index, Length: phrases.Where(p => AnswerWords.At(folded, p, i)).Select(p => p.Length).DefaultIfEmpty(0).Max()))
                .Where(m => m.Length > 0).OrderByDescending(m => m.Length).FirstOrDefault();
            if (month.Length == 0 || month.Index >= turkish.Count)
            {
                output.Add(raw[i]);
                continue;
            }
            output.Add(turkish[month.Index].Split('|')[0].Trim());
            i += month.Length - 1;
        }
        return string.Join(' ', output);
    }

    /// <summary>Per month (January first), the folded phrases naming it in every language ("|" separates the forms of one entry).</summary>
    private string[][][] Months()
    {
        var lists = Language.All.Select(l => _content.Texts.GetList(l, MonthNames)).ToList();
        return Enumerable.Range(0, 12)
            .Select(m => lists.Where(l => m < l.Count).SelectMany(l => l[m].Split('|')).Select(AnswerWords.Tokens).Where(p => p.Length > 0).ToArray())
            .ToArray();
    }

    // ---- Numbers ----

    /// <summary>A whole number in the text, in digits of any script or in words (Turkish, Arabic, English).</summary>
    public int? Number(string text, string language)
    {
        var western = ToWesternDigits(text);
        if (int.TryParse(western.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var plain)) return plain;
        // Microsoft.Recognizers.Text 1.8.13 misreads Arabic number words ("ثلاثين" → 0, "خمس" → 0.2): Arabic words go to
        // a small parser of our own; Turkish and English words to the recognizer.
        if (_content.NumberWords.Parse(western) is { } spelled) return spelled;
        foreach (var culture in new[] { Culture.Turkish, Culture.English })
        {
            foreach (var result in NumberRecognizer.RecognizeNumber(western, culture))
            {
                if (result.Resolution.TryGetValue("value", out var v)
                    && double.TryParse(v?.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    && d == Math.Floor(d) && d is >= 0 and <= int.MaxValue)
                {
                    return (int)d;
                }
            }
        }
        return null;
    }

    // ---- Word lists ----

    /// <summary>True when <paramref name="text"/> is one of a text-list key's words in any language.</summary>
    public bool IsWord(string text, string listKey)
    {
        var folded = OptOutWords.Normalize(text);
        return folded.Length > 0 && Language.All.Any(l => _content.Texts.GetList(l, listKey).Any(w => OptOutWords.Normalize(w) == folded));
    }

    /// <summary>A text-list key's words in every language, each as folded words (cached: the lists do not change).</summary>
    private string[][] Phrases(string listKey) => _phrases.GetOrAdd(listKey, key =>
        Language.All.SelectMany(l => _content.Texts.GetList(l, key)).Select(AnswerWords.Tokens).Where(p => p.Length > 0).ToArray());

    private static bool Tolerant(string text) =>
        text.IndexOfAny(['?', '\u061F']) < 0 && text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= MaxTolerantWords;

    /// <summary>A reply that is only a small number ("2", "2.", "٢"), as when picking an option.</summary>
    public static int? ParseSmallNumber(string text) => ChoiceNumber.Parse(text);

    /// <summary>Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹) digits as 0-9: the recognizers read only the latter.</summary>
    public static string ToWesternDigits(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c is >= '\u0660' and <= '\u0669' ? (char)('0' + (c - '\u0660'))
                : c is >= '\u06F0' and <= '\u06F9' ? (char)('0' + (c - '\u06F0'))
                : c;
        }
    });

    // ---- Recognizer results ----

    private static string? Timex(ModelResult result) =>
        result.Resolution is { } resolution && resolution.TryGetValue("values", out var values) && values is IEnumerable<Dictionary<string, string>> list
            && list.FirstOrDefault() is { } first && first.TryGetValue("timex", out var timex) ? timex : null;

    private static DateOnly? FullDate(string timex) =>
        DateOnly.TryParseExact(timex, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static int MonthsBetween(DateOnly from, DateOnly to) =>
        (to.Year - from.Year) * 12 + to.Month - from.Month - (to.Day < from.Day ? 1 : 0);

    /// <summary>The year was written in digits ("1990", "2020'de"), not said in words ("geçen yıl", "ayın").</summary>
    private static bool HasYearDigits(string matched) => FourDigits().IsMatch(matched);

    [GeneratedRegex(@"^(\d{4})(?:-(\d{2}))?$")]
    private static partial Regex YearMonth();

    [GeneratedRegex(@"\d{4}")]
    private static partial Regex FourDigits();

    [GeneratedRegex(@"^P(?:(?<y>\d+(?:\.\d+)?)Y)?(?:(?<m>\d+(?:\.\d+)?)M)?(?:(?<w>\d+(?:\.\d+)?)W)?(?:(?<d>\d+(?:\.\d+)?)D)?$")]
    private static partial Regex Duration();
}
