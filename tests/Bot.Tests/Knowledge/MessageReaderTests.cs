using Bot.Tests.Infrastructure;
using Bot.Web.Knowledge;
using Xunit;

namespace Bot.Tests.Knowledge;

/// <summary>The steps that read a message before matching, each a pure function of the text (localization/understanding.yaml).</summary>
public sealed class MessageReaderTests
{
    private static readonly MessageReader Reader = MessageReader.Load(Repo.PathOf("localization"));

    public static TheoryData<string, string[]> QuestionRows => new()
    {
        // Courtesy around one question is removed, in both languages and their dialect forms.
        { "İyi günler, rahatsız ediyorum ama sorum şu: kurs ne zaman başlıyor? Allah razı olsun", ["kurs ne zaman başlıyor"] },
        { "slm hocam kurs harcligi ne zmn yatiyo tsk", ["kurs harcligi ne zmn yatiyo"] },
        { "مرحبا يعطيكن العافية، سؤالي: كيف بسجل عالكورس؟ الله يخليكن", ["كيف بسجل عالكورس"] },
        { "السلام عليكم ورحمة الله وبركاته اخي بدي اسأل عن اذن العمل وشكرا", ["عن اذن العمل"] },
        // Two questions are cut at a question mark or at a word that starts another question.
        { "kursa kimler katılabilir, bir de harçlık var mı", ["kursa kimler katılabilir,", "harçlık var mı"] },
        { "كيف بسجل عالكورس، وكمان في راتب؟", ["كيف بسجل عالكورس،", "في راتب"] },
        { "Çalışma izni kaç lira? Kimler başvurabilir?", ["Çalışma izni kaç lira", "Kimler başvurabilir"] },
        // "and" + a question word starts another question after one of three words or more; وين is never cut.
        { "kurs günde kaç saat sürüyor ve nerede yapılıyor", ["kurs günde kaç saat sürüyor", "nerede yapılıyor"] },
        { "كيف بسجل على الدورة وقديش المنحة", ["كيف بسجل على الدورة", "وقديش المنحة"] },
        { "ساكنة بعنتاب وين المركز", ["ساكنة بعنتاب وين المركز"] },
        { "nerede ve ne zaman", ["nerede ve ne zaman"] },
        // A message of courtesy only has no question.
        { "merhaba", [] },
        // The question particle written joined ("varmı", "katılabilirmiyim") is read as written apart; the text stays as written.
        { "iyi akşamlar kimse varmı", [] },
        { "kursa katilabilirmiyim, bir de harçlık varmı", ["kursa katilabilirmiyim,", "harçlık varmı"] },
        { "شكرا كتير الله يعطيكن العافية", [] },
        // Words are kept whole: "as" is removed, "astım" is not; "Antep'te" keeps its suffix in the text.
        { "astım için Antep'te kurs var mı", ["astım için Antep'te kurs var mı"] },
    };

    [Theory]
    [MemberData(nameof(QuestionRows))]
    public void A_message_is_cut_into_its_questions_without_courtesy(string text, string[] expected)
    {
        var questions = Reader.Questions(text).Select(q => q.Trim()).ToArray();
        Assert.Equal(expected.Select(e => e.TrimEnd(',', '\u060C', ':')), questions.Select(q => q.TrimEnd(',', '\u060C', ':')));
    }

    [Theory]
    [InlineData("varmi", 3)]
    [InlineData("yokmu", 3)]
    [InlineData("lazimmi", 5)]
    [InlineData("olurmu", 4)]
    [InlineData("gelebilirmiyim", 9)]
    [InlineData("verirmisiniz", 5)]
    [InlineData("veriyomu", 6)]
    [InlineData("kalmismi", 6)]
    [InlineData("suriyelilermi", 11)]
    [InlineData("yirmi", 0)] // twenty
    [InlineData("numarami", 0)] // "my number" (accusative), no particle
    [InlineData("kimligimi", 0)]
    [InlineData("durumu", 0)]
    [InlineData("formu", 0)]
    [InlineData("3ammi", 0)] // Arabizi
    public void A_joined_question_particle_is_read_off_after_the_forms_it_follows(string key, int stem) =>
        Assert.Equal(stem, MessageReader.JoinedParticle(key));

