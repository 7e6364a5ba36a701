using System.Collections.Concurrent;
using System.Globalization;
using Bot.Web.Channels;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Bot.Web.Outbox;

/// <summary>
/// Sends the outbox: per channel, claims due rows (a batch held with a lease), runs up to Outbox:MaxInFlight sends at
/// once through the channel (whose own limits pace them), records each result; renews the leases of the rows it holds;
/// resolves rows left in "sending" by a crash or a timeout. Stopping: no new send starts, sends in flight finish,
/// rows claimed but not sent are given back.
/// </summary>
public sealed class OutboxDispatcher(
    OutboxStore store,
    IEnumerable<IChannelSender> channels,
    IEnumerable<IOutboxCheck> checks,
    OutboxObservers observers,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan UnresolvableAfter = TimeSpan.FromDays(1);
    /// <summary>Rows this instance holds: their channel, and whether a send is working on them (else queued).</summary>
    private readonly ConcurrentDictionary<long, (string Channel, bool InFlight)> _held = new();
    private readonly Dictionary<string, IOutboxCheck> _checks = checks.ToDictionary(c => c.Kind, StringComparer.Ordinal);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OutboxOptions Options => options.Value;

    /// <summary>New rows are due now (a broadcast was published): look at once instead of at the next poll.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled) return;
        var list = channels.ToList();
        await Task.WhenAll(list.Select(c => RunChannelAsync(c, stoppingToken)).Append(MaintainAsync(list, stoppingToken)));
    }

    /// <summary>One channel: a claimer filling a bounded queue, and MaxInFlight workers emptying it.</summary>
    private async Task RunChannelAsync(IChannelSender channel, CancellationToken stopping)
    {
        var queue = Channel.CreateBounded<OutboxMessage>(new BoundedChannelOptions(Options.BatchSize) { SingleWriter = true });
        var workers = Enumerable.Range(0, Options.MaxInFlight).Select(_ => WorkAsync(channel, queue.Reader)).ToList();
        try
        {
            await ClaimLoopAsync(channel, queue.Writer, stopping);
        }
        finally
        {
            queue.Writer.TryComplete();
            await Task.WhenAll(workers);
        }
    }

    private async Task ClaimLoopAsync(IChannelSender channel, ChannelWriter<OutboxMessage> queue, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                var room = Options.BatchSize - _held.Values.Count(h => h.Channel == channel.Channel);
                var rows = room >= Math.Max(1, Options.BatchSize / 4) ? await store.ClaimDueAsync(channel.Channel, room, stopping) : [];
                foreach (var row in rows)
                {
                    // A row this instance already holds (queued or being sent) whose lease ran out before it was renewed
                    // (a loaded machine) comes back from the claim: queued twice, it would be sent twice.
                    if (!_held.TryAdd(row.Id, (channel.Channel, false))) continue;
                    await queue.WriteAsync(row, stopping);
                }
                claimed = rows.Count;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Claiming {Channel} outbox rows failed; trying again shortly", channel.Channel);
            }
            if (claimed == 0) await WaitAsync(stopping);
        }
        await ReleaseQueuedAsync(channel.Channel, queue);
    }

    /// <summary>Rows still queued when stopping go back to the database, unsent, for the next instance or start.</summary>
    private async Task ReleaseQueuedAsync(string channel, ChannelWriter<OutboxMessage> queue)
    {
        queue.TryComplete();
        var queued = _held.Where(h => h.Value == (channel, false)).Select(h => h.Key).ToList();
        foreach (var id in queued) _held.TryRemove(id, out _);
        try
        {
            await store.ReleaseAsync(queued, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not give back {Count} claimed outbox rows; their leases run out instead", queued.Count);
        }
    }

    private async Task WorkAsync(IChannelSender channel, ChannelReader<OutboxMessage> queue)
    {
        await foreach (var row in queue.ReadAllAsync())
        {
            if (!_held.TryUpdate(row.Id, (channel.Channel, true), (channel.Channel, false))) continue; // given back while stopping
            try
            {
                await SendAsync(channel, row);
            }
            finally
            {
                _held.TryRemove(row.Id, out _);
            }
        }
    }

    /// <summary>
    /// One row: the kind's checks (still subscribed?), then the channel, with "sending" committed just before the
    /// request; the send itself is never cut short by stopping (a half-known outcome is worse than a second's wait).
    /// </summary>
    private async Task SendAsync(IChannelSender channel, OutboxMessage row)
    {
        var marked = false;
        SendOutcome outcome;
        try
        {
            var skip = _checks.TryGetValue(row.Kind, out var check) ? await check.SkipReasonAsync(row, CancellationToken.None) : null;
            outcome = skip is not null
                ? new SendOutcome.Skipped(skip)
                : await channel.SendAsync(Outgoing(row), async c => { await store.MarkSendingAsync(row, c); marked = true; }, CancellationToken.None);
        }
        catch (SendAbandonedException)
        {
            outcome = new SendOutcome.Lost();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sending {Channel} outbox row {Id} failed unexpectedly", channel.Channel, row.Id);
            outcome = new SendOutcome.Unknown(e.GetType().Name);
        }
        // Before "sending" was committed nothing can have left: an unknown outcome is then simply retried.
        if (!marked && outcome is SendOutcome.Unknown unknown) outcome = new SendOutcome.Retry(unknown.Error);
        await RecordAsync(channel, row, outcome);
    }

    private async Task RecordAsync(IChannelSender channel, OutboxMessage row, SendOutcome outcome)
    {
        var canResolve = channel.CanResolve && row.SendingAt > clock.GetUtcNow() - UnresolvableAfter;
        try
        {
            var now = await store.RecordAsync(row, outcome, canResolve, CancellationToken.None);
            logger.LogDebug("{Channel} outbox row {Id}: {Outcome}", channel.Channel, row.Id, outcome.GetType().Name);
            if (now is { } state) await observers.NotifyAsync(row, state.Status, state.Error, CancellationToken.None);
            if (outcome is SendOutcome.Unknown uncertain && !canResolve)
            {
                // Exactly-once is kept (not sent again), but never silently: counted, logged, and shown to staff as
                // "uncertain" in the announcement's progress.
                Operations.BotMetrics.ChannelError(channel.Channel, "uncertain");
                logger.LogWarning("{Channel} outbox row {Id} ({Kind}) may or may not have arrived ({Error}); not sent again, reported as uncertain",
                    channel.Channel, row.Id, row.Kind, uncertain.Error);
            }
        }
        catch (Exception e)
        {
            // The row keeps its lease until it runs out; a row left in "sending" is then resolved like after a crash.
            logger.LogError(e, "Recording the result of {Channel} outbox row {Id} failed", channel.Channel, row.Id);
        }
    }

    /// <summary>Lease renewal for the rows held here, and resolution of rows left in "sending" (by a crash or a timeout).</summary>
    private async Task MaintainAsync(IReadOnlyList<IChannelSender> list, CancellationToken stopping)
    {
        var renewEvery = TimeSpan.FromSeconds(Options.LeaseSeconds / 3.0);
        var lastRenewal = clock.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (clock.GetElapsedTime(lastRenewal) >= renewEvery)
                {
                    await store.RenewAsync(_held.Keys.ToList(), stopping);
                    lastRenewal = clock.GetTimestamp();
                }
                foreach (var channel in list) await ResolveStuckAsync(channel, stopping);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(Options.PollMilliseconds, renewEvery.TotalMilliseconds)), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Outbox maintenance failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private async Task ResolveStuckAsync(IChannelSender channel, CancellationToken stopping)
    {
        foreach (var row in await store.ClaimStuckAsync(channel.Channel, 50, stopping))
        {
            _held[row.Id] = (channel.Channel, true);
            try
            {
                var outcome = await channel.ResolveAsync(Outgoing(row), row.SendingAt ?? row.UpdatedAt, CancellationToken.None);
                logger.LogInformation("{Channel} outbox row {Id} was left sending; resolved as {Outcome}", channel.Channel, row.Id, outcome.GetType().Name);
                await RecordAsync(channel, row, outcome);
            }
            finally
            {
                _held.TryRemove(row.Id, out _);
            }
        }
    }

    /// <summary>A row as the channel sends it: rendered when it was enqueued, so no turn and no conversation state are needed now.</summary>
    private static OutgoingMessage Outgoing(OutboxMessage row) => new(
        row.Id.ToString(CultureInfo.InvariantCulture), row.UserId, row.Language, row.Text, row.TemplateType,
        row.TemplateVariables is { } json ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) : null);

    private async Task WaitAsync(CancellationToken stopping)
    {
        try
        {
            await Task.WhenAny(Volatile.Read(ref _wake).Task, Task.Delay(TimeSpan.FromMilliseconds(Options.PollMilliseconds), stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
