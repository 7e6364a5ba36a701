using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.WhatsApp;

/// <summary>The real host with WhatsApp on, behind a pretend proxy (public URL https://bot.example.org), against a fake Twilio API.</summary>
public abstract class WhatsAppTestHost : IAsyncLifetime
{
    public const string AccountSid = SignedWebhooks.TwilioAccountSid;
    protected const string AuthToken = "test-auth-token-0123456789";
    protected const string PublicBase = SignedWebhooks.TwilioPublicBase;
    protected const string TemplateTr = "HX11111111111111111111111111111111";
    protected const string TemplateAr = "HX22222222222222222222222222222222";
    private int _sid;

    protected TempFolder Data { get; } = new();
    protected LogSink Logs { get; } = new();
    protected FakeTwilioApi Api { get; private set; } = null!;
    protected BotHost Host { get; set; } = null!;

    /// <summary>More configuration for the host.</summary>
    protected Dictionary<string, string?> Settings { get; } = [];

    public async Task InitializeAsync()
    {
        Api = await FakeTwilioApi.StartAsync();
        Host = await StartHostAsync();
    }

    protected Task<BotHost> StartHostAsync()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886",
            ["Twilio:PublicBaseUrl"] = PublicBase,
            ["Twilio:ApiBaseUrl"] = Api.BaseUrl,
            ["Twilio:Templates:course-announcement:tr"] = TemplateTr,
            ["Twilio:Templates:course-announcement:ar"] = TemplateAr,
        };
        return StartWithAsync(settings);
    }

    /// <summary>Starts the host with the channel settings (SQLite in the test's folder unless a subclass says otherwise).</summary>
    protected virtual Task<BotHost> StartWithAsync(Dictionary<string, string?> settings) => BotHost.StartSqliteAsync(Data.Path, Logs, settings);

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Api.DisposeAsync();
        Data.Dispose();
    }

    protected string NextSid() => "SM" + Interlocked.Increment(ref _sid).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The form of an inbound WhatsApp text as Twilio posts it.</summary>
    protected Dictionary<string, string> Inbound(string from, string body, string? sid = null) => InboundForm(sid ?? NextSid(), from, body);

    /// <summary>The form of an inbound WhatsApp text as Twilio posts it (<paramref name="sid"/> is its MessageSid, the same on Twilio's retries).</summary>
    public static Dictionary<string, string> InboundForm(string sid, string from, string body) => SignedWebhooks.WhatsAppForm(sid, from, body);

    /// <summary>Posts a form to our path, signed for <paramref name="signedUrl"/> (default: the public URL of that path).</summary>
    protected async Task<HttpResponseMessage> PostAsync(string path, IReadOnlyDictionary<string, string> form, string? signature = "sign",
        string? signedUrl = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (signature == "sign") signature = TwilioSigner.Sign(AuthToken, signedUrl ?? PublicBase + path, form);
        if (signature is not null) request.Headers.Add(SignedWebhooks.TwilioSignatureHeader, signature);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.Add(k, v);
        return await Host.Client.SendAsync(request);
    }

    /// <summary>Sends a text from <paramref name="from"/> and waits for the bot's replies to it.</summary>
    protected async Task<IReadOnlyList<SentMessage>> SayAsync(string from, string body, int replies = 1)
    {
        var before = Api.Delivered(from).Count;
        using var response = await PostAsync("/api/whatsapp", Inbound(from, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Api.WaitForAsync(api => api.Delivered(from).Count >= before + replies);
        await TurnsOverAsync(); // the turn may send more
        return Api.Delivered(from).Skip(before).ToList();
    }

    /// <summary>Waits until the turns of the stored updates are over (at least <paramref name="rows"/> of them): all their replies have been sent.</summary>
    protected async Task TurnsOverAsync(int rows = 1) =>
        Assert.True(await Bot.Tests.Hardening.Webhooks.TurnsOverAsync(Host.Services, rows), $"the turns of {rows} update(s) did not end");

    protected async Task<string> UserIdAsync(string phone) =>
        await Host.Services.GetRequiredService<UserDirectory>().IdOfAsync(WhatsAppAdapter.ChannelId, phone);

    /// <summary>Moves a user's last message back in time (as if they last wrote <paramref name="ago"/> ago).</summary>
    protected async Task LastWroteAsync(string phone, TimeSpan ago)
    {
        var id = await UserIdAsync(phone);
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var at = DateTimeOffset.UtcNow - ago;
        Assert.Equal(1, await db.BotUsers.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.LastSeenAt, at)));
    }
}
