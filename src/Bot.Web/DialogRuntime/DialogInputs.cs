using System.Globalization;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.Recognizers.Text;
using Microsoft.Recognizers.Text.Number;

namespace Bot.Web.DialogRuntime;

/// <summary>A recognised answer: the value saved and the label shown back to the user ({save}_label).</summary>
public sealed record DialogAnswer(string Value, string Label);

/// <summary>
/// Recognises a step's answer: choices by value (a button), number (1, ١, ۱…), text or extra words in any language;
/// yes/no from localized word lists; numbers with Microsoft.Recognizers.Text (digits in any script, "otuz beş",
/// "خمسة وثلاثين"); centres by name or city, tolerantly (Urfa, Antep, أورفا…).
/// </summary>
public sealed class DialogInputs(BotContent content, CentreDirectory centres)
{
    public const string Yes = "yes";
    public const string No = "no";
    public const string Skip = "skip";

    /// <summary>The answer, or null when <paramref name="input"/> is not one.</summary>
    public DialogAnswer? Recognize(DialogStep step, IReadOnlyList<(string Value, string Label)> options, string input, string language)
    {
        var text = input.Trim();
        if (text.Length == 0) return null;
        if (step.Optional && (text == Skip || IsWord(text, "dialog.words.skip"))) return new DialogAnswer("", "");
        return step.Input switch
        {
            InputKind.Choice => Choice(step, options, text),
            InputKind.YesNo => text == Yes || IsWord(text, "dialog.words.yes") ? new DialogAnswer(Yes, content.Texts.Get(language, "dialog.yes"))
                : text == No || IsWord(text, "dialog.words.no") ? new DialogAnswer(No, content.Texts.Get(language, "dialog.no"))
                : null,
            InputKind.Number => Number(text, language) is { } n && (step.Min is null || n >= step.Min) && (step.Max is null || n <= step.Max)
                ? new DialogAnswer(n.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture))
                : null,
            InputKind.Text => text.Length <= step.MaxLength ? new DialogAnswer(text, text) : null,
            InputKind.Centre => centres.FindIn(text) is { } centre ? new DialogAnswer(centre.Id, centre.Name(language)) : null,
            _ => null,
        };
    }

    private DialogAnswer? Choice(DialogStep step, IReadOnlyList<(string Value, string Label)> options, string text)
    {
        var exact = options.FirstOrDefault(o => o.Value == text);
        if (exact.Value is not null) return new DialogAnswer(exact.Value, exact.Label);
        if (ParseSmallNumber(text) is { } n) return n >= 1 && n <= options.Count ? new DialogAnswer(options[n - 1].Value, options[n - 1].Label) : null;
        // A language named where a language is asked ("arapca", "عربي", "Türkçe"): the option of that language.
        if (content.Languages.RequestedLanguage(text) is { } named
            && options.FirstOrDefault(o => o.Value == named || o.Value == "lang:" + named) is { Value: not null } language)
        {
            return new DialogAnswer(language.Value, language.Label);
        }
        var folded = OptOutWords.Normalize(text);
        foreach (var (value, label) in options)
        {
            var defined = step.Options.FirstOrDefault(o => o.Value == value);
            // The option's text in any language, or one of its extra words.
            var names = Language.All.Select(l => defined is null ? label : content.Texts.Get(l, defined.Text)).Append(label);
            if (defined?.Words is { } words) names = names.Concat(Language.All.SelectMany(l => content.Texts.GetList(l, words)));
            if (names.Any(n => OptOutWords.Normalize(n) == folded)) return new DialogAnswer(value, label);
        }
        return null;
    }

    /// <summary>The label of a saved answer in <paramref name="language"/> (null when it has none to translate: a number, a text).</summary>
    public string? LabelOf(DialogStep step, string value, string language) => step.Input switch
    {
        InputKind.Choice => step.Options.FirstOrDefault(o => o.Value == value) is { } option ? content.Texts.Get(language, option.Text) : null,
        InputKind.YesNo => value == Yes ? content.Texts.Get(language, "dialog.yes") : value == No ? content.Texts.Get(language, "dialog.no") : null,
        InputKind.Centre => centres.ById(value)?.Name(language),
        _ => null,
    };

    /// <summary>True when <paramref name="text"/> is one of a text-list key's words in any language.</summary>
    public bool IsWord(string text, string listKey)
    {
        var folded = OptOutWords.Normalize(text);
        return folded.Length > 0 && Language.All.Any(l => content.Texts.GetList(l, listKey).Any(w => OptOutWords.Normalize(w) == folded));
    }

    /// <summary>A whole number in the text, in digits of any script or in words (Turkish, Arabic, English).</summary>
    public int? Number(string text, string language)
    {
        var western = ToWesternDigits(text);
        if (int.TryParse(western.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var plain)) return plain;
        // Microsoft.Recognizers.Text 1.8.13 misreads Arabic number words ("ثلاثين" → 0, "خمس" → 0.2): Arabic words go to
        // a small parser of our own; Turkish and English words to the recognizer.
        if (content.NumberWords.Parse(western) is { } spelled) return spelled;
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

    /// <summary>A reply that is only a small number ("2", "2.", "٢"), as when picking an option.</summary>
    public static int? ParseSmallNumber(string text) => Channels.WhatsApp.WhatsAppMapping.ParseNumber(text);

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
}
