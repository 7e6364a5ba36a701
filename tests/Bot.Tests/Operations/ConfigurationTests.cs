using System.Diagnostics;
using System.Reflection;
using Bot.Tests.Infrastructure;
using Bot.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit;

namespace Bot.Tests.Operations;

public sealed class ConfigurationTests
{
    private static readonly IConfigurationRoot Example =
        new ConfigurationBuilder().AddJsonFile(Repo.PathOf("appsettings.example.json"), optional: false).Build();

    private static readonly HashSet<string> NonOptionSections = ["ConnectionStrings", "Logging", "AllowedHosts"];

    [Fact]
    public void The_example_binds_to_the_options_classes_without_unknown_keys()
    {
        foreach (var (section, type) in OptionsRegistry.All)
        {
            var instance = Activator.CreateInstance(type)!;
            Example.GetSection(section).Bind(instance, o => o.ErrorOnUnknownConfiguration = true);
        }
        var unknownSections = Example.GetChildren().Select(c => c.Key)
            .Where(k => !NonOptionSections.Contains(k) && OptionsRegistry.All.All(o => o.Section != k)).ToList();
        Assert.Empty(unknownSections);
        Assert.NotNull(Example["ConnectionStrings:Bot"]);
    }

    [Fact]
    public void Every_option_the_code_reads_is_listed_in_the_example()
    {
        var missing = (from o in OptionsRegistry.All
                       where !IsDictionary(o.Type)
                       from p in o.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                       where p.CanWrite
                       let key = $"{o.Section}:{p.Name}"
                       where Example.GetSection(key).Value is null && !Example.GetSection(key).GetChildren().Any()
                       select key).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void The_example_lists_contact_placeholders_for_every_centre()
    {
        var centres = Bot.Web.Knowledge.CentreDirectory.Load(Repo.PathOf("localization"), new Dictionary<string, Bot.Web.Knowledge.CentreContact>());
        Assert.Equal(16, centres.Count);
        foreach (var centre in centres)
        {
            foreach (var property in typeof(Bot.Web.Knowledge.CentreContact).GetProperties())
            {
                Assert.False(string.IsNullOrEmpty(Example[$"Centres:{centre.Id}:{property.Name}"]), $"Centres:{centre.Id}:{property.Name} missing");
            }
        }
    }

    private static bool IsDictionary(Type type) => type.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    public static TheoryData<string, string, string> WrongValues => new()
    {
        { "Centres:ankra:Address", "Somewhere", "Centres:ankra" },
        { "Knowledge:AnswerThreshold", "1.5", "Knowledge:AnswerThreshold" },
        { "Database:Provider", "Oracle", "Database:Provider" },
        { "Database:Provider", "Postgres", "ConnectionStrings:Bot" },
        { "Database:SqliteSynchronous", "Sometimes", "Database:SqliteSynchronous" },
        { "Database:Provdier", "Sqlite", "Database" },
        { "Conversation:MaxTextLength", "5", "Conversation:MaxTextLength" },
        { "Security:PseudonymKey", "not-base64!", "Security:PseudonymKey" },
        { "Telegram:Mode", "Carrier-pigeon", "Telegram:Mode" },
        { "Twilio:AccountSid", "AC-not-a-sid", "Twilio:AccountSid" },
        { "Twilio:AccountSid", "AC0123456789abcdef0123456789abcdef", "Twilio:PublicBaseUrl" },
        { "Twilio:AccountSid", "AC0123456789abcdef0123456789abcdef", "Twilio:WhatsAppFrom" },
        { "Twilio:Templates:course-announcement:tr", "HX-short", "Twilio:Templates:course-announcement:tr" },
        { "Twilio:Templates:course-announcement:fr", "HX11111111111111111111111111111111", "Twilio:Templates:course-announcement:fr" },
    };

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task A_wrong_value_stops_the_app_with_a_message_naming_the_key(string key, string value, string named)
    {
        using var data = new TempFolder();
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?> { [key] = value }));
        var message = error is OptionsValidationException v ? string.Join("\n", v.Failures) : error.Message;
        Assert.Contains(named, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_process_exits_with_a_configuration_error_naming_the_key()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Bot.Web.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--Database:Provider=Oracle"])
        {
            WorkingDirectory = Repo.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Configuration error", await stderr, StringComparison.Ordinal);
        Assert.Contains("Database:Provider", await stderr, StringComparison.Ordinal);
        _ = await stdout;
    }
}
