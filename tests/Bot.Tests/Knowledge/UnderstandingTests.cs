using Bot.Tests.Infrastructure;
using Bot.Web.Knowledge;
using Xunit;

namespace Bot.Tests.Knowledge;

/// <summary>
/// A message read and matched as the bot does (reader, Arabizi, BM25 and the learned signal) on the shipped content:
/// one row per behaviour of issue #16, each with messages written for this test (not from the evaluation sets).
/// </summary>
public sealed class UnderstandingTests
{
    private static readonly KnowledgeSnapshot Snapshot = KnowledgeSnapshot.Load(Repo.PathOf("localization"), DateTimeOffset.UtcNow);
    private static readonly KnowledgeOptions Options = new();

    private static Understanding Read(string text, string? previous = null) => Snapshot.Understand(text, previous, Options);

    [Theory]
    [InlineData("slm hocam iyi günler, çalışma izni için hangi evraklar lazım? Allah razı olsun", "work-permit-documents")]
    [InlineData("السلام عليكم الله يعطيكن العافية، شو الاوراق اللي لازمة لاذن العمل؟ الله يخليكن", "work-permit-documents")]
    public void Courtesy_around_a_question_does_not_outweigh_it(string text, string expected) => Assert.Equal(expected, Read(text).Main.AnswerId);

    [Theory]
    // "Without papers" (من غير / بلا / بدون اوراق) is how people say working without a permit.
    [InlineData("صاحب المحل مشغلني من غير اوراق، اذا مسكونا شو العقوبة", "work-without-permit")]
    // "ياها" (it) and "بدهن" (they want) are function words: they do not make the question resemble an out-of-scope one.
    [InlineData("شو الاوراق اللي بدهن ياها لاذن الشغل", "work-permit-documents")]
    [InlineData("شو الورقيات المطلوبة مني لاذن العمل", "work-permit-documents")]
    // A salary (راتب، معاش) for attending a course is its stipend, not the minimum wage a work permit brings.
    [InlineData("بتعطونا راتب اذا حضرنا الدورة", "course-stipend")]
    // A first-aid course is asked as an "ambulance course".
    [InlineData("عندكن دورة اسعاف", "other-trainings")]
    // Seasonal farm work named by its crop or task (harvest, hazelnuts, hoeing) is the seasonal-work exemption.
    [InlineData("dayıbaşı bizi pamuğa götürecek, izin şart mı", "work-without-permit")]
    [InlineData("بدنا نشتغل بموسم البندق، بدنا اذن عمل؟", "work-without-permit")]
    public void Spoken_forms_of_a_subject_reach_its_entry(string text, string expected) => Assert.Equal(expected, Read(text).Main.AnswerId);

    [Theory]
    [InlineData("merhaba", "greeting")]
    [InlineData("مرحبا يا شباب", "greeting")]
    [InlineData("çok teşekkürler Allah razı olsun", "thanks")]
    // Asking whether anyone is there is a greeting, not a question about a topic that happens to use "موجود" (present).
    [InlineData("selam orda kimse var mı", "greeting")]
    [InlineData("selam kimse yokmu", "greeting")]
    [InlineData("مرحبا، في حدا موجود هون؟", "greeting")]
    [InlineData("اكو احد موجود", "greeting")]
    // Thanks for the information is thanks, not a question about personal data (المعلومات).
    [InlineData("يعطيكن العافية، مشكورين عالمعلومات", "thanks")]
    [InlineData("bilgi için teşekkürler", "thanks")]
    public void A_message_of_courtesy_only_is_small_talk(string text, string expected) => Assert.Equal(expected, Read(text).Main.AnswerId);

    [Fact]
    public void Two_questions_are_both_answered_in_the_order_asked()
    {
        var read = Read("çalışma izni için hangi belgeler gerekiyor? bir de izin ne kadar süre geçerli oluyor");
        Assert.Equal(["work-permit-documents", "work-permit-duration"], read.Answers);
    }

    [Fact]
    public void A_later_question_of_the_same_message_is_read_against_the_one_before()
    {
        var read = Read("شو هو دعم الانتاج المنزلي؟ ومين بيحقلو؟");
        Assert.Equal("home-production-criteria", read.Answers[^1]);
    }

