using Bot.Tests.Infrastructure;
using Bot.Web.Cli;
using Bot.Web.DialogRuntime;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Xunit;

namespace Bot.Tests.Dialogs;

public sealed class DialogLoadingTests
{
    private static readonly TextCatalog Texts = TextCatalog.Load(Repo.PathOf("localization"));

    [Fact]
    public void The_shipped_dialogs_load_without_problems()
    {
        var (set, problems) = DialogSet.Check(Repo.PathOf("dialogs"), Texts);
        Assert.Empty(problems);
        Assert.Equal(["eligibility", "feedback", "handover", "my-data", "subscribe", "welcome", "work-permit"], set.All.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string, string> BrokenDialogs => new()
    {
        // row, dialog YAML, expected message
        { "unknown step", "id: d\nsteps:\n  - { id: a, say: dialog.left, next: nowhere }\n", "step 'a': goes to unknown step 'nowhere'" },
        { "unknown branch target", "id: d\nsteps:\n  - { id: a, prompt: dialog.left, input: yesno, save: x, branches: [ { when: { x: \"yes\" }, next: b } ] }\n", "goes to unknown step 'b'" },
        { "missing text key", "id: d\nsteps:\n  - { id: a, say: no.such.key }\n", "text key 'no.such.key' is missing in localization/*.tr.yaml" },
        { "missing text key in one language", "id: d\nsteps:\n  - { id: a, say: dialog.left }\n  - { id: b, say: only.turkish }\n", "text key 'only.turkish' is missing in localization/*.ar.yaml" },
        { "unreachable step", "id: d\nsteps:\n  - { id: a, say: dialog.left, next: end }\n  - { id: b, say: dialog.left }\n", "step 'b' cannot be reached" },
        { "unknown action", "id: d\nsteps:\n  - { id: a, actions: [launch-rocket] }\n", "unknown action 'launch-rocket'" },
        { "unknown input", "id: d\nsteps:\n  - { id: a, prompt: dialog.left, input: telepathy, save: x }\n", "unknown input 'telepathy'" },
        { "choice without options", "id: d\nsteps:\n  - { id: a, prompt: dialog.left, input: choice, save: x }\n", "a choice needs options or options_from" },
        { "input without save", "id: d\nsteps:\n  - { id: a, prompt: dialog.left, input: yesno }\n", "an input needs 'save'" },
        { "unknown dialog started", "id: d\nsteps:\n  - { id: a, actions: [\"start-dialog:nothing\"] }\n", "start-dialog names unknown dialog 'nothing'" },
        { "invalid YAML", "id: d\nsteps: [ { id: a\n", "invalid YAML" },
        { "age without a range", "id: d\nsteps:\n  - { id: a, prompt: dialog.left, input: age, save: x }\n", "an age needs min and max" },
        { "strict outside choice and yes/no", "id: d\nsteps:\n  - { id: a, prompt: dialog.left, input: text, strict: true, save: x }\n", "strict is only for choice and yesno steps" },
        { "duration rule outside yes/no", "id: d\nsteps:\n  - { id: a, prompt: dialog.left, input: number, yes_from_months: 6, save: x }\n", "yes_from_months is only for yesno steps" },
    };

    [Theory]
    [MemberData(nameof(BrokenDialogs))]
    public void A_broken_dialog_is_reported_with_a_clear_message(string row, string yaml, string message)
    {
        using var root = new TempFolder();
        Repo.CopyContentTo(root.Path);
        File.AppendAllText(Path.Combine(root.Path, "localization", "dialogs.tr.yaml"), "only:\n  turkish: Yalnızca Türkçe\n");
        File.WriteAllText(Path.Combine(root.Path, "dialogs", "broken.yaml"), yaml);
        var texts = TextCatalog.Load(Path.Combine(root.Path, "localization"));
        var (_, problems) = DialogSet.Check(Path.Combine(root.Path, "dialogs"), texts);
        Assert.True(problems.Any(p => p.Contains(message, StringComparison.Ordinal)), $"{row}: {string.Join(" / ", problems)}");

        // The same problems stop `kb lint` and the app's start.
        var stderr = new StringWriter();
        Assert.Equal(1, KbCommands.Lint(new ContentPaths(root.Path), new StringWriter(), stderr));
        Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => DialogSet.Load(Path.Combine(root.Path, "dialogs"), texts));
    }

    [Fact]
    public void A_dialog_showing_an_unknown_knowledge_entry_fails_kb_lint()
    {
        using var root = new TempFolder();
        Repo.CopyContentTo(root.Path);
        File.WriteAllText(Path.Combine(root.Path, "dialogs", "extra.yaml"), "id: extra\nsteps:\n  - { id: a, actions: [\"show-entry:no-such-entry\"] }\n");
        var stderr = new StringWriter();
        Assert.Equal(1, KbCommands.Lint(new ContentPaths(root.Path), new StringWriter(), stderr));
        Assert.Contains("show-entry names unknown knowledge entry 'no-such-entry'", stderr.ToString(), StringComparison.Ordinal);
    }
}

public sealed class DialogInputTests
{
    private static readonly BotContent Content = BotContent.Load(new ContentPaths(Repo.Root));
    private static readonly DialogInputs Inputs = new(Content,
        new CentreDirectory(CentreDirectory.Load(Repo.PathOf("localization"), new Dictionary<string, CentreContact>())), TimeProvider.System);

