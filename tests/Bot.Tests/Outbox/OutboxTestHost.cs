using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Web.Announcements;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Data;
using Bot.Web.Outbox;
using Bot.Web.Privacy;
using Bot.Web.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Outbox;

/// <summary>
/// The real host with Telegram and WhatsApp on, against the fake Bot API and the fake Twilio API on 127.0.0.1, and
/// helpers to make subscribers, courses and announcements through the app's own services.
/// </summary>
public abstract class OutboxTestHost : IAsyncLifetime
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string TemplateTr = "HX11111111111111111111111111111111";
    public const string TemplateAr = "HX22222222222222222222222222222222";
    public static readonly StaffScope Admin = new("admin@example.org", true, new HashSet<string>());

    protected TempFolder Data { get; } = new();
    protected LogSink Logs { get; } = new();
    protected FakeTelegramApi Telegram { get; private set; } = null!;
    protected FakeTwilioApi Twilio { get; private set; } = null!;
    protected BotHost Host { get; set; } = null!;

    /// <summary>More configuration for the host (set in a test class's constructor).</summary>
    protected Dictionary<string, string?> Settings { get; } = [];

    /// <summary>The app's clock when a test moves time; the system clock otherwise.</summary>
    protected virtual TimeProvider? Clock => null;

    public async Task InitializeAsync()
    {
        Telegram = await FakeTelegramApi.StartAsync();
        Twilio = await FakeTwilioApi.StartAsync();
        Host = await StartHostAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Telegram.DisposeAsync();
        await Twilio.DisposeAsync();
        Data.Dispose();
    }

    protected Task<BotHost> StartHostAsync() => StartWithAsync(ChannelSettings(Telegram, Twilio, Settings));

    protected virtual Task<BotHost> StartWithAsync(Dictionary<string, string?> settings) => BotHost.StartSqliteAsync(Data.Path, Logs, settings, Clock);

    /// <summary>Both channels against the fakes, and an outbox that polls and retries quickly.</summary>
    public static Dictionary<string, string?> ChannelSettings(FakeTelegramApi telegram, FakeTwilioApi twilio, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = FakeTelegramApi.Token,
            ["Telegram:WebhookSecret"] = "test-secret_123",
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = "test-auth-token-0123456789",
            ["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886",
            ["Twilio:PublicBaseUrl"] = "https://bot.example.org",
            ["Twilio:ApiBaseUrl"] = twilio.BaseUrl,
            ["Twilio:Templates:course-announcement:tr"] = TemplateTr,
            ["Twilio:Templates:course-announcement:ar"] = TemplateAr,
            ["Outbox:PollMilliseconds"] = "50",
            ["Outbox:RetryBaseSeconds"] = "0.1",
            ["Outbox:ResolveAfterSeconds"] = "0",
            ["Outbox:LeaseSeconds"] = "5",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        return settings;
    }

    protected T Service<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>A Telegram user (chat <paramref name="chatId"/>) subscribed to a centre's topic in a language, with consent.</summary>
    protected Task<string> TelegramSubscriberAsync(long chatId, string centre = "gaziantep", string topic = Topics.Vocational, string language = "tr") =>
        Host.SubscriberAsync(TelegramAdapter.ChannelId, chatId.ToString(System.Globalization.CultureInfo.InvariantCulture), centre, topic, language);

    /// <summary>A WhatsApp user subscribed like <see cref="TelegramSubscriberAsync"/>, who last wrote <paramref name="lastWrote"/> ago.</summary>
    protected async Task<string> WhatsAppSubscriberAsync(string phone, string centre = "gaziantep", string topic = Topics.Vocational, string language = "tr",
        TimeSpan? lastWrote = null)
    {
        var id = await Host.SubscriberAsync(WhatsAppAdapter.ChannelId, phone, centre, topic, language);
        if (lastWrote is { } ago)
        {
            await using var db = await Db();
            var at = Service<TimeProvider>().GetUtcNow() - ago;
            await db.BotUsers.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.LastSeenAt, at));
        }
        return id;
    }

    protected Task<Course> CourseAsync(Action<CourseInput>? change = null, string centre = "gaziantep") => Host.CourseAsync(change, centre);

    protected async Task<Announcement> AnnounceAsync(Course course, Action<AnnouncementInput>? change = null)
    {
        var input = new AnnouncementInput { CourseId = course.Id };
        change?.Invoke(input);
        var result = await Service<AnnouncementService>().CreateAsync(Admin, input, default);
        Assert.Equal(Refusal.None, result.Refusal);
        return result.Value!;
    }

    protected async Task<List<OutboxMessage>> RowsAsync(long announcementId)
    {
        await using var db = await Db();
        return await db.Outbox.AsNoTracking().Where(o => o.ReferenceId == announcementId).OrderBy(o => o.Id).ToListAsync();
    }

    /// <summary>Waits until every row of the announcement satisfies <paramref name="done"/>; returns the rows as they are then.</summary>
    protected async Task<List<OutboxMessage>> WaitForRowsAsync(long announcementId, Func<OutboxMessage, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        List<OutboxMessage> rows;
        do
        {
            rows = await RowsAsync(announcementId);
            if (rows.Count > 0 && rows.All(done)) return rows;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        return rows;
    }

    protected static bool Settled(OutboxMessage row) => !OutboxStatuses.Open.Contains(row.Status);

    protected Task<BotDbContext> Db() => Service<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();

    protected Task<string> UserIdAsync(string channel, string address) => Service<UserDirectory>().IdOfAsync(channel, address);
}

