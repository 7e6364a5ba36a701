using Bot.Web.Channels;
using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Outbox;

public static class OutboxSetup
{
    /// <summary>The outbox store and dispatcher; it sends through every channel's <see cref="IChannelSender"/> that is on.</summary>
    /// <summary>The outbox's depth as a metric, when metrics are exported (read from the database when they are collected).</summary>
    public static WebApplication ObserveOutboxDepth(this WebApplication app)
    {
        if (app.Configuration.GetSection(Operations.MetricsOptions.Section).Get<Operations.MetricsOptions>()?.Prometheus != true) return app;
        var dbFactory = app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.BotDbContext>>();
        Operations.BotMetrics.ObserveOutbox(() =>
        {
            using var db = dbFactory.CreateDbContext();
            return db.Outbox.LongCount(m => OutboxStatuses.Open.Contains(m.Status));
        });
        return app;
    }

    public static IServiceCollection AddBotOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<OutboxOptions>(OutboxOptions.Section);
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<Privacy.IPersonalDataEraser, OutboxErasure>();
        services.AddSingleton<OutboxObservers>();
        services.AddSingleton<IDeliveryReports, OutboxDeliveryReports>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
