using System.Globalization;
using System.Net;
using System.Text;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Outbox;
using Bot.Web.Channels.Telegram;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Bot.Tests.Hardening;

/// <summary>
/// Posts what Telegram and Twilio post to the app (a Telegram update with the secret header, a signed Twilio form),
/// to any base address: the in-process host or the app as a separate process. Settings as in <see cref="OutboxTestHost.ChannelSettings"/>.
/// </summary>
public static class Webhooks
{
    public const string TelegramSecret = "test-secret_123";
    public const string TwilioAuthToken = "test-auth-token-0123456789";
    public const string PublicBase = "https://bot.example.org";

    /// <summary>
    /// Now as Telegram dates an update (Unix seconds): the bot ignores updates older than Telegram:MaxUpdateAgeHours, so
    /// what the tests post is dated now, as Telegram's would be.
    /// </summary>
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A Telegram update from tests/…/Telegram/fixtures, dated now (the files carry a date from when they were written).</summary>
    public static string TelegramFixture(string name) =>
        System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Channels", "Telegram", "fixtures", name)),
            "\"date\":1764[0-9]{6}", _ => "\"date\":" + Now.ToString(CultureInfo.InvariantCulture));

    /// <summary>A private-chat text message from <paramref name="chat"/> as Telegram posts it.</summary>
    public static string TelegramText(long updateId, long chat, string text, string language = "tr") =>
        $$$"""{"update_id":{{{updateId}}},"message":{"message_id":{{{updateId % 100000}}},"date":{{{Now}}},"chat":{"id":{{{chat}}},"type":"private","first_name":"A"},"from":{"id":{{{chat}}},"is_bot":false,"first_name":"A","language_code":"{{{language}}}"},"text":{{{System.Text.Json.JsonSerializer.Serialize(text)}}}}}""";

    public static async Task<HttpStatusCode> PostTelegramAsync(HttpClient client, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(TelegramWebhook.SecretHeader, TelegramSecret);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>An inbound WhatsApp text as Twilio posts it (<paramref name="sid"/> is its MessageSid, the same on Twilio's retries).</summary>
    public static Dictionary<string, string> WhatsAppText(string sid, string from, string body) => WhatsAppTestHost.InboundForm(sid, from, body);

    public static string Sid(int n) => "SM" + n.ToString("x32", CultureInfo.InvariantCulture);

    public static async Task<HttpStatusCode> PostWhatsAppAsync(HttpClient client, IReadOnlyDictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(TwilioAuthToken, PublicBase + "/api/whatsapp", form));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The inbox rows of a SQLite data folder, read with a connection of the test's own (the app may be another process).</summary>
    public static async Task<List<InboundUpdate>> InboxAsync(string dataFolder)
    {
        var options = new DbContextOptionsBuilder<SqliteBotDbContext>().UseSqlite($"Data Source={Path.Combine(dataFolder, "bot.db")};Pooling=false").Options;
        await using var db = new SqliteBotDbContext(options);
        return await db.Inbound.AsNoTracking().OrderBy(u => u.Id).ToListAsync();
    }

    /// <summary>Waits until <paramref name="done"/> holds; false when <paramref name="seconds"/> ran out first.</summary>
    public static async Task<bool> WaitAsync(Func<Task<bool>> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    public static Task<bool> WaitAsync(Func<bool> done, int seconds = 30) => WaitAsync(() => Task.FromResult(done()), seconds);
}
