using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Privacy;

public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Base64 key (at least 32 bytes) for the keyed hash that turns channel + address into a user id.
    /// Empty: a random key is generated on first start and kept in the database, protected by Data Protection.
    /// </summary>
    public string PseudonymKey { get; set; } = "";

    /// <summary>
    /// Base64 of 32 random bytes that encrypts the Data Protection keys (AES-256-GCM) wherever they are stored. It must
    /// never be kept with the database or its backups. Empty: read from <see cref="KeyEncryptionKeyFile"/>.
    /// </summary>
    public string KeyEncryptionKey { get; set; } = "";

    /// <summary>
    /// A file holding that key (base64), e.g. a systemd credential. Empty: <c>&lt;data folder&gt;-keys/key-encryption-key</c>.
    /// Outside Production a missing file is created (0600, folder 0700); in Production the key must exist.
    /// </summary>
    public string KeyEncryptionKeyFile { get; set; } = "";
}

public sealed class DataProtectionSettings
{
    public const string Section = "DataProtection";

    /// <summary>Folder for the Data Protection key ring. Empty: keys are kept in the database (shared by all instances).</summary>
    public string KeysFolder { get; set; } = "";

    /// <summary>Application name isolating this app's keys; all instances of one deployment must use the same.</summary>
    public string ApplicationName { get; set; } = "seg-bot";
}

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new OptionErrors(SecurityOptions.Section);
        if (!string.IsNullOrEmpty(options.PseudonymKey))
        {
            var bytes = new byte[options.PseudonymKey.Length];
            var ok = Convert.TryFromBase64String(options.PseudonymKey, bytes, out var length);
            errors.Require(ok && length >= 32, "PseudonymKey", "must be base64 of at least 32 random bytes (or empty to generate one).");
        }
        if (!string.IsNullOrWhiteSpace(options.KeyEncryptionKey))
        {
            var bytes = new byte[options.KeyEncryptionKey.Length];
            var ok = Convert.TryFromBase64String(options.KeyEncryptionKey.Trim(), bytes, out var length);
            errors.Require(ok && length == Privacy.KeyEncryptionKey.Length, "KeyEncryptionKey", "must be base64 of exactly 32 random bytes (openssl rand -base64 32).");
        }
        return errors.Result();
    }
}

internal sealed class DataProtectionSettingsValidator : IValidateOptions<DataProtectionSettings>
{
    public ValidateOptionsResult Validate(string? name, DataProtectionSettings options)
    {
        var errors = new OptionErrors(DataProtectionSettings.Section);
        errors.Require(!string.IsNullOrWhiteSpace(options.ApplicationName), "ApplicationName", "must not be empty.");
        return errors.Result();
    }
}
