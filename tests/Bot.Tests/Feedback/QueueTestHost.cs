using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Tests.Staff;
using Bot.Web.Staff;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Feedback;

/// <summary>
/// The real host with Telegram and WhatsApp on (fake Bot API and fake Twilio on 127.0.0.1), its own copy of the
/// content (teaching writes to it), a clock the test moves, and an admin API key: the staff queue end to end.
/// </summary>
public abstract class QueueTestHost : IAsyncLifetime
{
    protected const string AuthToken = "test-auth-token-0123456789";
    protected const string PublicBase = "https://bot.example.org";
    protected const string StaffAnswerTemplateTr = "HX33333333333333333333333333333333";
    private int _update = 7000;
    private int _sid;

    protected TempFolder Data { get; } = new();
    protected TempFolder Content { get; } = new();
    protected ManualClock Clock { get; } = new();
    protected FakeTelegramApi Telegram { get; private set; } = null!;
    protected FakeTwilioApi Twilio { get; private set; } = null!;
    protected BotHost Host { get; private set; } = null!;
    protected HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Repo.CopyContentTo(Content.Path);
        Telegram = await FakeTelegramApi.StartAsync();
        Twilio = await FakeTwilioApi.StartAsync();
        Host = await BotHost.StartSqliteAsync(Data.Path, extra: new Dictionary<string, string?>
        {
            ["Content:Root"] = Content.Path,
            ["Telegram:BotToken"] = FakeTelegramApi.Token,
            ["Telegram:WebhookSecret"] = "secret",
            ["Telegram:ApiBaseUrl"] = Telegram.BaseUrl,
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886",
            ["Twilio:PublicBaseUrl"] = PublicBase,
            ["Twilio:ApiBaseUrl"] = Twilio.BaseUrl,
            ["Twilio:Templates:staff-answer:tr"] = StaffAnswerTemplateTr,
        }, clock: Clock);
        Admin = Host.ApiClient(await Host.ApiKeyAsync("admin robot", StaffRoles.Admin));
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Host.DisposeAsync();
        await Telegram.DisposeAsync();
        await Twilio.DisposeAsync();
        Data.Dispose();
        Content.Dispose();
    }

    /// <summary>A Telegram user writes; returns once the bot has answered.</summary>
    protected async Task TelegramSaysAsync(long chat, string text)
    {
        var before = Telegram.Sent("sendMessage", chat).Count;
        var update = JsonSerializer.Serialize(new
        {
            update_id = Interlocked.Increment(ref _update),
            message = new
            {
                message_id = _update, date = Clock.GetUtcNow().ToUnixTimeSeconds(), chat = new { id = chat, type = "private", first_name = "A" },
                from = new { id = chat, is_bot = false, first_name = "A" }, text,
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", "secret");
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.SendAsync(request)).StatusCode);
        Assert.True(await Telegram.WaitForAsync(api => api.Sent("sendMessage", chat).Count > before), "the bot did not answer");
        Assert.True(await Hardening.Webhooks.TurnsOverAsync(Host.Services), "the turn did not end"); // all its replies out, its question recorded
    }

    /// <summary>A WhatsApp user writes; returns once the bot has answered.</summary>
    protected async Task WhatsAppSaysAsync(string phone, string text)
    {
        var before = Twilio.Delivered(phone).Count;
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Interlocked.Increment(ref _sid).ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef", ["From"] = "whatsapp:" + phone, ["To"] = "whatsapp:+14155238886",
            ["Body"] = text, ["NumMedia"] = "0",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(AuthToken, PublicBase + "/api/whatsapp", form));
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.SendAsync(request)).StatusCode);
        Assert.True(await Twilio.WaitForAsync(api => api.Delivered(phone).Count > before), "the bot did not answer");
        Assert.True(await Hardening.Webhooks.TurnsOverAsync(Host.Services), "the turn did not end"); // all its replies out, its question recorded
    }

    protected async Task<JsonElement> GroupsAsync(HttpClient? client = null, string query = "") =>
        await (client ?? Admin).GetFromJsonAsync<JsonElement>("/api/staff/queue" + query);

    protected async Task<JsonElement> GroupAsync(long id, HttpClient? client = null) =>
        await (client ?? Admin).GetFromJsonAsync<JsonElement>($"/api/staff/queue/{id}");

    /// <summary>The group holding a question whose text contains <paramref name="fragment"/>.</summary>
    /// <remarks>A turn records its question while it replies: this waits a little for it.</remarks>
    protected async Task<JsonElement> GroupWithAsync(string fragment)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            foreach (var group in (await GroupsAsync()).EnumerateArray())
            {
                var detail = await GroupAsync(group.GetProperty("id").GetInt64());
                if (detail.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("text").GetString()!.Contains(fragment, StringComparison.Ordinal))) return detail;
            }
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"No group holds a question with '{fragment}'.");
    }
}
