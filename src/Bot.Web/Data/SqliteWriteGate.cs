using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Bot.Web.Operations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using SQLitePCL;

namespace Bot.Web.Data;

/// <summary>
/// SQLite lets one connection write at a time. Left alone, the others wait inside <c>sqlite3_step</c> — SQLite's busy
/// handler sleeps 1, 2, 5 … 100 ms between tries, blocking a thread-pool thread all the while — so under many concurrent
/// turns the threads sleep, the pool starves and every request slows down. This interceptor queues writers in memory
/// instead: a connection takes its database file's gate (an async wait, no thread blocked) when it begins a transaction
/// (Microsoft.Data.Sqlite begins them IMMEDIATE, taking the write lock at once) or before a writing statement outside
/// one, and gives it back when that statement ends outside a transaction, or when its transaction commits or
/// rolls back (SQLite says whether a transaction is open: <c>sqlite3_get_autocommit</c>).
/// Reads never wait for it (WAL lets them run beside the writer). A writer that cannot get the gate within
/// one second goes on without it, to SQLite's own busy handling (as without this gate): that happens when something
/// outside this process's EF Core contexts holds the file's write lock, so the gate's holder is itself waiting in
/// SQLite. One process per SQLite file (see the README), so a gate in the process is the file's gate.
/// </summary>
public sealed class SqliteWriteGate : IDbCommandInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor
{
    public static readonly SqliteWriteGate Instance = new();
    /// <summary>
    /// Longest wait for the gate before writing without it. Kept short: a writer still waiting this long means the
    /// holder is itself stuck in SQLite's busy handling (another process or an outside connection holds the file's
    /// write lock: a backup, an operator's sqlite3 session), and queueing behind it helps nobody. Each such wait is
    /// logged as a warning and counted (metric <c>segbot.sqlite.gate_timeouts</c>).
    /// </summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>One gate per database file: writers to different files (tests, tools) never wait for each other.</summary>
    private sealed class FileGate(string file)
    {
        public readonly string File = file;
        public readonly SemaphoreSlim Lock = new(1, 1);
        public long HeldSince;
        public long TimedOut;
    }

    private readonly ConcurrentDictionary<string, FileGate> _files = new(StringComparer.Ordinal);
    /// <summary>Each connection's file gate (a pooled context keeps its connection, so this is looked up once).</summary>
    private readonly ConditionalWeakTable<DbConnection, FileGate> _gateOf = [];
    /// <summary>Connections holding their file's gate.</summary>
    private readonly ConditionalWeakTable<DbConnection, FileGate> _holds = [];

    /// <summary>Writes to <paramref name="file"/> that went ahead without the gate after <see cref="MaxWait"/>.</summary>
    public long TimedOut(string file) => _files.TryGetValue(Path.GetFullPath(file), out var gate) ? Interlocked.Read(ref gate.TimedOut) : 0;

    public static bool IsWrite(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        return !(text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase));
    }

    private FileGate GateOf(DbConnection connection) => _gateOf.GetValue(connection, c =>
    {
        var file = new SqliteConnectionStringBuilder(c.ConnectionString).DataSource;
        file = string.IsNullOrEmpty(file) || file == ":memory:" ? $":memory:{RuntimeHelpers.GetHashCode(c)}" : Path.GetFullPath(file);
        return _files.GetOrAdd(file, f => new FileGate(f));
    });

    /// <summary>The connection when it must take the gate first (a writing statement, or a transaction) and does not hold it yet.</summary>
    private DbConnection? NeedsGate(DbConnection? connection, string? sql = null) =>
        connection is not null && (sql is null || IsWrite(sql)) && !_holds.TryGetValue(connection, out _) ? connection : null;

    private async ValueTask EnterAsync(DbConnection? connection, DbContext? context, CancellationToken ct)
    {
        if (connection is null) return;
        var gate = GateOf(connection);
        if (await gate.Lock.WaitAsync(MaxWait, ct)) Hold(connection, gate);
        else TimeOut(gate, context);
    }

    private void Enter(DbConnection? connection, DbContext? context)
    {
        if (connection is null) return;
        var gate = GateOf(connection);
        if (gate.Lock.Wait(MaxWait)) Hold(connection, gate);
        else TimeOut(gate, context);
    }

    private void Hold(DbConnection connection, FileGate gate)
    {
        _holds.AddOrUpdate(connection, gate);
        Volatile.Write(ref gate.HeldSince, Stopwatch.GetTimestamp());
    }

    private static void TimeOut(FileGate gate, DbContext? context)
    {
        Interlocked.Increment(ref gate.TimedOut);
        BotMetrics.SqliteGateTimeout();
        var heldFor = Stopwatch.GetElapsedTime(Volatile.Read(ref gate.HeldSince));
        context?.GetService<ILoggerFactory>()?.CreateLogger<SqliteWriteGate>().LogWarning(
            "A write to {File} waited {Wait} ms for the write gate, held for {Held} ms by a writer that SQLite itself keeps waiting " +
            "(another process or connection holds the file's write lock); writing without the gate",
            Path.GetFileName(gate.File), (int)MaxWait.TotalMilliseconds, (int)heldFor.TotalMilliseconds);
    }

    /// <summary>
    /// After a statement: the hold ends unless a transaction is open on the connection (SQLite's own answer, whoever
    /// began it), which keeps the write lock until it ends.
    /// </summary>
    private void AfterStatement(DbCommand command)
    {
        if (command.Connection is SqliteConnection { Handle: { } handle } connection && _holds.TryGetValue(connection, out _)
            && raw.sqlite3_get_autocommit(handle) != 0)
        {
            Exit(connection);
        }
    }

    private void Exit(DbConnection? connection)
    {
        if (connection is not null && _holds.TryGetValue(connection, out var gate) && _holds.Remove(connection)) gate.Lock.Release();
    }

    // Statements.
    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(NeedsGate(command.Connection, command.CommandText), eventData.Context, cancellationToken);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Enter(NeedsGate(command.Connection, command.CommandText), eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(NeedsGate(command.Connection, command.CommandText), eventData.Context, cancellationToken);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Enter(NeedsGate(command.Connection, command.CommandText), eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(NeedsGate(command.Connection, command.CommandText), eventData.Context, cancellationToken);
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Enter(NeedsGate(command.Connection, command.CommandText), eventData.Context);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        AfterStatement(command);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        AfterStatement(command);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        AfterStatement(command);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        AfterStatement(command);
        return result;
    }

    // A reader's statement runs until the reader is closed (INSERT … RETURNING from SaveChanges).
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        AfterStatement(command);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        AfterStatement(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        AfterStatement(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => AfterStatement(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterStatement(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => AfterStatement(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterStatement(command);
        return Task.CompletedTask;
    }

    // Transactions: Microsoft.Data.Sqlite begins them IMMEDIATE (the write lock at once), so the hold starts with them
    // and ends with them.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(NeedsGate(connection), eventData.Context, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(NeedsGate(connection), eventData.Context);
        return result;
    }

    // The hold ends with the transaction (a committed SqliteTransaction has forgotten its connection).
    private static DbConnection? ConnectionOf(DbTransaction transaction, TransactionEventData eventData) =>
        transaction.Connection ?? eventData.Context?.Database.GetDbConnection();

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(transaction, eventData));

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(transaction, eventData));
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(transaction, eventData));

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(transaction, eventData));
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Exit(ConnectionOf(transaction, eventData));

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(transaction, eventData));
        return Task.CompletedTask;
    }

    // A connection closed while holding (a transaction disposed without commit rolls back): give the gate back.
    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Exit(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Exit(connection);
        return ValueTask.FromResult(result);
    }
}
