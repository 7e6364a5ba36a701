using Bot.Tests.Infrastructure;

namespace Bot.Bench;

/// <summary>Webhook requests as Telegram and Twilio post them (signed: built by Bot.TestSupport), and the percentile the drivers report.</summary>
public static class Requests
{
    public const string TwilioPublicBase = SignedWebhooks.TwilioPublicBase;

    /// <summary>A private-chat text from <paramref name="chat"/>, with the webhook's secret header.</summary>
    public static HttpRequestMessage Telegram(string secret, long chat, long updateId, string text) =>
        SignedWebhooks.Telegram(SignedWebhooks.TelegramText(updateId, chat, text, language: null, firstName: "L"), secret);

    /// <summary>A WhatsApp text from <paramref name="phone"/> (MessageSid from <paramref name="n"/>), signed with the auth token.</summary>
    public static HttpRequestMessage WhatsApp(string authToken, string phone, long n, string text) =>
        SignedWebhooks.WhatsApp(authToken, SignedWebhooks.WhatsAppForm(SignedWebhooks.Sid(n), phone, text, profileName: "L"));

    /// <summary>The <paramref name="p"/> percentile of sorted values (NaN when there are none).</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
