using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bot.Bench;

/// <summary>
/// Two app instances (separate processes, as deployed) on loopback ports against one PostgreSQL, behind a small
/// round-robin reverse proxy (adding X-Forwarded-For/Proto, trusted through Proxy:KnownProxies), with the fake
/// Telegram and Twilio APIs: a broadcast to 5,000 subscribers runs while users talk to the bot through the proxy, and
/// every webhook is posted twice (a redelivery, which the proxy sends to the other instance).
/// <c>dotnet run -c Release --project bench/Bot.Bench -- cluster [seconds=30] [senders=20]</c>
/// Reports: requests per instance, webhook latency, errors, inbox rows (each update stored once, all handled), the
/// broadcast (each recipient exactly once per the fake servers' logs, rows claimed by both instances).
/// </summary>
public static class ClusterBench
{
    private const string TelegramSecret = "bench-secret";
    private const string TwilioToken = "bench-auth-token";

    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        var senders = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        const int subscribers = 5000;
        await using var postgres = new PostgresCluster();
        await postgres.StartAsync();
        if (!PostgresCluster.Available) throw new InvalidOperationException("No PostgreSQL binaries on this machine.");
        var connection = await postgres.CreateDatabaseAsync();
        await using var world = await OutboxBench.World.StartAsync(connection);
        world.Telegram.KeepCalls = false;
        var limits = new Dictionary<string, string?>
        {
            ["Telegram:MessagesPerSecond"] = "500", ["Twilio:MessagesPerSecond"] = "200", ["Outbox:MaxInFlight"] = "16",
            ["Telegram:PerChatMessagesPerSecond"] = "30", ["Telegram:PerChatBurst"] = "20",
            ["RateLimits:MessagesPerSenderPerMinute"] = "100000", ["RateLimits:SenderBurst"] = "100000",
            ["Proxy:KnownProxies:0"] = "127.0.0.1",
        };
        var broadcast = await world.PublishAsync(subscribers / 2, subscribers / 2, limits);
        await using var first = await AppProcess.StartAsync(world.Settings(true, limits), Inputs.RepoRoot);
        await using var second = await AppProcess.StartAsync(world.Settings(true, limits), Inputs.RepoRoot);
        await using var proxy = await RoundRobinProxy.StartAsync([first.BaseAddress, second.BaseAddress]);
        Console.WriteLine($"two instances on PostgreSQL behind a round-robin proxy; broadcast to {subscribers}; {senders} users for {seconds} s, every webhook posted twice; {Environment.ProcessorCount} cores");

