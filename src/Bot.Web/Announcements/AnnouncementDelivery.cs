using System.Collections.Concurrent;
using Bot.Web.Data;
using Bot.Web.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Web.Announcements;

/// <summary>
/// Just before an announcement goes to someone: are they still there, reachable, not stopped, and still subscribed to
/// one of its centres and topics? Otherwise the row is skipped with the reason.
/// </summary>
public sealed class AnnouncementCheck(IDbContextFactory<BotDbContext> dbFactory) : IOutboxCheck
{
    /// <summary>Targets never change once an announcement exists: kept per announcement.</summary>
    private readonly ConcurrentDictionary<long, (List<string> Centres, List<string> Topics)> _targets = new();

    public string Kind => Announcement.OutboxKind;

    public async Task<string?> SkipReasonAsync(OutboxMessage row, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!_targets.TryGetValue(row.ReferenceId, out var targets))
        {
            var announcement = await db.Announcements.AsNoTracking().FirstAsync(a => a.Id == row.ReferenceId, ct);
            targets = _targets.GetOrAdd(row.ReferenceId, ([.. announcement.CentreList], [.. announcement.TopicList]));
        }
        var (centres, topics) = targets;
        var user = await db.BotUsers.AsNoTracking().Where(u => u.Id == row.UserId).Select(u => new
        {
            Stopped = u.AnnouncementsStoppedAt != null,
            Unreachable = u.UnreachableSince != null,
            Subscribed = db.Set<Subscription>().Any(s => s.UserId == u.Id && centres.Contains(s.CentreId) && topics.Contains(s.Topic)), // Set<T>(): an extension property cannot be in an expression tree
        }).FirstOrDefaultAsync(ct);
        return user switch
        {
            null => "gone",
            { Stopped: true } => "stopped",
            { Unreachable: true } => "unreachable",
            { Subscribed: false } => "unsubscribed",
            _ => null,
        };
    }
}

/// <summary>Publishes scheduled announcements when their time comes (by the app's clock), on every instance; one of them wins each.</summary>
public sealed class AnnouncementScheduler(AnnouncementService announcements, IOptions<OutboxOptions> options, ILogger<AnnouncementScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var id in await announcements.DueAsync(stoppingToken)) await announcements.PublishAsync(id, stoppingToken);
                await Task.Delay(poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Publishing scheduled announcements failed; trying again shortly");
                await Task.Delay(poll, CancellationToken.None);
            }
        }
    }
}
