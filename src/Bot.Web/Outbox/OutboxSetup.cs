using Bot.Web.Channels;
using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Outbox;

public static class OutboxSetup
{
    /// <summary>The outbox store and dispatcher; it sends through every channel's <see cref="IChannelSender"/> that is on.</summary>
    public static IServiceCollection AddBotOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<OutboxOptions>(OutboxOptions.Section);
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxObservers>();
        services.AddSingleton<IDeliveryReports, OutboxDeliveryReports>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
