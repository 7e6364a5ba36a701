using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Bot.Web.Privacy;

/// <summary>
/// The key-encryption key: 32 random bytes that never live in the database. Data Protection's keys (which encrypt
/// channel addresses, inbox payloads, conversation texts, the pseudonym key and staff cookies) are stored in the
/// database or <c>DataProtection:KeysFolder</c> encrypted with it (AES-256-GCM), so a copy of the database, or of
/// its backups, decrypts nothing without it.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int Length = 32;

    internal KeyEncryptionKey(byte[] key, string source, bool generated)
    {
        if (key.Length != Length) throw new ArgumentException($"A key-encryption key has {Length} bytes.", nameof(key));
        Key = key;
        Source = source;
        Generated = generated;
        Id = KeyEncryption.IdOf(key);
    }

    internal byte[] Key { get; }

    /// <summary>Where the key came from: the configuration key's name or the file's path (never the key).</summary>
    public string Source { get; }

    /// <summary>True when this start generated it (no key was configured and the file did not exist yet).</summary>
    public bool Generated { get; }

    /// <summary>A short public name of the key (a hash prefix), written beside what it encrypts so a wrong key is named as such.</summary>
    public string Id { get; }

    /// <summary>The default file of a developer's machine: <c>&lt;data folder&gt;-keys/key-encryption-key</c>, outside the data folder.</summary>
    public static string DefaultFile(string dataFolder) =>
        Path.Combine(Path.TrimEndingDirectorySeparator(dataFolder) + "-keys", "key-encryption-key");

    /// <summary>
    /// The configured key (<c>Security:KeyEncryptionKey</c>), else the one in <c>Security:KeyEncryptionKeyFile</c> (or the
    /// default file beside the data folder). Outside Production a missing file is created (folder 0700, file 0600); in
    /// Production nothing is generated: the key must be given.
    /// </summary>
    public static KeyEncryptionKey Resolve(SecurityOptions security, string defaultFile, bool production)
    {
        if (!string.IsNullOrWhiteSpace(security.KeyEncryptionKey))
        {
            return new KeyEncryptionKey(Parse(security.KeyEncryptionKey, "Security:KeyEncryptionKey"), "Security:KeyEncryptionKey", generated: false);
        }
        var file = string.IsNullOrWhiteSpace(security.KeyEncryptionKeyFile) ? defaultFile : security.KeyEncryptionKeyFile;
        if (File.Exists(file)) return new KeyEncryptionKey(Parse(File.ReadAllText(file), $"the file {file}"), file, generated: false);
        if (production)
        {
            throw Invalid("Security:KeyEncryptionKey (base64 of 32 random bytes) or Security:KeyEncryptionKeyFile (a file holding it) must be set "
                + $"in Production ({file} does not exist): it encrypts the Data Protection keys kept with the data.");
        }
        return new KeyEncryptionKey(CreateFile(file), file, generated: true);
    }

    private static byte[] Parse(string base64, string where)
    {
        var text = base64.Trim();
        var bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out var length) || length != Length)
        {
            throw Invalid($"{where} must hold base64 of {Length} random bytes (e.g. from `openssl rand -base64 32`).");
        }
        return bytes[..length];
    }

    private static Microsoft.Extensions.Options.OptionsValidationException Invalid(string message) =>
        new(SecurityOptions.Section, typeof(SecurityOptions), [message]);

    /// <summary>Writes a new key into <paramref name="file"/> (0600, folder 0700); if another process just did, uses theirs.</summary>
    private static byte[] CreateFile(string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        DataFiles.EnsurePrivateFolder(folder);
        var key = RandomNumberGenerator.GetBytes(Length);
        var temporary = file + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataFiles.PrivateFile;
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.WriteLine(Convert.ToBase64String(key));
        }
        try
        {
            File.Move(temporary, file, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temporary);
            return Parse(File.ReadAllText(file), $"the file {file}");
        }
    }
}

/// <summary>AES-256-GCM under the key-encryption key, for Data Protection's key XML (see <see cref="KeyEncryptionKey"/>).</summary>
public static class KeyEncryption
{
    /// <summary>The element stored in place of a master key: <c>&lt;kekEncrypted kek="id"&gt;base64(nonce | tag | ciphertext)&lt;/kekEncrypted&gt;</c>.</summary>
    public static readonly XName ElementName = XName.Get("kekEncrypted", "urn:seg-bot:key-encryption:v1");

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("seg-bot data protection key v1");

    internal static string IdOf(byte[] key) =>
        Convert.ToHexStringLower(SHA256.HashData([.. Encoding.ASCII.GetBytes("seg-bot kek id\n"), .. key]), 0, 4);

    public static XElement Encrypt(byte[] key, XElement plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var output = new byte[NonceSize + TagSize + data.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, data, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Context);
        }
        CryptographicOperations.ZeroMemory(data);
        return new XElement(ElementName, new XAttribute("kek", IdOf(key)), new XAttribute("algorithm", "AES-256-GCM"), Convert.ToBase64String(output));
    }

    public static XElement Decrypt(byte[] key, XElement encrypted)
    {
        if (encrypted.Name != ElementName) throw new CryptographicException($"Not a key encrypted by this app ({encrypted.Name}).");
        var expected = (string?)encrypted.Attribute("kek");
        var mine = IdOf(key);
        if (expected != mine)
        {
            throw new CryptographicException($"This Data Protection key was encrypted with key-encryption key {expected}, "
                + $"not with the one configured ({mine}): Security:KeyEncryptionKey is not the one the keys were made with.");
        }
        var input = Convert.FromBase64String(encrypted.Value);
        if (input.Length < NonceSize + TagSize) throw new CryptographicException("The encrypted Data Protection key is truncated.");
        var data = new byte[input.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), data, Context);
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(data));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }
}

/// <summary>Data Protection's hook for encrypting a new key's secret part before it is stored.</summary>
public sealed class KeyEncryptionXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(KeyEncryption.Encrypt(key.Key, plaintextElement), typeof(KeyEncryptionXmlDecryptor));
}

/// <summary>Named in each stored key (by type name); Data Protection creates it with the app's services to read the key.</summary>
public sealed class KeyEncryptionXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        KeyEncryption.Decrypt(services.GetRequiredService<KeyEncryptionKey>().Key, encryptedElement);
}
