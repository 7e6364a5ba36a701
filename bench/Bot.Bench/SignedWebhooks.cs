using System.Globalization;
using System.Text;
using System.Text.Json;
using Bot.Tests.Channels.WhatsApp;

namespace Bot.Bench;

/// <summary>Webhook requests as Telegram and Twilio post them (signed), and the percentile the drivers report.</summary>
public static class SignedWebhooks
{
    public const string TwilioPublicBase = "https://bot.example.org";

    /// <summary>A private-chat text from <paramref name="chat"/>, with the webhook's secret header.</summary>
    public static HttpRequestMessage Telegram(string secret, long chat, long updateId, string text)
    {
        var body = JsonSerializer.Serialize(new
        {
            update_id = updateId,
            message = new { message_id = (updateId % 1_000_000) + 1, date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), chat = new { id = chat, type = "private" }, from = new { id = chat, is_bot = false, first_name = "L" }, text },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        return request;
    }

    /// <summary>A WhatsApp text from <paramref name="phone"/> (MessageSid from <paramref name="n"/>), signed with the auth token.</summary>
    public static HttpRequestMessage WhatsApp(string authToken, string phone, long n, string text)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + n.ToString("x32", CultureInfo.InvariantCulture), ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["From"] = "whatsapp:" + phone, ["To"] = "whatsapp:+14155238886", ["Body"] = text, ["NumMedia"] = "0",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(authToken, TwilioPublicBase + "/api/whatsapp", form));
        return request;
    }

    /// <summary>The <paramref name="p"/> percentile of sorted values (NaN when there are none).</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
