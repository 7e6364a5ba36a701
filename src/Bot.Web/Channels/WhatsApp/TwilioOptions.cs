using System.Text.RegularExpressions;
using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Channels.WhatsApp;

public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    /// <summary>Twilio account SID (AC…). The WhatsApp channel is on when this is set.</summary>
    public string AccountSid { get; set; } = "";

    /// <summary>Twilio auth token: authenticates REST calls and signs webhooks.</summary>
    public string AuthToken { get; set; } = "";

    /// <summary>The WhatsApp sender, e.g. <c>whatsapp:+14155238886</c>.</summary>
    public string WhatsAppFrom { get; set; } = "";

    /// <summary>Public base URL Twilio calls (e.g. https://bot.example.org); signatures are checked against it, never the request's own host.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Twilio REST API base; change only for tests.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>Messages per second the sender may send (Twilio's default for WhatsApp text is 10).</summary>
    public int MessagesPerSecond { get; set; } = 10;

    /// <summary>Unique recipients per day outside the 24-hour window (Meta's tier for a new sender is 250).</summary>
    public int DailyBusinessInitiatedLimit { get; set; } = 250;

    /// <summary>Attempts for a send that fails transiently (429/20429, 5xx, connection), with exponential backoff.</summary>
    public int MaxSendAttempts { get; set; } = 4;

    /// <summary>
    /// Webhook shared keys (Twilio Webhook Rules): key id → secret. A request naming a key in
    /// X-Twilio-Webhooks-Signature-Settings is checked with that secret and the algorithm it names; other requests
    /// with <see cref="AuthToken"/> and HMAC-SHA1.
    /// </summary>
    public Dictionary<string, string> WebhookSharedKeys { get; set; } = [];

    /// <summary>
    /// Approved WhatsApp templates for messages outside the 24-hour window: announcement type → language → ContentSid
    /// (HX…). Types used by the bot: course-announcement, staff-answer.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> Templates { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(AccountSid);

    /// <summary>The public URL of a path of ours, as Twilio calls it (and signs it).</summary>
    public string PublicUrl(string pathAndQuery) => PublicBaseUrl.TrimEnd('/') + pathAndQuery;
}

internal sealed partial class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        var errors = new OptionErrors(TwilioOptions.Section);
        // Templates and shared keys are checked even while the channel is off: a mistake there shows before go-live.
        foreach (var (key, secret) in options.WebhookSharedKeys)
        {
            errors.Require(!string.IsNullOrWhiteSpace(secret), $"WebhookSharedKeys:{key}", "needs the shared key's secret.");
        }
        foreach (var (type, languages) in options.Templates)
        {
            foreach (var (language, sid) in languages)
            {
                errors.Require(Localization.Language.IsSupported(language), $"Templates:{type}:{language}",
                    $"names an unknown language (use {string.Join(", ", Localization.Language.All)}).");
                errors.Require(ContentSidPattern().IsMatch(sid), $"Templates:{type}:{language}", "must be a ContentSid: HX followed by 32 hexadecimal characters.");
            }
        }
        if (!options.Enabled) return errors.Result();
        errors.Require(AccountSidPattern().IsMatch(options.AccountSid), "AccountSid", "must be AC followed by 32 hexadecimal characters.");
        errors.Require(!string.IsNullOrWhiteSpace(options.AuthToken), "AuthToken", "is required when Twilio:AccountSid is set.");
        errors.Require(FromPattern().IsMatch(options.WhatsAppFrom), "WhatsAppFrom", "must look like whatsapp:+14155238886.");
        errors.Require(Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.Query.Length == 0,
            "PublicBaseUrl", "must be the absolute URL Twilio calls, without a query (e.g. https://bot.example.org).");
        errors.Require(Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) && api.Scheme is "http" or "https",
            "ApiBaseUrl", "must be an absolute http(s) URL.");
        errors.Require(options.MessagesPerSecond is >= 1 and <= 400, "MessagesPerSecond", "must be between 1 and 400.");
        errors.Require(options.DailyBusinessInitiatedLimit >= 0, "DailyBusinessInitiatedLimit", "must be 0 or more.");
        errors.Require(options.MaxSendAttempts is >= 1 and <= 10, "MaxSendAttempts", "must be between 1 and 10.");
        return errors.Result();
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();

    [GeneratedRegex(@"^whatsapp:\+[1-9][0-9]{6,14}$")]
    private static partial Regex FromPattern();

    [GeneratedRegex("^HX[0-9a-fA-F]{32}$")]
    private static partial Regex ContentSidPattern();
}

/// <summary>In Production: Twilio's public address must be https.</summary>
internal sealed class TwilioProductionCheck(Microsoft.Extensions.Options.IOptions<TwilioOptions> options) : Operations.IProductionCheck
{
    public IEnumerable<string> Problems()
    {
        var twilio = options.Value;
        if (twilio.Enabled && !twilio.PublicBaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            yield return "Twilio:PublicBaseUrl must be an https:// address.";
        }
    }
}
