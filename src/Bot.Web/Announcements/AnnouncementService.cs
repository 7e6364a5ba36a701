using Bot.Web.Data;
using Bot.Web.Knowledge;
using Bot.Web.Outbox;
using Microsoft.EntityFrameworkCore;
using Bot.Web.Access;

namespace Bot.Web.Announcements;

/// <summary>What staff ask for: a course announced to the subscribers of centres and topics, in languages, now or later.</summary>
public sealed class AnnouncementInput
{
    public long CourseId { get; set; }

    /// <summary>Targeted centres (default: the course's centre); each must be one of the staff member's.</summary>
    public List<string> Centres { get; set; } = [];

    /// <summary>Targeted topics (default: the course's topic).</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>Targeted announcement languages (default: Turkish and Arabic).</summary>
    public List<string> Languages { get; set; } = [];

    public bool EligibleOnly { get; set; }

    /// <summary>When to send; empty (or a time already past): now.</summary>
    public DateTimeOffset? SendAt { get; set; }

    /// <summary>
    /// Staff's own text for Turkish recipients, starting from the one rendered from the course; null: the rendered text.
    /// It must keep the course's title, centre, start date and deadline (the WhatsApp template's variables) and the line
    /// on how to stop, and fit one WhatsApp message.
    /// </summary>
    public string? TextTr { get; set; }

    /// <summary>Staff's own text for Arabic recipients, like <see cref="TextTr"/>.</summary>
    public string? TextAr { get; set; }

    public string? Text(string language) => language == Localization.Language.Arabic ? TextAr : TextTr;

    /// <summary>The input field of a language's text (where its error is shown).</summary>
    public static string TextField(string language) => language == Localization.Language.Arabic ? nameof(TextAr) : nameof(TextTr);
}

/// <summary>The audience and the messages an announcement would have, shown before it is sent.</summary>
public sealed record AnnouncementPreview(int Recipients, IReadOnlyList<AudienceGroup> Groups, AudienceCounts Excluded,
    int? WhatsAppBudgetLeft, IReadOnlyList<MessagePreview> Messages);

public sealed record AudienceGroup(string Language, string Channel, int Count);

/// <summary>
/// The message in one language: the text (Telegram, web chat, and WhatsApp inside the 24-hour window) and the WhatsApp
/// template's variables (WhatsApp outside the window), with how many people get each.
/// </summary>
public sealed record MessagePreview(string Language, string Text, string TemplateType, IReadOnlyDictionary<string, string> TemplateVariables)
{
    /// <summary>People who receive the announcement in this language, on every channel.</summary>
    public int Recipients { get; init; }

    /// <summary>Of them, WhatsApp recipients outside the 24-hour window: they get the template with its variables, not the text.</summary>
    public int Template { get; init; }

    /// <summary>The people who get <see cref="Text"/>.</summary>
    public int TextRecipients => Recipients - Template;

    /// <summary>Staff edited the text (otherwise it is the one rendered from the course).</summary>
    public bool Edited { get; init; }
}

/// <summary>An announcement with its course and how far its broadcast has come.</summary>
public sealed record AnnouncementView(Announcement Announcement, Course Course, OutboxProgress Progress)
{
    /// <summary>Scheduled, or sending with rows still to go.</summary>
    public bool InFlight => Announcement.Status == AnnouncementStatus.Scheduled || (Announcement.Status == AnnouncementStatus.Sending && Progress.Open > 0);
}