/// <summary>Subscribers and courses made through the app's own services (also for the staff and browser tests).</summary>
public static class AnnouncementTestData
{
    /// <summary>A user of <paramref name="channel"/> at <paramref name="address"/> with consent, subscribed to one topic of a centre.</summary>
    public static async Task<string> SubscriberAsync(this BotHost host, string channel, string address, string centre, string topic, string language)
    {
        var users = host.Services.GetRequiredService<UserDirectory>();
        var id = await users.TouchAsync(channel, address);
        await users.SetConsentAsync(id, true, channel + ":test");
        await host.Services.GetRequiredService<SubscriptionStore>().SubscribeAsync(id, channel, centre, topic, language, channel + ":test", default);
        return id;
    }

    /// <summary>A valid course: a sewing course at Gaziantep, open for a month, with a stipend (change what a test needs).</summary>
    public static CourseInput SampleCourse(string centre = "gaziantep") => new()
    {
        CentreId = centre,
        Topic = Topics.Vocational,
        TitleTr = "Dikiş ve nakış kursu",
        TitleAr = "دورة الخياطة والتطريز",
        DescriptionTr = "Temel dikiş teknikleri ve makine kullanımı.",
        DescriptionAr = "تقنيات الخياطة الأساسية واستخدام الآلة.",
        StartDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(40)),
        EndDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(100)),
        Days = ["mon", "wed"],
        StartTime = new TimeOnly(10, 0),
        EndTime = new TimeOnly(13, 0),
        Place = "Toplum Merkezi, 2. kat",
        HasStipend = true,
        StipendAmount = 150,
        StipendConditionsTr = "devam edilen her gün için",
        StipendConditionsAr = "عن كل يوم حضور",
        Capacity = 20,
        ApplicationDeadline = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)),
        HowToApplyTr = "Merkeze kimliğinizle gelin.",
        HowToApplyAr = "تعال إلى المركز مع الكملك.",
    };

    public static async Task<Course> CourseAsync(this BotHost host, Action<CourseInput>? change = null, string centre = "gaziantep")
    {
        var input = SampleCourse(centre);
        change?.Invoke(input);
        var result = await host.Services.GetRequiredService<CourseCatalog>().CreateAsync(OutboxTestHost.Admin, input, default);
        Assert.True(result.Refusal == Refusal.None, string.Join(", ", result.Errors ?? new Dictionary<string, string>()));
        return result.Value!;
    }
}
