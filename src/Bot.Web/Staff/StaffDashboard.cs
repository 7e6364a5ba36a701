using Bot.Web.Outbox;
using Bot.Web.Announcements;
using Bot.Web.Data;
using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>The numbers and lists the dashboard and the staff API show, always filtered through a <see cref="StaffScope"/>.</summary>
public sealed class StaffDashboard(
    IDbContextFactory<BotDbContext> dbFactory,
    CentreDirectory centres,
    UserDirectory users,
    StaffAudit audit,
    IOptions<StaffOptions> options,
    TimeProvider clock)
{
    /// <summary>Queue reasons that are questions waiting for an answer (not feedback, not handover).</summary>
    private static readonly string[] WaitingReasons = [QueueReason.Abstained, QueueReason.OutOfScope, QueueReason.ClarificationRejected];

    /// <summary>Start of today (midnight in the configured time zone), as an instant.</summary>
    public DateTimeOffset StartOfToday()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone);
        var midnight = new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date));
        return midnight.ToUniversalTime();
    }

    /// <summary>Today's numbers per centre in scope; admins also get a row for users and questions without a centre ("").</summary>
    public async Task<IReadOnlyList<CentreToday>> TodayAsync(StaffScope scope, CancellationToken ct = default)
    {
        var since = StartOfToday();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var conversations = await Count(db.BotUsers.Where(u => u.LastSeenAt >= since).GroupBy(u => u.CentreId), ct);
        var questions = await Count(db.QuestionEvents.Where(e => e.At >= since).GroupBy(e => e.CentreId), ct);
        var answered = await Count(db.QuestionEvents.Where(e => e.At >= since && e.Outcome == QuestionOutcome.Answered).GroupBy(e => e.CentreId), ct);
        var waiting = await Count(db.Unanswered.Where(q => WaitingReasons.Contains(q.Reason) && (q.Status == QueueStatus.New || q.Status == QueueStatus.InProgress)).GroupBy(q => q.CentreId), ct);
        var handovers = await Count(db.Unanswered.Where(q => q.Reason == QueueReason.Handover && q.CreatedAt >= since).GroupBy(q => q.CentreId), ct);
        var inFlight = await Count(InFlight(db).GroupBy(a => (string?)a.CentreId), ct);
        var subscribers = (await db.Subscriptions.Select(s => new { s.CentreId, s.UserId }).Distinct().ToListAsync(ct))
            .GroupBy(s => (string?)s.CentreId).ToDictionary(g => g.Key ?? "", g => g.Count());

        var ids = scope.Visible(centres.All.Select(c => c.Id)).ToList();
        if (scope.IsAdmin) ids.Add("");
        return ids.Select(id => new CentreToday(id, id.Length == 0 ? "" : centres.ById(id)!.Name(Localization.Language.Turkish),
            conversations.GetValueOrDefault(id), questions.GetValueOrDefault(id), answered.GetValueOrDefault(id),
            waiting.GetValueOrDefault(id), handovers.GetValueOrDefault(id), subscribers.GetValueOrDefault(id), inFlight.GetValueOrDefault(id))).ToList();
    }

    /// <summary>Announcements scheduled, or being sent with messages still to go.</summary>
    private static IQueryable<Announcements.Announcement> InFlight(BotDbContext db)
    {
        var open = Outbox.OutboxStatuses.Open;
        return db.Announcements.Where(a => a.Status == Announcements.AnnouncementStatus.Scheduled
            || (a.Status == Announcements.AnnouncementStatus.Sending
                && db.Set<OutboxMessage>().Any(o => o.Kind == Announcements.Announcement.OutboxKind && o.ReferenceId == a.Id && open.Contains(o.Status))));
    }

    /// <summary>The newest questions waiting for staff in the scope (texts: only staff of the item's centre and admins see them).</summary>
    public async Task<IReadOnlyList<UnansweredQuestion>> LatestWaitingAsync(StaffScope scope, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Unanswered.AsNoTracking().Where(q => WaitingReasons.Contains(q.Reason) && (q.Status == QueueStatus.New || q.Status == QueueStatus.InProgress));
        if (!scope.IsAdmin)
        {
            var mine = scope.Centres.ToList();
            query = query.Where(q => q.CentreId != null && mine.Contains(q.CentreId));
        }
        return await query.OrderByDescending(q => q.Id).Take(take).ToListAsync(ct);
    }

    private static async Task<Dictionary<string, int>> Count<T>(IQueryable<IGrouping<string?, T>> groups, CancellationToken ct) =>
        (await groups.Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(g => g.Key ?? "", g => g.Count);

    /// <summary>People who wrote to the bot, newest first, that the scope covers (by their centre or a subscription's), addresses masked.</summary>
    public async Task<IReadOnlyList<PersonRow>> PeopleAsync(StaffScope scope, string? centre, string? channel, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = InScope(db, scope);
        if (!string.IsNullOrEmpty(centre)) query = query.Where(u => u.CentreId == centre || db.Set<Subscription>().Any(s => s.UserId == u.Id && s.CentreId == centre));
        if (!string.IsNullOrEmpty(channel)) query = query.Where(u => u.Channel == channel);
        var rows = await query.OrderByDescending(u => u.LastSeenAt).Take(take)
            .Select(u => new { User = u, Subscriptions = db.Set<Subscription>().Count(s => s.UserId == u.Id) }).ToListAsync(ct);
        return rows.Select(r => Row(r.User, r.Subscriptions)).ToList();
    }

    /// <summary>One person, or null when they do not exist or the scope does not cover them (the same answer: no hint either way).</summary>
    public async Task<PersonRow?> PersonAsync(StaffScope scope, string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await InScope(db, scope).Where(u => u.Id == id)
            .Select(u => new { User = u, Subscriptions = db.Set<Subscription>().Count(s => s.UserId == u.Id) }).FirstOrDefaultAsync(ct);
        return row is null ? null : Row(row.User, row.Subscriptions);
    }

    /// <summary>The full channel address, for an admin who needs it; the access is audited. Null when unknown or not allowed.</summary>
    public async Task<string?> RevealAddressAsync(StaffScope scope, string id, string reason, CancellationToken ct = default)
    {
        if (!scope.IsAdmin) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.BotUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null) return null;
        await audit.WriteAsync(scope.Actor, AuditActions.AddressRevealed, $"person {id}", reason, ct);
        return users.Unprotect(user);
    }

    private static IQueryable<BotUser> InScope(BotDbContext db, StaffScope scope)
    {
        var query = db.BotUsers.AsNoTracking();
        if (scope.IsAdmin) return query;
        var mine = scope.Centres.ToList();
        return query.Where(u => (u.CentreId != null && mine.Contains(u.CentreId)) || db.Set<Subscription>().Any(s => s.UserId == u.Id && mine.Contains(s.CentreId)));
    }

    private PersonRow Row(BotUser u, int subscriptions) => new(u.Id, u.Channel, PrivacySetup.Mask(users.Unprotect(u)), u.CentreId,
        u.CreatedAt, u.LastSeenAt, u.ConsentAt is not null, subscriptions, u.UnreachableSince is not null, u.AnnouncementsStoppedAt is not null);
}

public sealed record CentreToday(string CentreId, string CentreName, int Conversations, int Questions, int Answered, int UnansweredWaiting,
    int Handovers, int Subscribers, int AnnouncementsInFlight);

public sealed record PersonRow(string Id, string Channel, string MaskedAddress, string? CentreId, DateTimeOffset FirstContactAt,
    DateTimeOffset LastSeenAt, bool Consent, int Subscriptions, bool Unreachable, bool AnnouncementsStopped);
