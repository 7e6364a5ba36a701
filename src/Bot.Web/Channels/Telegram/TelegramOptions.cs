namespace Bot.Web.Channels.Telegram;

public enum TelegramMode
{
    Webhook,
    Polling,
}

public sealed class TelegramOptions
{
    public const string Section = "Telegram";

    /// <summary>Token from @BotFather (<c>123456:ABC…</c>). The Telegram channel is on when this is set.</summary>
    public string BotToken { get; set; } = "";

    /// <summary>Secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token on every webhook call (1–256 of A-Z a-z 0-9 _ -).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Webhook (Telegram calls POST /api/telegram) or Polling (the bot calls getUpdates; no public address needed).</summary>
    public TelegramMode Mode { get; set; } = TelegramMode.Webhook;

    /// <summary>Bot API server; change only for a local Bot API server or tests.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>Public HTTPS URL of POST /api/telegram, registered by the `telegram set-webhook` verb.</summary>
    public string WebhookUrl { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);
}