    [Theory]
    [InlineData("?", true)]
    [InlineData("؟؟", true)]
    [InlineData("👍", true)]
    [InlineData("ok", true)]
    [InlineData("tamam", true)]
    [InlineData("تمام", true)]
    [InlineData("...", true)]
    [InlineData("hahahaha", true)]
    [InlineData("ههههههه", true)]
    [InlineData("12345", true)]
    [InlineData("harçlık?", false)]
    [InlineData("الكملك", false)]
    [InlineData("merhaba", false)] // a greeting is answered as one
    [InlineData("tamam kurs ne zaman", false)]
    public void A_message_that_asks_nothing_is_recognised(string text, bool nothing) => Assert.Equal(nothing, Reader.AsksNothing(text));

    [Theory]
    [InlineData("ne kadar?", "work-permit-apply", "work-permit-fee-support")]
    [InlineData("nerede?", "work-permit-apply", "center-locations")]
    [InlineData("kimler katılabilir?", "home-production-what", "home-production-criteria")]
    [InlineData("قديش؟", "work-permit-documents", "work-permit-fee-support")]
    [InlineData("وين؟", "course-upcoming", "course-location-transport")]
    [InlineData("مين بيقدر؟", "course-upcoming", "course-eligibility")]
    [InlineData("ne zaman", "course-stipend", "course-upcoming")]
    public void A_short_follow_up_gets_the_entry_of_the_previous_subject(string text, string previous, string expected) =>
        Assert.Equal(expected, Reader.FollowUp(text, previous));

    [Theory]
    [InlineData("kurs süresi", "duration", "kurs")]
    [InlineData("مدة الكورس", "duration", "الكورس")]
    [InlineData("izin ne kadar", "cost", "izin")]
    [InlineData("ne kadar", null, null)] // an aspect alone: a follow-up or nothing
    [InlineData("kurs ne zaman başlıyor acaba bugün", null, null)] // too long
    [InlineData("kurs iptal", null, null)] // no aspect
    public void A_short_question_is_read_as_an_aspect_and_the_words_naming_its_subject(string text, string? aspect, string? others)
    {
        var read = Reader.AspectAndRest(text);
        Assert.Equal(aspect, read?.Aspect);
        Assert.Equal(others, read?.Others);
    }

    [Theory]
    [InlineData("ne kadar?", "greeting")] // no subject: not a follow-up
    [InlineData("çalışma izni için hangi belgeler gerekiyor acaba bilmiyorum", "course-stipend")] // too long to be one
    public void Not_every_short_message_is_a_follow_up(string text, string previous) => Assert.Null(Reader.FollowUp(text, previous));

    [Fact]
    public void Every_entry_the_reader_names_exists()
    {
        var knowledge = KnowledgeBase.Load(Repo.PathOf("localization"));
        Assert.All(Reader.NamedEntries(), id => Assert.True(knowledge.ById.ContainsKey(id), $"localization/understanding.yaml names '{id}'"));
    }

    [Theory]
    [InlineData("eşim beni her gün dövüyor ne yapayım", true)]
    [InlineData("kocam bana şiddet uyguluyor", true)]
    [InlineData("زوجي عم يضربني", true)]
    [InlineData("حدا عم يهددني", true)]
    [InlineData("döviz kuru ne kadar", false)] // "dövüyor*" is a prefix of the verb, not of every word starting with döv
    [InlineData("kurs ne zaman başlıyor", false)]
    [InlineData("ضريبة المحل", false)]
    public void Danger_is_recognised_by_its_words_and_their_forms(string text, bool urgent) => Assert.Equal(urgent, Reader.IsUrgent(text));

    [Fact]
    public void The_urgent_entry_exists() =>
        Assert.True(KnowledgeBase.Load(Repo.PathOf("localization")).ById.ContainsKey(Reader.UrgentEntry!));
}

