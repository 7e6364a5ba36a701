using System.Threading.Channels;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Data;

/// <summary>
/// Runs small updates of many concurrent callers (the outbox's "sending" marks and results, the inbox's stores, claims
/// and outcomes) in one transaction each round: every
/// caller still waits until its own update is committed (so "sending" is durable before its request leaves), but the
/// database commits (and flushes) once for many of them instead of once each. Each update keeps its own condition. A
/// round that fails (a deadlock with another instance's statement on PostgreSQL, a busy SQLite file) is rolled back
/// and run again; one that keeps failing fails all of its callers, none half-done.
/// </summary>
public sealed class GroupCommit(IDbContextFactory<BotDbContext> dbFactory) : IAsyncDisposable
{
    private const int MaxPerRound = 256;
    private const int Tries = 4;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _start = new();
    private Task? _loop;

    /// <summary>Runs <paramref name="update"/> in the next round's transaction and returns its rows affected once committed.</summary>
    public async Task<int> RunAsync(Func<BotDbContext, CancellationToken, Task<int>> update, CancellationToken ct)
    {
        var work = new Work(update, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_start) _loop ??= Task.Run(LoopAsync, CancellationToken.None);
        await _queue.Writer.WriteAsync(work, ct);
        return await work.Done.Task.WaitAsync(ct);
    }

    private async Task LoopAsync()
    {
        var round = new List<Work>(MaxPerRound);
        while (await _queue.Reader.WaitToReadAsync())
        {
            round.Clear();
            while (round.Count < MaxPerRound && _queue.Reader.TryRead(out var work)) round.Add(work);
            await CommitAsync(round);
        }
    }

    private async Task CommitAsync(List<Work> round)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var affected = await TryCommitAsync(round);
                for (var i = 0; i < round.Count; i++) round[i].Done.TrySetResult(affected[i]);
                return;
            }
            catch (Exception e) when (attempt < Tries && e is System.Data.Common.DbException or DbUpdateException or InvalidOperationException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), CancellationToken.None);
            }
            catch (Exception e)
            {
                foreach (var work in round) work.Done.TrySetException(e);
                return;
            }
        }
    }

    private async Task<int[]> TryCommitAsync(List<Work> round)
    {
        var affected = new int[round.Count];
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        for (var i = 0; i < round.Count; i++) affected[i] = await round[i].Update(db, CancellationToken.None);
        await transaction.CommitAsync();
        return affected;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
    }

    private sealed record Work(Func<BotDbContext, CancellationToken, Task<int>> Update, TaskCompletionSource<int> Done);
}
