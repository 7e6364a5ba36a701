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
        ["telegram"] = TelegramAsync,
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

    /// <summary><c>telegram set-webhook</c> (URL, secret and allowed updates from configuration) and <c>telegram delete-webhook</c>.</summary>
    private static async Task<int> TelegramAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<Channels.Telegram.TelegramOptions>>().Value;
        if (!options.Enabled)
        {
            Console.Error.WriteLine("Telegram is off: set Telegram:BotToken first.");
            return 2;
        }
        var client = services.GetRequiredService<Telegram.Bot.ITelegramBotClient>();
        switch (args)
        {
            case ["set-webhook"]:
                if (options.WebhookUrl.Length == 0 || options.WebhookSecret.Length == 0)
                {
                    Console.Error.WriteLine("Set Telegram:WebhookUrl (public https URL of /api/telegram) and Telegram:WebhookSecret first.");
                    return 2;
                }
                await Telegram.Bot.TelegramBotClientExtensions.SetWebhook(client, options.WebhookUrl, allowedUpdates: Channels.Telegram.TelegramPolling.AllowedUpdates,
                    secretToken: options.WebhookSecret, cancellationToken: ct);
                Console.Out.WriteLine($"Webhook set to {options.WebhookUrl} (updates: message, callback_query, my_chat_member).");
                return 0;
            case ["delete-webhook"]:
                await Telegram.Bot.TelegramBotClientExtensions.DeleteWebhook(client, cancellationToken: ct);
                Console.Out.WriteLine("Webhook deleted (getUpdates polling works again).");
                return 0;
            default:
                Console.Error.WriteLine("usage: telegram set-webhook | telegram delete-webhook");
                return 2;
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
