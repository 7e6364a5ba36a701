using Bot.Web.Data;
using Bot.Web.Localization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.Web.Operations;

public static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddBotHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<BotDbContext>("database", tags: [Ready])
            .AddCheck<ContentHealthCheck>("content", tags: [Ready]);
        return services;
    }

    /// <summary><c>/healthz</c>: the process is up. <c>/readyz</c>: the database answers and the content is loaded.</summary>
    public static IEndpointRouteBuilder MapBotHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) });
        return app;
    }

    private sealed class ContentHealthCheck(BotContentHolder content) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(content.IsLoaded ? HealthCheckResult.Healthy("content loaded") : HealthCheckResult.Unhealthy("content not loaded"));
    }
}

/// <summary>Knows whether the content has been loaded (it is loaded once at start-up, before requests are served).</summary>
public sealed class BotContentHolder
{
    private BotContent? _content;

    public bool IsLoaded => _content is not null;

    public BotContent Content => _content ?? throw new InvalidOperationException("Content is not loaded yet.");

    public void Set(BotContent content) => _content = content;
}
