using Bot.Web.Data;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.Extensions.Options;
using Bot.Web.Access;

namespace Bot.Web.Cli;

/// <summary>
/// Verbs run instead of the web host: <c>dotnet run --project src/Bot.Web -- &lt;verb&gt; …</c>.
/// They use the same configuration and services as the app. Results go to stdout, logs to stderr.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, Func<IServiceProvider, string[], CancellationToken, Task<int>>> Verbs = new(ChannelSetup.Commands)
    {
        ["migrate"] = MigrateAsync,
        ["kb"] = KbAsync,
        ["staff"] = StaffAsync,
    };

    private const string Usage =
        "usage: [--Section:Key=value …] VERB …   verbs: migrate | kb lint | kb test FILE | kb calibrate FILE | telegram set-webhook | "
        + "telegram delete-webhook | staff add-admin EMAIL | staff reset-password EMAIL   (without a verb, only options: the web server)";

    public enum Kind
    {
        /// <summary>Options only: the web server.</summary>
        WebHost,
        /// <summary>A verb (after any options): run it instead of the web server.</summary>
        Verb,
        /// <summary>A word that is neither an option nor a verb: an error, never the web server started by mistake.</summary>
        Unknown,
    }

    /// <summary>True when the arguments are a command (a verb, or an unknown word to report) rather than the web server's options.</summary>
    public static bool IsCommand(string[] args) => Classify(args) != Kind.WebHost;

    public static Kind Classify(string[] args) => Split(args).Positional switch
    {
        [] => Kind.WebHost,
        [var verb, ..] when Verbs.ContainsKey(verb) => Kind.Verb,
        _ => Kind.Unknown,
    };

    /// <summary>
    /// Options, as the configuration reads them (<c>--Key=value</c>, <c>--Key value</c>, <c>Key=value</c>; before the verb
    /// also <c>/Key value</c> and <c>-Key value</c>), and the other words in order: the verb and its arguments.
    /// </summary>
    private static (string[] Options, string[] Positional) Split(string[] args)
    {
        var options = new List<string>();
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var beforeVerb = positional.Count == 0;
            var prefixed = arg.StartsWith("--", StringComparison.Ordinal) || (beforeVerb && arg.Length > 1 && arg[0] is '-' or '/');
            if (prefixed)
            {
                options.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length) options.Add(args[++i]); // its value, whatever it looks like
            }
            else if (beforeVerb && arg.Contains('=', StringComparison.Ordinal))
            {
                options.Add(arg);
            }
            else
            {
                positional.Add(arg);
            }
        }
        return ([.. options], [.. positional]);
    }

    /// <param name="args">The command line: options and a verb in any order, the verb's own arguments after it.</param>
    /// <param name="configure">Runs before any service is registered (tests add configuration here).</param>
    /// <param name="error">Where usage errors go (stderr by default).</param>
    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder>? configure = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var (options, positional) = Split(args);
        if (positional.Length == 0 || !Verbs.TryGetValue(positional[0], out var verb))
        {
            await error.WriteLineAsync(positional.Length == 0 ? "No command given." : $"unknown command '{positional[0]}'.");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        // Options before or after the verb (--Key=value, --Key value) configure the app.
        var builder = BotApplication.CreateBuilder(options, configure);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        await using var app = builder.Build();
        BotApplication.ValidateAllOptions(app.Services);
        return await verb(app.Services, positional[1..], CancellationToken.None);
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

    /// <summary>
    /// <c>staff add-admin EMAIL</c>: the first admin account (password from SEG_STAFF_PASSWORD, or a one-time password printed
    /// once that must be changed at the first sign-in); <c>staff reset-password EMAIL</c>: a new one-time password.
    /// </summary>
    private static async Task<int> StaffAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        await DatabaseSetup.MigrateAsync(services, ct);
        await using var scope = services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Staff.StaffAccounts>();
        const string actor = "cli";
        switch (args)
        {
            case ["add-admin", var email]:
            {
                var password = Environment.GetEnvironmentVariable("SEG_STAFF_PASSWORD");
                var result = await accounts.CreateAsync(actor, email, email, Access.StaffRoles.Admin, [], string.IsNullOrEmpty(password) ? null : password, ct);
                if (!result.Succeeded)
                {
                    foreach (var (field, error) in result.Errors) Console.Error.WriteLine($"{field}: {CliError(error)}");
                    return 2;
                }
                Console.Out.WriteLine(result.Secret is null
                    ? $"Admin {email} created with the password from SEG_STAFF_PASSWORD."
                    : $"Admin {email} created. One-time password (shown once; a new one is chosen at the first sign-in at /staff/login):\n{result.Secret}");
                return 0;
            }
            case ["reset-password", var email]:
            {
                var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Access.StaffUser>>();
                var user = await users.FindByEmailAsync(email);
                if (user is null)
                {
                    Console.Error.WriteLine($"No staff account {email}.");
                    return 2;
                }
                Console.Out.WriteLine($"New one-time password for {email} (shown once):\n{await accounts.ResetPasswordAsync(actor, user.Id, ct)}");
                return 0;
            }
            default:
                Console.Error.WriteLine("usage: staff add-admin EMAIL | staff reset-password EMAIL   (SEG_STAFF_PASSWORD sets the admin's password instead of a one-time one)");
                return 2;
        }
    }

    private static string CliError(string key) => key switch
    {
        "email.invalid" => "not a valid email address",
        "email.taken" => "an account with this email exists already (staff reset-password EMAIL gives it a new password)",
        _ => key,
    };

    private static async Task<int> MigrateAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var applied = await DatabaseSetup.MigrateAsync(services, ct);
        var provider = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
        Console.Out.WriteLine($"Database migrated ({provider}): {applied} migration(s) applied.");
        return 0;
    }
}
