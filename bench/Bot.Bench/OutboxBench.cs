using System.Diagnostics;
using System.Globalization;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Web;
using Bot.Web.Announcements;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Data;
using Bot.Web.Outbox;
using Bot.Web.Privacy;
using Bot.Web.Staff;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Bot.Web.Access;

namespace Bot.Bench;

/// <summary>
/// Load drivers for the announcement outbox, against the tests' fake Telegram and Twilio servers on 127.0.0.1 and the
/// app as a separate process (<c>dotnet Bot.Web.dll</c>). Every wait is bounded.
/// <code>
/// outbox broadcast [subscribers]      SQLite, limits set high: throughput and the app's memory while it sends (default 100000)
/// outbox realistic [seconds]          SQLite, Telegram 30/s and Twilio 10/s enforced by the fakes: achieved rate and 429s (default 60)
/// outbox two-instances [rows]         two app processes on one PostgreSQL: duplicates (default 10000)
/// outbox crash [rounds]               SIGKILL at a random moment mid-broadcast, restart: lost and duplicated per channel (default 5)
/// </code>
/// </summary>
public static class OutboxBench
{
    private static readonly StaffScope Admin = new("bench", true, new HashSet<string>());

    public static async Task RunAsync(string[] args)
    {
        int Arg(int fallback) => args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : fallback;
        switch (args.ElementAtOrDefault(1))
        {
            case "broadcast":
                await BroadcastAsync(Arg(100_000));
                break;
            case "realistic":
                await RealisticAsync(Arg(60));
                break;
            case "two-instances":
                await TwoInstancesAsync(Arg(10_000));
                break;
            case "crash":
                await CrashAsync(Arg(5));
                break;
            default:
                Console.Error.WriteLine("outbox broadcast|realistic|two-instances|crash [number]");
                break;
        }
    }

    private static async Task BroadcastAsync(int subscribers)
    {
        await using var world = await World.StartAsync();
        world.Telegram.KeepCalls = false;
        var limits = new Dictionary<string, string?>
        {
            ["Telegram:MessagesPerSecond"] = "1000", ["Twilio:MessagesPerSecond"] = "400", ["Outbox:MaxInFlight"] = "32", ["Outbox:BatchSize"] = "1000",
        };
        var id = await world.PublishAsync(subscribers / 2, subscribers - (subscribers / 2), limits);
        await using var app = await AppProcess.StartAsync(world.Settings(true, limits), Inputs.RepoRoot);
        var samples = await world.FollowAsync(id, subscribers, [app], TimeSpan.FromMinutes(60));
        Report.Broadcast(samples, subscribers, world);
    }

    private static async Task RealisticAsync(int seconds)
    {
        await using var world = await World.StartAsync();
        world.Telegram.Limit = new ProviderLimit(30, 30);
        world.Twilio.Limit = new ProviderLimit(10, 10);
        var defaults = new Dictionary<string, string?>(); // Telegram:MessagesPerSecond 30, Twilio:MessagesPerSecond 10
        var (telegram, whatsApp) = (30 * seconds, 10 * seconds);
        var id = await world.PublishAsync(telegram, whatsApp, defaults);
        await using var app = await AppProcess.StartAsync(world.Settings(true, defaults), Inputs.RepoRoot);
        await world.FollowAsync(id, telegram + whatsApp, [app], TimeSpan.FromSeconds(seconds * 3));
        Report.Realistic(world, telegram, whatsApp);
    }

    private static async Task TwoInstancesAsync(int rows)
    {
        await using var postgres = new PostgresCluster();
        await postgres.StartAsync();
        await using var world = await World.StartAsync(await postgres.CreateDatabaseAsync());
        world.Telegram.KeepCalls = false;
        var limits = new Dictionary<string, string?> { ["Telegram:MessagesPerSecond"] = "1000", ["Twilio:MessagesPerSecond"] = "400", ["Outbox:MaxInFlight"] = "16" };
        var id = await world.PublishAsync(rows / 2, rows - (rows / 2), limits);
        await using var first = await AppProcess.StartAsync(world.Settings(true, limits), Inputs.RepoRoot);
        await using var second = await AppProcess.StartAsync(world.Settings(true, limits), Inputs.RepoRoot);
        var samples = await world.FollowAsync(id, rows, [first, second], TimeSpan.FromMinutes(20));
        Report.TwoInstances(samples, world, rows);
    }

