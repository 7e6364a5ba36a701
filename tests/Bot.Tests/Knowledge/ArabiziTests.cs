using System.Diagnostics;
using Bot.Tests.Infrastructure;
using Bot.Web.Knowledge;
using Xunit;

namespace Bot.Tests.Knowledge;

public sealed class ArabiziTests
{
    private static readonly Arabizi Arabizi = Arabizi.Load(Repo.PathOf("localization"));

    /// <summary>Arabic in Latin letters (Levantine, some Iraqi), with Turkish words mixed in. Written for this test.</summary>
    public static TheoryData<string> ArabiziRows => new()
    {
        "kifak, bde 23ref shu lazem la kimlik",
        "mata btebda2 el dawra",
        "fi ma3ash lal kurs?",
        "ana men 7alab w sakne b antep",
        "kif be2dar a3mel ezn 3amal",
        "2addesh el men7a",
        "wen el markaz",
        "baddi sajjel 3al dawra",
        "eza ishtaghalet bel sigorta byen2ate3 el kart?",
        "shlon atla3 ezn shoghol",
        "kifak",
        "marhaba",
        "shu?",
        "mar7aba, 3andi so2al 3an el kizilaykart",
        "ana sakne b urfa w baddi a3mel dawret torki",
        "fi dawrat lal nesswan?",
        "ya3ni ma fi shi majjani?",
        "wen lazem roo7 la a3mel e-devlet",
        "shukran ktir 3al mosa3ade",
        "ana 3omri 45 sane, fini eshtghel bel entaj el manzili?",
        "el kimlik taba3i 5ales, shu a3mel?",
        "bdi est5rej ezn 3amal bas el m3alem ma baddo",
        "emta btenzal el men7a?",
        "kam ra2m el markaz b gaziantep",
        "msh fahem shi, momken tsa3edni?",
        "3ndi 3 wlad, fi mosa3adat lal atfal?",
        "shlonak, aku dawrat b mersin?",
        "ana 3ira2i w sakin b istanbul, shgad yakhdon 3al ezn?",
        "fi 7ada b7ki 3arabi?",
        "ween el awra2 el matlube lal e2ame",
        "salam 3alaykom",
        "hi, kifak? bde mosa3ade",
        "ok shukran",
        "inshallah bokra bsajjel",
        "Baddi A3ref Eza Fi Kurs Turki",
        "SHU EL AWRA2 EL MATLOUBE",
        "ana mara kbire bel 3omr, fi shoghol ili?",
        "lesh ma wasaletni el rsale",
        "mnsajjel online?",
        "shaku maku",
        "agdar ashtughul bala ezn?",
        "fi 3ndkon kors computer?",
    };

    /// <summary>Turkish written with and without Turkish letters, with numbers and loanwords. Written for this test.</summary>
    public static TheoryData<string> TurkishRows => new()
    {
        "calisma izni icin ne lazim",
        "kurs ne zmn basliyo",
        "harclik veriyolar mi",
        "nasil basvururum",
        "kimlik kartim yok",
        "merhaba",
        "turkce kursu var mi",
        "saat 3te kurs var mi",
        "saat 3'te kurs var mi",
        "2023te basvurdum hala cevap yok",
        "Gaziantep toplum merkezi nerede",
        "cocugum 5 yasinda kres var mi",
        "is bulmak istiyorum yardim edermisiniz",
        "sigortali calisirsam kizilaykart kesilir mi",
        "evden uretim icin destek veriyorlar mi",
        "kac para veriyorlar kursa gidince",
        "e-devlet sifremi unuttum",
        "tesekkurler abla",
        "ana dilim arapca, turkce ogrenmek istiyorum",
        "el ilani gordum kurs icin",
        "kurs ucretsiz mi",
        "adresi ne",
        "sertifika veriliyor mu",
        "45 yasindayim kursa katilabilir miyim",
        "ikamet izni olmadan calisabilir miyim",
        "belediyeden yardim alamiyorum",
        "hocam b1 seviyesindeyim",
        "isverenim sigorta yapmiyor ne yapmaliyim",
        "urfa da kurs acilacak mi",
        "bi sorum var",
        "selam, kizilay kart basvurusu nasil yapilir",
        "tamam",
        "KIMLIGIM YOK ne yapmaliyim",
        "Çalışma izni için başvurdum",
        "kurs 3 ay suruyor mu",
        "5. kattayim asansor yok",
        "ana sayfada bilgi yok",
        "bana bi yardim et",
        "hala cevap yok",
        "9'da basliyor",
        "la ne diyorsun",
    };

