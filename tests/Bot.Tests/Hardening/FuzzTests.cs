using System.Net;
using System.Text;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// Hostile input, generated (seeded, so a failure can be replayed): random bytes, invalid UTF-8, huge fields, deeply
/// nested JSON, and Unicode edge cases (direction marks, zero-width joiners, emoji, mixed scripts, lone surrogates)
/// against the webhook parsers, the web chat API and the text normalisers. Never a 5xx, never a partial record.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261130;
    private const string AuthToken = "fuzz-auth-token-0123456789";

    private static readonly string[] Pieces =
    [
        "\u200F", "\u200E", "\u202E", "\u2066", "\u200D", "\u200B", "\uFEFF", "👩‍👩‍👧", "🇹🇷", "ﷺ", "\u0640\u0640", "١٢٣", "İı", "ŞşĞğ",
        "كيف", "çalışma izni", "\"", "\\", "\\u0000", "\u0000", "{", "}", "[", "]", ":", ",", "null", "true", "1e309", "-0", "%", "&", "=", "+",
        "<script>alert(1)</script>", "' OR 1=1 --", "\r\n", "\t", "\uD800", "\uDFFF", "a", "whatsapp:+90", "update_id", "message", "text",
    ];

    private static string RandomText(Random random, int maxPieces)
    {
        var sb = new StringBuilder();
        var count = random.Next(0, maxPieces);
        for (var i = 0; i < count; i++) sb.Append(Pieces[random.Next(Pieces.Length)]);
        return sb.ToString();
    }

    private static byte[] RandomBody(Random random)
    {
        switch (random.Next(6))
        {
            case 0: // random bytes, often invalid UTF-8
                var bytes = new byte[random.Next(0, 4096)];
                random.NextBytes(bytes);
                return bytes;
            case 1: // deeply nested JSON
                var depth = random.Next(10, 5000);
                return Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));
            case 2: // a huge field
                return Encoding.UTF8.GetBytes("{\"userId\":\"u\",\"text\":\"" + new string('x', random.Next(5_000, 200_000)) + "\"}");
            case 3: // plausible shapes with hostile values
                return Encoding.UTF8.GetBytes($"{{\"update_id\":{random.Next()},\"message\":{{\"message_id\":1,\"date\":1,\"chat\":{{\"id\":{random.Next(1, 50)},\"type\":\"private\"}},\"text\":\"{RandomText(random, 12).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal)}\"}}}}");
            case 4:
                return Encoding.UTF8.GetBytes("{\"userId\":\"" + RandomText(random, 6) + "\",\"text\":\"" + RandomText(random, 20) + "\"}");
            default:
                return Encoding.UTF8.GetBytes(RandomText(random, 40));
        }
    }

    [Fact]
    public async Task Random_bodies_on_every_inbound_endpoint_never_give_a_server_error_or_a_partial_record()
    {
        var random = new Random(Seed);
        await using var telegram = await FakeTelegramApi.StartAsync();
        await using var twilio = await FakeTwilioApi.StartAsync();
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = FakeTelegramApi.Token, ["Telegram:WebhookSecret"] = "fuzz-secret", ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef", ["Twilio:AuthToken"] = AuthToken, ["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886",
            ["Twilio:PublicBaseUrl"] = "https://bot.example.org", ["Twilio:ApiBaseUrl"] = twilio.BaseUrl,
        });
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 240; i++)
        {
            var body = RandomBody(random);
            using var request = (i % 4) switch
            {
                0 => Post("/api/webchat/messages", body, "application/json"),
                1 => Post("/api/telegram", body, "application/json", ("X-Telegram-Bot-Api-Secret-Token", "fuzz-secret")),
                2 => SignedForm(random),
                _ => Post("/api/whatsapp", body, "application/x-www-form-urlencoded", ("X-Twilio-Signature", Convert.ToBase64String(body.Take(20).ToArray()))),
            };
            using var response = await host.Client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"request {i} ({request.RequestUri}) got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }
        Assert.True(statuses.Keys.Count >= 3, "the fuzzing reached several outcomes: " + string.Join(", ", statuses));

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        Assert.All(await db.Inbound.ToListAsync(), u =>
        {
            Assert.False(string.IsNullOrEmpty(u.ExternalId));
            Assert.False(string.IsNullOrEmpty(u.Sender));
        });
        Assert.All(await db.BotUsers.ToListAsync(), u => Assert.False(string.IsNullOrEmpty(u.ProtectedAddress)));
    }

    private static HttpRequestMessage Post(string path, byte[] body, string contentType, params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    /// <summary>A correctly signed Twilio form whose fields are hostile (so it gets past the signature to the parser).</summary>
    private static HttpRequestMessage SignedForm(Random random)
    {
        var form = new Dictionary<string, string>();
        foreach (var key in new[] { "MessageSid", "From", "Body", "NumMedia", "MediaContentType0", "WaId" })
        {
            if (random.Next(4) > 0) form[key] = RandomText(random, key == "Body" ? 400 : 8);
        }
        if (random.Next(2) == 0) form["From"] = "whatsapp:+9053" + random.Next(10_000_000, 99_999_999);
        if (random.Next(2) == 0) form["MessageSid"] = "SM" + random.Next().ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        var safe = form.ToDictionary(p => p.Key, p => new string(p.Value.Where(c => !char.IsSurrogate(c)).ToArray()));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp") { Content = new FormUrlEncodedContent(safe) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(AuthToken, "https://bot.example.org/api/whatsapp", safe));
        return request;
    }

    [Fact]
    public void The_text_normalisers_and_the_matcher_accept_any_text()
    {
        var random = new Random(Seed);
        var queueText = QueueText.Load(Repo.PathOf("localization"));
        using var knowledge = new KnowledgeService(new Bot.Web.Localization.ContentPaths(Repo.Root),
            new Bot.Tests.Knowledge.StaticOptionsMonitor<KnowledgeOptions>(new KnowledgeOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<KnowledgeService>.Instance,
            TimeProvider.System, watch: false);
        for (var i = 0; i < 400; i++)
        {
            var text = i % 10 == 0 ? Encoding.UTF8.GetString(RandomBody(random)) : RandomText(random, 60);
            _ = TextAnalysis.NormalizeText(text);
            _ = QueueText.Words(text).ToList();
            _ = queueText.Signature(text, ["x"]);
            _ = queueText.CategoryOf(text);
            _ = knowledge.Match(text);
            _ = Bot.Web.Localization.LanguageDetector.Fold(text);
        }
    }
}
