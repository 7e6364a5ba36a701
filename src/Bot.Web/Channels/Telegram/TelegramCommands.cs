using Microsoft.Extensions.Options;

namespace Bot.Web.Channels.Telegram;

/// <summary>The Telegram channel's command-line verbs (listed in <see cref="ChannelSetup.Commands"/>).</summary>
public static class TelegramCommands
{
    /// <summary><c>telegram set-webhook</c> (URL, secret and allowed updates from configuration) and <c>telegram delete-webhook</c>.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<TelegramOptions>>().Value;
        if (!options.Enabled)
        {
            Console.Error.WriteLine("Telegram is off: set Telegram:BotToken first.");
            return 2;
        }
        var client = services.GetRequiredService<global::Telegram.Bot.ITelegramBotClient>();
        switch (args)
        {
            case ["set-webhook"]:
                if (options.WebhookUrl.Length == 0 || options.WebhookSecret.Length == 0)
                {
                    Console.Error.WriteLine("Set Telegram:WebhookUrl (public https URL of /api/telegram) and Telegram:WebhookSecret first.");
                    return 2;
                }
                await global::Telegram.Bot.TelegramBotClientExtensions.SetWebhook(client, options.WebhookUrl, allowedUpdates: TelegramPolling.AllowedUpdates,
                    secretToken: options.WebhookSecret, cancellationToken: ct);
                Console.Out.WriteLine($"Webhook set to {options.WebhookUrl} (updates: message, callback_query, my_chat_member).");
                return 0;
            case ["delete-webhook"]:
                await global::Telegram.Bot.TelegramBotClientExtensions.DeleteWebhook(client, cancellationToken: ct);
                Console.Out.WriteLine("Webhook deleted (getUpdates polling works again).");
                return 0;
            default:
                Console.Error.WriteLine("usage: telegram set-webhook | telegram delete-webhook");
                return 2;
        }
    }
}
