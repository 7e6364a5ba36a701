using Bot.Tests.Infrastructure;
using Bot.Web.Knowledge;
using Xunit;

namespace Bot.Tests.Knowledge;

public sealed class KnowledgeFixture : IDisposable
{
    public KnowledgeSnapshot Snapshot { get; } = KnowledgeSnapshot.Load(Repo.PathOf("localization"), DateTimeOffset.UnixEpoch);
    public KnowledgeOptions Options { get; } = new();

    public MatchResult Match(string text) => Snapshot.Index.Match(text, Options);

    public void Dispose() => Snapshot.Dispose();
}

public sealed class MatcherTests(KnowledgeFixture kb) : IClassFixture<KnowledgeFixture>
{
    private const string Abstain = "(abstain)";
    private const string NotAnswered = "(not answered)";

    /// <summary>Phrasing → the entry the bot answers with, or abstains / does not answer. Not copied from any evaluation set.</summary>
    public static TheoryData<string, string> Rows => new()
    {
        // Turkish, with and without Turkish letters, upper case with dotted İ, apostrophe suffixes
        { "çalışma izni için hangi belgeler gerekiyor", "work-permit-documents" },
        { "calisma izni icin hangi belgeler gerekiyor", "work-permit-documents" },
        { "ÇALIŞMA İZNİ İÇİN HANGİ BELGELER GEREKİYOR", "work-permit-documents" },
        { "Kızılaykart'a nasıl başvuru yapılır", "essn-kizilaykart" },
        { "kizilaykart basvurusu nasil yapilir", "essn-kizilaykart" },
        { "türkçe kursu açılacak mı", "turkish-courses" },
        { "turkce kursu acilacak mi", "turkish-courses" },
        { "merhaba", "greeting" },
        { "çok teşekkür ederim", "thanks" },
        { "acil durumda hangi numarayı aramalıyım", "emergency-numbers" },
        // Arabic: hamza/alef forms, taa marbuta, diacritics and tatweel, Syrian dialect, Turkish words
        { "ما هي الأوراق المطلوبة لإذن العمل", "work-permit-documents" },
        { "ما هي الاوراق المطلوبه لاذن العمل", "work-permit-documents" },
        { "مَا هِيَ الأوراقُ المطلوبــــة لإذنِ العمل", "work-permit-documents" },
        { "في دورات لغة تركية", "turkish-courses" },
        { "مرحبا", "greeting" },
        { "شكرا كتير", "thanks" },
        // Out of scope
        { "Almanya vizesi için konsolosluktan randevu nasıl alınır", NotAnswered },
        { "bugün hava yağmurlu mu olacak", NotAnswered },
        { "كيف بجدد جواز السفر السوري بالقنصلية", NotAnswered },
        { "asdfgh qwerty", Abstain },
        { "", Abstain },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Matches_a_phrasing_to_the_expected_entry(string text, string expected)
    {
        var result = kb.Match(text);
        switch (expected)
        {
            case Abstain:
                Assert.Equal(MatchKind.Abstain, result.Kind);
                break;
            case NotAnswered:
                Assert.NotEqual(MatchKind.Answer, result.Kind);
                break;
            default:
                Assert.True(result.Kind == MatchKind.Answer && result.AnswerId == expected,
                    $"'{text}': {result.Kind} {result.AnswerId} [{string.Join(", ", result.Ranked.Select(c => $"{c.Id}:{c.Confidence}"))}]");
                Assert.InRange(result.Confidence, 0, 1);
                break;
        }
    }

    [Theory]
    [InlineData("ابني بيقدر يفوت على الجامعة", "higher-education")]
    [InlineData("بنتي بتقدر تكمل جامعة هون", "higher-education")]
    [InlineData("ابني بيقدر يفوت عالجامعة", "higher-education")]
    public void An_entry_that_accounts_for_the_question_beats_one_that_only_shares_a_common_word_with_it(string text, string expected)
    {
        // BM25 puts first the entry with a phrasing sharing "بيقدر" (can); the question is about university.
        var result = kb.Snapshot.Understand(text, null, kb.Options);
        Assert.Equal([expected], result.Answers);
    }

    [Theory]
    [InlineData("ne kadar sürer")]
    public void A_question_that_fits_several_entries_equally_is_not_answered(string text)
    {
        // The course, the work permit and the stipend all have a duration: the best-worded one is no answer.
        var result = kb.Match(text);
        Assert.NotEqual(MatchKind.Answer, result.Kind);
    }

    [Fact]
    public void A_rare_shared_word_does_not_put_first_an_entry_that_leaves_more_of_the_question_out()
    {
        // "نلاقي" (we find) is rare and one sales phrasing has it; the entry about finding work covers the question.
        var result = kb.Snapshot.Understand("خلصت الكورس، بتعطوني شهادة؟ وكمان بتساعدونا نلاقي شغل؟", null, kb.Options);
        Assert.Equal(["course-certificate", "course-job-placement"], result.Answers);
    }

    [Theory]
    [InlineData("كيف بسجل بنتي بالمدرسة الابتدائية هون")]
    [InlineData("بدي سجل ابني بالمدرسة وعمره 8 سنين")]
    [InlineData("kızımı okula nasıl kaydettiririm, 7 yaşında")]
    public void A_question_about_school_in_general_is_not_answered_with_the_vocational_high_school(string text)
    {
        // The vocational-high-school entry shares "register my son at a school" with primary-school enrolment (out of
        // scope); it requires a vocational school, an apprenticeship or an internship to be named.
        var result = kb.Snapshot.Understand(text, null, kb.Options);
        Assert.DoesNotContain("vocational-high-school", result.Answers);
    }

    [Theory]
    [InlineData("كيف بسجل ابني بثانوية صناعية")]
    [InlineData("بنتي بالمدرسة المهنية وما عم تلاقي ستاج")]
    [InlineData("oğlumu meslek lisesine nasıl kaydettiririm")]
    [InlineData("okuldan staj yapıyor ama para vermiyorlar")]
    public void A_question_naming_a_vocational_school_or_an_internship_is_answered_with_it(string text) =>
        Assert.Equal(["vocational-high-school"], kb.Snapshot.Understand(text, null, kb.Options).Answers);

    [Fact]
    public void Every_phrasing_of_an_entry_with_required_words_uses_one_of_them()
    {
        // Otherwise the entry's own phrasing could never be answered with it (see KbEntry.Requires).
        var entries = kb.Snapshot.Knowledge.Entries.Where(e => e.Requires.Count > 0).ToList();
        Assert.NotEmpty(entries);
        var misfits = entries.SelectMany(e => e.Texts.Values.SelectMany(t => t.Questions.Prepend(t.Title))
            .Where(q => !kb.Snapshot.Index.Fits(e.Id, q)).Select(q => $"{e.Id}: {q}")).ToList();
        Assert.Empty(misfits);
    }

    [Fact]
    public void Arabic_Indic_and_Persian_digits_match_ASCII_digits() =>
        Assert.Equal(TextAnalysis.NormalizeText("عمري 35 و 12"), TextAnalysis.NormalizeText("عمري ٣٥ و ۱۲"));

    [Fact]
    public void A_very_long_message_is_matched_without_error()
    {
        var result = kb.Match(string.Concat(Enumerable.Repeat("çalışma izni belge ", 400)));
        Assert.InRange(result.Confidence, 0, 1);
    }
}

public sealed class TextAnalysisTests : IDisposable
{
    private readonly TextAnalysis _analysis = TextAnalysis.Load(Repo.PathOf("localization"));

