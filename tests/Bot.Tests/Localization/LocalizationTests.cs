using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Localization;
using Xunit;

namespace Bot.Tests.Localization;

public sealed partial class LocalizationTests
{
    [Fact]
    public void Every_text_key_the_code_uses_exists_in_every_language()
    {
        var catalog = TextCatalog.Load(Repo.PathOf("localization"));
        foreach (var key in TextKeys.All)
        {
            foreach (var language in Language.All) Assert.True(catalog.Has(language, key), $"{key} missing in {language}");
        }
        // And the menu's keys (dialogs/menu.yaml), checked by the loader.
        var menu = MenuDefinition.Load(Repo.PathOf("dialogs"), catalog);
        Assert.NotEmpty(menu.Options);
    }

    [Fact]
    public void Both_languages_have_the_same_keys()
    {
        var catalog = TextCatalog.Load(Repo.PathOf("localization"));
        Assert.Equal(catalog.KeysOf("tr").Order(), catalog.KeysOf("ar").Order());
    }

    [Fact]
    public void A_missing_text_stops_loading_with_a_message_naming_file_and_key()
    {
        using var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(Repo.PathOf("localization"), "*.yaml")) File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        var ar = Path.Combine(folder.Path, "strings.ar.yaml");
        File.WriteAllLines(ar, File.ReadAllLines(ar).Where(l => !l.StartsWith("  none:", StringComparison.Ordinal)));
        var error = Assert.Throws<InvalidOperationException>(() => TextCatalog.Load(folder.Path));
        Assert.Contains("strings.ar.yaml: missing key 'clarify.none'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_Turkish_or_Arabic_string_literals_in_the_code()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.GetFiles(Repo.PathOf("src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                var code = line.Trim();
                if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                foreach (Match literal in StringLiteral().Matches(code))
                {
                    if (TurkishOrArabic().IsMatch(literal.Value)) offenders.Add($"{Path.GetRelativePath(Repo.Root, file)}:{lineNumber}: {literal.Value}");
                }
            }
        }
        Assert.Empty(offenders);
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("[çğışöüÇĞİŞÖÜ\u0600-\u06FF]")]
    private static partial Regex TurkishOrArabic();
}

public sealed class LanguageDetectorTests
{
    private static readonly LanguageDetector Detector = LanguageDetector.Load(Repo.PathOf("localization"));

    public static TheoryData<string, string?, DetectionStrength> Rows => new()
    {
        { "كيف بطلع اذن عمل؟", "ar", DetectionStrength.Strong },
        { "شو الاوراق المطلوبه لل çalışma izni؟", "ar", DetectionStrength.Strong },
        { "مرحبا", "ar", DetectionStrength.Strong },
        { "Çalışma izni için hangi belgeler lazım?", "tr", DetectionStrength.Strong },
        { "calisma izni nasil alinir", "tr", DetectionStrength.Strong },
        { "KIMLIGIM YOK ne yapmaliyim", "tr", DetectionStrength.Strong },
        { "merhaba", "tr", DetectionStrength.Strong },
        { "selam", "tr", DetectionStrength.Strong },
        { "hello how are you", null, DetectionStrength.None },
        { "ok", null, DetectionStrength.None },
        { "👍", null, DetectionStrength.None },
        { "١٢٣", null, DetectionStrength.None },
        { "35", null, DetectionStrength.None },
        { "", null, DetectionStrength.None },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Detects_the_language_of_a_message(string text, string? language, DetectionStrength strength) =>
        Assert.Equal(new Detection(language, strength), Detector.Detect(text));

    [Theory]
    [InlineData("Türkçe", "tr")]
    [InlineData("turkce", "tr")]
    [InlineData("TÜRKÇE", "tr")]
    [InlineData("تركي", "tr")]
    [InlineData("عربي", "ar")]
    [InlineData("العربية", "ar")]
    [InlineData("arapça", "ar")]
    [InlineData("lang:ar", "ar")]
    [InlineData("lang:fr", null)]
    [InlineData("calisma izni", null)]
    public void Recognises_a_request_to_switch_language(string input, string? language) =>
        Assert.Equal(language, Detector.RequestedLanguage(input));
}