    [Theory]
    [InlineData("ne kadar?", "work-permit-apply", "work-permit-fee-support")]
    [InlineData("وين؟", "course-upcoming", "course-location-transport")]
    // A grant or stipend asked after a course answer is the course stipend; "how long until it comes out" is the duration.
    [InlineData("وفي منحة ولا لا؟", "course-eligibility", "course-stipend")]
    [InlineData("peki harçlık veriliyor mu", "course-upcoming", "course-stipend")]
    [InlineData("كم وقت ليطلع؟", "work-permit-documents", "work-permit-duration")]
    [InlineData("kaç günde çıkar", "work-permit-apply", "work-permit-duration")]
    // The verb of applying, however conjugated, is the "how" aspect.
    [InlineData("peki nereye başvuruyoruz", "home-production-criteria", "home-production-apply")]
    [InlineData("وكيف منقدم عليه؟", "home-production-what", "home-production-apply")]
    public void A_short_follow_up_is_read_against_the_previous_answer(string text, string previous, string expected) =>
        Assert.Equal(expected, Read(text, previous).Main.AnswerId);

    [Fact]
    public void Arabizi_is_matched_in_Arabic_script()
    {
        var read = Read("kif be2dar a3mel ezn 3amal?");
        Assert.Equal("work-permit-apply", read.Main.AnswerId);
        Assert.Contains(read.Questions, q => q.Contains("\u0639\u0645\u0644", StringComparison.Ordinal)); // عمل
    }

    [Fact]
    public void Danger_gets_the_protection_entry_first_whatever_else_is_asked()
    {
        var read = Read("kocam beni dövüyor, bir de kursa nasıl kayıt olurum");
        Assert.Equal("psychosocial-protection", read.Answers[0]);
    }

    [Theory]
    [InlineData("?")]
    [InlineData("ok")]
    [InlineData("تمام")]
    public void A_message_that_asks_nothing_is_not_a_question(string text) => Assert.True(Read(text).AsksNothing);

    /// <summary>
    /// A lost ID card (kimlik) is the migration office's matter: out of scope, not a choice between the work permit and
    /// Kızılaykart (whose own lost card stays Kızılaykart's). "Lost" is read in its dialect and Arabizi forms.
    /// </summary>
    [Theory]
    [InlineData("ضيعت كرت الكملك بعنتاب، شو لازم اعمل؟")]
    [InlineData("da3 kart el kimlik b 3antab shu lazem a3mel")]
    [InlineData("Antepte kimlik kartımı kaybettim ne yapmalıyım")]
    public void A_lost_kimlik_is_out_of_scope(string text)
    {
        var read = Read(text);
        Assert.Empty(read.Answers);
        Assert.True(read.Main.OutOfScope);
    }

    [Theory]
    [InlineData("انسرق كرت الهلال مني بالباص شو اعمل")]
    [InlineData("kizilay kartim calindi ne yapicam")]
    public void A_lost_or_stolen_kizilaykart_is_the_kizilaykart_entry(string text) =>
        Assert.Equal("essn-kizilaykart", Read(text).Main.AnswerId);

    [Fact]
    public void Out_of_scope_words_the_best_entry_does_not_explain_keep_a_question_out_of_scope()
    {
        var read = Read("vatandaslik icin hangi evraklar gerekiyor");
        Assert.Empty(read.Answers);
        Assert.True(read.Main.OutOfScope);
    }

    [Fact]
    public void The_learned_signal_is_trained_on_the_shipped_content_and_is_the_same_for_the_same_content()
    {
        Assert.NotNull(Snapshot.Learned);
        var again = KnowledgeSnapshot.Load(Repo.PathOf("localization"), DateTimeOffset.UtcNow);
        Assert.Same(Snapshot.Learned, again.Learned); // trained once per content in a process
        var (id, probability) = Snapshot.Learned!.Best(LearnedSignal.Key("çalışma izni harcını kim ödüyor", null));
        Assert.Equal("work-permit-fee-support", id);
        Assert.InRange(probability, 0, 1);
    }

    [Theory]
    [InlineData("çalışma izni?", "work-permit-apply")]
    [InlineData("اذن العمل؟", "work-permit-apply")]
    [InlineData("harçlık?", "course-stipend")]
    // One word is the subject's general entry even when the learned signal agrees with BM25's coin toss (dropping out).
    [InlineData("الكورس", "course-upcoming")]
    public void A_short_message_gets_the_most_general_entry_of_its_subject(string text, string expected) =>
        Assert.Equal(expected, Read(text).Main.AnswerId);

    [Theory]
    // A subject and one of its aspects, without an answer before: read as that aspect's follow-up to the subject
    // ("مدته" also ends an out-of-scope phrasing about an expired card, which made this out of scope).
    [InlineData("الكورس شو مدته", "course-schedule")]
    [InlineData("مدة الكورس", "course-schedule")]
    public void A_short_question_naming_a_subject_and_an_aspect_gets_that_aspect_of_the_subject(string text, string expected) =>
        Assert.Equal(expected, Read(text).Main.AnswerId);
}
