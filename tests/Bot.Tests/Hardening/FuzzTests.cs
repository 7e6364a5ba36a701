using System.Globalization;
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

    private enum Hostile { InvalidUtf8, LoneSurrogate, BrokenMultipart, ChunkedOversize, ExtremeDate }

    private static readonly string[] Endpoints = ["/api/webchat/messages", "/api/telegram", "/api/whatsapp", "/api/whatsapp/status"];

    /// <summary>One hostile request, and the ids it would be stored under if anything of it were kept.</summary>
    private sealed record Sent(int Index, string Path, Hostile Kind, string? ExternalId, string? Channel, string? Address);

    /// <summary>
    /// The inputs that once gave 500 or were stored when they should not have been — invalid UTF-8, lone surrogates,
    /// broken multipart bodies, chunked bodies over the limit, dates out of range — generated (seeded) against all four
    /// inbound endpoints, each past its door (the Telegram secret, a valid Twilio signature where one can be made):
    /// never a 5xx, and nothing of a refused request (nor of a Telegram update that is ignored) is stored.
    /// </summary>
    [Fact]
    public async Task Hostile_encodings_bodies_and_dates_on_all_four_endpoints_give_no_server_error_and_store_nothing_refused()
    {
        var random = new Random(Seed + 18);
        await using var telegram = await FakeTelegramApi.StartAsync();
        await using var twilio = await FakeTwilioApi.StartAsync();
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: Outbox.OutboxTestHost.ChannelSettings(telegram, twilio));
        var sent = new List<(Sent Request, HttpStatusCode? Status)>();
        var index = 0;
        foreach (var kind in Enum.GetValues<Hostile>())
        {
            foreach (var path in Endpoints)
            {
                for (var variant = 0; variant < 6; variant++)
                {
                    var (request, what) = HostileRequest(random, kind, path, ++index);
                    using (request)
                    {
                        try
                        {
                            using var response = await host.Client.SendAsync(request);
                            Assert.True((int)response.StatusCode < 500,
                                $"{kind} #{index} on {path} got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                            sent.Add((what, response.StatusCode));
                        }
                        catch (HttpRequestException e) when (kind == Hostile.ChunkedOversize && e.InnerException is IOException)
                        {
                            sent.Add((what, null)); // the server answered 413 and closed while megabytes were still being sent
                        }
                    }
                }
            }
        }
        var outcomes = sent.GroupBy(s => s.Status).ToDictionary(g => g.Key?.ToString() ?? "connection closed", g => g.Count());
        foreach (var expected in new[] { "OK", "BadRequest", "RequestEntityTooLarge" })
        {
            Assert.True(outcomes.ContainsKey(expected), "outcomes: " + string.Join(", ", outcomes));
        }

        // The signed forms got past the signature to the parser (their bytes are what a broken client would send).
        Assert.Contains(sent, x => x.Request.Path == "/api/whatsapp" && x.Request.Kind == Hostile.LoneSurrogate && x.Status == HttpStatusCode.OK);
        Assert.Contains(sent, x => x.Request.Path == "/api/whatsapp/status" && x.Request.Kind == Hostile.InvalidUtf8 && x.Status == HttpStatusCode.OK);

        // The turns of what was accepted have run: every update was stored before its webhook answered, and none is
        // waiting or running now (the web chat answers within its request).
        Assert.True(await Webhooks.TurnsOverAsync(host.Services, rows: 0), "turns still running");
        var users = host.Services.GetRequiredService<Bot.Web.Privacy.UserDirectory>();
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var inbound = (await db.Inbound.AsNoTracking().ToListAsync()).Select(u => (u.Channel, u.ExternalId)).ToHashSet();
        var outbound = (await db.Outbound.AsNoTracking().Select(m => m.ExternalId).ToListAsync()).ToHashSet();
        var userIds = (await db.BotUsers.AsNoTracking().Select(u => u.Id).ToListAsync()).ToHashSet();
        foreach (var (what, status) in sent)
        {
            var refused = status is null || (int)status >= 300 || (what.Path == "/api/telegram" && what.Kind is Hostile.ExtremeDate or Hostile.InvalidUtf8 or Hostile.LoneSurrogate);
            if (!refused) continue;
            var label = $"{what.Kind} #{what.Index} on {what.Path} ({status})";
            if (what.ExternalId is { } id)
            {
                Assert.False(inbound.Contains((what.Channel!, id)), label + " was stored in the inbox");
                Assert.False(outbound.Contains(id), label + " was recorded as a delivery report");
            }
            if (what.Address is { } address) Assert.False(userIds.Contains(await users.IdOfAsync(what.Channel!, address)), label + " made a user");
        }
        Assert.Empty(telegram.Sent("sendMessage")); // no Telegram update here is one to answer
    }

    private static (HttpRequestMessage, Sent) HostileRequest(Random random, Hostile kind, string path, int index)
    {
        var chat = 900_000 + index;
        var phone = "+90532" + (1_000_000 + index).ToString(CultureInfo.InvariantCulture);
        var sid = "SM" + (0x18000000 + index).ToString("x32", CultureInfo.InvariantCulture);
        var browser = "fuzz-browser-" + index;
        var (channel, externalId, address) = path switch
        {
            "/api/webchat/messages" => ("webchat", (string?)null, browser),
            "/api/telegram" => ("telegram", (string?)(900_000 + index).ToString(CultureInfo.InvariantCulture), chat.ToString(CultureInfo.InvariantCulture)),
            "/api/whatsapp" => ("whatsapp", (string?)sid, phone),
            _ => ("whatsapp", (string?)sid, (string?)null),
        };
        var what = new Sent(index, path, kind, externalId, channel, address);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        // The hostile piece of text: raw bytes for JSON bodies, percent-encoded bytes for forms.
        byte[] bad = kind switch
        {
            Hostile.InvalidUtf8 => random.Next(4) switch
            {
                0 => [0xFF], 1 => [0xC3, 0x28], 2 => [0xE2, 0x82], _ => [0xF0, 0x9F, 0x98],
            },
            _ => random.Next(3) switch
            {
                0 => "\\udfff"u8.ToArray(), 1 => "\\ud800x"u8.ToArray(), _ => "\\ud83d\\ud83d"u8.ToArray(),
            },
        };
        byte[] Json(params object[] parts) => parts.SelectMany(p => p is string t ? Encoding.UTF8.GetBytes(t) : (byte[])p).ToArray();
        // A lone surrogate in a form is its three UTF-8-like bytes (what a broken client would send), percent-encoded.
        var badForm = kind == Hostile.InvalidUtf8 ? bad : random.Next(2) == 0 ? [0xED, 0xBF, 0xBF] : [0xED, 0xA0, 0x80, (byte)'x'];
        var percent = string.Concat(badForm.Select(b => "%" + b.ToString("X2", CultureInfo.InvariantCulture)));

        HttpContent content;
        switch (kind)
        {
            case Hostile.InvalidUtf8 or Hostile.LoneSurrogate when path == "/api/webchat/messages":
                content = Bytes(random.Next(3) switch
                {
                    0 => Json("{\"userId\":\"", browser, "\",\"text\":\"soru ", bad, "\"}"),
                    1 => Json("{\"userId\":\"", browser, bad, "\",\"text\":\"merhaba\"}"),
                    _ => Json("{\"userId\":\"", browser, "\",\"value\":\"", bad, "\"}"),
                }, "application/json");
                break;
            case Hostile.InvalidUtf8 or Hostile.LoneSurrogate when path == "/api/telegram":
                content = Bytes(Json($$"""{"update_id":{{externalId}},"message":{"message_id":1,"date":{{now}},"chat":{"id":{{chat}},"type":"private"},"from":{"id":{{chat}},"is_bot":false,"first_name":"A"},"text":"soru """, bad, "\"}}"), "application/json");
                break;
            case Hostile.InvalidUtf8 or Hostile.LoneSurrogate:
                var fields = path == "/api/whatsapp"
                    ? $"MessageSid={sid}&From=whatsapp%3A{Uri.EscapeDataString(phone)}&To=whatsapp%3A%2B14155238886&NumMedia=0&Body=soru{percent}"
                    : $"MessageSid={sid}&MessageStatus=delivered&ErrorCode={percent}&To=whatsapp%3A{Uri.EscapeDataString(phone)}";
                return (Signed(path, fields), what);
            case Hostile.BrokenMultipart:
                var boundary = "b" + random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
                var body = random.Next(3) switch
                {
                    0 => $"--{boundary}\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nmerhaba", // no closing boundary
                    1 => $"--{boundary}\r\nContent-Disposition: form-data; name=\"MessageSid\"\r\n", // headers cut short
                    _ => $"--{boundary}\r\n" + new string('x', 20_000), // a header line that never ends
                };
                content = Bytes(Encoding.UTF8.GetBytes(body), $"multipart/form-data; boundary={boundary}");
                break;
            case Hostile.ChunkedOversize:
                var (limit, type) = path switch
                {
                    "/api/telegram" => (1024 * 1024, "application/json"),
                    "/api/webchat/messages" => (64 * 1024, "application/json"),
                    _ => (64 * 1024, "application/x-www-form-urlencoded"),
                };
                var filler = new string('x', limit + random.Next(1, limit * 2));
                var oversized = path switch
                {
                    "/api/telegram" => $$$"""{"update_id":{{{externalId}}},"message":{"message_id":1,"date":{{{now}}},"chat":{"id":{{{chat}}},"type":"private"},"text":"{{{filler}}}"}}""",
                    "/api/webchat/messages" => $$"""{"userId":"{{browser}}","text":"{{filler}}"}""",
                    "/api/whatsapp" => $"MessageSid={sid}&From=whatsapp%3A{Uri.EscapeDataString(phone)}&Body={filler}",
                    _ => $"MessageSid={sid}&MessageStatus=delivered&Body={filler}",
                };
                content = new InboundTestHost.ChunkedContent(Encoding.UTF8.GetBytes(oversized));
                content.Headers.TryAddWithoutValidation("Content-Type", type);
                break;
            default: // dates out of range (or far in the past) where an endpoint has, or might be sent, one
                var date = random.Next(9) switch
                {
                    0 => "99999999999999", 1 => "-99999999999999", 2 => "1099511627776", 3 => "9223372036854775807", 4 => "1e20",
                    5 => "0", 6 => "-1", 7 => "\"2026-12-03\"", _ => "1.5",
                };
                switch (path)
                {
                    case "/api/telegram":
                        // A message's date may be anything (0 and -1 are merely too old); a ban's until_date only out of range
                        // (0 is a real one: for ever).
                        if (date is "0" or "-1" or "1.5") date = random.Next(2) == 0 ? date : "1099511627776";
                        content = Bytes(Encoding.UTF8.GetBytes(date is "0" or "-1" or "1.5" || random.Next(2) == 0
                            ? $$$"""{"update_id":{{{externalId}}},"message":{"message_id":1,"date":{{{date}}},"chat":{"id":{{{chat}}},"type":"private"},"from":{"id":{{{chat}}},"is_bot":false,"first_name":"A"},"text":"merhaba"}}"""
                            : $$$$$"""{"update_id":{{{{{externalId}}}}},"my_chat_member":{"chat":{"id":{{{{{chat}}}}},"type":"private"},"from":{"id":{{{{{chat}}}}},"is_bot":false,"first_name":"A"},"date":{{{{{now}}}}},"old_chat_member":{"status":"member","user":{"id":9,"is_bot":true,"first_name":"B"}},"new_chat_member":{"status":"kicked","until_date":{{{{{date}}}}},"user":{"id":9,"is_bot":true,"first_name":"B"}}}}"""),
                            "application/json");
                        break;
                    case "/api/webchat/messages":
                        content = Bytes(Encoding.UTF8.GetBytes($$"""{"userId":"{{browser}}","text":{{date}},"date":{{date}}}"""), "application/json");
                        break;
                    default:
                        var form = path == "/api/whatsapp"
                            ? $"MessageSid=xx{index}&From=whatsapp%3A{Uri.EscapeDataString(phone)}&Body=merhaba&DateSent={Uri.EscapeDataString(date)}"
                            : $"MessageSid={sid}&MessageStatus=unknown-{Uri.EscapeDataString(date)}&Timestamp={Uri.EscapeDataString(date)}";
                        return (Signed(path, form), what);
                }
                break;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (path == "/api/telegram") request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Webhooks.TelegramSecret);
        if (path.StartsWith("/api/whatsapp", StringComparison.Ordinal)) request.Headers.Add("X-Twilio-Signature", "c2lnbmF0dXJl");
        return (request, what);
    }

    private static ByteArrayContent Bytes(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>A form posted as these exact bytes, signed over the values as the app decodes them (percent-escapes of invalid UTF-8 are kept as they are).</summary>
    private static HttpRequestMessage Signed(string path, string fields)
    {
        var decoded = fields.Split('&').Select(p => p.Split('=', 2)).ToDictionary(
            p => Uri.UnescapeDataString(p[0]),
            p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Bytes(Encoding.ASCII.GetBytes(fields), "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(Webhooks.TwilioAuthToken, Webhooks.PublicBase + path, decoded));
        return request;
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
