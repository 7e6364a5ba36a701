using Bot.Web.DialogRuntime;
using Bot.Web.Knowledge;
using Bot.Web.Localization;

namespace Bot.Tests.Conversation.Fuzz;

/// <summary>
/// What the random person may write, from the bot's own content where there is one: option words and texts of every
/// dialog step, yes/no/skip/cancel/menu words, language names, opt-out words, city names, the knowledge base's own
/// example questions — and things no dialog expects (numbers, dates, emoji, media, empty messages).
/// </summary>
public sealed class FuzzPools
{
    public FuzzPools(BotContent content, KnowledgeBase knowledge, CentreDirectory centres)
    {
        Content = content;
        foreach (var language in Language.All)
        {
            Questions[language] = knowledge.Entries.SelectMany(e => e.Texts.TryGetValue(language, out var t) ? t.Questions : []).Distinct().ToList();
            MenuWords[language] = content.Texts.GetList(language, TextKeys.MenuCommands).ToList();
            CancelWords[language] = content.Texts.GetList(language, TextKeys.CancelWords).ToList();
        }
        Cities = centres.All.SelectMany(c => c.Aliases.Take(3)).ToList();
    }

    public BotContent Content { get; }

    public Dictionary<string, List<string>> Questions { get; } = [];

    public Dictionary<string, List<string>> MenuWords { get; } = [];

    public Dictionary<string, List<string>> CancelWords { get; } = [];

    public List<string> Cities { get; }

    public static readonly Dictionary<string, string[]> LanguageWords = new()
    {
        [Language.Turkish] = ["Türkçe", "turkce", "TÜRKÇE", "تركي"],
        [Language.Arabic] = ["عربي", "العربية", "arapca", "Arapça", "arabic"],
    };

    /// <summary>Opt-out and opt-in words (localization/opt-out.yaml), as people write them.</summary>
    public static readonly string[] OptOutWords = ["STOP", "stop", "DUR", "dur", "START", "DEVAM", "devam", "BAŞLA", "ABONE OL", "ابدأ", "اشتراك", "إيقاف", "توقف"];

    public static readonly string[] Numbers = ["1", "2", "3", "4", "5", "7", "9", "0", "12", "35", "100", "٢", "٣"];

    public static readonly string[] Dates = ["12.03.1990", "03/12/1990", "1990", "١٢.٠٣.١٩٩٠", "2030", "12 Mart 1990", "2024-01-05"];

    public static readonly string[] Emoji = ["👍", "🙏", "😊", "❤️", "👎", "🤔", "😢", "🙂👍"];

    public static readonly string[] WhatsAppMedia = ["image/jpeg", "audio/ogg", "application/pdf", "video/mp4"];

    public static readonly Dictionary<string, string[]> Greetings = new()
    {
        [Language.Turkish] = ["merhaba", "selam", "Merhaba, nasılsınız?", "iyi günler", "hi"],
        [Language.Arabic] = ["مرحبا", "السلام عليكم", "مرحبا كيفك", "hi"],
    };

    public static readonly Dictionary<string, string[]> Sentences = new()
    {
        [Language.Turkish] = ["Kurs saatleri çok geç, değiştirilebilir mi", "personel çok ilgiliydi teşekkürler", "kimliğim için yardım istiyorum",
            "merkezde klima çalışmıyor", "çocuğum için kurs var mı diye sormak istiyorum"],
        [Language.Arabic] = ["المركز بعيد عني وما عندي مواصلات", "شكرا على الدورة كانت مفيدة", "بدي اسأل عن الكملك",
            "الموظف ما رد علي", "هل في دورة للأطفال"],
    };

    /// <summary>Ages in every form the age step should read (digits, Arabic-Indic digits, words).</summary>
    public static readonly string[] Ages = ["35", "18", "42", "67", "٢٥", "otuz beş", "yirmi", "خمسة وثلاثين", "عشرين", "12.03.1990", "1985", "٢٠/٥/١٩٨٨", "35 yaşındayım", "عمري ٤٠"];

    public static readonly Dictionary<InputKind, string[]> Wrong = new()
    {
        [InputKind.YesNo] = ["belki", "ربما", "emin değilim", "?", "bilmem ki"],
        [InputKind.Choice] = ["99", "başka bir şey", "لا شيء من هذا", "x", "hepsi değil"],
        [InputKind.Number] = ["çok yaşlıyım", "150", "5", "-3", "yaş", "عمري كبير"],
        [InputKind.Age] = ["çok yaşlıyım", "150", "5", "-3", "yaş", "عمري كبير", "01.01.2030", "1800", "12 Mart"],
        [InputKind.Centre] = ["Paris", "بغداد", "köyde", "xyz", "Berlin'deyim"],
        [InputKind.Text] = [new string('a', 2100), "ok"],
        [InputKind.None] = ["asdf", "...", "hmm", "qwerty"],
    };
}

