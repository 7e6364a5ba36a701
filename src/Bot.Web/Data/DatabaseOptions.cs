using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (default, one instance) or Postgres (several instances; needs ConnectionStrings:Bot).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Folder for the SQLite file (bot.db), relative to the content root (the repository root) unless absolute.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>Apply pending migrations when the app starts (turn off when deployments run the `migrate` verb).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. <c>Normal</c> (default, with WAL): a commit does not wait for the disk; every
    /// committed write survives the app crashing or being killed, and the file stays consistent after a power cut, which
    /// may undo the last moments' commits. <c>Full</c>: each commit waits for the disk too (safe against power cuts,
    /// about a third fewer messages per second here).
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Normal;
}

public enum SqliteSynchronous
{
    Normal,
    Full,
}

internal sealed class DatabaseOptionsValidator(IConfiguration configuration) : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = new OptionErrors(DatabaseOptions.Section);
        errors.Require(Enum.IsDefined(options.Provider), "Provider", "must be Sqlite or Postgres.");
        errors.Require(!string.IsNullOrWhiteSpace(options.DataFolder), "DataFolder", "must name a folder.");
        errors.Require(Enum.IsDefined(options.SqliteSynchronous), "SqliteSynchronous", "must be Normal or Full.");
        if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Bot")))
        {
            errors.Add("Provider", "is Postgres, so ConnectionStrings:Bot must be set (e.g. Host=...;Database=...;Username=...;Password=...).");
        }
        return errors.Result();
    }
}
