using Bot.Web.Channels;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Outbox;

/// <summary>Tells the feature that enqueued a row (<see cref="IOutboxObserver"/> of its kind) how the row is now; a failing observer is logged, never fatal.</summary>
public sealed class OutboxObservers(IEnumerable<IOutboxObserver> observers, ILogger<OutboxObservers> logger)
{
    private readonly ILookup<string, IOutboxObserver> _byKind = observers.ToLookup(o => o.Kind, StringComparer.Ordinal);

    public async Task NotifyAsync(OutboxMessage row, OutboxStatus status, string? error, CancellationToken ct)
    {
        foreach (var observer in _byKind[row.Kind])
        {
            try
            {
                await observer.StatusChangedAsync(row, status, error, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox row {Id} ({Kind}) is {Status}, but its observer could not record it", row.Id, row.Kind, status);
            }
        }
    }
}

/// <summary>
/// Delivery reports from the channels (WhatsApp's status callbacks, the web chat's "fetched") applied to the outbox
/// rows sent as that message, and passed on to the rows' observers.
/// </summary>
public sealed class OutboxDeliveryReports(IDbContextFactory<BotDbContext> dbFactory, OutboxObservers observers, TimeProvider clock) : IDeliveryReports
{
    public async Task ReportedAsync(string channel, string providerMessageId, string status, int? errorCode, CancellationToken ct)
    {
        List<OutboxMessage> moved;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            moved = await OutboxStore.ApplyDeliveryAsync(db, channel, providerMessageId, status, errorCode, clock.GetUtcNow(), ct);
        }
        foreach (var row in moved) await observers.NotifyAsync(row, row.Status, row.Error, ct);
    }
}