    /// <summary>English. Written for this test.</summary>
    public static TheoryData<string> EnglishRows => new()
    {
        "hello",
        "I need help with my work permit",
        "where is the community center in antep",
        "how much is the stipend",
        "can I apply for the turkish course?",
        "thanks a lot",
        "is there any job for women",
        "my kimlik expired, what should I do",
        "when does the next course start",
        "hi, do you speak english?",
        "I have 3 kids and I live in hatay",
        "see you 2day at the centre",
        "I finished the 2nd level, what is next",
        "3am is too early for me",
        "call me at 5pm",
        "my level is b2",
        "covid-19 vaccine",
    };

    public static TheoryData<string> OtherRows => new()
    {
        "",
        "   ",
        "ok",
        "👍",
        "35",
        "2023",
        "كيفك شو في kifak",
        "شو الاوراق المطلوبة",
    };

    [Theory]
    [MemberData(nameof(ArabiziRows))]
    public void Recognises_Arabizi(string text) => Assert.True(Arabizi.IsArabizi(text), text);

    [Theory]
    [MemberData(nameof(TurkishRows))]
    [MemberData(nameof(EnglishRows))]
    [MemberData(nameof(OtherRows))]
    public void Turkish_English_Arabic_script_and_empty_messages_are_not_Arabizi(string text) => Assert.False(Arabizi.IsArabizi(text), text);

    [Fact]
    public void Null_is_not_Arabizi() => Assert.False(Arabizi.IsArabizi(null));

    /// <summary>Input → words the Arabic output must contain.</summary>
    public static TheoryData<string, string[]> Transliterations => new()
    {
        { "shu lazem la kimlik", ["شو", "لازم", "kimlik"] },
        { "mata btebda2 el dawra", ["متى", "بتبدأ", "الدورة"] },
        { "kifak, bde 23ref", ["كيفك,", "بدي", "اعرف"] },
        { "fi ma3ash lal kurs?", ["في", "معاش", "لل", "kurs?"] },
        { "ana men 7alab w sakne b antep", ["انا", "من", "حلب", "وساكنة", "ب", "antep"] },
        { "kif be2dar a3mel ezn 3amal", ["كيف", "بقدر", "اعمل", "اذن", "عمل"] },
        { "2addesh el men7a", ["قديش", "المنحة"] },
        { "wen el markaz", ["وين", "المركز"] },
        { "ra2m el tawari", ["رقم", "الطوارئ"] },
        { "baddi sajjel 3al dawra", ["بدي", "سجل", "عالدورة"] },
        { "eza ishtaghalet bel sigorta byen2ate3 el kart?", ["اذا", "اشتغلت", "بال", "sigorta", "بينقطع", "الكرت?"] },
        { "shlon atla3 ezn shoghol", ["شلون", "اطلع", "اذن", "شغل"] },
        { "Shu El Awra2 El Matlube", ["شو", "الاوراق", "المطلوبة"] },
        { "welmarkaz wbaddi", ["والمركز", "وبدي"] },
        { "shoghli w men7ti", ["شغلي", "ومنحتي"] },
        { "bantep w bel-kimlik", ["ب", "antep", "kimlik"] },
        { "el-dawra", ["الدورة"] },
        { "ana 3omri 45 sane, w 3ndi 3 wlad", ["انا", "عمري", "45", "سنة,", "وعندي", "3", "ولاد"] },
        { "el dawra 2023", ["الدورة", "2023"] },
        { "ma baddi", ["ما", "بدي"] },
        { "madrase", ["مدرسة"] },
        { "mashghul", ["مشغول"] },
        { "jam3iyye", ["جمعية"] },
        { "3'ali", ["غلي"] },
        { "sa3idni", ["ساعدني"] },
        { "mnsajjel w btsajjlo", ["منسجل"] },
        { "Turkiye w e-devlet, antep'te", ["Turkiye", "e-devlet,", "antep'te"] },
        { "كيفك kifak", ["كيفك"] },
    };

