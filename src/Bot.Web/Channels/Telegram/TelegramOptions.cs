using System.Text.RegularExpressions;
using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

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

    /// <summary>Messages per second for the whole bot (Telegram's bulk limit is about 30).</summary>
    public int MessagesPerSecond { get; set; } = 30;

    /// <summary>Messages per second to one chat (Telegram: about 1, short bursts tolerated).</summary>
    public double PerChatMessagesPerSecond { get; set; } = 1;

    /// <summary>Messages one chat may receive at once before the per-chat rate applies (a reply of a few parts).</summary>
    public int PerChatBurst { get; set; } = 3;

    /// <summary>Attempts for a call that fails transiently (5xx, timeout, connection), with exponential backoff.</summary>
    public int MaxSendAttempts { get; set; } = 4;

    /// <summary>While a turn runs longer than this, "typing…" is shown again (Telegram shows it for about 5 seconds).</summary>
    public double TypingIntervalSeconds { get; set; } = 4;

    /// <summary>
    /// A message (or membership change) older than this is accepted and ignored, not answered: after an outage, or a
    /// date Telegram never sends (0). Telegram itself stops redelivering after about 24 hours. Button presses carry no
    /// date of their own (the date of the message under the button may be old, or 0 once it is inaccessible), so they
    /// are always answered.
    /// </summary>
    public double MaxUpdateAgeHours { get; set; } = 24;

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);
}

internal sealed partial class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        if (!options.Enabled) return ValidateOptionsResult.Success;
        var errors = new OptionErrors(TelegramOptions.Section);
        errors.Require(Token().IsMatch(options.BotToken), "BotToken", "must look like 123456:ABC-DEF… (the token from @BotFather).");
        errors.Require(Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) && api.Scheme is "http" or "https",
            "ApiBaseUrl", "must be an absolute http(s) URL.");
        errors.Require(options.MessagesPerSecond is >= 1 and <= 1000, "MessagesPerSecond", "must be between 1 and 1000.");
        errors.Require(options.PerChatMessagesPerSecond is > 0 and <= 30, "PerChatMessagesPerSecond", "must be in (0, 30].");
        errors.Require(options.PerChatBurst is >= 1 and <= 20, "PerChatBurst", "must be between 1 and 20.");
        errors.Require(options.MaxSendAttempts is >= 1 and <= 10, "MaxSendAttempts", "must be between 1 and 10.");
        errors.Require(options.MaxUpdateAgeHours is >= 1 and <= 720, "MaxUpdateAgeHours", "must be between 1 and 720 (hours).");
        errors.Require(options.TypingIntervalSeconds is >= 0.5 and <= 5, "TypingIntervalSeconds", "must be between 0.5 and 5 (Telegram clears typing after 5 seconds).");
        if (options.Mode == TelegramMode.Webhook)
        {
            errors.Require(Secret().IsMatch(options.WebhookSecret), "WebhookSecret",
                "must be 1-256 characters of A-Z a-z 0-9 _ - in Webhook mode (Telegram sends it back on every call).");
        }
        if (options.WebhookUrl.Length > 0)
        {
            errors.Require(Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var url) && url.Scheme == "https",
                "WebhookUrl", "must be an absolute https URL (Telegram calls webhooks over HTTPS only).");
        }
        return errors.Result();
    }

    [GeneratedRegex("^[0-9]{3,}:[A-Za-z0-9_-]{10,}$")]
    private static partial Regex Token();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex Secret();
}

/// <summary>In Production: a Telegram webhook must be https with a long secret.</summary>
internal sealed class TelegramProductionCheck(Microsoft.Extensions.Options.IOptions<TelegramOptions> options) : Operations.IProductionCheck
{
    public IEnumerable<string> Problems()
    {
        var telegram = options.Value;
        if (!telegram.Enabled || telegram.Mode != TelegramMode.Webhook) yield break;
        if (!telegram.WebhookUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) yield return "Telegram:WebhookUrl must be an https:// address.";
        if (telegram.WebhookSecret.Length < 24) yield return "Telegram:WebhookSecret must have at least 24 characters.";
    }
}
