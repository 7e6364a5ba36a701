using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Web.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Bot.Tests.Operations;

public sealed class HealthAndCliTests
{
    [Fact]
    public async Task Health_and_readiness_answer_when_all_is_well()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path);
        using var health = await host.Client.GetAsync("/healthz");
        using var ready = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_fails_while_the_database_is_unreachable_but_the_process_is_up()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:MigrateOnStart"] = "false",
            ["ConnectionStrings:Bot"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2",
        });
        using var health = await host.Client.GetAsync("/healthz");
        using var ready = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task The_migrate_verb_creates_the_database_and_exits()
    {
        using var data = new TempFolder();
        var exit = await CommandLine.RunAsync(["migrate"], builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["Database:DataFolder"] = data.Path, ["Content:Root"] = Repo.Root }));
        Assert.Equal(0, exit);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, "bot.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type='table'";
        var tables = (string)(await command.ExecuteScalarAsync())!;
        Assert.Contains("bot_state", tables, StringComparison.Ordinal);
        Assert.Contains("users", tables, StringComparison.Ordinal);
        Assert.Contains("__EFMigrationsHistory", tables, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }
}