    [Theory]
    [MemberData(nameof(Transliterations))]
    public void Writes_Arabizi_in_Arabic_script(string input, string[] expected)
    {
        var output = Arabizi.ToArabic(input);
        var words = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in expected) Assert.True(words.Contains(word), $"'{input}' → '{output}' lacks '{word}'");
    }

    [Fact]
    public void Keeps_what_is_not_a_Latin_word()
    {
        Assert.Equal("", Arabizi.ToArabic(""));
        Assert.Equal("2023, 45 - 3.5!", Arabizi.ToArabic("2023, 45 - 3.5!"));
        Assert.Equal("شو الاوراق المطلوبة؟", Arabizi.ToArabic("شو الاوراق المطلوبة؟"));
        Assert.Equal("👍 شو", Arabizi.ToArabic("👍 shu"));
    }

    [Fact]
    public void Knows_several_hundred_words() => Assert.True(Arabizi.WordCount >= 500, $"{Arabizi.WordCount} spellings");

    [Fact]
    public void Bad_data_stops_loading_with_a_message_naming_the_file()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, Arabizi.FileName);
        var yaml = File.ReadAllText(Repo.PathOf("localization", Arabizi.FileName));

        // The same spelling under two Arabic words.
        File.WriteAllText(file, yaml.Replace("\nwords:\n", "\nwords:\n  \u0634\u064a\u0621: [shu]\n", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidOperationException>(() => Arabizi.Load(folder.Path));
        Assert.Contains(Arabizi.FileName, error.Message, StringComparison.Ordinal);
        Assert.Contains("'shu'", error.Message, StringComparison.Ordinal);

        // Not YAML at all.
        File.WriteAllText(file, "words: [unclosed");
        error = Assert.Throws<InvalidOperationException>(() => Arabizi.Load(folder.Path));
        Assert.Contains(Arabizi.FileName, error.Message, StringComparison.Ordinal);

        // A marker that is also a Turkish word.
        File.WriteAllText(file, yaml.Replace("  weak: [el,", "  weak: [el, ne,", StringComparison.Ordinal));
        error = Assert.Throws<InvalidOperationException>(() => Arabizi.Load(folder.Path));
        Assert.Contains("marker 'ne'", error.Message, StringComparison.Ordinal);

        // Missing file.
        File.Delete(file);
        error = Assert.Throws<InvalidOperationException>(() => Arabizi.Load(folder.Path));
        Assert.Contains(Arabizi.FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_300_character_message_takes_well_under_a_tenth_of_a_millisecond()
    {
        var message = string.Concat(Enumerable.Repeat("kifak, bde 23ref shu lazem la kimlik w wen el markaz b antep? ", 5))[..300];
        Assert.True(Arabizi.IsArabizi(message));
        // The fastest of many short batches: the typical cost of a call, not how busy the machine is.
        var detect = FastestPerCall(() => Arabizi.IsArabizi(message));
        var transliterate = FastestPerCall(() => Arabizi.ToArabic(message));
        Assert.True(detect < 0.1, $"IsArabizi: {detect:F4} ms");
        Assert.True(transliterate < 0.1, $"ToArabic: {transliterate:F4} ms");
    }

    private static double FastestPerCall(Action call)
    {
        const int batches = 100, calls = 20;
        for (var i = 0; i < 200; i++) call();
        var fastest = double.MaxValue;
        var watch = new Stopwatch();
        for (var b = 0; b < batches; b++)
        {
            watch.Restart();
            for (var i = 0; i < calls; i++) call();
            fastest = Math.Min(fastest, watch.Elapsed.TotalMilliseconds / calls);
        }
        return fastest;
    }
}
