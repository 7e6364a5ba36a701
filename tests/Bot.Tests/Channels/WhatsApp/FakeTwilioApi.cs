using System.Collections.Concurrent;
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
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> Handle(string account, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var attempt = new SentMessage(account, request.Headers.Authorization.ToString(), fields, Failed: Failures.TryDequeue(out var failure));
        Messages.Enqueue(attempt);
        if (attempt.Failed)
        {
            return Results.Json(new { code = failure.Code, message = $"Error {failure.Code}", more_info = $"https://www.twilio.com/docs/errors/{failure.Code}", status = failure.Status },
                statusCode: failure.Status);
        }
        var sid = "SM" + Interlocked.Increment(ref _next).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new
        {
            sid,
            account_sid = account,
            to = fields.GetValueOrDefault("To"),
            from = fields.GetValueOrDefault("From"),
            body = fields.GetValueOrDefault("Body"),
            status = "queued",
            num_segments = "1",
            error_code = (int?)null,
            date_created = "Wed, 25 Nov 2026 10:00:00 +0000",
            api_version = "2010-04-01",
            uri = $"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
        }, statusCode: 201);
    }

    /// <summary>Messages Twilio accepted (failed attempts left out), optionally only those to one number.</summary>
    public IReadOnlyList<SentMessage> Delivered(string? to = null) =>
        Messages.Where(m => !m.Failed && (to is null || m.Fields.GetValueOrDefault("To") == "whatsapp:" + to)).ToList();

    public async Task WaitForAsync(Func<FakeTwilioApi, bool> done, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done(this) && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record SentMessage(string Account, string Authorization, Dictionary<string, string> Fields, bool Failed)
{
    public string? Body => Fields.GetValueOrDefault("Body");
}
