using System.Security.Cryptography;
using System.Xml.Linq;
using Bot.Tests.Infrastructure;
using Bot.Web;
using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Bot.Tests.Privacy;

/// <summary>
/// The Data Protection keys that encrypt addresses live in the database, so they are themselves encrypted with a
/// key-encryption key that does not: a copy of bot.db alone decrypts nothing.
/// </summary>
public sealed class KeyProtectionTests
{
    private const string Phone = "whatsapp:+905321234534";
    private const string ChatId = "987654321";
    private const string DpNamespace = "http://schemas.asp.net/2015/03/dataProtection";

    [Fact]
    public async Task A_copy_of_the_database_without_the_key_encryption_key_decrypts_no_address()
    {
        using var original = new TempFolder();
        using var copy = new TempFolder();
        using var other = new TempFolder();
        string phoneId, chatId;
        await using (var host = await BotHost.StartSqliteAsync(original.Path))
        {
            var users = host.Services.GetRequiredService<UserDirectory>();
            phoneId = await users.TouchAsync("whatsapp", Phone);
            chatId = await users.TouchAsync("telegram", ChatId);
            Assert.Equal(Phone, await users.AddressOfAsync(phoneId));

            // An online copy while the app runs, as the README's backup does.
            await using var source = new SqliteConnection($"Data Source={Path.Combine(original.Path, "bot.db")}");
            await using var target = new SqliteConnection($"Data Source={Path.Combine(copy.Path, "bot.db")};Pooling=False");
            await source.OpenAsync();
            await target.OpenAsync();
            source.BackupDatabase(target);
        }
        File.Copy(Path.Combine(copy.Path, "bot.db"), Path.Combine(other.Path, "bot.db"));

        // The key ring in the copy holds no key in clear: every master key is encrypted.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(copy.Path, "bot.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT Xml FROM data_protection_keys";
            var keys = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
            }
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            });
        }

        // A new instance on the copy, with no key-encryption key configured (it makes its own) or with another one:
        // it refuses to start, saying why, and even the services alone (not started) decrypt nothing.
        foreach (var (folder, settings) in new[]
        {
            (copy.Path, new Dictionary<string, string?>()),
            (other.Path, new Dictionary<string, string?> { ["Security:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }),
        })
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var thief = await BotHost.StartSqliteAsync(folder, extra: settings);
                // (Reached only if it started: it must not be able to read anything then.)
                await thief.Services.GetRequiredService<UserDirectory>().AddressOfAsync(phoneId);
            });
            Assert.Contains("cannot be decrypted", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Security:KeyEncryptionKey", refused.Message, StringComparison.Ordinal);

            await using var app = BotApplication.Build(["--environment=Testing"], builder => builder.Configuration.AddInMemoryCollection(
                new Dictionary<string, string?>(settings) { ["Content:Root"] = Repo.Root, ["Database:DataFolder"] = folder }));
            var users = app.Services.GetRequiredService<UserDirectory>();
            await Assert.ThrowsAnyAsync<CryptographicException>(() => users.AddressOfAsync(phoneId));
            await Assert.ThrowsAnyAsync<CryptographicException>(() => users.AddressOfAsync(chatId));
            SqliteConnection.ClearAllPools();
        }

        // The original configuration (its data folder and the key file made beside it) still reads them.
        await using (var host = await BotHost.StartSqliteAsync(original.Path))
        {
            var users = host.Services.GetRequiredService<UserDirectory>();
            Assert.Equal(Phone, await users.AddressOfAsync(phoneId));
            Assert.Equal(ChatId, await users.AddressOfAsync(chatId));
        }
    }

    [Fact]
    public async Task A_configured_key_encryption_key_works_without_any_key_file()
    {
        using var data = new TempFolder();
        var settings = new Dictionary<string, string?> { ["Security:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        string id;
        var logs = new LogSink();
        await using (var host = await BotHost.StartSqliteAsync(data.Path, logs, settings))
        {
            id = await host.Services.GetRequiredService<UserDirectory>().TouchAsync("telegram", ChatId);
        }
        Assert.False(Directory.Exists(data.Path + "-keys"));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("No XML encryptor configured", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(settings["Security:KeyEncryptionKey"]!, StringComparison.Ordinal));
        await using (var host = await BotHost.StartSqliteAsync(data.Path, extra: settings))
        {
            Assert.Equal(ChatId, await host.Services.GetRequiredService<UserDirectory>().AddressOfAsync(id));
        }
    }

    [Fact]
    public async Task Without_configuration_a_key_file_is_made_beside_the_data_folder_and_its_place_logged()
    {
        using var data = new TempFolder();
        var logs = new LogSink();
        await using (var host = await BotHost.StartSqliteAsync(data.Path, logs))
        {
            await host.SayAsync("files-user", "merhaba");
        }
        var keyFile = Path.Combine(data.Path + "-keys", "key-encryption-key");
        Assert.True(File.Exists(keyFile));
        var key = (await File.ReadAllTextAsync(keyFile)).Trim();
        Assert.Equal(32, Convert.FromBase64String(key).Length);
        var generated = Assert.Single(logs.Entries, e => e.Message.Contains("key-encryption key", StringComparison.OrdinalIgnoreCase)
            && e.Message.Contains(keyFile, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, generated.Level);
        Assert.All(logs.Entries, e => Assert.DoesNotContain(key, e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("No XML encryptor configured", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Data_and_key_files_are_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using var parent = new TempFolder();
        var data = Path.Combine(parent.Path, "data"); // created by the app
        await using (var host = await BotHost.StartSqliteAsync(data))
        {
            await host.SayAsync("modes-user", "merhaba");
            const UnixFileMode folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(folder, File.GetUnixFileMode(data));
            Assert.Equal(folder, File.GetUnixFileMode(data + "-keys"));
            Assert.Equal(file, File.GetUnixFileMode(Path.Combine(data + "-keys", "key-encryption-key")));
            var files = Directory.GetFiles(data, "bot.db*");
            Assert.Contains(Path.Combine(data, "bot.db-wal"), files);
            Assert.Contains(Path.Combine(data, "bot.db-shm"), files);
            Assert.All(files, f => Assert.Equal(file, File.GetUnixFileMode(f)));
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Files_left_readable_by_others_before_are_tightened_at_start()
    {
        if (OperatingSystem.IsWindows()) return;
        using var data = new TempFolder();
        await using (await BotHost.StartSqliteAsync(data.Path))
        {
        }
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(Path.Combine(data.Path, "bot.db"), open);
        File.SetUnixFileMode(data.Path, open | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        await using (await BotHost.StartSqliteAsync(data.Path))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data.Path, "bot.db")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data.Path));
        }
    }

    [Fact]
    public async Task A_key_ring_stored_in_clear_before_is_still_read_and_is_encrypted_at_the_next_start()
    {
        using var data = new TempFolder();
        string id;
        await using (var host = await BotHost.StartSqliteAsync(data.Path))
        {
            id = await host.Services.GetRequiredService<UserDirectory>().TouchAsync("telegram", ChatId);
        }

        // Turn the stored keys back into what the app used to write: the master key in clear.
        var kek = Convert.FromBase64String((await File.ReadAllTextAsync(Path.Combine(data.Path + "-keys", "key-encryption-key"))).Trim());
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(data.Path, "bot.db")};Pooling=False"))
        {
            await db.OpenAsync();
            var rows = new List<(long Id, string Xml)>();
            await using (var read = db.CreateCommand())
            {
                read.CommandText = "SELECT Id, Xml FROM data_protection_keys";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetString(1)));
            }
            foreach (var (rowId, xml) in rows)
            {
                var key = XElement.Parse(xml);
                foreach (var secret in key.Descendants(XName.Get("encryptedSecret", DpNamespace)).ToList())
                {
                    secret.ReplaceWith(KeyEncryption.Decrypt(kek, secret.Elements().Single()));
                }
                Assert.Contains("<value>", key.ToString(), StringComparison.Ordinal);
                await using var write = db.CreateCommand();
                write.CommandText = "UPDATE data_protection_keys SET Xml = $xml WHERE Id = $id";
                write.Parameters.AddWithValue("$xml", key.ToString(SaveOptions.DisableFormatting));
                write.Parameters.AddWithValue("$id", rowId);
                await write.ExecuteNonQueryAsync();
            }
        }

        var logs = new LogSink();
        await using (var host = await BotHost.StartSqliteAsync(data.Path, logs))
        {
            Assert.Equal(ChatId, await host.Services.GetRequiredService<UserDirectory>().AddressOfAsync(id));
            var factory = host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
            await using var db = await factory.CreateDbContextAsync();
            Assert.All(await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync(), xml =>
            {
                Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            });
        }
        Assert.Contains(logs.Entries, e => e.Message.Contains("encrypted 1 Data Protection key", StringComparison.OrdinalIgnoreCase));
    }
}
