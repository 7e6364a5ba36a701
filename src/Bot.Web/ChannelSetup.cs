using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WebChat;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Channels;
using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web;

/// <summary>
/// The one list of channels. Each channel is a folder (<c>Channels/&lt;X&gt;/</c>) owning its inbound mapping and
/// webhook, its adapter for replies, its <see cref="IChannelSender"/> for messages the bot starts itself, its pacing,
/// error classification, delivery reports, templates and budgets. Nothing outside <c>Channels/</c> names a concrete
/// channel: adding one is a new folder plus a line in each method below.
/// </summary>
public static class ChannelSetup
{
    /// <summary>The channels' command-line verbs (<c>telegram set-webhook</c>…), run by <see cref="Cli.CommandLine"/>.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IServiceProvider, string[], CancellationToken, Task<int>>> Commands =
        new Dictionary<string, Func<IServiceProvider, string[], CancellationToken, Task<int>>>
        {
            ["telegram"] = TelegramCommands.RunAsync,
        };

    public static IServiceCollection AddBotChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<WebChatMailbox>();
        services.AddSingleton<Privacy.IPersonalDataEraser, WebChatMailboxErasure>();
        services.AddSingleton<WebChatAdapter>();
        services.AddSingleton<IChannelSender, WebChatChannelSender>(); // always on: shown when the chat is next opened
        services.AddValidatedOptions<TelegramOptions>(TelegramOptions.Section);
        services.AddTelegram(configuration);
        services.AddValidatedOptions<TwilioOptions>(TwilioOptions.Section);
        services.AddWhatsApp(configuration);
        return services;
    }

    public static WebApplication MapBotChannels(this WebApplication app)
    {
        app.MapWebChat();
        app.MapTelegram();
        app.MapWhatsApp();
        return app;
    }

    /// <summary>At start-up: which channels are on, and what to set to turn the others on.</summary>
    public static void ReportChannels(IServiceProvider services, ILogger log)
    {
        if (!services.GetRequiredService<IOptions<TelegramOptions>>().Value.Enabled)
        {
            log.LogInformation("Telegram is off: set Telegram:BotToken (and Telegram:WebhookSecret, Telegram:Mode) to turn it on");
        }
        var twilio = services.GetRequiredService<IOptions<TwilioOptions>>().Value;
        if (!twilio.Enabled)
        {
            log.LogInformation("WhatsApp is off: set Twilio:AccountSid, Twilio:AuthToken, Twilio:WhatsAppFrom and Twilio:PublicBaseUrl to turn it on");
        }
        else
        {
            log.LogInformation("WhatsApp is on: Twilio's incoming-message webhook must be {Url} (POST); status callbacks go to {Status}",
                twilio.PublicUrl(WhatsAppWebhook.MessagesPath), twilio.PublicUrl(WhatsAppWebhook.StatusPath));
        }
    }
}
