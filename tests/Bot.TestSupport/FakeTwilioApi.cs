using System.Collections.Concurrent;
using Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Channels.WhatsApp;

/// <summary>
/// A fake Twilio REST API on 127.0.0.1: records every <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c> (its form
/// fields and Basic credentials) and answers like Twilio with a new message resource, or with a queued failure.
/// </summary>
public sealed class FakeTwilioApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _next;

    public ConcurrentQueue<SentMessage> Messages { get; } = new();

    /// <summary>Failures answered to the next sends, in order: HTTP status and Twilio error code.</summary>
    public ConcurrentQueue<(int Status, int Code)> Failures { get; } = new();

    /// <summary>
    /// Sends whose connection drops before the answer, in order: true when Twilio created the message first (the
    /// outcome is unknown to the app, but the message exists), false when it never did.
    /// </summary>
    public ConcurrentQueue<bool> Drops { get; } = new();

    /// <summary>The sender's rate at Twilio: a send beyond it is answered 429 (code 20429).</summary>
    public ProviderLimit? Limit { get; set; }

    /// <summary>How long a send takes to answer (after the message is created: a slow answer leaves the sender waiting).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>While closed, sends are created and recorded but not answered (a send in flight, e.g. when the app is killed).</summary>
    public Gate Answers { get; } = new();

    /// <summary>Message list reads (the app looking up a send whose outcome it does not know).</summary>
    public int Lookups => _lookups;

    private int _lookups;

    private FakeTwilioApi(WebApplication app) => _app = app;

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<FakeTwilioApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTwilioApi(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", fake.Handle);
        app.MapGet("/2010-04-01/Accounts/{account}/Messages.json", fake.List);
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> Handle(string account, HttpRequest request)
    {
        (int Status, int Code) failure = default;
        var form = await request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        if (Limit?.TryTake() == false)
        {
            return Results.Json(new { code = 20429, message = "Too Many Requests", status = 429 }, statusCode: 429);
        }
        var dropped = Drops.TryDequeue(out var created);
        var failed = (dropped && !created) || (!dropped && Failures.TryDequeue(out failure));
        var sid = failed ? "" : "SM" + Interlocked.Increment(ref _next).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        var attempt = new SentMessage(account, request.Headers.Authorization.ToString(), fields, failed, sid, DateTimeOffset.UtcNow);
        Messages.Enqueue(attempt);
        if (dropped)
        {
            request.HttpContext.Abort();
            return Results.Empty;
        }
        if (failed)
        {
            return Results.Json(new { code = failure.Code, message = $"Error {failure.Code}", more_info = $"https://www.twilio.com/docs/errors/{failure.Code}", status = failure.Status },
                statusCode: failure.Status);
        }
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, request.HttpContext.RequestAborted);
        await Answers.PassAsync(request.HttpContext.RequestAborted);
        return Results.Json(Resource(attempt), statusCode: 201);
    }

    /// <summary>GET Messages.json?To=&amp;From=: the messages created, newest first, as Twilio lists them.</summary>
    private IResult List(string account, string? To, string? From)
    {
        Interlocked.Increment(ref _lookups);
        var found = Delivered().Where(m => (To is null || m.Fields.GetValueOrDefault("To") == To) && (From is null || m.Fields.GetValueOrDefault("From") == From))
            .OrderByDescending(m => m.CreatedAt).Take(20).Select(Resource).ToList();
        var uri = $"/2010-04-01/Accounts/{account}/Messages.json?PageSize=20&Page=0";
        return Results.Json(new
        {
            messages = found, first_page_uri = uri, next_page_uri = (string?)null, previous_page_uri = (string?)null, uri, page = 0, page_size = 20,
            start = 0, end = Math.Max(0, found.Count - 1),
        });
    }

    private static object Resource(SentMessage m) => new
    {
        sid = m.Sid,
        account_sid = m.Account,
        to = m.Fields.GetValueOrDefault("To"),
        from = m.Fields.GetValueOrDefault("From"),
        body = m.Fields.GetValueOrDefault("Body"),
        status = "queued",
        num_segments = "1",
        error_code = (int?)null,
        date_created = m.CreatedAt.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture),
        api_version = "2010-04-01",
        uri = $"/2010-04-01/Accounts/{m.Account}/Messages/{m.Sid}.json",
    };

    /// <summary>Messages Twilio accepted (failed attempts left out), optionally only those to one number.</summary>
    public IReadOnlyList<SentMessage> Delivered(string? to = null) =>
        Messages.Where(m => !m.Failed && (to is null || m.Fields.GetValueOrDefault("To") == "whatsapp:" + to)).ToList();

    /// <summary>Waits until <paramref name="done"/> holds (turns run after the webhook has answered); false when the time ran out.</summary>
    public Task<bool> WaitForAsync(Func<FakeTwilioApi, bool> done, int seconds = 15) => Bot.Tests.Infrastructure.Eventually.WaitAsync(() => done(this), seconds);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record SentMessage(string Account, string Authorization, Dictionary<string, string> Fields, bool Failed, string Sid = "", DateTimeOffset CreatedAt = default)
{
    public string? Body => Fields.GetValueOrDefault("Body");
}
