using Bot.Web.Channels;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Web.Outbox;

/// <summary>
/// The outbox rows' state changes, each a conditional update in the database so that of several instances sharing
/// one PostgreSQL database exactly one works on a row at a time: claims with a lease (PostgreSQL: <c>FOR UPDATE SKIP
/// LOCKED</c>), "sending" committed just before the channel is called, results, lease renewal, cancellation.
/// </summary>
public sealed class OutboxStore(IDbContextFactory<BotDbContext> dbFactory, IOptions<OutboxOptions> options, TimeProvider clock) : IAsyncDisposable
{
    private static readonly OutboxStatus[] Claimable = [OutboxStatus.Pending, OutboxStatus.Retrying];
    private readonly GroupCommit _writes = new(dbFactory);

    /// <summary>This process: the owner written into the rows it claims.</summary>
    public string InstanceId { get; } = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>Adds rows to be sent (pending, due at their <see cref="OutboxMessage.NextAttemptAt"/>), in one transaction.</summary>
    public async Task EnqueueAsync(IReadOnlyCollection<OutboxMessage> rows, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Outbox.AddRange(rows);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Claims up to <paramref name="max"/> due rows of a channel (pending or waiting to be retried, not held by anyone).</summary>
    public Task<List<OutboxMessage>> ClaimDueAsync(string channel, int max, CancellationToken ct) => ClaimAsync(channel, Claimable, max, ct);

    /// <summary>Claims rows of a channel left in "sending" whose lease ran out: their instance died mid-send, or the send timed out.</summary>
    public Task<List<OutboxMessage>> ClaimStuckAsync(string channel, int max, CancellationToken ct) => ClaimAsync(channel, [OutboxStatus.Sending], max, ct);

    private async Task<List<OutboxMessage>> ClaimAsync(string channel, OutboxStatus[] statuses, int max, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var postgres = db.Database.IsNpgsql();
        object Time(DateTimeOffset t) => postgres ? t : t.UtcTicks; // SQLite keeps times as UTC ticks
        var statusList = string.Join(",", statuses.Select(s => (int)s));
        var lockRows = postgres ? " FOR UPDATE SKIP LOCKED" : ""; // SQLite: one instance, and writes are serialised anyway
        var sql = $$"""
            UPDATE outbox SET "ClaimedBy" = {0}, "ClaimedUntil" = {1}
            WHERE "Id" IN (
                SELECT "Id" FROM outbox
                WHERE "Channel" = {2} AND "Status" IN ({{statusList}})
                  AND "NextAttemptAt" <= {3} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= {3})
                ORDER BY "NextAttemptAt", "Id"
                LIMIT {4}{{lockRows}})
            RETURNING "Id" AS "Value"
            """;
        var ids = await db.Database.SqlQueryRaw<long>(sql, InstanceId, Time(now + Lease), channel, Time(now), max).ToListAsync(ct);
        if (ids.Count == 0) return [];
        return await db.Outbox.AsNoTracking().Where(o => ids.Contains(o.Id) && o.ClaimedBy == InstanceId).OrderBy(o => o.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Commits "sending" (one more attempt) right before the channel is called; throws <see cref="SendAbandonedException"/>
    /// when the row was cancelled or taken over since it was claimed, so that nothing is sent.
    /// </summary>
    public async Task MarkSendingAsync(OutboxMessage row, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + Lease;
        var updated = await _writes.RunAsync((db, c) => db.Outbox
            .Where(o => o.Id == row.Id && o.ClaimedBy == InstanceId
                && (o.Status == OutboxStatus.Pending || o.Status == OutboxStatus.Retrying || o.Status == OutboxStatus.Sending))
            .ExecuteUpdateAsync(o => o
                .SetProperty(x => x.Status, OutboxStatus.Sending)
                .SetProperty(x => x.Attempts, x => x.Attempts + 1)
                .SetProperty(x => x.SendingAt, now)
                .SetProperty(x => x.ClaimedUntil, until)
                .SetProperty(x => x.UpdatedAt, now), c), ct);
        if (updated == 0) throw new SendAbandonedException(row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        row.Status = OutboxStatus.Sending;
        row.Attempts++;
        row.SendingAt = now;
    }

    /// <summary>
    /// Records what became of a row this instance holds: its status and error now (a delivery report that came before
    /// the row knew its message id included), or null when it is no longer held.
    /// </summary>
    public async Task<(OutboxStatus Status, string? Error)?> RecordAsync(OutboxMessage row, SendOutcome outcome, bool canResolve, CancellationToken ct)
    {
        if (outcome is SendOutcome.Lost) return null;
        var now = clock.GetUtcNow();
        var (status, error, next, claimedUntil) = Next(row, outcome, canResolve, now);
        var sent = outcome as SendOutcome.Sent;
        var providerId = sent?.ProviderMessageId ?? row.ProviderMessageId;
        var sentAt = sent is not null ? now : row.SentAt;
        OutboxMessage? reported = null; // a delivery report that came before the row knew its message id, applied with it
        var updated = await _writes.RunAsync(async (db, c) =>
        {
            var updated = await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == InstanceId).ExecuteUpdateAsync(o => o
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.Error, error)
                .SetProperty(x => x.NextAttemptAt, next)
                .SetProperty(x => x.ClaimedBy, (string?)null)
                .SetProperty(x => x.ClaimedUntil, claimedUntil)
                .SetProperty(x => x.ProviderMessageId, providerId)
                .SetProperty(x => x.SentAt, sentAt)
                .SetProperty(x => x.UpdatedAt, now), c);
            // A delivery report may have come before this row knew its message id: applied in the same transaction.
            if (updated > 0 && sent is not null && providerId is not null)
            {
                reported = (await ApplyReportedAsync(db, row.Channel, providerId, now, c)).FirstOrDefault(r => r.Id == row.Id);
            }
            return updated;
        }, ct);
        if (updated == 0) return null;
        return reported is null ? (status, error) : (reported.Status, reported.Error);
    }

    private static async Task<List<OutboxMessage>> ApplyReportedAsync(BotDbContext db, string channel, string providerId, DateTimeOffset now, CancellationToken ct)
    {
        var reported = await db.Outbound.AsNoTracking().Where(m => m.Channel == channel && m.ExternalId == providerId)
            .Select(m => new { m.Status, m.ErrorCode }).FirstOrDefaultAsync(ct);
        return reported is null ? [] : await ApplyDeliveryAsync(db, channel, providerId, reported.Status, reported.ErrorCode, now, ct);
    }

    private (OutboxStatus Status, string? Error, DateTimeOffset Next, DateTimeOffset? ClaimedUntil) Next(
        OutboxMessage row, SendOutcome outcome, bool canResolve, DateTimeOffset now) => outcome switch
    {
        SendOutcome.Sent => (OutboxStatus.Sent, null, row.NextAttemptAt, null),
        SendOutcome.Failed f => (OutboxStatus.Failed, f.Error, row.NextAttemptAt, null),
        SendOutcome.Skipped s => (OutboxStatus.Skipped, s.Reason, row.NextAttemptAt, null),
        SendOutcome.Deferred d => (row.Status == OutboxStatus.Retrying ? OutboxStatus.Retrying : OutboxStatus.Pending, "budget", d.Until, null),
        SendOutcome.Retry r when row.Attempts >= options.Value.MaxAttempts => (OutboxStatus.Failed, Cut("gave-up:" + r.Error), row.NextAttemptAt, null),
        SendOutcome.Retry r => (OutboxStatus.Retrying, r.Error, r.At ?? now + Backoff(row.Attempts), null),
        // An unknown outcome stays "sending" until the channel can look it up; without a way to look, it is final.
        SendOutcome.Unknown u when canResolve && row.Status == OutboxStatus.Sending =>
            (OutboxStatus.Sending, u.Error, row.NextAttemptAt, now + TimeSpan.FromSeconds(options.Value.ResolveAfterSeconds)),
        SendOutcome.Unknown u => (OutboxStatus.Ambiguous, u.Error, row.NextAttemptAt, null),
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome}"),
    };

    /// <summary>The wait before retry number <paramref name="attempts"/> + 1: doubling from Outbox:RetryBaseSeconds, at most an hour, plus up to 20 % jitter.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(3600, options.Value.RetryBaseSeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20)));
        return TimeSpan.FromSeconds(seconds * (1 + (Random.Shared.NextDouble() * 0.2)));
    }