        var following = world.FollowAsync(broadcast, subscribers, [first, second], TimeSpan.FromMinutes(10));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 200 }) { BaseAddress = proxy.Address, Timeout = TimeSpan.FromSeconds(30) };
        var questions = File.ReadLines(Path.Combine(Inputs.RepoRoot, "tests", "Bot.Tests", "Knowledge", "kb-tuning.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')[2]).ToArray();
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var errorKinds = new ConcurrentBag<string>();
        var posted = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, senders), new ParallelOptions { MaxDegreeOfParallelism = senders }, async (id, _) =>
        {
            var random = new Random(id);
            for (var n = 0; clock.Elapsed < TimeSpan.FromSeconds(seconds); n++)
            {
                var text = questions[random.Next(questions.Length)];
                for (var copy = 0; copy < 2; copy++)
                {
                    using var request = id % 2 == 0
                        ? Requests.Telegram(TelegramSecret, 7_000_000 + id, (id * 100_000) + n + 1, text)
                        : Requests.WhatsApp(TwilioToken, "+90540" + id.ToString("D7", CultureInfo.InvariantCulture), (id * 100_000) + n + 1, text);
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await client.SendAsync(request, CancellationToken.None);
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref errors);
                            errorKinds.Add($"HTTP {(int)response.StatusCode}");
                        }
                        else if (copy == 0) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                        errorKinds.Add(e.GetType().Name);
                    }
                }
                Interlocked.Increment(ref posted);
                await Task.Delay(500 + random.Next(500), CancellationToken.None);
            }
        });
        var loadTime = clock.Elapsed;
        var samples = await following;

        // The inbox: every update stored once (the second copies were redeliveries), all handled.
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var statuses = new Dictionary<int, long>();
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromMinutes(2);)
        {
            statuses.Clear();
            await using var command = new NpgsqlCommand("""SELECT "Status", count(*) FROM inbound_updates GROUP BY "Status" """, db);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) statuses[reader.GetInt32(0)] = reader.GetInt64(1);
            }
            if (!statuses.ContainsKey(0) && !statuses.ContainsKey(3)) break;
            await Task.Delay(500);
        }
        var sorted = latencies.Order().ToArray();
        var telegram = world.Telegram.Received.Where(c => c < 7_000_000).ToList();
        var whatsApp = world.Twilio.Delivered().Select(m => m.Fields["To"]).Where(t => t.StartsWith("whatsapp:+90530", StringComparison.Ordinal)).ToList();
        var replies = world.Telegram.Received.Count(c => c >= 7_000_000) + world.Twilio.Delivered().Count(m => m.Fields["To"].StartsWith("whatsapp:+90540", StringComparison.Ordinal));
        var last = samples[^1];
        Console.WriteLine($"| requests via the proxy (instance 1 / 2) | {proxy.Counts[0]} / {proxy.Counts[1]} |");
        Console.WriteLine($"| messages (each posted twice) | {posted} in {loadTime.TotalSeconds:0} s, {posted / loadTime.TotalSeconds:0.0} msg/s; webhook p50 {Requests.Percentile(sorted, 0.5):0.0} ms, p99 {Requests.Percentile(sorted, 0.99):0.0} ms; errors {errors}{(errors > 0 ? " (" + string.Join(", ", errorKinds.GroupBy(k => k).Select(g => $"{g.Key} ×{g.Count()}")) + ")" : "")} |");
        Console.WriteLine($"| inbox rows | {statuses.Values.Sum()} (handled {statuses.GetValueOrDefault(1)}, failed {statuses.GetValueOrDefault(2)}, interrupted {statuses.GetValueOrDefault(5)}, still open {statuses.GetValueOrDefault(0) + statuses.GetValueOrDefault(3)}) |");
        Console.WriteLine($"| replies to the users | {replies} |");
        Console.WriteLine($"| broadcast | {last.Done}/{subscribers} rows done in {last.At.TotalSeconds:0} s, rows held by {last.Claimers} instances; distinct recipients reached {telegram.Distinct().Count() + whatsApp.Distinct().Count()}, received twice {(telegram.Count - telegram.Distinct().Count()) + (whatsApp.Count - whatsApp.Distinct().Count())} |");
    }

    /// <summary>A minimal reverse proxy: each request to the next instance in turn, with X-Forwarded-For and -Proto.</summary>
    private sealed class RoundRobinProxy : IAsyncDisposable
    {
        private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Content-Length" };
        private readonly WebApplication _app;
        private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 200, UseProxy = false });
        private long _next;

        private RoundRobinProxy(WebApplication app, int targets)
        {
            _app = app;
            Counts = new long[targets];
        }

        public long[] Counts { get; }

        public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        public static async Task<RoundRobinProxy> StartAsync(Uri[] targets)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var proxy = new RoundRobinProxy(app, targets.Length);
            app.Run(context => proxy.ForwardAsync(context, targets));
            await app.StartAsync();
            return proxy;
        }

        private async Task ForwardAsync(HttpContext context, Uri[] targets)
        {
            var i = (int)(Interlocked.Increment(ref _next) % targets.Length);
            Interlocked.Increment(ref Counts[i]);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(targets[i], context.Request.Path + context.Request.QueryString));
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            body.Position = 0;
            request.Content = new StreamContent(body);
            foreach (var (name, values) in context.Request.Headers)
            {
                if (HopByHop.Contains(name)) continue;
                if (!request.Headers.TryAddWithoutValidation(name, values.ToArray())) request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
            }
            await response.Content.CopyToAsync(context.Response.Body);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