/// <summary>
/// The random person: each step draws from a pool (weights below) — a valid answer to what the bot waits for (a
/// choice of the last numbered list / keyboard, or an option word, yes/no word, age, city, text), a wrong answer, a
/// question from the knowledge base, a language word, an opt-out/resume word, a menu or cancel word, a number, a date,
/// emoji, media, an empty message, a greeting, or a choice of an older list (a stale Telegram button, a number from
/// a list further up the WhatsApp chat). When the bot asks the same step again after what the person meant as an
/// answer, they sometimes repeat it as people do. Each walk prefers one menu option, so every dialog gets walks.
/// </summary>
public sealed class FuzzWalker
{
    private static readonly (string Kind, int Weight)[] Kinds =
    [
        ("valid", 40), ("wrong", 8), ("question", 10), ("language", 4), ("optout", 5), ("menu", 6), ("cancel", 3),
        ("number", 4), ("date", 3), ("emoji", 3), ("media", 3), ("empty", 2), ("greeting", 2), ("old-choice", 5),
    ];

    private readonly Random _rng;
    private readonly FuzzWalk _walk;
    private readonly FuzzPools _pools;
    private readonly string _favourite;
    private readonly List<SeenMessage> _seen = [];
    private UserAction? _previous;

    public FuzzWalker(FuzzWalk walk, FuzzPools pools, Random rng)
    {
        _walk = walk;
        _pools = pools;
        _rng = rng;
        var options = pools.Content.Menu.Options;
        _favourite = options[(int)((uint)walk.Seed % (uint)options.Count)].Value;
        AppLanguage = Pick([walk.Language, walk.Language, "en", null]);
    }

    /// <summary>The language of the person's Telegram app (the channel's hint).</summary>
    public string? AppLanguage { get; }

    private string Lang => _rng.NextDouble() < 0.85 ? _walk.Language : Other(_walk.Language);

    private static string Other(string language) => language == Language.Turkish ? Language.Arabic : Language.Turkish;

    /// <summary>What the person does next, after seeing <paramref name="replies"/>; <paramref name="stuck"/>: the dialog still waits at the step it waited at.</summary>
    public UserAction Next(int step, StateSnapshot state, IReadOnlyList<SeenMessage> replies, bool stuck)
    {
        _seen.AddRange(replies);
        UserAction action;
        if (step == 1) action = _rng.NextDouble() < 0.5 ? Greeting() : Draw(state);
        else if (stuck && _previous is { Kind: "valid" or "language" or "repeat" } && _rng.NextDouble() < 0.35) action = _previous with { Kind = "repeat" };
        else action = Draw(state);
        _previous = action;
        return action;
    }

    private UserAction Draw(StateSnapshot state)
    {
        var total = Kinds.Sum(k => k.Weight);
        var roll = _rng.Next(total);
        var kind = Kinds.First(k => (roll -= k.Weight) < 0).Kind;
        var step = CurrentStep(state);
        return kind switch
        {
            "valid" => Valid(state, step),
            "wrong" => new UserAction(kind, Pick(PoolsWrong(step))),
            "question" => new UserAction(kind, Pick(_pools.Questions[Lang])),
            "language" => new UserAction(kind, Pick(FuzzPools.LanguageWords[_rng.NextDouble() < 0.5 ? _walk.Language : Other(_walk.Language)])),
            "optout" => new UserAction(kind, Pick(FuzzPools.OptOutWords)),
            "menu" => new UserAction(kind, Pick(_pools.MenuWords[Lang].Concat(_walk.Channel == FuzzChannel.Telegram ? ["/start"] : []).ToList())),
            "cancel" => new UserAction(kind, Pick(_pools.CancelWords[Lang])),
            "number" => new UserAction(kind, Pick(FuzzPools.Numbers)),
            "date" => new UserAction(kind, Pick(FuzzPools.Dates)),
            "emoji" => new UserAction(kind, Pick(FuzzPools.Emoji)),
            "media" => new UserAction(kind, "", Media: _walk.Channel == FuzzChannel.WhatsApp ? Pick(FuzzPools.WhatsAppMedia) : "a photo"),
            "empty" => new UserAction(kind, "", Title: _walk.Channel == FuzzChannel.Telegram ? "a location" : null),
            "greeting" => Greeting(),
            "old-choice" => OldChoice() ?? Valid(state, step),
            _ => throw new InvalidOperationException(kind),
        };
    }

    private IReadOnlyList<string> PoolsWrong(DialogStep? step) => FuzzPools.Wrong[step?.Input ?? InputKind.None];

