using System.Net;
using Bot.Tests.Infrastructure;
using Xunit;

namespace Bot.Tests.Channels.Telegram;

/// <summary>The real host with Telegram on (webhook mode) against a fake Bot API, and helpers to post updates to it.</summary>
public abstract class TelegramTestHost : IAsyncLifetime
{
    protected const string Secret = "test-secret_123";
    protected TempFolder Data { get; } = new();
    protected LogSink Logs { get; } = new();
    protected FakeTelegramApi Api { get; private set; } = null!;
    protected BotHost Host { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await FakeTelegramApi.StartAsync();
        Host = await StartHostAsync();
    }

    /// <summary>More configuration for the host (a test class's own content root, timings).</summary>
    protected Dictionary<string, string?> Settings { get; } = [];

    protected Task<BotHost> StartHostAsync()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Telegram:BotToken"] = FakeTelegramApi.Token,
            ["Telegram:WebhookSecret"] = Secret,
            ["Telegram:ApiBaseUrl"] = Api.BaseUrl,
        };
        return BotHost.StartSqliteAsync(Data.Path, Logs, settings);
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Api.DisposeAsync();
        Data.Dispose();
    }

    /// <summary>Waits until the turns of the stored updates are over (at least <paramref name="rows"/> of them): all their replies have been sent.</summary>
    protected async Task TurnsOverAsync(int rows = 1) =>
        Assert.True(await Bot.Tests.Hardening.Webhooks.TurnsOverAsync(Host.Services, rows), $"the turns of {rows} update(s) did not end");

    protected static string Fixture(string name) => Bot.Tests.Hardening.Webhooks.TelegramFixture(name);

    protected async Task<HttpStatusCode> PostAsync(string body, string? secret = Secret)
    {
        using var request = SignedWebhooks.Telegram(body, secret);
        using var response = await Host.Client.SendAsync(request);
        return response.StatusCode;
    }
}
