using System.Security.Cryptography;
using System.Xml.Linq;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Web.Privacy;

/// <summary>
/// At start, before anything is encrypted or decrypted: every stored Data Protection key must be readable with the
/// configured key-encryption key (otherwise the app refuses to start rather than make new keys beside unreadable data),
/// and keys an earlier version stored in clear are encrypted in place (they stay usable; a copy of the database no
/// longer holds them in clear).
/// </summary>
public static class KeyRingCheck
{
    private const string DpNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", DpNamespace);
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", DpNamespace);

    public static async Task RunAsync(IServiceProvider services, string contentRoot, ILogger log, CancellationToken ct = default)
    {
        var kek = services.GetRequiredService<KeyEncryptionKey>();
        var settings = services.GetRequiredService<IOptions<DataProtectionSettings>>().Value;
        var store = string.IsNullOrWhiteSpace(settings.KeysFolder)
            ? (IKeyStore)new DatabaseKeys(services.GetRequiredService<IDbContextFactory<BotDbContext>>())
            : new FolderKeys(Path.GetFullPath(settings.KeysFolder, contentRoot));

        IReadOnlyList<(string Name, string Xml)> stored;
        try
        {
            stored = await store.ReadAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OptionsValidationException)
        {
            // The database is not reachable yet (the app starts anyway and reports not ready): Data Protection reads the
            // keys once it is, and a key it cannot decrypt then fails each use with a CryptographicException.
            log.LogWarning("The Data Protection keys could not be checked at start ({Error}); they are checked at the next start", e.GetType().Name);
            return;
        }
        var problems = new List<string>();
        var encrypted = 0;
        foreach (var (name, xml) in stored)
        {
            var key = XElement.Parse(xml);
            var inClear = key.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList();
            foreach (var element in inClear)
            {
                element.ReplaceWith(new XElement(EncryptedSecret,
                    new XAttribute("decryptorType", typeof(KeyEncryptionXmlDecryptor).AssemblyQualifiedName!),
                    KeyEncryption.Encrypt(kek.Key, element)));
            }
            foreach (var secret in key.Descendants(EncryptedSecret))
            {
                var inner = secret.Elements().SingleOrDefault();
                if (inner?.Name != KeyEncryption.ElementName) continue; // protected some other way (a certificate): not ours to check
                try
                {
                    KeyEncryption.Decrypt(kek.Key, inner);
                }
                catch (Exception e) when (e is CryptographicException or FormatException)
                {
                    problems.Add($"{name}: {e.Message}");
                }
            }
            if (inClear.Count > 0)
            {
                await store.ReplaceAsync(name, key.ToString(SaveOptions.DisableFormatting), ct);
                encrypted++;
            }
        }
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(SecurityOptions.Section, typeof(SecurityOptions),
            [
                $"The Data Protection keys stored in {store.Where} cannot be decrypted with the key-encryption key from {kek.Source} (id {kek.Id}): "
                + string.Join("; ", problems.Take(3))
                + ". Set Security:KeyEncryptionKey (or Security:KeyEncryptionKeyFile) to the key they were encrypted with. Without it the stored "
                + "channel addresses, inbox payloads and the pseudonym key cannot be read; the app does not start rather than make new keys beside them.",
            ]);
        }
        if (encrypted > 0)
        {
            log.LogWarning("Encrypted {Count} Data Protection key(s) that were stored in clear in {Where} with the key-encryption key (id {Id}); "
                + "older copies of the database still hold them in clear", encrypted, store.Where, kek.Id);
        }
    }

    private interface IKeyStore
    {
        string Where { get; }

        Task<IReadOnlyList<(string Name, string Xml)>> ReadAsync(CancellationToken ct);

        Task ReplaceAsync(string name, string xml, CancellationToken ct);
    }

    private sealed class DatabaseKeys(IDbContextFactory<BotDbContext> factory) : IKeyStore
    {
        public string Where => "the database";

        public async Task<IReadOnlyList<(string Name, string Xml)>> ReadAsync(CancellationToken ct)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var rows = await db.DataProtectionKeys.AsNoTracking().Where(k => k.Xml != null).Select(k => new { k.Id, k.Xml }).ToListAsync(ct);
            return rows.Select(r => (r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Xml!)).ToList();
        }

        public async Task ReplaceAsync(string name, string xml, CancellationToken ct)
        {
            var id = int.Parse(name, System.Globalization.CultureInfo.InvariantCulture);
            await using var db = await factory.CreateDbContextAsync(ct);
            await db.DataProtectionKeys.Where(k => k.Id == id).ExecuteUpdateAsync(k => k.SetProperty(x => x.Xml, xml), ct);
        }
    }

    private sealed class FolderKeys(string folder) : IKeyStore
    {
        public string Where => folder;

        public Task<IReadOnlyList<(string Name, string Xml)>> ReadAsync(CancellationToken ct)
        {
            DataFiles.EnsurePrivateFolder(folder);
            IReadOnlyList<(string, string)> keys = Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal)
                .Select(f => (f, File.ReadAllText(f))).ToList();
            return Task.FromResult(keys);
        }

        public async Task ReplaceAsync(string name, string xml, CancellationToken ct)
        {
            var temporary = name + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataFiles.PrivateFile;
            await using (var stream = new FileStream(temporary, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(xml.AsMemory(), ct);
            }
            File.Move(temporary, name, overwrite: true);
        }
    }
}
