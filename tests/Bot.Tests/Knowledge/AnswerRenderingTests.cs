using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Knowledge;

/// <summary>
/// Every answer of the shipped knowledge base, rendered as a person sees it in the three cases of the centre's
/// contact — a known centre with its details, a known centre whose details are not configured, no centre known — in
/// both languages: no placeholder left, the contact in one place, and no sentence said twice (the defect was "your
/// centre's contact:" followed by "write your city for your centre's contact").
/// </summary>
public sealed class AnswerRenderingTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path, extra: new Dictionary<string, string?>
    {
        ["Centres:gaziantep:Address"] = "Şahinbey, Gaziantep",
        ["Centres:gaziantep:Phone"] = "0342 000 00 00",
        ["Centres:gaziantep:Hours"] = "09:00-17:00",
    });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Every_answer_reads_well_whatever_is_known_of_the_centre()
    {
        var renderer = _host.Services.GetRequiredService<AnswerRenderer>();
        var knowledge = _host.Services.GetRequiredService<KnowledgeService>();
        var centres = _host.Services.GetRequiredService<CentreDirectory>();
        var failures = new List<string>();
        foreach (var entry in knowledge.Current.Knowledge.Entries)
        {
            foreach (var language in Language.All)
            {
                foreach (var centre in new[] { centres.ById("gaziantep"), centres.ById("kilis"), null })
                {
                    var text = (await renderer.RenderAsync(entry, language, centre, CancellationToken.None)).Text;
                    var where = $"{entry.Id} ({language}, centre {centre?.Id ?? "unknown"})";
                    if (Regex.IsMatch(text, @"\{[a-z_]+\}")) failures.Add($"{where}: a placeholder is left");
                    var sentences = Regex.Split(text, @"(?<=[.!?؟:])\s+|\n").Select(s => s.Trim().TrimStart('•', '-', ' ').Trim()).Where(s => s.Length >= 12).ToList();
                    if (sentences.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                    {
                        failures.Add($"{where}: \"{repeated.Key}\" is said twice");
                    }
                    // A line announcing the contact (ending in ":") must be followed by the contact, not by "write your city".
                    var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
                    var asked = lines.FindIndex(l => l == renderer.CentreContact(language, null));
                    if (asked > 0 && lines[asked - 1].EndsWith(':')) failures.Add($"{where}: the contact is announced (\"{lines[asked - 1]}\") and then asked for");
                    if (text.Length > KnowledgeBase.MaxAnswerLength) failures.Add($"{where}: {text.Length} characters");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>A stipend staff entered for a course (amount, when it is paid) is in the stipend answer for that centre.</summary>
    [Fact]
    public async Task The_stipend_answer_gives_the_stipends_of_the_centres_open_courses()
    {
        await _host.CourseAsync(c =>
        {
            c.HasStipend = true;
            c.StipendAmount = 350;
            c.StipendConditionsTr = "her ayın sonunda, devam edilen günler için";
            c.StipendConditionsAr = "في نهاية كل شهر، عن أيام الحضور";
        });
        var renderer = _host.Services.GetRequiredService<AnswerRenderer>();
        var entry = _host.Services.GetRequiredService<KnowledgeService>().Current.Knowledge.ById["course-stipend"];
        var centres = _host.Services.GetRequiredService<CentreDirectory>();
        var turkish = (await renderer.RenderAsync(entry, Language.Turkish, centres.ById("gaziantep"), CancellationToken.None)).Text;
        Assert.Contains("350 TL", turkish, StringComparison.Ordinal);
        Assert.Contains("her ayın sonunda", turkish, StringComparison.Ordinal);
        var arabic = (await renderer.RenderAsync(entry, Language.Arabic, centres.ById("gaziantep"), CancellationToken.None)).Text;
        Assert.Contains("350", arabic, StringComparison.Ordinal);
        Assert.Contains("في نهاية كل شهر", arabic, StringComparison.Ordinal);
        // Another centre, with no course open: no stipend line, no empty heading.
        var elsewhere = (await renderer.RenderAsync(entry, Language.Turkish, centres.ById("kilis"), CancellationToken.None)).Text;
        Assert.DoesNotContain("350 TL", elsewhere, StringComparison.Ordinal);
        Assert.DoesNotContain("açık kursların harçlığı", elsewhere, StringComparison.Ordinal);
    }
}
