using System.Security.Cryptography;
using System.Text;

namespace Bot.Tests.Channels.WhatsApp;

/// <summary>
/// Signs a webhook the way Twilio does (its documented algorithm): Base64 of HMAC(secret, URL + every POST
/// parameter's name and value, sorted by name). HMAC-SHA1 with the Auth Token, or the algorithm a shared key names.
/// </summary>
public static class TwilioSigner
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "HMAC-SHA1 is Twilio's signature algorithm for Auth Token webhooks.")]
    public static string Sign(string secret, string url, IReadOnlyDictionary<string, string> form, bool sha256 = false)
    {
        var data = new StringBuilder(url);
        foreach (var key in form.Keys.OrderBy(k => k, StringComparer.Ordinal)) data.Append(key).Append(form[key]);
        var bytes = Encoding.UTF8.GetBytes(data.ToString());
        var key8 = Encoding.UTF8.GetBytes(secret);
        return Convert.ToBase64String(sha256 ? HMACSHA256.HashData(key8, bytes) : HMACSHA1.HashData(key8, bytes));
    }
}
