using System.Net.Http.Json;
using System.Text.Json;
using Bot.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 (a free port), with a real database, driven over real HTTP.
/// Settings are configuration keys (Section:Key); the content comes from this repository.
/// </summary>
public sealed class BotHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BotHost(WebApplication app, LogSink logs, Uri baseAddress)
    {
        _app = app;
        Logs = logs;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public LogSink Logs { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="clock">The app's clock (a <see cref="ManualClock"/> where a test moves time); the system clock otherwise.</param>
    public static async Task<BotHost> StartAsync(IDictionary<string, string?> settings, LogSink? logs = null, TimeProvider? clock = null)
    {
        logs ??= new LogSink();
        var all = new Dictionary<string, string?>
        {
            ["Content:Root"] = Repo.Root,
            ["Logging:LogLevel:Default"] = "Debug",
            // Tests talk fast from one address; the rate limits have tests of their own (HardeningTests).
            ["RateLimits:MessagesPerSenderPerMinute"] = "100000",
            ["RateLimits:SenderBurst"] = "100000",
            ["RateLimits:WebChatPerUserPerMinute"] = "100000",
            ["RateLimits:WebChatPerIpPerMinute"] = "1000000",
            ["RateLimits:SignInPerIpPerMinute"] = "100000",
        };
        foreach (var (k, v) in settings) all[k] = v;
        var app = BotApplication.Build(["--urls=http://127.0.0.1:0", "--environment=Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            if (clock is not null) builder.Services.AddSingleton(clock);
        });
        try
        {
            await BotApplication.PrepareAsync(app);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BotHost(app, logs, new Uri(address));
    }

    public static Task<BotHost> StartSqliteAsync(string dataFolder, LogSink? logs = null, IDictionary<string, string?>? extra = null, TimeProvider? clock = null)
    {
        var settings = new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["Database:DataFolder"] = dataFolder };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        return StartAsync(settings, logs, clock);
    }

    /// <summary>
    /// The web chat id a test's short user name stands for: the app accepts only long random ids (a browser's secret), so
    /// a name such as <c>u-1</c> becomes a fixed 128-bit id derived from it (the same name, the same id). Ids the app
    /// accepts already are kept as they are.
    /// </summary>
    public static string WebChatId(string name) => Bot.Web.Channels.WebChat.WebChatIds.IsValid(name)
        ? name
        : "t-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("bot-tests webchat\n" + name)), 0, 16);

    /// <summary>Sends one web chat message as the user <paramref name="userId"/> (see <see cref="WebChatId"/>) and returns the bot's replies.</summary>
    public async Task<IReadOnlyList<Reply>> SayAsync(string userId, string? text = null, string? value = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/webchat/messages", new { userId = WebChatId(userId), text, value });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<ReplyList>(body, Json)!.Replies;
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public sealed record ReplyList(List<Reply> Replies);

    public sealed record Reply(string Text, string Locale, string Direction, List<Button> SuggestedActions);

    public sealed record Button(string Title, string Value);
}
