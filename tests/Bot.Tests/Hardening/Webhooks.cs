using System.Globalization;
using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Hardening;

/// <summary>
/// Posts what Telegram and Twilio post to the app (a Telegram update with the secret header, a signed Twilio form),
/// to any base address: the in-process host or the app as a separate process. Settings as in <see cref="OutboxTestHost.ChannelSettings"/>.
/// </summary>
public static class Webhooks
{
    public const string TelegramSecret = "test-secret_123";
    public const string TwilioAuthToken = "test-auth-token-0123456789";
    public const string PublicBase = SignedWebhooks.TwilioPublicBase;

    /// <summary>
    /// Now as Telegram dates an update (Unix seconds): the bot ignores updates older than Telegram:MaxUpdateAgeHours, so
    /// what the tests post is dated now, as Telegram's would be.
    /// </summary>
    public static long Now => SignedWebhooks.Now;

    /// <summary>A Telegram update from tests/…/Telegram/fixtures, dated now (the files carry a date from when they were written).</summary>
    public static string TelegramFixture(string name) =>
        System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Channels", "Telegram", "fixtures", name)),
            "\"date\":1764[0-9]{6}", _ => "\"date\":" + Now.ToString(CultureInfo.InvariantCulture));

    /// <summary>A private-chat text message from <paramref name="chat"/> as Telegram posts it.</summary>
    public static string TelegramText(long updateId, long chat, string text, string language = "tr") => SignedWebhooks.TelegramText(updateId, chat, text, language);

    public static async Task<HttpStatusCode> PostTelegramAsync(HttpClient client, string body)
    {
        using var request = SignedWebhooks.Telegram(body, TelegramSecret);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>An inbound WhatsApp text as Twilio posts it (<paramref name="sid"/> is its MessageSid, the same on Twilio's retries).</summary>
    public static Dictionary<string, string> WhatsAppText(string sid, string from, string body) => SignedWebhooks.WhatsAppForm(sid, from, body);

    public static string Sid(int n) => SignedWebhooks.Sid(n);

    public static async Task<HttpStatusCode> PostWhatsAppAsync(HttpClient client, IReadOnlyDictionary<string, string> form)
    {
        using var request = SignedWebhooks.WhatsApp(TwilioAuthToken, form);
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

    /// <summary>
    /// Waits until the inbox holds at least <paramref name="rows"/> updates and no turn is waiting or running (each one
    /// handled, failed or dropped): everything the bot will say about them has been sent. False when time ran out.
    /// </summary>
    public static Task<bool> TurnsOverAsync(IServiceProvider services, int rows = 1, int seconds = 30) => Eventually.WaitAsync(async () =>
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        return Over(await db.Inbound.AsNoTracking().Select(u => u.Status).ToListAsync(), rows);
    }, seconds);

    /// <inheritdoc cref="TurnsOverAsync(IServiceProvider, int, int)"/>
    public static Task<bool> TurnsOverAsync(string dataFolder, int rows = 1, int seconds = 30) =>
        Eventually.WaitAsync(async () => Over((await InboxAsync(dataFolder)).Select(u => u.Status).ToList(), rows), seconds);

    private static bool Over(List<InboundStatus> statuses, int rows) =>
        statuses.Count >= rows && statuses.All(s => s is not (InboundStatus.Pending or InboundStatus.Processing));

    /// <summary>Waits until <paramref name="done"/> holds; false when <paramref name="seconds"/> ran out first.</summary>
    public static Task<bool> WaitAsync(Func<Task<bool>> done, int seconds = 30) => Eventually.WaitAsync(done, seconds);

    /// <inheritdoc cref="WaitAsync(Func{Task{bool}}, int)"/>
    public static Task<bool> WaitAsync(Func<bool> done, int seconds = 30) => Eventually.WaitAsync(done, seconds);
}