    private UserAction Greeting() => new("greeting", Pick(FuzzPools.Greetings[_walk.Language]));

    private DialogStep? CurrentStep(StateSnapshot state) =>
        state.Conversation?.Dialog is { } d ? _pools.Content.Dialogs.Find(d.Id)?.Steps.FirstOrDefault(s => s.Id == d.Step) : null;

    /// <summary>A valid answer for what the bot waits for, as this person would give it.</summary>
    private UserAction Valid(StateSnapshot state, DialogStep? step)
    {
        var choices = LastChoices();
        if (step is null)
        {
            // No dialog: a choice of the last list (often the menu; the walk's favourite option when it is there), else
            // ask for the menu or ask a question.
            if (choices.Count > 0)
            {
                var favourite = Language.All.Select(l => _pools.Content.Texts.Get(l, _pools.Content.Menu.Options.First(o => o.Value == _favourite).TextKey)).ToList();
                return Choose(choices, c => favourite.Contains(c.Title) || c.Pick == _favourite, 0.6);
            }
            return _rng.NextDouble() < 0.6
                ? new UserAction("valid", Pick(_pools.MenuWords[_walk.Language]))
                : new UserAction("valid", Pick(_pools.Questions[_walk.Language]));
        }
        var offersChoices = step.Input is InputKind.Choice or InputKind.YesNo || step.Optional;
        if (offersChoices && choices.Count > 0 && (_rng.NextDouble() < 0.6 || step.OptionsFrom is not null))
        {
            var yes = Language.All.Select(l => _pools.Content.Texts.Get(l, "dialog.yes")).ToList();
            return step.Input == InputKind.YesNo ? Choose(choices, c => yes.Contains(c.Title) || c.Pick == DialogInputs.Yes, 0.7) : Choose(choices, _ => false, 0);
        }
        var lang = Lang;
        var texts = _pools.Content.Texts;
        switch (step.Input)
        {
            case InputKind.YesNo:
                return new UserAction("valid", Pick(texts.GetList(lang, _rng.NextDouble() < 0.7 ? "dialog.words.yes" : "dialog.words.no")));
            case InputKind.Choice when step.Options.Count > 0 && step.Options.All(o => o.Value.StartsWith("lang:", StringComparison.Ordinal)) && _rng.NextDouble() < 0.5:
                // "Which language?": people answer with the language's name as they write it ("عربي", "turkce").
                var code = Pick(step.Options).Value[5..];
                return new UserAction("valid", Pick(FuzzPools.LanguageWords[code]));
            case InputKind.Choice when step.Options.Count > 0:
                var option = Pick(step.Options);
                var words = option.Words is null ? [] : texts.GetList(lang, option.Words);
                return new UserAction("valid", words.Count > 0 && _rng.NextDouble() < 0.5 ? Pick(words) : texts.Get(lang, option.Text));
            case InputKind.Choice:
                return new UserAction("valid", "1");
            case InputKind.Number or InputKind.Age:
                return new UserAction("valid", Pick(FuzzPools.Ages));
            case InputKind.Text:
                return new UserAction("valid", Pick(FuzzPools.Sentences[lang]));
            case InputKind.Centre:
                return step.Optional && _rng.NextDouble() < 0.2
                    ? new UserAction("valid", Pick(texts.GetList(lang, "dialog.words.skip")))
                    : new UserAction("valid", Pick(_pools.Cities));
            default:
                return new UserAction("valid", Pick(_pools.Questions[lang]));
        }
    }

    /// <summary>A choice of the last list or keyboard seen; <paramref name="preferred"/> ones with probability <paramref name="bias"/>.</summary>
    private UserAction Choose(IReadOnlyList<SeenChoice> choices, Func<SeenChoice, bool> preferred, double bias)
    {
        var good = choices.Where(preferred).ToList();
        var choice = good.Count > 0 && _rng.NextDouble() < bias ? Pick(good) : Pick(choices);
        return ChoiceAction("valid", choice);
    }

    private UserAction ChoiceAction(string kind, SeenChoice choice) =>
        _walk.Channel == FuzzChannel.Telegram ? new UserAction(kind, choice.Pick, Press: true, Title: choice.Title) : new UserAction(kind, choice.Pick, Title: choice.Title);

    private IReadOnlyList<SeenChoice> LastChoices() => _seen.LastOrDefault(m => m.Choices.Count > 0)?.Choices ?? [];

    /// <summary>A choice of a list or keyboard further up the chat than the last one.</summary>
    private UserAction? OldChoice()
    {
        var lists = _seen.Where(m => m.Choices.Count > 0).ToList();
        if (lists.Count < 2) return null;
        var list = lists[_rng.Next(lists.Count - 1)];
        return ChoiceAction("old-choice", Pick(list.Choices));
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];
}
