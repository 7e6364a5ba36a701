using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Staff;
using Xunit;

namespace Bot.Tests.Localization;

/// <summary>The staff dashboard's texts (localization/staff.*.yaml) in Turkish, English and Arabic.</summary>
public sealed partial class StaffTextTests
{
    private static readonly string Folder = Repo.PathOf("localization");

    [Fact]
    public void Every_staff_text_exists_in_Arabic_written_in_Arabic()
    {
        var texts = new StaffText(Folder);
        var notArabic = texts.Keys
            .Where(key => LatinWord().IsMatch(texts.Get(StaffText.Arabic, key)) && !ArabicLetter().IsMatch(texts.Get(StaffText.Arabic, key)))
            .ToList();
        Assert.Empty(notArabic); // a text copied from English or Turkish instead of translated
        Assert.Equal("rtl", StaffText.DirectionOf(StaffText.Arabic));
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("en")]
    [InlineData("tr")]
    public void A_missing_staff_text_stops_loading_with_a_message_naming_file_and_key(string language)
    {
        using var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(Folder, "staff.*.yaml")) File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        var path = Path.Combine(folder.Path, $"staff.{language}.yaml");
        File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.StartsWith("reports.csv:", StringComparison.Ordinal)));
        var error = Assert.Throws<InvalidOperationException>(() => new StaffText(folder.Path));
        Assert.Contains($"staff.{language}.yaml: missing key 'reports.csv'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_staff_text_key_the_pages_use_exists()
    {
        var texts = new StaffText(Folder);
        var known = texts.Keys.ToHashSet(StringComparer.Ordinal);
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Repo.PathOf("src/Bot.Web/Staff"), "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            foreach (Match m in KeyUse().Matches(File.ReadAllText(file)).Where(m => !m.Groups[1].Value.EndsWith('-'))) used.Add(m.Groups[1].Value); // "course.gender-" + value: built at run time
        }
        Assert.True(used.Count > 100, $"only {used.Count} keys found: the pattern no longer matches the pages");
        Assert.Empty(used.Except(known).ToList());
    }

    [GeneratedRegex(@"(?:T|text|Text)(?:\[|\.Format\(|\.Get\([^,]+,\s*)""([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)""")]
    private static partial Regex KeyUse();

    [GeneratedRegex(@"[A-Za-z]{3,}")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"[\u0600-\u06FF]")]
    private static partial Regex ArabicLetter();
}
