using Bot.Web.Data;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bot.Tests.Infrastructure;
using Bot.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Bench;

/// <summary>
/// Load driver: the real host (Release, SQLite or PostgreSQL) on 127.0.0.1 with fake Telegram and Twilio APIs on
/// 127.0.0.1; N senders (half Telegram, half WhatsApp) each post a signed webhook with a question from the devset
/// and wait for the bot's answer to reach the fake API (end to end), then send the next. Reports answered messages
/// per second, latency percentiles, errors, CPU and memory per level. Bounded: each level runs a fixed time.
/// <c>dotnet run -c Release --project bench/Bot.Bench -- load [seconds=20] [senders=1,10,100] [postgres | postgres-connection-string]</c>;
/// <c>… load soak [minutes] [messages/s] [postgres]</c> (see <see cref="SoakAsync"/>).
/// </summary>
public static class LoadDriver
{
    private const string Token = "123456:LOADTEST_token";
    private const string Secret = "load-test-secret-0123456789abcdef";
    private const string AuthToken = "load-auth-token-0123456789";
    private const string PublicBase = Requests.TwilioPublicBase;
    private static readonly ConcurrentDictionary<string, Inbox> Inboxes = new();

    /// <summary>Replies received for one recipient: a waiter for the next one and the time of the last.</summary>
    private sealed class Inbox
    {
        public TaskCompletionSource<long>? Waiting;
        public long LastAt;
    }