/// <summary>
/// Announcements: preview, publish now or schedule, cancel, progress — within the staff member's centres, every
/// action audited. Publishing moves the announcement to Sending and writes one outbox row per recipient in one
/// transaction: no recipient can be lost between the two, and of several instances only one publishes it.
/// </summary>
public sealed class AnnouncementService(
    IDbContextFactory<BotDbContext> dbFactory,
    CourseCatalog catalog,
    CourseTexts texts,
    CentreDirectory centres,
    StaffAudit audit,
    OutboxStore outbox,
    IEnumerable<Channels.IChannelSender> channels,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<AnnouncementService> logger)
{
    private const int InsertBatch = 1000;
    private readonly IReadOnlyDictionary<string, Channels.IChannelSender> _channels = channels.ToDictionary(c => c.Channel, StringComparer.Ordinal);

    public async Task<Checked<AnnouncementPreview>> PreviewAsync(StaffScope scope, AnnouncementInput input, CancellationToken ct)
    {
        var (draft, course, refusal) = await DraftAsync(scope, input, ct);
        if (refusal is not null) return Checked.Refused<AnnouncementPreview>(refusal.Refusal, refusal.Errors);
        var counts = new AudienceCounts();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var recipients = await Audience.ComputeAsync(db, draft!, course!, _channels, catalog.Today(), clock.GetUtcNow(), counts, ct);
        var groups = recipients.GroupBy(r => (r.Language, r.Channel)).OrderBy(g => g.Key.Language, StringComparer.Ordinal).ThenBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g => new AudienceGroup(g.Key.Language, g.Key.Channel, g.Count())).ToList();
        int? budget = null;
        foreach (var window in _channels.Values.OfType<Channels.IChannelWindow>()) budget = (budget ?? 0) + await window.RemainingStartsAsync(ct);
        var messages = draft!.LanguageList.Select(l => new MessagePreview(l, draft.Text(l), Channels.MessageTemplates.CourseAnnouncement, texts.TemplateVariables(course!, l))
        {
            Recipients = recipients.Count(r => r.Language == l),
            Template = recipients.Count(r => r.Language == l && r.OutsideWindow),
            Edited = draft.Edited(l) is not null,
        }).ToList();
        return new(new AnnouncementPreview(recipients.Count, groups, counts, budget, messages));
    }

    /// <summary>Creates the announcement: published at once when due now, otherwise scheduled (its audience is taken when it goes out).</summary>
    public async Task<Checked<Announcement>> CreateAsync(StaffScope scope, AnnouncementInput input, CancellationToken ct)
    {
        var (draft, course, refusal) = await DraftAsync(scope, input, ct);
        if (refusal is not null) return Checked.Refused<Announcement>(refusal.Refusal, refusal.Errors);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Announcements.Add(draft!);
            await db.SaveChangesAsync(ct);
        }
        var now = draft!.SendAt <= clock.GetUtcNow();
        await audit.WriteAsync(scope.Actor, now ? AuditActions.AnnouncementPublished : AuditActions.AnnouncementScheduled, Target(draft),
            $"course {course!.Id}; centres {draft.Centres}; topics {draft.Topics}; languages {draft.Languages}; eligible only {draft.EligibleOnly}; at {draft.SendAt:u}; texts edited: {Edited(draft)}", ct);
        if (now) await PublishAsync(draft.Id, ct);
        return new(await FindAsync(draft.Id, ct));
    }

    /// <summary>
    /// Sends a scheduled announcement now: in one transaction, Scheduled → Sending (only if still scheduled: another
    /// instance, or a cancel, may have come first) and one outbox row per recipient. False when it was not scheduled.
    /// </summary>
    public async Task<bool> PublishAsync(long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Announcements.Where(a => a.Id == id && a.Status == AnnouncementStatus.Scheduled)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Status, AnnouncementStatus.Sending).SetProperty(x => x.PublishedAt, now), ct);
        if (taken == 0) return false;
        var announcement = await db.Announcements.AsNoTracking().FirstAsync(a => a.Id == id, ct);
        var course = await db.Courses.AsNoTracking().FirstAsync(c => c.Id == announcement.CourseId, ct);
        var recipients = await Audience.ComputeAsync(db, announcement, course, _channels, catalog.Today(), now, new AudienceCounts(), ct);
        foreach (var batch in recipients.Chunk(InsertBatch))
        {
            db.Outbox.AddRange(batch.Select(r => Row(announcement, r, now)));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await db.Announcements.Where(a => a.Id == id).ExecuteUpdateAsync(a => a.SetProperty(x => x.Recipients, recipients.Count), ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Announcement {Id} published: {Count} recipients", id, recipients.Count);
        services.GetService<OutboxDispatcher>()?.Wake();
        return true;
    }

    /// <summary>Scheduled announcements whose time has come (for the scheduler).</summary>
    public async Task<IReadOnlyList<long>> DueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Announcements.Where(a => a.Status == AnnouncementStatus.Scheduled && a.SendAt <= now).OrderBy(a => a.SendAt).Select(a => a.Id).ToListAsync(ct);
    }

    /// <summary>Stops an announcement: a scheduled one never goes out; of one being sent, the rows not yet sent are cancelled.</summary>
    public async Task<Checked<AnnouncementView>> CancelAsync(StaffScope scope, long id, CancellationToken ct)
    {
        var view = await GetAsync(scope, id, ct);
        if (view is null) return Checked.Refused<AnnouncementView>(Refusal.NotFound);
        if (!view.InFlight) return Checked.Refused<AnnouncementView>(Refusal.Conflict);
        var now = clock.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await db.Announcements.Where(a => a.Id == id && a.Status != AnnouncementStatus.Cancelled).ExecuteUpdateAsync(a => a
                .SetProperty(x => x.Status, AnnouncementStatus.Cancelled).SetProperty(x => x.CancelledAt, now).SetProperty(x => x.CancelledBy, scope.Actor), ct);
        }
        var cancelled = await outbox.CancelAsync(Announcement.OutboxKind, id, ct);
        await audit.WriteAsync(scope.Actor, AuditActions.AnnouncementCancelled, Target(view.Announcement), $"{cancelled} messages not sent", ct);
        return new(await GetAsync(scope, id, ct));
    }

    /// <summary>Announcements of the courses in the scope, newest first, with their progress.</summary>
    public async Task<IReadOnlyList<AnnouncementView>> ListAsync(StaffScope scope, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Announcements.AsNoTracking();
        if (!scope.IsAdmin)
        {
            var mine = scope.Centres.ToList();
            query = query.Where(a => mine.Contains(a.CentreId));
        }
        var list = await query.OrderByDescending(a => a.Id).Take(take).ToListAsync(ct);
        return await ViewsAsync(db, list, ct);
    }

    /// <summary>One announcement in the scope, or null (unknown or another centre's: the same answer).</summary>
    public async Task<AnnouncementView?> GetAsync(StaffScope scope, long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var announcement = await db.Announcements.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (announcement is null || !scope.Covers(announcement.CentreId)) return null;
        return (await ViewsAsync(db, [announcement], ct))[0];
    }

    private async Task<IReadOnlyList<AnnouncementView>> ViewsAsync(BotDbContext db, List<Announcement> list, CancellationToken ct)
    {
        var courseIds = list.Select(a => a.CourseId).Distinct().ToList();
        var courses = await db.Courses.AsNoTracking().Where(c => courseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var progress = await outbox.ProgressAsync(Announcement.OutboxKind, list.Select(a => a.Id).ToList(), ct);
        return list.Select(a => new AnnouncementView(a, courses[a.CourseId], progress.GetValueOrDefault(a.Id, OutboxProgress.None))).ToList();
    }

    private async Task<Announcement> FindAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Announcements.AsNoTracking().FirstAsync(a => a.Id == id, ct);
    }

    /// <summary>The announcement the input describes (not saved), or why it cannot be made.</summary>
    private async Task<(Announcement? Draft, Course? Course, Checked<object>? Refusal)> DraftAsync(StaffScope scope, AnnouncementInput input, CancellationToken ct)
    {
        var course = await catalog.GetAsync(scope, input.CourseId, ct);
        if (course is null) return (null, null, Checked.Refused<object>(Refusal.NotFound));
        var targets = input.Centres.Count > 0 ? input.Centres.Distinct().ToList() : [course.CentreId];
        if (targets.Any(c => centres.ById(c) is not null && !scope.Covers(c))) return (null, null, Checked.Refused<object>(Refusal.Forbidden));
        var topics = input.Topics.Count > 0 ? input.Topics.Distinct().ToList() : [course.Topic];
        var languages = input.Languages.Count > 0 ? input.Languages.Distinct().ToList() : [.. Localization.Language.All];
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (targets.Any(c => centres.ById(c) is null)) errors[nameof(input.Centres)] = "centre.unknown";
        if (!topics.All(Announcements.Topics.All.Contains)) errors[nameof(input.Topics)] = "topic.required";
        if (!languages.All(Localization.Language.IsSupported)) errors[nameof(input.Languages)] = "language.unknown";
        var generated = Localization.Language.All.ToDictionary(l => l, l => texts.Announcement(course, l), StringComparer.Ordinal);
        var edited = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var language in Localization.Language.All.Where(languages.Contains))
        {
            var (text, problem) = CheckText(input.Text(language), generated[language], texts.RequiredParts(course, language));
            if (problem is not null) errors[AnnouncementInput.TextField(language)] = problem;
            edited[language] = text == generated[language] ? null : text;
        }
        if (errors.Count > 0) return (null, null, Checked.Refused<object>(Refusal.Invalid, errors));
        var now = clock.GetUtcNow();
        var draft = new Announcement
        {
            CourseId = course.Id,
            CentreId = course.CentreId,
            Centres = string.Join(",", targets),
            Topics = string.Join(",", topics),
            Languages = string.Join(",", Localization.Language.All.Where(languages.Contains)),
            EligibleOnly = input.EligibleOnly,
            TextTr = generated[Localization.Language.Turkish],
            TextAr = generated[Localization.Language.Arabic],
            EditedTextTr = edited.GetValueOrDefault(Localization.Language.Turkish),
            EditedTextAr = edited.GetValueOrDefault(Localization.Language.Arabic),
            TemplateVariablesTr = texts.TemplateVariablesJson(course, Localization.Language.Turkish),
            TemplateVariablesAr = texts.TemplateVariablesJson(course, Localization.Language.Arabic),
            Status = AnnouncementStatus.Scheduled,
            SendAt = input.SendAt is { } at && at > now ? at.ToUniversalTime() : now,
            CreatedBy = scope.Actor,
            CreatedAt = now,
        };
        return (draft, course, null);
    }

    /// <summary>
    /// Staff's text for one language (null: the rendered one), with its line endings made plain and its ends trimmed, or the
    /// reason it cannot be sent (the error key shown beside the field): empty, longer than one WhatsApp message, or
    /// without one of the parts that must stay — the WhatsApp template's variables (title, centre, start date, deadline:
    /// people outside the 24-hour window get those from the course, so the text must not say otherwise) and how to stop.
    /// </summary>
    public static (string Text, string? Problem) CheckText(string? text, string generated, IReadOnlyList<(string Part, string Value)> required)
    {
        if (text is null) return (generated, null);
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
        if (text.Length == 0) return (text, "announcement-text.empty");
        if (text.Length > CourseCatalog.MaxMessageLength) return (text, "announcement-text.too-long");
        foreach (var (part, value) in required)
        {
            if (!text.Contains(value.Trim(), StringComparison.OrdinalIgnoreCase)) return (text, "announcement-text.missing-" + part);
        }
        return (text, null);
    }

    private static string Edited(Announcement announcement)
    {
        var edited = announcement.LanguageList.Where(l => announcement.Edited(l) is not null).ToList();
        return edited.Count == 0 ? "none" : string.Join(",", edited);
    }

    private OutboxMessage Row(Announcement announcement, Recipient recipient, DateTimeOffset now)
    {
        var templates = _channels.TryGetValue(recipient.Channel, out var sender) && sender is Channels.IChannelWindow;
        return new OutboxMessage
        {
            Kind = Announcement.OutboxKind,
            ReferenceId = announcement.Id,
            UserId = recipient.UserId,
            Channel = recipient.Channel,
            Language = recipient.Language,
            Text = announcement.Text(recipient.Language),
            TemplateType = templates ? Channels.MessageTemplates.CourseAnnouncement : null,
            TemplateVariables = templates ? announcement.TemplateVariables(recipient.Language) : null,
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static string Target(Announcement announcement) => $"announcement {announcement.Id}";
}
