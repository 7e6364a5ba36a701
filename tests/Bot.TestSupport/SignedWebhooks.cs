using System.Globalization;
using System.Text;
using System.Text.Json;
using Bot.Tests.Channels.WhatsApp;

namespace Bot.Tests.Infrastructure;

/// <summary>
/// Webhook requests as Telegram and Twilio post them: a Telegram update with the webhook's secret header, a Twilio form
/// signed with the account's auth token for the app's public URL. Used by the tests and the load drivers.
/// </summary>
public static class SignedWebhooks
{
    /// <summary>The header Telegram sends the webhook's secret in.</summary>
    public const string TelegramSecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>The header Twilio sends its signature in.</summary>
    public const string TwilioSignatureHeader = "X-Twilio-Signature";

    /// <summary>The public base URL the app is told it is reached at (behind a pretend proxy): Twilio signs for it.</summary>
    public const string TwilioPublicBase = "https://bot.example.org";

    /// <summary>The account and WhatsApp sender the tests' forms name.</summary>
    public const string TwilioAccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string TwilioWhatsAppFrom = "whatsapp:+14155238886";

    /// <summary>Now as Telegram dates an update (Unix seconds).</summary>
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A Twilio MessageSid from a number (the same number, the same sid: Twilio's retries carry the same one).</summary>
    public static string Sid(long n) => "SM" + n.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>A private-chat text message from <paramref name="chat"/> as Telegram posts it (dated now).</summary>
    public static string TelegramText(long updateId, long chat, string text, string? language = "tr", string firstName = "A") =>
        JsonSerializer.Serialize(new
        {
            update_id = updateId,
            message = new
            {
                message_id = updateId % 100000,
                date = Now,
                chat = new { id = chat, type = "private", first_name = firstName },
                from = language is null
                    ? (object)new { id = chat, is_bot = false, first_name = firstName }
                    : new { id = chat, is_bot = false, first_name = firstName, language_code = language },
                text,
            },
        });

    /// <summary>A POST of <paramref name="update"/> to /api/telegram with the secret header (none when <paramref name="secret"/> is null).</summary>
    public static HttpRequestMessage Telegram(string update, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        if (secret is not null) request.Headers.Add(TelegramSecretHeader, secret);
        return request;
    }

    /// <summary>The form of an inbound WhatsApp text as Twilio posts it (<paramref name="sid"/> is its MessageSid, the same on Twilio's retries).</summary>
    public static Dictionary<string, string> WhatsAppForm(string sid, string from, string body, string profileName = "Ayşe") => new()
    {
        ["MessageSid"] = sid,
        ["SmsMessageSid"] = sid,
        ["AccountSid"] = TwilioAccountSid,
        ["From"] = "whatsapp:" + from,
        ["To"] = TwilioWhatsAppFrom,
        ["Body"] = body,
        ["NumMedia"] = "0",
        ["ProfileName"] = profileName,
        ["WaId"] = from.TrimStart('+'),
    };

    /// <summary>
    /// A POST of <paramref name="form"/> to <paramref name="path"/>, signed with <paramref name="authToken"/> for
    /// <paramref name="signedUrl"/> (default: the public URL of the path) as Twilio signs it.
    /// </summary>
    public static HttpRequestMessage WhatsApp(string authToken, IReadOnlyDictionary<string, string> form, string path = "/api/whatsapp", string? signedUrl = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignatureHeader, TwilioSigner.Sign(authToken, signedUrl ?? TwilioPublicBase + path, form));
        return request;
    }
}
