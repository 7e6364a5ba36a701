using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Channels.Telegram;

/// <summary>
/// A fake Telegram Bot API on 127.0.0.1: records every call (<c>POST /bot{token}/{method}</c> with its JSON body)
/// and answers like Telegram, or with a queued failure (status and body) for a method.
/// </summary>
public sealed class FakeTelegramApi : IAsyncDisposable
{
    public const string Token = "123456:TESTTOKEN_abcdefgh";
    private readonly WebApplication _app;
    private int _messageId = 100;

    public ConcurrentQueue<(string Method, JsonElement Body)> Calls { get; } = new();
    public ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Body)>> Failures { get; } = new();

    /// <summary>How long a method takes to answer (a slow API makes a long turn).</summary>
    public ConcurrentDictionary<string, TimeSpan> Delays { get; } = new();

    /// <summary>
    /// When set, the connection of every n-th sendMessage is dropped after the request was read and before it is
    /// processed: nothing is delivered, and the app cannot know whether it was (the same message sent again right
    /// after a drop is not dropped twice, so that a test is deterministic).
    /// </summary>
    public int? DropEvery { get; set; }

    private string? _lastDropped;

    /// <summary>sendMessage calls whose connection was dropped after delivery (<see cref="DropEvery"/>).</summary>
    public int Dropped => _dropped;

    private int _sendCalls;
    private int _dropped;

    /// <summary>Telegram's flood control: sendMessage beyond it is answered 429 (retry_after 1).</summary>
    public Bot.Tests.Infrastructure.ProviderLimit? Limit { get; set; }

    /// <summary>Keep every call's body (off in long benchmarks: only <see cref="Received"/> is kept).</summary>
    public bool KeepCalls { get; set; } = true;

    /// <summary>When the first and the latest accepted message arrived (Stopwatch timestamps).</summary>
    public (long First, long Last) ReceivedTimes => (Interlocked.Read(ref _first), Interlocked.Read(ref _lastReceived));

    private long _first;
    private long _lastReceived;

    /// <summary>While closed, calls are recorded but not answered (a send in flight, e.g. when the app is killed).</summary>
    public Bot.Tests.Infrastructure.Gate Answers { get; } = new();

    /// <summary>
    /// Chats whose sendMessage calls are accepted but not answered while their gate is closed (one user's call slow or
    /// hanging while everyone else's go through).
    /// </summary>
    public ConcurrentDictionary<long, Bot.Tests.Infrastructure.Gate> HeldChats { get; } = new();

    /// <summary>Updates getUpdates hands out (those at or after the requested offset).</summary>
    public ConcurrentQueue<JsonElement> Updates { get; } = new();

    private FakeTelegramApi(WebApplication app) => _app = app;

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<FakeTelegramApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTelegramApi(app);
        app.MapPost("/bot{token}/{method}", fake.Handle);
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> Handle(string token, string method, HttpRequest request)
    {
        using var document = await JsonDocument.ParseAsync(request.Body);
        var body = document.RootElement.Clone();
        if (Delays.TryGetValue(method, out var delay)) await Task.Delay(delay);
        if (KeepCalls) Calls.Enqueue((method, body)); // recorded when answered
        if (token != Token) return Results.Json(new { ok = false, error_code = 401, description = "Unauthorized" }, statusCode: 401);
        if (method == "sendMessage" && Limit?.TryTake() == false)
        {
            return Results.Json(new { ok = false, error_code = 429, description = "Too Many Requests: retry after 1", parameters = new { retry_after = 1 } }, statusCode: 429);
        }
        if (Failures.TryGetValue(method, out var queue) && queue.TryDequeue(out var failure))
        {
            if (failure.Status != 0) return Results.Content(failure.Body, "application/json", statusCode: failure.Status);
            // Status 0: Telegram sent the message but the answer never arrives (the connection drops).
            Accept(method, body);
            request.HttpContext.Abort();
            return Results.Empty;
        }
        if (method == "sendMessage" && DropEvery is { } every && Interlocked.Increment(ref _sendCalls) % every == 0
            && body.GetRawText() is var raw && Interlocked.Exchange(ref _lastDropped, raw) != raw)
        {
            Interlocked.Increment(ref _dropped);
            request.HttpContext.Abort();
            return Results.Empty;
        }
        Accept(method, body);
        if (method == "sendMessage") await Answers.PassAsync(request.HttpContext.RequestAborted);
        if (method == "sendMessage" && body.TryGetProperty("chat_id", out var held) && HeldChats.TryGetValue(held.GetInt64(), out var gate))
        {
            await gate.PassAsync(request.HttpContext.RequestAborted);
        }
        if (method == "getUpdates")
        {
            var offset = body.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt64() : 0;
            var due = Updates.Where(u => u.GetProperty("update_id").GetInt64() >= offset).ToList();
            if (due.Count == 0) await Task.Delay(200); // a short long-poll
            return Results.Json(new { ok = true, result = due });
        }
        return method switch
        {
            "sendMessage" => Results.Json(new
            {
                ok = true,
                result = new
                {
                    message_id = Interlocked.Increment(ref _messageId),
                    date = 1764000000,
                    chat = new { id = body.GetProperty("chat_id").GetInt64(), type = "private" },
                    text = body.GetProperty("text").GetString(),
                },
            }),
            _ => Results.Json(new { ok = true, result = true }),
        };
    }

    /// <summary>Chat ids of the messages Telegram accepted (failed calls left out; a call whose answer was lost counted).</summary>
    public ConcurrentQueue<long> Received { get; } = new();

    /// <summary>The messages Telegram accepted, in order: chat id and text (what the users' phones show).</summary>
    public ConcurrentQueue<(long Chat, string Text)> Accepted { get; } = new();

    /// <summary>The texts Telegram accepted for one chat, in order.</summary>
    public IReadOnlyList<string> TextsTo(long chatId) => Accepted.Where(a => a.Chat == chatId).Select(a => a.Text).ToList();

    private void Accept(string method, JsonElement body)
    {
        if (method != "sendMessage" || !body.TryGetProperty("chat_id", out var chat)) return;
        Received.Enqueue(chat.GetInt64());
        if (KeepCalls) Accepted.Enqueue((chat.GetInt64(), body.TryGetProperty("text", out var text) ? text.GetString() ?? "" : ""));
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _first, now, 0);
        Interlocked.Exchange(ref _lastReceived, now);
    }

    public IReadOnlyList<JsonElement> Sent(string method, long? chatId = null) =>
        Calls.Where(c => c.Method == method && (chatId is null || (c.Body.TryGetProperty("chat_id", out var id) && id.GetInt64() == chatId)))
            .Select(c => c.Body).ToList();

    /// <summary>Waits until <paramref name="done"/> holds (turns run after the webhook has answered); false when the time ran out.</summary>
    public Task<bool> WaitForAsync(Func<FakeTelegramApi, bool> done, int seconds = 15) => Bot.Tests.Infrastructure.Eventually.WaitAsync(() => done(this), seconds);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
