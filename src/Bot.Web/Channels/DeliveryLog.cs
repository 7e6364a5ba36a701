using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Channels;

/// <summary>
/// Delivery status of sent messages (<c>outbound_messages</c>), keyed by the channel's message id. Reports may arrive
/// in any order — even before the send call has returned — and a report never moves a message back in its life
/// (read is never replaced by delivered; a failure after delivery is kept as delivered).
/// </summary>
public sealed class DeliveryLog(IDbContextFactory<BotDbContext> dbFactory, IEnumerable<IDeliveryReports> reports, TimeProvider clock)
{
    /// <summary>Rank of a status in a message's life; unknown words rank lowest.</summary>
    public static int Rank(string status) => status switch
    {
        "accepted" or "scheduled" or "queued" => 1,
        "sending" => 2,
        "sent" => 3,
        "delivered" or "undelivered" or "failed" or "canceled" or "partially_delivered" => 4,
        "read" => 5,
        _ => 0,
    };

    /// <summary>Records a send (with its recipient) or a status report; returns the recipient when known and whether the status changed.</summary>
    public async Task<(string UserId, bool Changed)> RecordAsync(string channel, string externalId, string status, int? errorCode,
        string? userId = null, string? template = null, CancellationToken ct = default)
    {
        var fresh = new OutboundMessage
        {
            Channel = channel, ExternalId = externalId, UserId = userId ?? "", Template = template, Status = status, StatusRank = Rank(status),
            ErrorCode = errorCode, CreatedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow(),
        };
        // A send is nearly always recorded before its first report: one insert. A report (or a send whose report came first) updates.
        if (!string.IsNullOrEmpty(userId) && await TryInsertAsync(fresh, ct)) return (userId, true);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var row = db.Outbound.Where(m => m.Channel == channel && m.ExternalId == externalId);
            // Both updates are conditional in the database itself, so concurrent reports cannot downgrade each other.
            var changed = await row.Where(m => m.StatusRank < fresh.StatusRank).ExecuteUpdateAsync(m => m
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.StatusRank, fresh.StatusRank)
                .SetProperty(x => x.ErrorCode, errorCode)
                .SetProperty(x => x.UpdatedAt, fresh.UpdatedAt), ct) > 0;
            if (!string.IsNullOrEmpty(userId))
            {
                await row.Where(m => m.UserId == "").ExecuteUpdateAsync(m => m
                    .SetProperty(x => x.UserId, userId)
                    .SetProperty(x => x.Template, template), ct);
            }
            var known = await row.Select(m => m.UserId).FirstOrDefaultAsync(ct);
            if (known is not null)
            {
                // Whoever sent it as a message the bot started itself (the outbox) follows (delivered, read, undelivered).
                if (changed)
                {
                    foreach (var report in reports) await report.ReportedAsync(channel, externalId, status, errorCode, ct);
                }
                return (known, changed);
            }
            // The other report of the same message may create the row first: then apply ours to it.
            if (await TryInsertAsync(fresh, ct)) return (fresh.UserId, true);
        }
        throw new InvalidOperationException($"The {channel} message could not be recorded.");
    }

    private async Task<bool> TryInsertAsync(OutboundMessage message, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Outbound.Add(message);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            message.Id = 0; // unique (channel, message id): recorded already
            return false;
        }
    }

    public async Task<OutboundMessage?> FindAsync(string channel, string externalId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Outbound.AsNoTracking().FirstOrDefaultAsync(m => m.Channel == channel && m.ExternalId == externalId, ct);
    }
}
