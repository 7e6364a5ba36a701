using System.Text.Json;
using Bot.Tests.Infrastructure;
using Bot.Web.Cli;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Xunit;

namespace Bot.Tests.Knowledge;

public sealed class CentreDirectoryTests
{
    private static readonly CentreDirectory Centres = new(CentreDirectory.Load(Repo.PathOf("localization"), new Dictionary<string, CentreContact>()));

    [Theory]
    [InlineData("Şanlıurfa merkezinin adresi", "sanliurfa")]
    [InlineData("sanliurfa", "sanliurfa")]
    [InlineData("Urfa'daki merkez", "sanliurfa")]
    [InlineData("وين المركز بأورفا", "sanliurfa")]
    [InlineData("Antep'te kurs var mı", "gaziantep")]
    [InlineData("بعنتاب في دورات", "gaziantep")]
    [InlineData("Maraş", "kahramanmaras")]
    [InlineData("İstanbul Anadolu yakası", "istanbul-anadolu")]
    [InlineData("istanbul avrupa yakasi", "istanbul-avrupa")]
    [InlineData("KİLİS", "kilis")]
    [InlineData("çalışma izni nasıl alınır", null)]
    [InlineData("", null)]
    public void Finds_the_centre_a_message_names_however_it_is_written(string text, string? centre) =>
        Assert.Equal(centre, Centres.FindIn(text)?.Id);

    [Fact]
    public void Every_centre_has_a_name_in_both_languages()
    {
        Assert.Equal(16, Centres.All.Count);
        Assert.All(Centres.All, c => Assert.All(Language.All, l => Assert.False(string.IsNullOrWhiteSpace(c.Name(l)))));
    }
}

public sealed class KbCalibrateTests
{
    [Fact]
    public void Fits_a_calibration_that_the_configuration_accepts()
    {
        using var knowledge = new KnowledgeService(new ContentPaths(Repo.Root), new StaticOptionsMonitor<KnowledgeOptions>(new KnowledgeOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KnowledgeService>.Instance, TimeProvider.System, watch: false);
        var stdout = new StringWriter();
        Assert.Equal(0, KbCommands.Calibrate(knowledge, Repo.PathOf("tests", "Bot.Tests", "Knowledge", "kb-tuning.tsv"), stdout, new StringWriter()));
        using var json = JsonDocument.Parse(stdout.ToString());
        var value = json.RootElement.GetProperty("Knowledge").GetProperty("Calibration").GetString()!;
        var options = new KnowledgeOptions { Calibration = value };
        Assert.Equal(Features.Count + 1, options.CalibrationWeights().Length);
        Assert.True(new KnowledgeOptionsValidator().Validate(null, options).Succeeded);
    }
}
