using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.Telegram;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// The real host with every inbound endpoint on (web chat, Telegram webhook, WhatsApp and its status callback) against
/// the fake Bot API and the fake Twilio API, and helpers to post raw bodies to them (chunked when asked: no
/// Content-Length, so only the bytes actually read can be counted).
/// </summary>
public abstract class InboundTestHost : IAsyncLifetime
{
    protected TempFolder Data { get; } = new();
    protected LogSink Logs { get; } = new();
    protected FakeTelegramApi Telegram { get; private set; } = null!;
    protected FakeTwilioApi Twilio { get; private set; } = null!;
    protected BotHost Host { get; private set; } = null!;

    /// <summary>More configuration for the host (set in a test class's constructor).</summary>
    protected Dictionary<string, string?> Settings { get; } = [];

    public async Task InitializeAsync()
    {
        Telegram = await FakeTelegramApi.StartAsync();
        Twilio = await FakeTwilioApi.StartAsync();
        Host = await BotHost.StartSqliteAsync(Data.Path, Logs, Outbox.OutboxTestHost.ChannelSettings(Telegram, Twilio, Settings));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Telegram.DisposeAsync();
        await Twilio.DisposeAsync();
        Data.Dispose();
    }

    public const string WebChatPath = "/api/webchat/messages";
    public const string TelegramPath = "/api/telegram";
    public const string WhatsAppPath = "/api/whatsapp";
    public const string StatusPath = "/api/whatsapp/status";

    /// <summary>Posts <paramref name="body"/> as it is to <paramref name="path"/>, with what that endpoint needs to get past its door (the Telegram secret, a Twilio signature header).</summary>
    protected async Task<(HttpStatusCode Status, string Body, string? ContentType)> PostRawAsync(string path, byte[] body, string contentType, bool chunked = false)
    {
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (path == TelegramPath) request.Headers.Add(TelegramWebhook.SecretHeader, Webhooks.TelegramSecret);
        if (path.StartsWith(WhatsAppPath, StringComparison.Ordinal))
        {
            request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(Webhooks.TwilioAuthToken, Webhooks.PublicBase + path, new Dictionary<string, string>()));
        }
        using var response = await Host.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    protected Task<(HttpStatusCode Status, string Body, string? ContentType)> PostRawAsync(string path, string body, string contentType, bool chunked = false) =>
        PostRawAsync(path, Encoding.UTF8.GetBytes(body), contentType, chunked);

    protected async Task<List<InboundUpdate>> InboxAsync()
    {
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        return await db.Inbound.AsNoTracking().OrderBy(u => u.Id).ToListAsync();
    }

    /// <summary>Nothing of a refused request was kept: no inbox row, no user, nothing sent.</summary>
    protected async Task AssertNothingStoredAsync()
    {
        // An update taken in is stored before its webhook answers, and a turn it started would be over: then its user
        // and replies are there to see.
        Assert.True(await Webhooks.TurnsOverAsync(Host.Services, rows: 0), "turns still running");
        Assert.Empty(await InboxAsync());
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.BotUsers.CountAsync());
        Assert.Empty(Telegram.Sent("sendMessage"));
        Assert.Empty(Twilio.Messages);
    }

    /// <summary>A body sent chunked (Transfer-Encoding: chunked), in pieces, without a Content-Length.</summary>
    public sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < body.Length; at += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(at, Math.Min(64 * 1024, body.Length - at)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