    private string[] Terms(string field, string text) =>
        TextAnalysis.Terms(_analysis.IndexAnalyzer, field, TextAnalysis.NormalizeText(text)).Select(t => t.Term).ToArray();

    [Fact]
    public void Turkish_lower_cases_dotted_and_dotless_I_and_drops_apostrophe_suffixes()
    {
        Assert.Equal(["istanbul"], Terms(TextAnalysis.Turkish, "İSTANBUL'da"));
        Assert.Equal(Terms(TextAnalysis.Turkish, "ışık"), Terms(TextAnalysis.Turkish, "IŞIK"));
    }

    [Fact]
    public void Folded_Turkish_matches_text_written_without_Turkish_letters() =>
        Assert.Equal(Terms(TextAnalysis.TurkishFolded, "çalışma iznine başvuru"), Terms(TextAnalysis.TurkishFolded, "calisma iznine basvuru"));

    [Theory]
    [InlineData("إذن", "اذن")]
    [InlineData("أذن", "اذن")]
    [InlineData("المطلوبة", "المطلوبه")]
    [InlineData("مُسْتَنَدَات", "مستندات")]
    [InlineData("الـــعمل", "العمل")]
    [InlineData("الى", "الي")]
    public void Arabic_spelling_variants_are_normalised(string a, string b) =>
        Assert.Equal(Terms(TextAnalysis.Arabic, b), Terms(TextAnalysis.Arabic, a));

    [Theory]
    [InlineData("cal\u200Disma izni")]
    [InlineData("calis\u200Bma\u200F izni")]
    [InlineData("\u2067calisma izni\u2069")]
    [InlineData("calisma\u200Fizni")]
    public void Zero_width_characters_and_direction_marks_neither_split_nor_join_words(string text) =>
        Assert.Equal(Terms(TextAnalysis.TurkishFolded, "calisma izni"), Terms(TextAnalysis.TurkishFolded, text));

    [Theory]
    [InlineData("عالجامعة", "الجامعة")]
    [InlineData("عالكرت", "الكرت")]
    [InlineData("عالمركز", "المركز")]
    public void The_spoken_contraction_of_on_the_reads_as_the_article(string spoken, string written) =>
        Assert.Equal(Terms(TextAnalysis.Arabic, written), Terms(TextAnalysis.Arabic, spoken));

    [Theory]
    [InlineData("عالم")]
    [InlineData("عالي")]
    [InlineData("عالية")]
    public void Words_that_only_begin_like_the_contraction_stay_as_written(string word) =>
        Assert.NotEqual(Terms(TextAnalysis.Arabic, word[1..]), Terms(TextAnalysis.Arabic, word));

    [Fact]
    public void Synonyms_are_added_to_questions_not_to_the_index()
    {
        var query = TextAnalysis.Terms(_analysis.QueryAnalyzer, TextAnalysis.Arabic, "كملك").Select(t => t.Term).ToList();
        Assert.True(query.Count > 1, "كملك should expand to its synonyms");
        Assert.Single(Terms(TextAnalysis.Arabic, "كملك"));
    }

    public void Dispose() => _analysis.Dispose();
}
