using Xunit;

namespace Bot.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL cluster shared by the tests of one run (each test creates its own database), stopped at the end.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly PostgresCluster _cluster = new();

    public static bool Available => PostgresCluster.Available;

    public Task InitializeAsync() => Available ? _cluster.StartAsync() : Task.CompletedTask;

    /// <summary>A new, empty database on the server: its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => _cluster.CreateDatabaseAsync();

    public string ConnectionString(string database) => _cluster.ConnectionString(database);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>A test that needs PostgreSQL: skipped, with a message saying so, where the server binaries are absent.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.Available) Skip = "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: PostgreSQL tests skipped.";
    }
}