    private static async Task CrashAsync(int rounds)
    {
        const int perChannel = 1000;
        var random = new Random(20261130);
        Console.WriteLine("| round | killed after (Telegram / WhatsApp received) | Telegram not received | of which reported uncertain | Telegram silently lost | Telegram rows unsettled | Telegram twice | WhatsApp lost | WhatsApp twice |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        for (var round = 1; round <= rounds; round++)
        {
            await using var world = await World.StartAsync();
            var limits = new Dictionary<string, string?> { ["Telegram:MessagesPerSecond"] = "200", ["Twilio:MessagesPerSecond"] = "100", ["Outbox:LeaseSeconds"] = "3" };
            var id = await world.PublishAsync(perChannel, perChannel, limits);
            var killAt = random.Next(perChannel / 5, perChannel * 4 / 5);
            var app = await AppProcess.StartAsync(world.Settings(true, limits), Inputs.RepoRoot);
            await Until(() => world.Telegram.Received.Count >= killAt, TimeSpan.FromMinutes(2));
            await app.KillAsync();
            var killed = (world.Telegram.Received.Count, world.Twilio.Delivered().Count);
            await using (var again = await AppProcess.StartAsync(world.Settings(true, limits), Inputs.RepoRoot))
            {
                await world.FollowAsync(id, 2 * perChannel, [again], TimeSpan.FromMinutes(5));
            }
            Report.CrashRound(round, killed, world, perChannel, await world.CountsAsync(id));
        }
    }

    public static async Task Until(Func<bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < limit) await Task.Delay(10);
    }

    /// <summary>The fakes, a database, and helpers to seed subscribers and follow a broadcast.</summary>
    public sealed class World : IAsyncDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("bot-bench-").FullName;
        private readonly string? _postgres;

        private World(FakeTelegramApi telegram, FakeTwilioApi twilio, string? postgres)
        {
            (Telegram, Twilio, _postgres) = (telegram, twilio, postgres);
        }

        public FakeTelegramApi Telegram { get; }
        public FakeTwilioApi Twilio { get; }

        /// <summary>Publishing the broadcast (writing its outbox rows in one transaction) took this long.</summary>
        public TimeSpan PublishTime { get; private set; }

        public static async Task<World> StartAsync(string? postgres = null) => new(await FakeTelegramApi.StartAsync(), await FakeTwilioApi.StartAsync(), postgres);

        public Dictionary<string, string?> Settings(bool outbox, IDictionary<string, string?> extra)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Content:Root"] = Inputs.RepoRoot,
                ["Database:Provider"] = _postgres is null ? "Sqlite" : "Postgres",
                ["Database:DataFolder"] = _folder,
                ["ConnectionStrings:Bot"] = _postgres,
                ["Telegram:BotToken"] = FakeTelegramApi.Token,
                ["Telegram:WebhookSecret"] = "bench-secret",
                ["Telegram:ApiBaseUrl"] = Telegram.BaseUrl,
                ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
                ["Twilio:AuthToken"] = "bench-auth-token",
                ["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886",
                ["Twilio:PublicBaseUrl"] = "https://bot.example.org",
                ["Twilio:ApiBaseUrl"] = Twilio.BaseUrl,
                ["Twilio:Templates:course-announcement:tr"] = "HX11111111111111111111111111111111",
                ["Twilio:Templates:course-announcement:ar"] = "HX22222222222222222222222222222222",
                ["Outbox:Enabled"] = outbox ? "true" : "false",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            if (_postgres is null) settings.Remove("ConnectionStrings:Bot");
            foreach (var (k, v) in extra) settings[k] = v;
            return settings;
        }

