using Bot.Web.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Web.Data;

public static class DatabaseSetup
{
    public static IServiceCollection AddBotDatabase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        // The provider is chosen at run time; binding errors surface at start-up through the validator above.
        var db = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        // (A value that does not convert, e.g. Database:Provider=Oracle, throws here naming the key.)
        if (db.Provider == DatabaseProvider.Postgres)
        {
            var cs = configuration.GetConnectionString("Bot") ?? "";
            services.AddPooledDbContextFactory<PostgresBotDbContext>(o => o.UseNpgsql(cs));
            services.AddSingleton<IDbContextFactory<BotDbContext>, ContextFactory<PostgresBotDbContext>>();
        }
        else
        {
            var cs = SqliteConnectionString(configuration, db, contentRoot);
            services.AddPooledDbContextFactory<SqliteBotDbContext>(o => o.UseSqlite(cs).AddInterceptors(SqlitePragmas.For(db.SqliteSynchronous), SqliteWriteGate.Instance));
            services.AddSingleton<IDbContextFactory<BotDbContext>, ContextFactory<SqliteBotDbContext>>();
        }
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContext());
        return services;
    }

    public static string SqliteConnectionString(IConfiguration configuration, DatabaseOptions db, string contentRoot)
    {
        var configured = configuration.GetConnectionString("Bot");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var folder = Path.GetFullPath(db.DataFolder, contentRoot);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, "bot.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Creates the data folder, applies migrations and (SQLite) switches the file to WAL mode.</summary>
    public static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        PrepareSqliteFiles(db);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers work while one writer commits; the mode is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        return pending;
    }

    /// <summary>
    /// SQLite: creates the data folder (0700) and the database file (0600; its -wal, -shm and -journal files take that mode)
    /// before SQLite does, and takes group and other access away from ones made earlier. Returns what it tightened.
    /// </summary>
    public static IReadOnlyList<string> PrepareSqliteFiles(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContext();
        return PrepareSqliteFiles(db);
    }

    private static IReadOnlyList<string> PrepareSqliteFiles(BotDbContext db)
    {
        if (!db.Database.IsSqlite()) return [];
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return [];
        return Privacy.DataFiles.EnsurePrivateDatabase(Path.GetFullPath(source));
    }

    private sealed class ContextFactory<TImpl>(IDbContextFactory<TImpl> inner) : IDbContextFactory<BotDbContext>
        where TImpl : BotDbContext
    {
        public BotDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>
/// Per-connection settings. <c>busy_timeout</c> lets SQLite itself wait for the write lock (it retries within a
/// millisecond or two) instead of Microsoft.Data.Sqlite's own retry, which sleeps 150 ms each time; writers inside this
/// process queue in <see cref="SqliteWriteGate"/> first, so this covers only writers outside it. <c>synchronous</c>
/// per <see cref="DatabaseOptions.SqliteSynchronous"/>.
/// </summary>
public sealed class SqlitePragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    private static readonly SqlitePragmas Normal = new("PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;");
    private static readonly SqlitePragmas Full = new("PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL;");
    private readonly string _sql;

    private SqlitePragmas(string sql) => _sql = sql;

    public static SqlitePragmas For(SqliteSynchronous synchronous) => synchronous == SqliteSynchronous.Full ? Full : Normal;

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) =>
        Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>The pooled native connections already set up (the settings stay with them; EF opens one per context use).</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _applied = [];

    private void Apply(System.Data.Common.DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            if (_applied.TryGetValue(handle, out _)) return;
            _applied.AddOrUpdate(handle, handle);
        }
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }
}
