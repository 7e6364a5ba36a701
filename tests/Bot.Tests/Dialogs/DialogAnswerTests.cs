using Bot.Tests.Infrastructure;
using Bot.Web.DialogRuntime;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Xunit;

namespace Bot.Tests.Dialogs;

/// <summary>
/// Answers written the way people write them (issue #17, "no dead ends"): ages as dates or years of birth, statuses with
/// suffixes or in dialect, yes/no inside a sentence, durations at the six-months question, "all" at the topic step.
/// The clock is fixed at 15 June 2026.
/// </summary>
public sealed class DialogAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly BotContent Content = BotContent.Load(new ContentPaths(Repo.Root));
    private static readonly DialogSet Dialogs = DialogSet.Load(Repo.PathOf("dialogs"), Content.Texts);
    private static readonly DialogInputs Inputs = new(Content,
        new CentreDirectory(CentreDirectory.Load(Repo.PathOf("localization"), new Dictionary<string, CentreContact>())), new FixedClock(Now));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    // ---- Ages ----

    [Theory]
    // dates of birth: day first, in any separator, month names in Turkish and Arabic, Arabic-Indic digits
    [InlineData("12.03.1990", "tr", 36, 1990)]
    [InlineData("12/3/1990", "tr", 36, 1990)]
    [InlineData("1990-03-12", "tr", 36, 1990)]
    [InlineData("12-03-1990", "tr", 36, 1990)]
    [InlineData("12 Mart 1990", "tr", 36, 1990)]
    [InlineData("12 mart 1990 doğumluyum", "tr", 36, 1990)]
    [InlineData("20.11.1990", "tr", 35, 1990)] // the birthday is later in the year
    [InlineData("15.06.1990", "tr", 36, 1990)] // today is the birthday
    [InlineData("١٢/٣/١٩٩٠", "ar", 36, 1990)]
    [InlineData("12 آذار 1990", "ar", 36, 1990)]
    [InlineData("١٢ آذار ١٩٩٠", "ar", 36, 1990)]
    [InlineData("12 مارس 1990", "ar", 36, 1990)]
    [InlineData("مواليد 20 تشرين الثاني 1990", "ar", 35, 1990)]
    [InlineData("مواليد 5 كانون الثاني 1990", "ar", 36, 1990)]
    // years of birth; two digits only next to a word that says it is a year of birth
    [InlineData("1990", "tr", 36, 1990)]
    [InlineData("1990 doğumluyum", "tr", 36, 1990)]
    [InlineData("1990 yılında doğdum", "tr", 36, 1990)]
    [InlineData("90 doğumluyum", "tr", 36, 1990)]
    [InlineData("مواليد ٩٠", "ar", 36, 1990)]
    [InlineData("مواليد 2005", "ar", 21, 2005)]
    [InlineData("انا من مواليد ٨٥", "ar", 41, 1985)]
    [InlineData("تولد 2001", "ar", 25, 2001)]
    [InlineData("2014", "tr", 12, 2014)] // 12 is allowed (min 10)
    // ages in digits and words; the year of birth from the age
    [InlineData("35", "tr", 35, 1991)]
    [InlineData("12", "tr", 12, 2014)] // a bare 12 is an age, not a day
    [InlineData("90", "tr", 90, 1936)] // two digits without a birth word: an age
    [InlineData("otuz beş", "tr", 35, 1991)]
    [InlineData("35 yaşındayım", "tr", 35, 1991)]
    [InlineData("yirmi iki", "tr", 22, 2004)] // the DateTime model reads it as a time (20:02): not taken
    [InlineData("خمس و تلاتين", "ar", 35, 1991)]
    [InlineData("عمري ٣٥", "ar", 35, 1991)]
    [InlineData("عمري 35 سنة", "ar", 35, 1991)]
    [InlineData("٤٢", "ar", 42, 1984)]
    public void An_age_is_read_from_an_age_a_date_or_a_year_of_birth(string text, string language, int age, int birthYear)
    {
        var answer = Inputs.Recognize(AgeStep(), [], text, language);
        Assert.NotNull(answer);
        Assert.Equal(age.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Value);
        Assert.Equal(birthYear.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.More?[DialogInputs.BirthYear]);
    }

    [Theory]
    [InlineData("1800", "tr")] // 226 years old
    [InlineData("05.07.2030", "tr")] // in the future
    [InlineData("16.06.2026", "tr")] // tomorrow
    [InlineData("2020", "tr")] // 6: below the minimum
    [InlineData("150", "tr")]
    [InlineData("5", "tr")]
    [InlineData("12 Mart", "tr")] // a day without a year is not an age (not 12)
    [InlineData("12 آذار", "ar")]
    [InlineData("bilmiyorum", "tr")]
    [InlineData("ما بعرف", "ar")]
    public void An_impossible_or_unclear_age_is_not_an_answer(string text, string language) =>
        Assert.Null(Inputs.Recognize(AgeStep(), [], text, language));

    [Fact]
    public void The_eligibility_age_step_reads_dates_and_keeps_the_year_of_birth()
    {
        var step = Dialogs.Get("eligibility").Step("age");
        Assert.Equal(InputKind.Age, step.Input);
        var answer = Inputs.Recognize(step, [], "12.03.1990", "tr");
        Assert.Equal("36", answer?.Value);
        Assert.Equal("1990", answer?.More?[DialogInputs.BirthYear]);
    }

    // ---- Choices ----

    [Theory]
    [InlineData("Suriyeliyim", "temporary-protection")]
    [InlineData("suriyeliyim", "temporary-protection")]
    [InlineData("kimliğim var", "temporary-protection")]
    [InlineData("KIMLIGIM VAR", "temporary-protection")]
    [InlineData("geçici korumadayım", "temporary-protection")]
    [InlineData("gecici korumaliyim", "temporary-protection")]
    [InlineData("Suriye'den geldim", "temporary-protection")]
    [InlineData("ikametim var", "residence-permit")]
    [InlineData("ikametliyim", "residence-permit")]
    [InlineData("oturum iznim var", "residence-permit")]
    [InlineData("mülteciyim", "international-protection")]
    [InlineData("şartlı mülteci", "international-protection")]
    [InlineData("türk vatandaşıyım", "citizen")]
    [InlineData("TC vatandaşıyım", "citizen")]
    [InlineData("kimliğim yok ama ikametim var", "residence-permit")] // a negated status does not count
    [InlineData("عندي ikamet", "residence-permit")]
    [InlineData("معي كملك", "temporary-protection")]
    [InlineData("بالكملك", "temporary-protection")]
    [InlineData("انا سوري", "temporary-protection")]
    [InlineData("سورية", "temporary-protection")]
    [InlineData("نحن سوريين", "temporary-protection")]
    [InlineData("لاجئ", "international-protection")]
    [InlineData("لاجئة", "international-protection")]
    [InlineData("لاجئ سوري", "temporary-protection")] // the longer name decides
    [InlineData("عندي إقامة", "residence-permit")]
    [InlineData("إقامتي سياحية", "residence-permit")]
    [InlineData("معي اقامه", "residence-permit")]
    [InlineData("اكاميت", "residence-permit")]
    [InlineData("معي الجنسية التركية", "citizen")]
    [InlineData("2", "international-protection")]
    [InlineData("٣", "residence-permit")]
    public void A_status_is_recognised_inside_a_short_answer_with_suffixes_or_dialect(string text, string status) =>
        Assert.Equal(status, Inputs.Recognize(StatusStep(), Options(StatusStep(), "tr"), text, "tr")?.Value);

    [Theory]
    [InlineData("kimlik ikamet")] // two different options: ask again
    [InlineData("سوري معي اقامة")]
    [InlineData("kimliksiz")] // "without an ID" is not an ID
    [InlineData("ما معي كملك")]
    [InlineData("merhaba")]
    [InlineData("5")]
    [InlineData("kimliğim var, çalışma izni için ne lazım?")] // a question: left to the runner
    public void Two_options_a_negation_or_a_question_are_not_a_choice(string text) =>
        Assert.Null(Inputs.Recognize(StatusStep(), Options(StatusStep(), "tr"), text, "tr"));

    [Theory]
    [InlineData("hepsi")]
    [InlineData("Hepsi")]
    [InlineData("hepsini")]
    [InlineData("tümü")]
    [InlineData("hepsi olur")]
    [InlineData("hepsini istiyorum")]
    [InlineData("كل شي")]
    [InlineData("كلهم")]
    [InlineData("الكل")]
    [InlineData("جميع")]
    [InlineData("بدي كلها")]
    [InlineData("9")]
    public void All_topics_are_picked_by_all_in_either_language(string text)
    {
        var step = Dialogs.Get("subscribe").Step("topic");
        Assert.Equal("all", Inputs.Recognize(step, Options(step, "ar"), text, "ar")?.Value);
    }

    [Fact]
    public void A_name_inside_a_longer_name_of_another_option_does_not_block_it()
    {
        var step = Dialogs.Get("subscribe").Step("manage");
        Assert.Equal("remove-all", Inputs.Recognize(step, Options(step, "tr"), "tüm aboneliklerimi bırak", "tr")?.Value);
        Assert.Equal("remove-one", Inputs.Recognize(step, Options(step, "tr"), "bir aboneliği bırak", "tr")?.Value);
    }

    // ---- Yes / no ----

    [Theory]
    [InlineData("evet", "yes")]
    [InlineData("evet var", "yes")]
    [InlineData("var", "yes")]
    [InlineData("he", "yes")]
    [InlineData("tabii ki", "yes")]
    [InlineData("evet aynı ilde", "yes")]
    [InlineData("kimliğim var", "yes")]
    [InlineData("işverenim var", "yes")]
    [InlineData("yok", "no")]
    [InlineData("yok sağol", "no")]
    [InlineData("hayır yok", "no")]
    [InlineData("işverenim yok", "no")]
    [InlineData("henüz değil", "no")]
    [InlineData("اي", "yes")]
    [InlineData("ايوا", "yes")]
    [InlineData("اكيد", "yes")]
    [InlineData("اي والله", "yes")]
    [InlineData("عندي", "yes")]
    [InlineData("اي عندي", "yes")]
    [InlineData("لا والله", "no")]
    [InlineData("مو", "no")]
    [InlineData("ما عندي", "no")]
    [InlineData("لا ما عندي", "no")]
    [InlineData("لسا", "no")]
    [InlineData("evet ama işverenim yok", null)] // starts yes, ends no: ask again
    [InlineData("belki", null)]
    [InlineData("evet ama çalışma izni nasıl alınır?", null)] // a question
    [InlineData("2 yıldır kayıtlıyım", null)] // a duration means nothing where the step does not ask how long
    public void Yes_and_no_are_read_from_dialect_words_and_short_sentences(string text, string? expected) =>
        Assert.Equal(expected, Inputs.Recognize(YesNoStep(), [], text, "tr")?.Value);

    [Theory]
    [InlineData("evet", "yes")]
    [InlineData("نعم", "yes")]
    [InlineData("hayır", "no")]
    [InlineData("Türkçe kursu var", null)] // a question without its mark, not consent
    [InlineData("عندي سؤال", null)] // "I have a question"
    [InlineData("evet ama önce bir sorum var", null)]
    public void Consent_is_only_a_plain_yes_or_no(string text, string? expected)
    {
        var step = Dialogs.Get("welcome").Step("consent");
        Assert.True(step.Strict);
        Assert.Equal(expected, Inputs.Recognize(step, [], text, "tr")?.Value);
    }

    [Theory]
    [InlineData("2 yıldır kayıtlıyım", "yes")]
    [InlineData("iki senedir", "yes")]
    [InlineData("bir buçuk yıl", "yes")]
    [InlineData("6 aydır", "yes")]
    [InlineData("1 yıl oldu", "yes")]
    [InlineData("2020'de kayıt oldum", "yes")]
    [InlineData("3 ay önce kayıt oldum", "no")]
    [InlineData("5 ay", "no")]
    [InlineData("3 ay oldu", "no")] // "oldu" ends it, but the duration decides
    [InlineData("سجلت من سنتين", "yes")]
    [InlineData("صرلي سنة ونص", "yes")]
    [InlineData("من 8 شهور", "yes")]
    [InlineData("من ٣ شهور", "no")]
    [InlineData("من شهرين", "no")]
    [InlineData("evet", "yes")]
    [InlineData("لا", "no")]
    [InlineData("evet 3 ay", null)] // says yes, but 3 months is not 6: ask again
    public void At_the_six_months_question_a_duration_decides(string text, string? expected)
    {
        var step = Dialogs.Get("work-permit").Step("six_months");
        Assert.Equal(6, step.YesFromMonths);
        Assert.Equal(expected, Inputs.Recognize(step, [], text, "tr")?.Value);
    }

    // ---- Words ----

    [Theory]
    [InlineData("kimligim", "kimlik", true)]
    [InlineData("kimlikli", "kimlik", true)]
    [InlineData("kimliksiz", "kimlik", false)]
    [InlineData("suriyeliyim", "suriyeli", true)]
    [InlineData("korumadayim", "koruma", true)]
    [InlineData("vatandasiyim", "vatandasi", true)]
    [InlineData("ikametgah", "ikamet", false)]
    [InlineData("tc", "tc", true)]
    [InlineData("tcyim", "tc", false)] // two letters: exactly only
    [InlineData("\u0628\u0627\u0644\u0643\u0645\u0644\u0643", "\u0643\u0645\u0644\u0643", true)] // bi-l-kimlik
    [InlineData("\u0648\u0627\u0644\u0627\u0642\u0627\u0645\u0647", "\u0627\u0642\u0627\u0645\u0647", true)] // wa-l-iqama
    [InlineData("\u0627\u0642\u0627\u0645\u062A\u064A", "\u0627\u0642\u0627\u0645\u0647", true)] // iqamati
    [InlineData("\u0633\u0648\u0631\u064A\u064A\u0646", "\u0633\u0648\u0631\u064A", true)] // suriyyin
    [InlineData("\u0633\u0648\u0631\u064A\u0627", "\u0633\u0648\u0631\u064A", false)] // suriya (the country) is its own word
    public void Words_match_with_Turkish_suffixes_and_Arabic_clitics(string token, string word, bool matches) =>
        Assert.Equal(matches, AnswerWords.Matches(token, word));

    [Fact]
    public void Month_lists_name_twelve_months_in_every_language()
    {
        foreach (var language in Language.All) Assert.Equal(12, Content.Texts.GetList(language, "dialog.words.months").Count);
    }

    [Theory]
    [InlineData("dialog.retry.choice", "1")]
    [InlineData("dialog.retry.age", "12.03.1990")]
    [InlineData("dialog.retry.number", "35")]
    [InlineData("dialog.retry.centre", "Gaziantep")]
    public void Retry_texts_name_the_accepted_forms(string key, string example)
    {
        Assert.Contains(example, Content.Texts.Get("tr", key), StringComparison.Ordinal);
        Assert.Contains(key == "dialog.retry.centre" ? "\u0639\u0646\u062A\u0627\u0628" : example, Content.Texts.Get("ar", key), StringComparison.Ordinal);
    }

    private static DialogStep StatusStep() => Dialogs.Get("eligibility").Step("status");

    private static List<(string Value, string Label)> Options(DialogStep step, string language) =>
        step.Options.Select(o => (o.Value, Content.Texts.Get(language, o.Text))).ToList();

    private static DialogStep AgeStep() =>
        new("s", new Dictionary<string, string>(), [], [], "dialog.left", InputKind.Age, [], null, false, 10, 99, 1000, null, 2, "age", [], null);

    private static DialogStep YesNoStep() =>
        new("s", new Dictionary<string, string>(), [], [], "dialog.left", InputKind.YesNo, [], null, false, null, null, 1000, null, 2, "x", [], null);
}
