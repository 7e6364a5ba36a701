using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Outbox;

public static class OutboxSetup
{
    /// <summary>The outbox store and dispatcher, and a sending channel for each channel that is on.</summary>
    public static IServiceCollection AddBotOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<OutboxOptions>(OutboxOptions.Section);
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<IOutboxChannel, WebChatOutboxChannel>(); // always on: shown when the chat is next opened
        if ((configuration.GetSection(TelegramOptions.Section).Get<TelegramOptions>() ?? new()).Enabled)
        {
            services.AddSingleton<IOutboxChannel, TelegramOutboxChannel>();
        }
        if ((configuration.GetSection(TwilioOptions.Section).Get<TwilioOptions>() ?? new()).Enabled)
        {
            services.AddSingleton<IOutboxChannel, WhatsAppOutboxChannel>();
        }
        return services;
    }
}
