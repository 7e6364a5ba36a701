using Bot.Web.Configuration;
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
/// processed after the restart, and turns cut short by it are run again without repeating the replies that went out.
/// </summary>
/// <remarks>
/// A stored update goes straight to its sender's queue in memory (no database round trip to find it again): a
/// sender's queue is worked by one task at a time, at most <c>Inbox:Parallelism</c> senders at once, and a new
/// sender starts as soon as a slot is free — a slow turn holds up only its own sender. The database is the safety
/// net: a poll finds rows no queue holds (left by a crash, by another instance that died, or not queued because too
/// many were waiting in memory) and queues them. Each row is claimed with a conditional update before its turn, so of
/// several instances sharing one database exactly one runs each update.
/// </remarks>
public sealed class ChannelInbox(
    IDbContextFactory<BotDbContext> dbFactory,
    IServiceProvider services,
    IDataProtectionProvider dataProtection,
    Operations.SenderLimiter limiter,
    Microsoft.Extensions.Options.IOptions<InboxOptions> options,
    TimeProvider clock,
    ILogger<ChannelInbox> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private const int PollSize = 200;
    /// <summary>Updates held in memory at most; beyond it they wait in the database for the poll (a flood cannot exhaust memory).</summary>
    private const int MaxQueued = 10_000;
    /// <summary>How long a claim lasts unless renewed; the turns running here are renewed every third of it.</summary>
    private readonly TimeSpan _lease = TimeSpan.FromSeconds(options.Value.LeaseSeconds);
    private TimeSpan RenewEvery => _lease / 3;
    /// <summary>A pending row this old that no queue holds was missed (not queued, or its instance died): the poll takes it.</summary>
    private static readonly TimeSpan Orphaned = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(5);
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Bot.Inbox.v1");
    /// <summary>The inbox's own small writes (store, claim, outcome) of all concurrent turns, committed together.</summary>
    private readonly GroupCommit _writes = new(dbFactory);
    private readonly SemaphoreSlim _slots = new(options.Value.Parallelism);
    private readonly SemaphoreSlim _poll = new(0);
    private readonly object _gate = new();
    /// <summary>Per sender, the updates waiting in order; a sender is present while a task works its queue.</summary>
    private readonly Dictionary<(string Channel, string Sender), Queue<InboundUpdate>> _senders = new();
    /// <summary>Ids of the rows held in memory (queued or running), so that the poll does not queue them twice.</summary>
    private readonly HashSet<long> _held = [];
    /// <summary>Ids of the rows whose turn runs here now: their leases are renewed.</summary>
    private readonly HashSet<long> _turns = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private Dictionary<string, IInboundProcessor>? _processors;

    /// <summary>Stores an update; false when the same update was already received (a redelivery).</summary>
    /// <param name="channel">Channel id.</param>
    /// <param name="externalId">The channel's id of the update (Telegram update_id, Twilio MessageSid).</param>
    /// <param name="sender">The pseudonymous id of the sender: that sender's updates are processed in order.</param>
    /// <param name="payload">The update as received (kept encrypted until handled).</param>
    /// <param name="ct">Cancellation.</param>
    /// <remarks>
    /// A redelivery is recognised first, so it takes nothing of the sender's allowance. A sender over
    /// <c>RateLimits:MessagesPerSenderPerMinute</c> is not answered: the update is kept only as received (for
    /// deduplication), without its payload, with status <see cref="InboundStatus.Dropped"/>, logged (channel and row
    /// id only) and counted (<c>segbot.inbound.dropped</c>). The first update dropped in a flood is kept instead as a
    /// turn whose only reply is the notice to slow down (<see cref="SlowDownNotice"/>): the sender is told once per flood.
    /// </remarks>
    public async Task<bool> AcceptAsync(string channel, string externalId, string sender, string payload, CancellationToken ct)
    {
        // A redelivery (Telegram and Twilio retry one at a time, after an answer that did not arrive) is answered
        // without touching the limiter. The insert below stays the guard against two copies arriving at once.
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Inbound.AnyAsync(u => u.Channel == channel && u.ExternalId == externalId, ct)) return false;
        }
        var admission = limiter.Admit(channel, sender);
        var kept = admission switch
        {
            Operations.SenderAdmission.Allowed => payload,
            Operations.SenderAdmission.DroppedFirst => SlowDownNotice.Mark(payload),
            _ => null,
        };
        var row = new InboundUpdate
        {
            Channel = channel,
            ExternalId = externalId,
            Sender = sender,
            Payload = kept is null ? null : _protector.Protect(kept),
            Status = kept is null ? InboundStatus.Dropped : InboundStatus.Pending,
            ReceivedAt = clock.GetUtcNow(),
            HandledAt = kept is null ? clock.GetUtcNow() : null,
        };
        // Stored in the next group commit (one transaction, one flush, for all the updates arriving together); a
        // redelivery (same channel and external id) inserts nothing. Any failure (database down, disk full) is thrown:
        // the webhook answers 500 and the channel delivers the update again.
        long? id = null;
        await _writes.RunAsync(async (db, c) =>
        {
            var postgres = db.Database.IsNpgsql();
            object Time(DateTimeOffset? t) => t is not { } v ? DBNull.Value : postgres ? v : v.UtcTicks; // SQLite keeps times as UTC ticks
            var ids = await db.Database.SqlQueryRaw<long>("""
                INSERT INTO inbound_updates ("Channel", "ExternalId", "Sender", "Payload", "Status", "Attempts", "ReceivedAt", "HandledAt")
                VALUES ({0}, {1}, {2}, {3}, {4}, 0, {5}, {6})
                ON CONFLICT ("Channel", "ExternalId") DO NOTHING
                RETURNING "Id" AS "Value"
                """, row.Channel, row.ExternalId, row.Sender, (object?)row.Payload ?? DBNull.Value, (int)row.Status, Time(row.ReceivedAt), Time(row.HandledAt))
                .ToListAsync(c);
            id = ids.Count == 1 ? ids[0] : null;
            return ids.Count;
        }, ct);
        if (id is null) return false; // already received
        row.Id = id.Value;
        if (kept is not null) Enqueue(row);
        if (admission != Operations.SenderAdmission.Allowed)
        {
            Operations.BotMetrics.InboundDropped(channel);
            // No address, no text: the channel and the row's own id.
            if (kept is not null) logger.LogInformation("A {Channel} sender is over the message rate limit: update {Id} dropped; the sender is told once to slow down", channel, row.Id);
            else logger.LogInformation("A {Channel} sender is over the message rate limit: update {Id} dropped", channel, row.Id);
        }
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _processors = services.GetServices<IInboundProcessor>().ToDictionary(p => p.Channel, StringComparer.Ordinal);
        using var stop = stoppingToken.Register(_stopping.Cancel);
        var renewed = clock.GetTimestamp();
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!started)
                {
                    await InterruptLeftoversAsync(stoppingToken);
                    started = true;
                }
                if (clock.GetElapsedTime(renewed) >= RenewEvery)
                {
                    await RenewAsync(stoppingToken);
                    renewed = clock.GetTimestamp();
                }
                await PollAsync(stoppingToken);
                await _poll.WaitAsync(PollEvery < RenewEvery ? PollEvery : RenewEvery, stoppingToken); // renewals are never late
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The inbox failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
        // Turns in flight finish (a turn cut short after its replies went out would be answered again after the restart).
        Task[] running;
        lock (_gate) running = [.. _running];
        await Task.WhenAll(running);
        await _writes.DisposeAsync(); // the last outcomes committed
    }

    /// <summary>
    /// SQLite is one instance per file: rows left "processing" at start belong to a process that died mid-turn. They
    /// are taken up again at once, so that their senders are not held up until the leases run out.
    /// </summary>
    private async Task InterruptLeftoversAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!db.Database.IsSqlite()) return;
        await ResumeCutAsync(db, db.Inbound.Where(u => u.Status == InboundStatus.Processing), ct);
    }

    /// <summary>
    /// Turns cut short by a crash run again: their state was not saved (it is saved only at a turn's end), so they say
    /// the same things, and the replies already confirmed sent are skipped (<see cref="InboundReplies"/>). Each cut
    /// counts as an attempt, so an update that crashes the app every time ends as failed instead of looping.
    /// </summary>
    private async Task ResumeCutAsync(BotDbContext db, IQueryable<InboundUpdate> rows, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var failed = await rows.Where(u => u.Attempts + 1 >= MaxAttempts).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, InboundStatus.Failed)
            .SetProperty(x => x.Attempts, x => x.Attempts + 1)
            .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(x => x.HandledAt, now)
            .SetProperty(x => x.Payload, (string?)null), ct);
        var resumed = await rows.ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, InboundStatus.Pending)
            .SetProperty(x => x.Attempts, x => x.Attempts + 1)
            .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null), ct);
        if (resumed > 0) logger.LogWarning("Inbox: {Count} turns cut short by a crash run again (replies already sent are skipped)", resumed);
        if (failed > 0) logger.LogError("Inbox: {Count} updates were cut short by a crash {Max} times and are given up", failed, MaxAttempts);
    }

    /// <summary>Keeps the claims of the turns running here alive (a turn paused by a channel's rate limits may take long).</summary>
    private async Task RenewAsync(CancellationToken ct)
    {
        List<long> ids;
        lock (_gate) ids = [.. _turns];
        if (ids.Count == 0) return;
        var until = clock.GetUtcNow() + _lease;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Inbound.Where(u => ids.Contains(u.Id) && u.Status == InboundStatus.Processing)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LeaseUntil, until), ct);
    }

    /// <summary>
    /// Takes up again the turns whose instance died (lease ran out), then queues the rows no queue holds that are
    /// due: pending for a while (missed, or waiting for a retry). Senders with an update being processed elsewhere
    /// wait, so that one sender's updates never run out of order or at the same time.
    /// </summary>
    private async Task PollAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var missedBefore = now - Orphaned;
        List<InboundUpdate> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await ResumeCutAsync(db, db.Inbound.Where(u => u.Status == InboundStatus.Processing && u.LeaseUntil <= now), ct);
            var busy = db.Inbound.Where(b => b.Status == InboundStatus.Processing).Select(b => b.Sender);
            due = await db.Inbound.AsNoTracking()
                .Where(u => u.Status == InboundStatus.Pending && u.ReceivedAt <= missedBefore && !busy.Contains(u.Sender))
                .OrderBy(u => u.Id).Take(PollSize).ToListAsync(ct);
        }
        var queued = 0;
        foreach (var row in due)
        {
            if (Enqueue(row)) queued++;
        }
        if (queued > 0) logger.LogInformation("Inbox: {Count} stored updates queued again (after a restart or a backlog)", queued);
        if (due.Count == PollSize) _poll.Release(); // more may be waiting: look again at once
    }

    /// <summary>Puts a row on its sender's queue, starting a task for the sender if none runs; false when not queued.</summary>
    private bool Enqueue(InboundUpdate row)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || _held.Count >= MaxQueued || !_held.Add(row.Id)) return false;
            var key = (row.Channel, row.Sender);
            if (_senders.TryGetValue(key, out var queue))
            {
                queue.Enqueue(row);
                return true;
            }
            queue = new Queue<InboundUpdate>();
            queue.Enqueue(row);
            _senders[key] = queue;
            Task task = null!;
            task = Task.Run(async () =>
            {
                await WorkSenderAsync(key, queue);
                lock (_gate) _running.Remove(task);
            });
            _running.Add(task);
            return true;
        }
    }

    /// <summary>One sender's queue, in order, one update at a time, within the shared slots.</summary>
    private async Task WorkSenderAsync((string Channel, string Sender) key, Queue<InboundUpdate> queue)
    {
        var stopped = false;
        while (true)
        {
            InboundUpdate? row;
            lock (_gate)
            {
                if (stopped || _stopping.IsCancellationRequested || !queue.TryDequeue(out row))
                {
                    // Done (or stopping: what is left stays pending in the database for the next start).
                    foreach (var left in queue) _held.Remove(left.Id);
                    _senders.Remove(key);
                    return;
                }
            }
            var handled = false;
            try
            {
                await _slots.WaitAsync(CancellationToken.None);
                try
                {
                    // Stop between updates, never inside one.
                    if (!_stopping.IsCancellationRequested) handled = await ProcessRowAsync(row);
                }
                finally
                {
                    _slots.Release();
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "{Channel} update {Id} could not be recorded; the poll takes it again", row.Channel, row.Id);
            }
            finally
            {
                lock (_gate) _held.Remove(row.Id);
            }
            // Not finished (to be retried, or an earlier update of this sender is waiting or running elsewhere): keep
            // this sender's order — the rest of its queue waits in the database for the poll, which takes them in order.
            if (!handled)
            {
                stopped = true;
                _poll.Release();
            }
        }
    }

    /// <summary>Runs one row's turn; true when it is finished (handled, or failed for good, or by another instance).</summary>
    private async Task<bool> ProcessRowAsync(InboundUpdate row)
    {
        switch (await ClaimAsync(row))
        {
            case Claim.Finished: return true; // another instance ran it already
            case Claim.Blocked: return false; // this sender has an earlier update waiting or running (maybe elsewhere)
        }
        var handled = false;
        try
        {
            if (!_processors!.TryGetValue(row.Channel, out var processor))
            {
                throw new InvalidOperationException($"No channel '{row.Channel}' is on to process this update.");
            }
            await RunTurnAsync(processor, row);
            handled = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            row.Attempts++;
            logger.LogWarning(e, "{Channel} update {Id} failed (attempt {Attempt})", row.Channel, row.Id, row.Attempts);
        }
        var done = handled || row.Attempts >= MaxAttempts;
        var status = handled ? InboundStatus.Handled : done ? InboundStatus.Failed : InboundStatus.Pending;
        DateTimeOffset? handledAt = done ? clock.GetUtcNow() : null;
        // Recording the outcome is retried: a row left "processing" would be marked interrupted once its lease ran out.
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _writes.RunAsync((db, c) => db.Inbound.Where(u => u.Id == row.Id).ExecuteUpdateAsync(u => u
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null)
                        .SetProperty(x => x.Status, status)
                        .SetProperty(x => x.Attempts, row.Attempts)
                        .SetProperty(x => x.HandledAt, handledAt)
                        .SetProperty(x => x.Payload, done ? null : row.Payload), c), CancellationToken.None);
                    break;
                }
                catch (Exception e) when (attempt < 5 && e is System.Data.Common.DbException or DbUpdateException or InvalidOperationException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
                }
            }
        }
        finally
        {
            lock (_gate) _turns.Remove(row.Id);
        }
        return done;
    }

    /// <summary>The row's turn, with its replies counted (and those an earlier run sent skipped) in this flow only.</summary>
    private async Task RunTurnAsync(IInboundProcessor processor, InboundUpdate row)
    {
        InboundReplies.Current = new InboundReplies(row.Id, row.RepliesSent, RecordRepliesAsync);
        try
        {
            await processor.ProcessAsync(_protector.Unprotect(row.Payload!), CancellationToken.None);
        }
        finally
        {
            InboundReplies.Current = null;
        }
    }

    /// <summary>How many replies of a row's turn are confirmed sent (committed with the other inbox writes).</summary>
    private Task RecordRepliesAsync(long id, int sent) =>
        _writes.RunAsync((db, c) => db.Inbound.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.RepliesSent, sent), c), CancellationToken.None);

    private enum Claim { Taken, Finished, Blocked }

    /// <summary>
    /// Takes the row for this instance: a conditional update in the database, so of several instances sharing one
    /// PostgreSQL database exactly one runs each update — and only once no earlier update of the same sender is still
    /// waiting or running anywhere, so that a sender's updates run in order also when they reach different instances.
    /// </summary>
    private async Task<Claim> ClaimAsync(InboundUpdate row)
    {
        var now = clock.GetUtcNow();
        var until = now + _lease;
        var claimed = await _writes.RunAsync((db, c) => db.Inbound
            .Where(u => u.Id == row.Id && u.Status == InboundStatus.Pending
                && !db.Inbound.Any(b => b.Channel == row.Channel && b.Sender == row.Sender && b.Id < row.Id
                    && (b.Status == InboundStatus.Pending || b.Status == InboundStatus.Processing)))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, InboundStatus.Processing).SetProperty(x => x.LeaseUntil, until), c), CancellationToken.None);
        if (claimed == 1)
        {
            lock (_gate) _turns.Add(row.Id);
            return Claim.Taken;
        }
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var status = await db.Inbound.Where(u => u.Id == row.Id).Select(u => (InboundStatus?)u.Status).FirstOrDefaultAsync(CancellationToken.None);
        return status is InboundStatus.Pending or InboundStatus.Processing ? Claim.Blocked : Claim.Finished;
    }

    /// <summary>
    /// Safe whether or not the host started or stopped this service (a busy port fails the start after the inbox has
    /// begun): stopping is signalled first — its callback cancels <c>_stopping</c>, which must still exist — and only then
    /// is the token source released. The semaphores are left to the garbage collector: a sender's task may still be
    /// finishing with them, and they hold no handle unless their wait handle is asked for (it never is).
    /// </summary>
    public override void Dispose()
    {
        base.Dispose();
        lock (_gate)
        {
            if (!_stopping.IsCancellationRequested) _stopping.Cancel();
        }
        _stopping.Dispose();
    }
}

public static class ChannelInboxSetup
{
    /// <summary>Registers the inbox once, whichever channels use it.</summary>
    public static IServiceCollection AddChannelInbox(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ChannelInbox))) return services;
        services.AddValidatedOptions<InboxOptions>(InboxOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<InboxOptions>, InboxOptionsValidator>();
        services.AddSingleton<ChannelInbox>();
        services.AddHostedService(sp => sp.GetRequiredService<ChannelInbox>());
        return services;
    }
}