        /// <summary>Seeds subscribers in bulk (inside their 24-hour window) and publishes one announcement with the dispatcher off.</summary>
        public async Task<long> PublishAsync(int telegram, int whatsApp, IDictionary<string, string?> extra)
        {
            await using var app = BotApplication.Build(["--environment=Bench"], b =>
            {
                b.Configuration.AddInMemoryCollection(Settings(false, extra));
                b.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await BotApplication.PrepareAsync(app);
            await SeedAsync(app.Services, telegram, whatsApp);
            var course = (await app.Services.GetRequiredService<CourseCatalog>().CreateAsync(Admin, SampleCourse(), default)).Value!;
            var clock = Stopwatch.StartNew();
            var announcement = await app.Services.GetRequiredService<AnnouncementService>().CreateAsync(Admin, new AnnouncementInput { CourseId = course.Id }, default);
            PublishTime = clock.Elapsed;
            Console.WriteLine($"published {announcement.Value!.Recipients} rows in {PublishTime.TotalSeconds:0.0} s");
            return announcement.Value.Id;
        }

        private static async Task SeedAsync(IServiceProvider services, int telegram, int whatsApp)
        {
            var users = services.GetRequiredService<UserDirectory>();
            var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(UserDirectory.AddressPurpose);
            var factory = services.GetRequiredService<IDbContextFactory<BotDbContext>>();
            var now = DateTimeOffset.UtcNow;
            var all = Enumerable.Range(0, telegram).Select(i => (TelegramAdapter.ChannelId, (5_000_000L + i).ToString(CultureInfo.InvariantCulture)))
                .Concat(Enumerable.Range(0, whatsApp).Select(i => (WhatsAppAdapter.ChannelId, "+90530" + i.ToString("D7", CultureInfo.InvariantCulture))));
            var n = 0;
            foreach (var chunk in all.Chunk(5000))
            {
                await using var db = await factory.CreateDbContextAsync();
                foreach (var (channel, address) in chunk)
                {
                    var id = await users.IdOfAsync(channel, address);
                    db.BotUsers.Add(new BotUser { Id = id, Channel = channel, ProtectedAddress = protector.Protect(address), CreatedAt = now, LastSeenAt = now, ConsentAt = now });
                    db.Subscriptions.Add(new Subscription
                    {
                        UserId = id, Channel = channel, CentreId = "gaziantep", Topic = Topics.Vocational, Language = n++ % 3 == 0 ? "ar" : "tr", ConsentAt = now,
                        ConsentMethod = "bench",
                    });
                }
                await db.SaveChangesAsync();
            }
        }

        /// <summary>Samples progress and the processes' memory every second until nothing is left to send (or the limit).</summary>
        public async Task<List<Sample>> FollowAsync(long id, int total, IReadOnlyList<AppProcess> apps, TimeSpan limit)
        {
            var samples = new List<Sample>();
            var clock = Stopwatch.StartNew();
            var claimers = new HashSet<string>(StringComparer.Ordinal);
            while (clock.Elapsed < limit)
            {
                await Task.Delay(1000);
                await using var db = Db();
                var open = OutboxStatuses.Open;
                var left = await db.Outbox.CountAsync(o => o.ReferenceId == id && open.Contains(o.Status));
                claimers.UnionWith(await db.Outbox.Where(o => o.ClaimedBy != null).Select(o => o.ClaimedBy!).Distinct().ToListAsync());
                samples.Add(new Sample(clock.Elapsed, total - left, apps.Select(a => Rss(a.Id)).ToList(), claimers.Count, apps.Sum(a => CpuSeconds(a.Id))));
                if (samples.Count % 10 == 0) Console.WriteLine($"{clock.Elapsed.TotalSeconds:0} s: {total - left}/{total} done, RSS {string.Join("/", samples[^1].RssMb)} MB");
                if (left == 0) break;
            }
            return samples;
        }

        public async Task<Dictionary<(string Channel, OutboxStatus Status), int>> CountsAsync(long id)
        {
            await using var db = Db();
            return (await db.Outbox.Where(o => o.ReferenceId == id).GroupBy(o => new { o.Channel, o.Status }).Select(g => new { g.Key.Channel, g.Key.Status, Count = g.Count() })
                .ToListAsync()).ToDictionary(g => (g.Channel, g.Status), g => g.Count);
        }

        private BotDbContext Db() => _postgres is null
            ? new SqliteBotDbContext(new DbContextOptionsBuilder<SqliteBotDbContext>().UseSqlite($"Data Source={Path.Combine(_folder, "bot.db")};Pooling=false").Options)
            : new PostgresBotDbContext(new DbContextOptionsBuilder<PostgresBotDbContext>().UseNpgsql(_postgres).Options);

        private static double Rss(int pid)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        /// <summary>CPU time the process has used (user + system), from /proc/&lt;pid&gt;/stat (clock ticks of 1/100 s).</summary>
        private static double CpuSeconds(int pid)
        {
            try
            {
                var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private static CourseInput SampleCourse() => new()
        {
            CentreId = "gaziantep", Topic = Topics.Vocational, TitleTr = "Dikiş kursu", TitleAr = "دورة الخياطة", StartDate = new DateOnly(2030, 1, 7),
            EndDate = new DateOnly(2030, 3, 29), Days = ["mon", "wed"], StartTime = new TimeOnly(10, 0), EndTime = new TimeOnly(13, 0), Place = "Toplum Merkezi",
            Capacity = 20, ApplicationDeadline = new DateOnly(2029, 12, 31), HowToApplyTr = "Merkeze gelin.", HowToApplyAr = "تعال إلى المركز.",
        };

        public async ValueTask DisposeAsync()
        {
            await Telegram.DisposeAsync();
            await Twilio.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Progress at one moment: rows done, each process's resident memory, dispatcher instances seen holding rows so far.</summary>
    public sealed record Sample(TimeSpan At, int Done, IReadOnlyList<double> RssMb, int Claimers, double CpuSeconds);
}
