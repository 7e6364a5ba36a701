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

    public bool Enabled => !string.IsNullOrWhiteSpace(AccountSid);
}