    public static async Task RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "soak")
        {
            await SoakAsync(args[1..]);
            return;
        }
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        var levels = (args.Length > 1 ? args[1] : "1,10,100").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        await using var host = await LoadHost.StartAsync(args.Length > 2 ? args[2] : null);
        var (app, client, postgres) = (host.App, host.Client, host.Postgres);
        var questions = Questions();

        Console.WriteLine($"database: {(postgres is null ? "SQLite" : "PostgreSQL")}; {seconds} s per level; questions: {questions.Count}; {Environment.ProcessorCount} cores");
        Console.WriteLine("| senders | answered | msg/s | p50 ms | p95 ms | p99 ms | errors | CPU % (of all cores) | CPU ms/msg | allocated KiB/msg | GC pause % | working set MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var sender = 0;
        foreach (var level in levels)
        {
            var latencies = new ConcurrentBag<double>();
            var errors = 0;
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var pauseBefore = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            var until = TimeSpan.FromSeconds(seconds);
            var first = sender;
            sender += level;
            await Parallel.ForEachAsync(Enumerable.Range(first, level), new ParallelOptions { MaxDegreeOfParallelism = level }, async (id, _) =>
            {
                var random = new Random(id);
                var n = 0;
                while (clock.Elapsed < until)
                {
                    var question = questions[random.Next(questions.Count)];
                    try
                    {
                        latencies.Add(await AskAsync(client, id, n++, question));
                    }
                    catch (Exception e) when (e is TimeoutException or HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            });
            var wall = clock.Elapsed;
            process.Refresh();
            var cpuTime = process.TotalProcessorTime - cpuBefore;
            var cpu = cpuTime.TotalSeconds / wall.TotalSeconds / Environment.ProcessorCount * 100;
            var sorted = latencies.Order().ToArray();
            var perMessage = Math.Max(1, sorted.Length);
            var allocatedKiB = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / perMessage;
            var pause = (GC.GetTotalPauseDuration() - pauseBefore) / wall * 100;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {level} | {sorted.Length} | {sorted.Length / wall.TotalSeconds:0} | {P(sorted, 0.5):0.0} | {P(sorted, 0.95):0.0} | {P(sorted, 0.99):0.0} | {errors} | {cpu:0} | {cpuTime.TotalMilliseconds / perMessage:0.0} | {allocatedKiB:0} | {pause:0.0} | {process.WorkingSet64 / 1048576.0:0} |"));
        }
        if (host.Postgres is null)
        {
            Console.WriteLine($"SQLite writes that waited over 1 s for the write gate: {SqliteWriteGate.Instance.TimedOut(host.DatabaseFile)}");
        }
    }

    /// <summary>
    /// The app in this process (Release, Testing environment) with the fake channel APIs, on SQLite in a temporary
    /// folder, or on PostgreSQL: a connection string, or <c>postgres</c> for a private cluster started here.
    /// </summary>
    private sealed class LoadHost : IAsyncDisposable
    {
        private Fakes _fakes = null!;
        private PostgresCluster? _cluster;
        private string _data = "";

        public WebApplication App { get; private set; } = null!;
        public HttpClient Client { get; private set; } = null!;
        public string? Postgres { get; private set; }
        public string DatabaseFile => Path.Combine(_data, "bot.db");

        public static async Task<LoadHost> StartAsync(string? postgres)
        {
            var host = new LoadHost();
            if (postgres == "postgres")
            {
                host._cluster = new PostgresCluster();
                await host._cluster.StartAsync();
                if (!PostgresCluster.Available) throw new InvalidOperationException("No PostgreSQL binaries on this machine.");
                postgres = await host._cluster.CreateDatabaseAsync();
            }
            host.Postgres = postgres;
            host._fakes = await StartFakesAsync();
            host._data = Directory.CreateTempSubdirectory("bot-load-").FullName;
            var settings = new Dictionary<string, string?>
            {
                ["Content:Root"] = FindRoot(),
                ["Database:Provider"] = postgres is null ? "Sqlite" : "Postgres",
                ["Database:DataFolder"] = host._data,
                ["ConnectionStrings:Bot"] = postgres,
                ["Telegram:BotToken"] = Token, ["Telegram:WebhookSecret"] = Secret, ["Telegram:ApiBaseUrl"] = host._fakes.Url,
                ["Telegram:MessagesPerSecond"] = "1000", ["Telegram:PerChatMessagesPerSecond"] = "30", ["Telegram:PerChatBurst"] = "20",
                ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef", ["Twilio:AuthToken"] = AuthToken,
                ["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886", ["Twilio:PublicBaseUrl"] = PublicBase, ["Twilio:ApiBaseUrl"] = host._fakes.Url,
                ["Twilio:MessagesPerSecond"] = "400",
                ["RateLimits:MessagesPerSenderPerMinute"] = "100000", ["RateLimits:SenderBurst"] = "100000",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            if (postgres is null) settings.Remove("ConnectionStrings:Bot");
            host.App = BotApplication.Build(["--urls=http://127.0.0.1:0", "--environment=Testing"], b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Logging.ClearProviders();
            });
            await BotApplication.PrepareAsync(host.App);
            await host.App.StartAsync();
            var address = host.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            host.Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1000 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
            await _fakes.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_data, recursive: true);
            if (_cluster is not null) await _cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Soak: <c>load soak [minutes=30] [messages/s=50] [postgres]</c>. 50 senders, each paced so that together they send
    /// the given rate (a sender waits for its answer before the next); one line a minute with the answered rate, the
    /// latency percentiles, errors, and the process's working set, managed heap, open handles and threads — flat lines
    /// mean no leak.
    /// </summary>
    private static async Task SoakAsync(string[] args)
    {
        var minutes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        var rate = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        const int senders = 50;
        await using var host = await LoadHost.StartAsync(args.Length > 2 ? args[2] : null);
        var questions = Questions();
        Console.WriteLine($"soak: {(host.Postgres is null ? "SQLite" : "PostgreSQL")}; {minutes} min at {rate} msg/s; {senders} senders; {Environment.ProcessorCount} cores");
        Console.WriteLine("| minute | answered | msg/s | p50 ms | p99 ms | errors | working set MiB | managed heap MiB | handles | threads |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var latencies = new ConcurrentQueue<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromMinutes(minutes);
        var interval = TimeSpan.FromSeconds(senders / rate);
        var load = Parallel.ForEachAsync(Enumerable.Range(0, senders), new ParallelOptions { MaxDegreeOfParallelism = senders }, async (id, _) =>
        {
            var random = new Random(id);
            var next = clock.Elapsed + (interval * random.NextDouble());
            for (var n = 0; clock.Elapsed < until; n++)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, CancellationToken.None);
                next += interval;
                try
                {
                    latencies.Enqueue(await AskAsync(host.Client, 10_000 + id, n, questions[random.Next(questions.Count)]));
                }
                catch (Exception e) when (e is TimeoutException or HttpRequestException or TaskCanceledException)
                {
                    if (Interlocked.Increment(ref errors) <= 3) Console.Error.WriteLine($"sender {id}: {e.GetType().Name}: {e.Message}");
                }
            }
        });
        for (var minute = 1; minute <= minutes; minute++)
        {
            var end = TimeSpan.FromMinutes(minute);
            while (clock.Elapsed < end) await Task.Delay(200);
            var taken = new List<double>();
            while (latencies.TryDequeue(out var l)) taken.Add(l);
            var sorted = taken.Order().ToArray();
            using var process = Process.GetCurrentProcess();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {minute} | {sorted.Length} | {sorted.Length / 60.0:0.0} | {P(sorted, 0.5):0.0} | {P(sorted, 0.99):0.0} | {Interlocked.Exchange(ref errors, 0)} | {process.WorkingSet64 / 1048576.0:0} | {GC.GetTotalMemory(false) / 1048576.0:0} | {Directory.GetFiles("/proc/self/fd").Length} | {process.Threads.Count} |"));
        }
        await load;
    }

    /// <summary>Posts one message (Telegram for even senders, WhatsApp for odd) and waits until the bot's replies to it have arrived.</summary>
    private static async Task<double> AskAsync(HttpClient client, int sender, int n, string question)
    {
        // Update ids: sender × 100,000 + n, within Telegram's 32-bit update_id for senders below 21,474.
        var telegram = sender % 2 == 0;
        var key = telegram ? "tg:" + (100000 + sender) : "wa:+90555" + (1000000 + sender).ToString(CultureInfo.InvariantCulture);
        var inbox = Inboxes.GetOrAdd(key, _ => new Inbox());
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref inbox.Waiting, done);
        var started = Stopwatch.GetTimestamp();
        using var request = telegram
            ? Requests.Telegram(Secret, 100000 + sender, (sender * 100_000L) + n, question)
            : Requests.WhatsApp(AuthToken, key[3..], (sender * 100_000L) + n, question);
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
        var answered = await done.Task.WaitAsync(TimeSpan.FromSeconds(15));
        // A turn may send several messages: wait until this recipient's replies have stopped for a moment.
        while (Stopwatch.GetElapsedTime(Volatile.Read(ref inbox.LastAt)) < TimeSpan.FromMilliseconds(40)) await Task.Delay(10);
        return Stopwatch.GetElapsedTime(started, answered).TotalMilliseconds;
    }

    private static void Received(string key)
    {
        var inbox = Inboxes.GetOrAdd(key, _ => new Inbox());
        var now = Stopwatch.GetTimestamp();
        Volatile.Write(ref inbox.LastAt, now);
        Interlocked.Exchange(ref inbox.Waiting, null)?.TrySetResult(now);
    }

    private sealed class Fakes(WebApplication app) : IAsyncDisposable
    {
        public string Url => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>One small Kestrel app playing both the Telegram Bot API and Twilio's Messages API.</summary>
    private static async Task<Fakes> StartFakesAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var ids = 0L;
        app.MapPost("/bot{token}/{method}", async (string method, HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            if (method != "sendMessage") return Results.Json(new { ok = true, result = true });
            var chat = body.RootElement.GetProperty("chat_id").GetInt64();
            Received("tg:" + chat.ToString(CultureInfo.InvariantCulture));
            return Results.Json(new { ok = true, result = new { message_id = Interlocked.Increment(ref ids), date = 1764000000, chat = new { id = chat, type = "private" }, text = "" } });
        });
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (string account, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            Received("wa:" + form["To"].ToString().Replace("whatsapp:", "", StringComparison.Ordinal));
            var sid = "SM" + Interlocked.Increment(ref ids).ToString("x32", CultureInfo.InvariantCulture);
            return Results.Json(new { sid, account_sid = account, status = "queued", num_segments = "1", api_version = "2010-04-01" }, statusCode: 201);
        });
        await app.StartAsync();
        return new Fakes(app);
    }

    private static double P(double[] sorted, double p) => Requests.Percentile(sorted, p);

    /// <summary>The devset's questions (texts only; read-only input for the load), or a few built-in ones without shared/.</summary>
    private static List<string> Questions()
    {
        var devset = Path.Combine(FindRoot(), "..", "shared", "knowledge", "faq-devset.tsv");
        if (!File.Exists(devset)) return ["çalışma izni için hangi belgeler gerekiyor", "ما هي الاوراق المطلوبه لاذن العمل", "kurs harçlığı ne kadar", "كيف بسجل بدورة تركي"];
        return File.ReadLines(devset).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).Where(p => p.Length >= 3).Select(p => p[2]).ToList();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bot.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Bot.sln not found above the bench folder.");
    }
}
