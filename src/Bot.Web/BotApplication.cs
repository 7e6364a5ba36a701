using Bot.Web.Cli;
using Bot.Web.Announcements;
using Bot.Web.Configuration;
using Bot.Web.Conversation;
using Bot.Web.Data;
using Bot.Web.Localization;
using Bot.Web.Operations;
using Bot.Web.Outbox;
using Bot.Web.Privacy;
using Bot.Web.Staff;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Bot.Web.State;

namespace Bot.Web;

/// <summary>Composition of the app: the same services for the web host and for the command-line verbs.</summary>
public static class BotApplication
{
    /// <param name="args">Command-line arguments (also configuration: --Section:Key=value).</param>
    /// <param name="configure">Runs before any service is registered (tests add configuration and log sinks here).</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning); // request URLs can carry tokens
        var services = builder.Services;
        var configuration = builder.Configuration;
        // Relative paths (data/, keys, content) are resolved against the folder holding localization/ and dialogs/:
        // the repository root when run from a clone, whatever the working directory.
        var paths = ContentPaths.Resolve(configuration.GetSection(ContentOptions.Section).Get<ContentOptions>() ?? new(),
            builder.Environment.ContentRootPath);
        services.AddSingleton(paths);

        services.TryAddSingleton(TimeProvider.System); // tests may put a clock of their own first
        services.AddBotDatabase(configuration, paths.Root);
        services.AddBotPrivacy(configuration, paths.Root);
        services.AddBotContent();
        services.AddBotConversation();
        services.AddBotChannels(configuration);
        services.AddBotOutbox(configuration);
        services.AddBotAnnouncements();
        services.AddBotStaff(configuration);
        services.AddBotRateLimits(configuration);
        services.AddBotMetrics(configuration);
        services.AddBotProxy(configuration);
        services.AddBotHealth();
        services.AddProblemDetails();
        return builder;
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var app = CreateBuilder(args, configure).Build();
        // First, before mapping the pages resolves Data Protection (and with it the key-encryption key, which Production
        // refuses to generate): a deployment with the developer defaults is told every thing to set at once.
        if (app.Environment.IsProduction() && ProductionGuard.Problems(app.Configuration, app.Services) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("configuration not fit for Production (set ASPNETCORE_ENVIRONMENT=Development on a developer's machine):\n  "
                + string.Join("\n  ", problems));
        }
        app.UseBotProxy();
        app.UseSecurityHeaders(Staff.StaffSetup.PagesPrefix, Staff.StaffSetup.ApiPrefix);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapBotHealth();
        app.MapBotChannels();
        app.MapStaff();
        app.MapBotMetrics();
        app.ObserveOutboxDepth();
        return app;
    }

    /// <summary>Before serving: validate configuration, migrate (unless turned off), load content, report channels and URLs.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken ct = default)
    {
        ValidateAllOptions(app.Services);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bot.Startup");
        var db = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        foreach (var tightened in DatabaseSetup.PrepareSqliteFiles(app.Services))
        {
            log.LogWarning("{Path} was readable by other users of this machine: now only by the app's own user", tightened);
        }
        if (db.MigrateOnStart)
        {
            var applied = await DatabaseSetup.MigrateAsync(app.Services, ct);
            log.LogInformation("Database ready ({Provider}; {Applied} migration(s) applied)", db.Provider, applied);
        }
        ReportKeyEncryptionKey(app.Services.GetRequiredService<KeyEncryptionKey>(), log);
        await KeyRingCheck.RunAsync(app.Services, app.Services.GetRequiredService<ContentPaths>().Root, log, ct);
        var content = app.Services.GetRequiredService<BotContent>();
        var knowledge = app.Services.GetRequiredService<Knowledge.KnowledgeService>();
        var unknownEntries = content.Menu.Options.Where(o => o.Entry is not null && !knowledge.Current.Knowledge.ById.ContainsKey(o.Entry)).ToList();
        if (unknownEntries.Count > 0)
        {
            throw new InvalidOperationException("dialogs/menu.yaml names knowledge entries that do not exist in localization/knowledge: "
                + string.Join(", ", unknownEntries.Select(o => o.Entry)));
        }
        var dialogProblems = Cli.KbCommands.DialogProblems(content.Paths, knowledge.Current.Knowledge);
        if (dialogProblems.Count > 0) throw new InvalidOperationException("Dialogs are invalid:\n" + string.Join('\n', dialogProblems));
        log.LogInformation("Content loaded from {Root}", content.Paths.Root);
        ChannelSetup.ReportChannels(app.Services, log);
        app.Lifetime.ApplicationStarted.Register(() => ReportUrls(app, log));
    }

    /// <summary>Resolves every options class once, so a wrong value stops the app before it serves anything.</summary>
    public static void ValidateAllOptions(IServiceProvider services)
    {
        foreach (var (section, type) in OptionsRegistry.All)
        {
            var optionsType = typeof(IOptions<>).MakeGenericType(type);
            try
            {
                _ = optionsType.GetProperty(nameof(IOptions<object>.Value))!.GetValue(services.GetRequiredService(optionsType));
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is OptionsValidationException inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is InvalidOperationException inner)
            {
                // Binding errors (unknown key, a value of the wrong type) name the property but not the section.
                throw new InvalidOperationException($"Configuration section '{section}': {inner.Message}", inner);
            }
        }
    }

    private static void ReportKeyEncryptionKey(KeyEncryptionKey kek, ILogger log)
    {
        if (kek.Generated)
        {
            log.LogWarning("No key-encryption key configured: generated one in {File} (readable by this user only; id {Id}). It encrypts the "
                + "Data Protection keys stored with the data: keep it apart from the database and its backups, and never lose it. "
                + "A deployment sets Security:KeyEncryptionKey instead", kek.Source, kek.Id);
            return;
        }
        log.LogInformation("Data Protection keys are encrypted with the key-encryption key from {Source} (id {Id})", kek.Source, kek.Id);
        if (File.Exists(kek.Source) && DataFiles.IsOpenToOthers(kek.Source))
        {
            log.LogWarning("{File} (the key-encryption key) is readable by other users of this machine: chmod 600 it", kek.Source);
        }
    }

    private static void ReportUrls(WebApplication app, ILogger log)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var url = address.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal).TrimEnd('/');
            log.LogInformation("Web chat: {Url}/chat | staff: {Url}/staff | health: {Url}/healthz | ready: {Url}/readyz", url, url, url, url);
        }
    }

    private static IServiceCollection AddBotContent(this IServiceCollection services)
    {
        services.AddValidatedOptions<ContentOptions>(ContentOptions.Section);
        services.AddSingleton<BotContentHolder>();
        services.AddSingleton(sp =>
        {
            var content = BotContent.Load(sp.GetRequiredService<ContentPaths>());
            sp.GetRequiredService<BotContentHolder>().Set(content);
            return content;
        });
        return services;
    }

    private static IServiceCollection AddBotConversation(this IServiceCollection services)
    {
        services.AddValidatedOptions<Knowledge.KnowledgeOptions>(Knowledge.KnowledgeOptions.Section);
        services.AddSingleton<IValidateOptions<Knowledge.KnowledgeOptions>, Knowledge.KnowledgeOptionsValidator>();
        services.AddSingleton(sp => new Knowledge.KnowledgeService(sp.GetRequiredService<ContentPaths>(),
            sp.GetRequiredService<IOptionsMonitor<Knowledge.KnowledgeOptions>>(), sp.GetRequiredService<ILogger<Knowledge.KnowledgeService>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddValidatedOptions<Knowledge.CentresOptions>(Knowledge.CentresOptions.Section);
        services.AddSingleton<IValidateOptions<Knowledge.CentresOptions>, Knowledge.CentresOptionsValidator>();
        services.AddSingleton(sp => new Knowledge.CentreDirectory(Knowledge.CentreDirectory.Load(
            sp.GetRequiredService<ContentPaths>().Localization, sp.GetRequiredService<IOptions<Knowledge.CentresOptions>>().Value)));
        services.AddSingleton<Knowledge.AnswerRenderer>();
        services.AddSingleton(sp => Feedback.QueueText.Load(sp.GetRequiredService<ContentPaths>().Localization));
        services.AddSingleton<Feedback.FeedbackRecorder>();
        services.AddValidatedOptions<Feedback.FeedbackOptions>(Feedback.FeedbackOptions.Section);
        services.AddSingleton<IValidateOptions<Feedback.FeedbackOptions>, Feedback.FeedbackOptionsValidator>();
        services.AddSingleton<Feedback.QueueService>();
        foreach (var kind in new[] { Feedback.QueueDelivery.AnswerKind, Feedback.QueueDelivery.ReplyKind })
        {
            services.AddSingleton<IOutboxObserver>(sp => ActivatorUtilities.CreateInstance<Feedback.QueueDeliveryObserver>(sp, kind));
        }
        services.AddSingleton<Feedback.QueueReports>();
        services.AddSingleton<Feedback.KnowledgeTeacher>();
        services.AddSingleton<Feedback.QueueRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<Feedback.QueueRetention>());
        services.AddValidatedOptions<ConversationOptions>(ConversationOptions.Section);
        services.AddSingleton<IValidateOptions<ConversationOptions>, ConversationOptionsValidator>();
        services.AddSingleton<IStorage, EfStorage>();
        services.AddSingleton<ConversationState>();
        services.AddSingleton<UserState>();
        services.AddSingleton<BotStateAccessors>();
        services.AddSingleton<ConversationTexts>();
        services.AddSingleton<OptOutMiddleware>();
        services.AddSingleton<LanguageMiddleware>();
        services.AddSingleton<RepeatGuardMiddleware>();
        services.AddSingleton<TurnErrorHandler>();
        services.AddSingleton<KeyedLock>();
        services.AddSingleton(sp => sp.GetRequiredService<BotContent>().Dialogs);
        services.AddSingleton<DialogRuntime.DialogInputs>();
        services.AddSingleton<DialogRuntime.DialogActions>();
        services.AddSingleton<DialogRuntime.DialogRunner>();
        services.AddSingleton<Announcements.SubscriptionStore>();
        services.AddSingleton<SegBot>();
        services.AddSingleton<IBot>(sp => sp.GetRequiredService<SegBot>());
        services.AddSingleton<TurnPipeline>();
        return services;
    }
}
