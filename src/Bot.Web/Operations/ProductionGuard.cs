using Bot.Web.Data;
using Microsoft.Extensions.Options;

namespace Bot.Web.Operations;

/// <summary>
/// In the Production environment (a deployment: <c>dotnet Bot.Web.dll</c>, systemd; <c>dotnet run</c> is Development)
/// the app refuses to start with the defaults meant for a developer's machine: the SQLite file inside the
/// repository, keys kept next to the data they protect (no key-encryption key), plain-HTTP public addresses, short webhook secrets, and
/// placeholders copied from appsettings.example.json.
/// </summary>
/// <summary>What a part of the app (a channel) adds to the deployment checks of <see cref="ProductionGuard"/>.</summary>
public interface IProductionCheck
{
    IEnumerable<string> Problems();
}

public static class ProductionGuard
{
    public static IReadOnlyList<string> Problems(IConfiguration configuration, IServiceProvider services)
    {
        var problems = new List<string>();
        var db = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (db.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Bot")) && !Path.IsPathRooted(db.DataFolder))
        {
            problems.Add("Database:DataFolder must be an absolute folder outside the application (e.g. /var/lib/seg-bot), or use Database:Provider=Postgres.");
        }
        if (string.IsNullOrWhiteSpace(configuration["Security:PseudonymKey"]))
        {
            problems.Add("Security:PseudonymKey must be set (base64 of 32 random bytes, kept in your secret store): a generated key lives only in the database.");
        }
        if (string.IsNullOrWhiteSpace(configuration["Security:KeyEncryptionKey"]) && string.IsNullOrWhiteSpace(configuration["Security:KeyEncryptionKeyFile"]))
        {
            problems.Add("Security:KeyEncryptionKey must be set (base64 of 32 random bytes: openssl rand -base64 32; or Security:KeyEncryptionKeyFile, "
                + "a file holding it): it encrypts the Data Protection keys, which are stored with the data. Keep it in your secret store, "
                + "never with the database or its backups.");
        }
        foreach (var check in services.GetServices<IProductionCheck>()) problems.AddRange(check.Problems());
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null && value.StartsWith('<') && value.EndsWith('>')) problems.Add($"{key} still holds the placeholder from appsettings.example.json.");
        }
        return problems;
    }
}