    /// <summary>Keeps this instance's claims alive (rows queued or in flight here).</summary>
    public async Task RenewAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        var until = clock.GetUtcNow() + Lease;
        foreach (var chunk in ids.Chunk(500))
        {
            // Through the same commits as the sends' updates: this instance never locks its own rows in two orders at once.
            await _writes.RunAsync((db, c) => db.Outbox.Where(o => chunk.Contains(o.Id) && o.ClaimedBy == InstanceId)
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.ClaimedUntil, until), c), ct);
        }
    }

    /// <summary>Gives back rows claimed here but not yet sent (when stopping), so that others take them at once.</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var chunk in ids.Chunk(500))
        {
            await db.Outbox.Where(o => chunk.Contains(o.Id) && o.ClaimedBy == InstanceId && (o.Status == OutboxStatus.Pending || o.Status == OutboxStatus.Retrying))
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.ClaimedBy, (string?)null).SetProperty(x => x.ClaimedUntil, (DateTimeOffset?)null), ct);
        }
    }

    /// <summary>Cancels the rows of <paramref name="kind"/> / <paramref name="referenceId"/> not yet sent; a row being sent right now finishes.</summary>
    public async Task<int> CancelAsync(string kind, long referenceId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await _writes.RunAsync((db, c) => db.Outbox
            .Where(o => o.Kind == kind && o.ReferenceId == referenceId && (o.Status == OutboxStatus.Pending || o.Status == OutboxStatus.Retrying))
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, OutboxStatus.Cancelled).SetProperty(x => x.UpdatedAt, now), c), ct);
    }

    /// <summary>Progress of the broadcasts <paramref name="referenceIds"/> of <paramref name="kind"/> (absent: no rows yet).</summary>
    public async Task<IReadOnlyDictionary<long, OutboxProgress>> ProgressAsync(string kind, IReadOnlyCollection<long> referenceIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var window = now - TimeSpan.FromMinutes(5);
        var ids = referenceIds.ToList();
        var open = OutboxStatuses.Open;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = db.Outbox.Where(o => o.Kind == kind && ids.Contains(o.ReferenceId));
        var counts = await rows.GroupBy(o => new { o.ReferenceId, o.Status }).Select(g => new { g.Key.ReferenceId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        var sending = (await rows.Where(o => o.SentAt != null).GroupBy(o => o.ReferenceId)
            .Select(g => new { g.Key, First = g.Min(o => o.SentAt), Recent = g.Count(o => o.SentAt >= window) }).ToListAsync(ct)).ToDictionary(x => x.Key);
        var waiting = (await rows.Where(o => open.Contains(o.Status)).GroupBy(o => o.ReferenceId)
            .Select(g => new { g.Key, Latest = g.Max(o => o.NextAttemptAt) }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Latest);
        return counts.GroupBy(c => c.ReferenceId).ToDictionary(g => g.Key, g =>
        {
            var byStatus = g.ToDictionary(c => c.Status, c => c.Count);
            var rate = sending.TryGetValue(g.Key, out var s) ? PerMinute(s.Recent, s.First, window, now) : 0;
            var progress = new OutboxProgress(byStatus, rate, null);
            return progress with { EstimatedFinish = Finish(progress.Open, rate, waiting.GetValueOrDefault(g.Key), now) };
        });
    }

    private static double PerMinute(int recent, DateTimeOffset? first, DateTimeOffset window, DateTimeOffset now)
    {
        var since = first > window ? first.Value : window;
        var minutes = (now - since).TotalMinutes;
        return recent > 0 && minutes > 1.0 / 60 ? recent / minutes : 0;
    }

    private static DateTimeOffset? Finish(int open, double perMinute, DateTimeOffset latestDue, DateTimeOffset now)
    {
        if (open == 0) return null;
        DateTimeOffset? atRate = perMinute > 0 ? now + TimeSpan.FromMinutes(open / perMinute) : null;
        if (latestDue > (atRate ?? now)) return latestDue; // rows waiting for a retry or for tomorrow's budget
        return atRate;
    }

    /// <summary>
    /// Applies a delivery report (WhatsApp status callback, the web chat's "fetched") to the rows sent as
    /// <paramref name="externalId"/>: delivered, read, or failed after acceptance (undelivered). Never moves a row back.
    /// </summary>
    /// <returns>The rows moved, as they are now.</returns>
    public static async Task<List<OutboxMessage>> ApplyDeliveryAsync(BotDbContext db, string channel, string externalId, string status, int? errorCode,
        DateTimeOffset now, CancellationToken ct)
    {
        var (to, from, error) = status switch
        {
            "delivered" => (OutboxStatus.Delivered, new[] { OutboxStatus.Sent }, (string?)null),
            "read" => (OutboxStatus.Read, new[] { OutboxStatus.Sent, OutboxStatus.Delivered }, null),
            "undelivered" or "failed" => (OutboxStatus.Failed, new[] { OutboxStatus.Sent }, $"{status}:{errorCode}"),
            _ => (OutboxStatus.Sent, Array.Empty<OutboxStatus>(), null),
        };
        if (from.Length == 0) return [];
        var rows = db.Outbox.Where(o => o.Channel == channel && o.ProviderMessageId == externalId && from.Contains(o.Status));
        var moving = await rows.AsNoTracking().ToListAsync(ct);
        if (moving.Count == 0) return [];
        await rows.ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, to).SetProperty(x => x.Error, x => error ?? x.Error).SetProperty(x => x.UpdatedAt, now), ct);
        foreach (var row in moving)
        {
            row.Status = to;
            row.Error = error ?? row.Error;
        }
        return moving;
    }

    private static string Cut(string value) => value.Length <= 64 ? value : value[..64];

    public ValueTask DisposeAsync() => _writes.DisposeAsync();
}
