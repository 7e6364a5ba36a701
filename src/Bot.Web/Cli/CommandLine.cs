using Bot.Web.Data;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.Extensions.Options;

namespace Bot.Web.Cli;

/// <summary>
/// Verbs run instead of the web host: <c>dotnet run --project src/Bot.Web -- &lt;verb&gt; …</c>.
/// They use the same configuration and services as the app. Results go to stdout, logs to stderr.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, Func<IServiceProvider, string[], CancellationToken, Task<int>>> Verbs = new()
    {
        ["migrate"] = MigrateAsync,
        ["kb"] = KbAsync,
    };

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0]);

    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var verb = Verbs[args[0]];
        var rest = args[1..];
        // Options that follow the verb (--Key=value) still configure the app.
        var builder = BotApplication.CreateBuilder(rest.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray(), configure);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        await using var app = builder.Build();
        BotApplication.ValidateAllOptions(app.Services);
        return await verb(app.Services, rest.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray(), CancellationToken.None);
    }

    private static Task<int> KbAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var paths = services.GetRequiredService<ContentPaths>();
        switch (args)
        {
            case ["lint"]:
                return Task.FromResult(KbCommands.Lint(paths, Console.Out, Console.Error));
            case ["test" or "calibrate", var file]:
                using (var knowledge = new KnowledgeService(paths, services.GetRequiredService<IOptionsMonitor<KnowledgeOptions>>(),
                    services.GetRequiredService<ILogger<KnowledgeService>>(), TimeProvider.System, watch: false))
                {
                    return Task.FromResult(args[0] == "test"
                        ? KbCommands.Test(knowledge, Path.GetFullPath(file), Console.Out, Console.Error)
                        : KbCommands.Calibrate(knowledge, Path.GetFullPath(file), Console.Out, Console.Error));
                }
            default:
                Console.Error.WriteLine("usage: kb lint | kb test FILE | kb calibrate FILE   (FILE: expected_id<TAB>lang<TAB>text per line)");
                return Task.FromResult(2);
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var applied = await DatabaseSetup.MigrateAsync(services, ct);
        var provider = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
        Console.Out.WriteLine($"Database migrated ({provider}): {applied} migration(s) applied.");
        return 0;
    }
}