    [Theory]
    [InlineData("35", "tr", 35)]
    [InlineData("٣٥", "ar", 35)] // Arabic-Indic
    [InlineData("۳۵", "ar", 35)] // Extended Arabic-Indic
    [InlineData("otuz beş", "tr", 35)]
    [InlineData("35 yaşındayım", "tr", 35)]
    [InlineData("yirmi iki", "tr", 22)]
    [InlineData("عمري 35 سنة", "ar", 35)]
    [InlineData("عمري ٤٢ سنة", "ar", 42)]
    [InlineData("خمسة وثلاثين", "ar", 35)]
    [InlineData("عمري واحد وعشرين", "ar", 21)]
    [InlineData("خمس و تلاتين", "ar", 35)]
    [InlineData("عمري اربعطعش سنة", "ar", 14)]
    [InlineData("عشرين", "ar", 20)]
    [InlineData("thirty five", "tr", 35)]
    [InlineData("bilmiyorum", "tr", null)]
    public void Ages_are_read_in_digits_of_any_script_and_in_words(string text, string language, int? expected) =>
        Assert.Equal(expected, Inputs.Number(text, language));

    [Theory]
    [InlineData("Şanlıurfa", "sanliurfa")]
    [InlineData("sanliurfa", "sanliurfa")]
    [InlineData("Urfa", "sanliurfa")]
    [InlineData("أورفا", "sanliurfa")]
    [InlineData("Antep", "gaziantep")]
    [InlineData("عنتاب", "gaziantep")]
    [InlineData("Maraş", "kahramanmaras")]
    [InlineData("İstanbul Anadolu yakası", "istanbul-anadolu")]
    [InlineData("avrupa yakasi", "istanbul-avrupa")]
    [InlineData("Ankara'dayım", "ankara")]
    public void Centres_are_matched_tolerantly(string text, string centre) =>
        Assert.Equal(centre, Inputs.Recognize(Step(InputKind.Centre), [], text, "tr")?.Value);

    [Theory]
    [InlineData("evet", "yes")]
    [InlineData("EVET", "yes")]
    [InlineData("tamam", "yes")]
    [InlineData("نعم", "yes")]
    [InlineData("ايوا", "yes")]
    [InlineData("hayir", "no")]
    [InlineData("لا", "no")]
    [InlineData("belki", null)]
    public void Yes_and_no_are_read_from_the_localized_lists(string text, string? expected) =>
        Assert.Equal(expected, Inputs.Recognize(Step(InputKind.YesNo), [], text, "tr")?.Value);

    [Fact]
    public void A_number_outside_the_allowed_range_is_not_an_answer()
    {
        var step = Step(InputKind.Number) with { Min = 10, Max = 99 };
        Assert.Null(Inputs.Recognize(step, [], "250", "tr"));
        Assert.Equal("42", Inputs.Recognize(step, [], "٤٢", "ar")?.Value);
    }

    private static DialogStep Step(InputKind input) =>
        new("s", new Dictionary<string, string>(), [], [], "dialog.left", input, [], null, false, null, null, 1000, null, 2, "x", [], null);
}
