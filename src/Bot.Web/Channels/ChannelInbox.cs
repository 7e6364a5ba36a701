using Bot.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Channels;

/// <summary>A channel whose received updates go through the <see cref="ChannelInbox"/>.</summary>
public interface IInboundProcessor
{
    string Channel { get; }

    /// <summary>Runs the turn for one stored payload (as given to <see cref="ChannelInbox.AcceptAsync"/>).</summary>
    Task ProcessAsync(string payload, CancellationToken ct);
}

/// <summary>
/// What every webhook (and Telegram's poller) hands over: the update is written to <c>inbound_updates</c> (its
/// payload encrypted, which also makes a redelivery — same channel and external id — a no-op) and the webhook
/// answers at once; this service then runs the turns: updates of one sender in the order received, different
/// senders in parallel. Each row is marked handled and its payload cleared. Rows left pending by a crash are
/// processed after the restart.
/// </summary>
public sealed class ChannelInbox(
    IDbContextFactory<BotDbContext> dbFactory,
    IServiceProvider services,
    IDataProtectionProvider dataProtection,
    Operations.SenderLimiter limiter,
    TimeProvider clock,
    ILogger<ChannelInbox> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private const int BatchSize = 100;
    private const int Parallelism = 8;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10); // far longer than any turn, even one paused by rate limits
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Bot.Inbox.v1");
    private readonly SemaphoreSlim _signal = new(0);
    private Dictionary<string, IInboundProcessor>? _processors;

    /// <summary>Stores an update; false when the same update was already received (a redelivery).</summary>
    /// <param name="channel">Channel id.</param>
    /// <param name="externalId">The channel's id of the update (Telegram update_id, Twilio MessageSid).</param>
    /// <param name="sender">The pseudonymous id of the sender: that sender's updates are processed in order.</param>
    /// <param name="payload">The update as received (kept encrypted until handled).</param>
    /// <param name="ct">Cancellation.</param>
    /// <remarks>
    /// A sender over <c>RateLimits:MessagesPerSenderPerMinute</c> is not answered: the update is kept only as received
    /// (for deduplication), without its payload, with status <see cref="InboundStatus.Dropped"/>.
    /// </remarks>
    public async Task<bool> AcceptAsync(string channel, string externalId, string sender, string payload, CancellationToken ct)
    {
        var allowed = limiter.TryAcquire(channel, sender);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Inbound.Add(new InboundUpdate
        {
            Channel = channel,
            ExternalId = externalId,
            Sender = sender,
            Payload = allowed ? _protector.Protect(payload) : null,
            Status = allowed ? InboundStatus.Pending : InboundStatus.Dropped,
            ReceivedAt = clock.GetUtcNow(),
            HandledAt = allowed ? null : clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return false; // unique (channel, external id): already received
        }
        if (allowed) _signal.Release();
        else logger.LogInformation("A {Channel} sender is over the message rate limit: update dropped", channel);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _processors = services.GetServices<IInboundProcessor>().ToDictionary(p => p.Channel, StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ProcessBatchAsync(stoppingToken) > 0)
                {
                }
                await _signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The inbox failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task<int> ProcessBatchAsync(CancellationToken ct)
    {
        List<InboundUpdate> batch;
        var now = clock.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Due: pending, or claimed by an instance whose lease ran out (it crashed). Senders with an update being
            // processed elsewhere wait, so that one sender's updates never run out of order or at the same time.
            var busy = db.Inbound.Where(b => b.Status == InboundStatus.Processing && b.LeaseUntil > now).Select(b => b.Sender);
            batch = await db.Inbound.AsNoTracking()
                .Where(u => (u.Status == InboundStatus.Pending || (u.Status == InboundStatus.Processing && u.LeaseUntil <= now))
                    && !busy.Contains(u.Sender))
                .OrderBy(u => u.Id).Take(BatchSize).ToListAsync(ct);
        }
        var bySender = batch.GroupBy(u => (u.Channel, u.Sender)).Select(g => g.ToList()).ToList();
        await Parallel.ForEachAsync(bySender, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (rows, _) =>
        {
            foreach (var row in rows)
            {
                // Stop between updates, never inside one: a turn cut short after its replies went out would be
                // run (and answered) again after the restart.
                if (ct.IsCancellationRequested) return;
                if (!await ProcessRowAsync(row)) return; // keep this sender's order: retry from here next round
            }
        });
        return ct.IsCancellationRequested ? 0 : batch.Count;
    }

    private async Task<bool> ProcessRowAsync(InboundUpdate row)
    {
        if (!await ClaimAsync(row)) return false; // another instance has it: leave this sender to that instance
        var handled = false;
        try
        {
            if (!_processors!.TryGetValue(row.Channel, out var processor))
            {
                throw new InvalidOperationException($"No channel '{row.Channel}' is on to process this update.");
            }
            await processor.ProcessAsync(_protector.Unprotect(row.Payload!), CancellationToken.None);
            handled = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            row.Attempts++;
            logger.LogWarning(e, "{Channel} update {Id} failed (attempt {Attempt})", row.Channel, row.Id, row.Attempts);
        }
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var done = handled || row.Attempts >= MaxAttempts;
        var status = handled ? InboundStatus.Handled : done ? InboundStatus.Failed : InboundStatus.Pending;
        DateTimeOffset? handledAt = done ? clock.GetUtcNow() : null;
        await db.Inbound.Where(u => u.Id == row.Id).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(x => x.Status, status)
            .SetProperty(x => x.Attempts, row.Attempts)
            .SetProperty(x => x.HandledAt, handledAt)
            .SetProperty(x => x.Payload, done ? null : row.Payload), CancellationToken.None);
        return done;
    }

    /// <summary>
    /// Takes the row for this instance: a conditional update in the database, so of several instances sharing one
    /// PostgreSQL database exactly one runs each update.
    /// </summary>
    private async Task<bool> ClaimAsync(InboundUpdate row)
    {
        var now = clock.GetUtcNow();
        var until = now + Lease;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var claimed = await db.Inbound
            .Where(u => u.Id == row.Id && (u.Status == InboundStatus.Pending || (u.Status == InboundStatus.Processing && u.LeaseUntil <= now)))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, InboundStatus.Processing).SetProperty(x => x.LeaseUntil, until), CancellationToken.None);
        return claimed == 1;
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }
}

public static class ChannelInboxSetup
{
    /// <summary>Registers the inbox once, whichever channels use it.</summary>
    public static IServiceCollection AddChannelInbox(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ChannelInbox))) return services;
        services.AddSingleton<ChannelInbox>();
        services.AddHostedService(sp => sp.GetRequiredService<ChannelInbox>());
        return services;
    }
}
