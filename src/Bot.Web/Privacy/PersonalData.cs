using System.Security.Cryptography;
using System.Text;
using Bot.Web.Configuration;
using Bot.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Web.Privacy;

/// <summary>
/// A part of the app that keeps something by a user's id (a mailbox, messages still to send): it forgets it when the
/// user deletes their data, in <see cref="UserDirectory.DeleteAsync"/>.
/// </summary>
public interface IPersonalDataEraser
{
    Task EraseAsync(BotDbContext db, string userId, CancellationToken ct);
}

/// <summary>
/// Turns a channel address (phone number, chat id, web chat id) into the pseudonymous user id used everywhere
/// else, and keeps the address itself only encrypted. Conversation state, logs and queue items see the id only.
/// </summary>
public sealed class UserDirectory(
    IDbContextFactory<BotDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    IOptions<SecurityOptions> security,
    TimeProvider clock,
    IEnumerable<IPersonalDataEraser> erasers) : IAsyncDisposable
{
    /// <summary>The Data Protection purpose addresses are encrypted under (a bulk import must use the same).</summary>
    public const string AddressPurpose = "Bot.ChannelAddress.v1";

    private const string PseudonymSecretName = "pseudonym-key";
    private readonly IDataProtector _addresses = dataProtection.CreateProtector(AddressPurpose);
    private readonly IDataProtector _secrets = dataProtection.CreateProtector("Bot.AppSecret.v1");
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private readonly GroupCommit _touches = new(dbFactory);
    private byte[]? _key;

    /// <summary>The pseudonymous id of channel + address (lower-case hex, 32 characters).</summary>
    public async Task<string> IdOfAsync(string channel, string address, CancellationToken ct = default)
    {
        var key = await KeyAsync(ct);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(channel + "\n" + address));
        return Convert.ToHexStringLower(mac, 0, 16);
    }

    /// <summary>Records an inbound contact (creating the user on first contact) and returns the user id.</summary>
    public async Task<string> TouchAsync(string channel, string address, CancellationToken ct = default)
    {
        var id = await IdOfAsync(channel, address, ct);
        var now = clock.GetUtcNow();
        // Writing to the bot again means the channel delivers to this user again. (Concurrent turns' touches share one
        // commit.)
        var updated = await _touches.RunAsync((db, c) => db.BotUsers.Where(u => u.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.UnreachableSince, (DateTimeOffset?)null), c), ct);
        if (updated == 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.BotUsers.Add(new BotUser
            {
                Id = id,
                Channel = channel,
                ProtectedAddress = _addresses.Protect(address),
                CreatedAt = now,
                LastSeenAt = now,
            });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another request created the same user at the same moment: that row is as good as ours.
            }
        }
        return id;
    }

    /// <summary>Records that the channel will not deliver to this user (blocked the bot, or gone); cleared by <see cref="MarkReachableAsync"/>.</summary>
    public async Task MarkUnreachableAsync(string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BotUsers.Where(u => u.Id == userId && u.UnreachableSince == null).ExecuteUpdateAsync(u => u.SetProperty(x => x.UnreachableSince, now), ct);
    }

    public async Task MarkReachableAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BotUsers.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.UnreachableSince, (DateTimeOffset?)null), ct);
    }

    /// <summary>Stops (or resumes) every announcement to this user at once, whatever their subscriptions.</summary>
    public async Task SetAnnouncementsStoppedAsync(string userId, bool stopped, CancellationToken ct = default)
    {
        DateTimeOffset? value = stopped ? clock.GetUtcNow() : null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BotUsers.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.AnnouncementsStoppedAt, value), ct);
    }

    /// <summary>The decrypted address of a user, for the channel adapter that must send to it.</summary>
    public async Task<string?> AddressOfAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.BotUsers.AsNoTracking().Where(u => u.Id == userId).Select(u => u.ProtectedAddress).FirstOrDefaultAsync(ct);
        return row is null ? null : _addresses.Unprotect(row);
    }

    /// <summary>Decrypts an address read from a user row (staff views mask it before showing it).</summary>
    public string Unprotect(BotUser user) => _addresses.Unprotect(user.ProtectedAddress);

    /// <summary>What a channel needs to write to a user: the decrypted address and when they last wrote (null: unknown user).</summary>
    public async Task<Contact?> ContactAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.BotUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        return row is null ? null : new Contact(_addresses.Unprotect(row.ProtectedAddress), row.LastSeenAt, row.LastBusinessInitiatedAt,
            row.UnreachableSince, row.AnnouncementsStoppedAt, row.CreatedAt, row.ConsentAt, row.LegalStatus, row.BirthYear);
    }

    /// <summary>How many users the bot wrote to outside their 24-hour window since <paramref name="since"/>.</summary>
    public async Task<int> BusinessInitiatedSinceAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BotUsers.CountAsync(u => u.LastBusinessInitiatedAt > since, ct);
    }

    /// <summary>The oldest business-initiated contact since <paramref name="since"/> (when budget frees up next).</summary>
    public async Task<DateTimeOffset?> OldestBusinessInitiatedSinceAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BotUsers.Where(u => u.LastBusinessInitiatedAt > since).OrderBy(u => u.LastBusinessInitiatedAt)
            .Select(u => u.LastBusinessInitiatedAt).FirstOrDefaultAsync(ct);
    }

    public async Task MarkBusinessInitiatedAsync(string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BotUsers.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.LastBusinessInitiatedAt, now), ct);
    }

    /// <summary>Records that the user gave (or refused, or withdrew) consent to store their preferences, and how.</summary>
    public async Task SetConsentAsync(string userId, bool given, string method, CancellationToken ct = default)
    {
        DateTimeOffset? at = given ? clock.GetUtcNow() : null;
        string? how = given ? method : null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BotUsers.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.ConsentAt, at).SetProperty(x => x.ConsentMethod, how), ct);
        if (!given)
        {
            await SetCentreAsync(userId, null, ct);
            await SetEligibilityAsync(userId, null, null, ct);
        }
    }

    /// <summary>Remembers (with consent) what the eligibility dialog was told: legal status and year of birth.</summary>
    public async Task SetEligibilityAsync(string userId, string? legalStatus, int? birthYear, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BotUsers.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.LegalStatus, legalStatus).SetProperty(x => x.BirthYear, birthYear), ct);
    }

    /// <summary>Remembers the user's centre (chosen with consent), which decides which centre's staff see them.</summary>
    public async Task SetCentreAsync(string userId, string? centreId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BotUsers.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.CentreId, centreId), ct);
    }

    /// <summary>
    /// Forgets a user: the encrypted address and everything on the user row, the received updates kept for
    /// deduplication, and the recipient of sent and queued messages (those not yet sent are skipped). Writing again starts as a new user.
    /// </summary>
    public async Task DeleteAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Inbound.Where(u => u.Sender == userId && u.Status != InboundStatus.Pending && u.Status != InboundStatus.Processing).ExecuteDeleteAsync(ct);
        await db.Outbound.Where(m => m.UserId == userId).ExecuteUpdateAsync(m => m.SetProperty(x => x.UserId, ""), ct);
        foreach (var eraser in erasers) await eraser.EraseAsync(db, userId, ct); // what each part of the app keeps by the id
        await db.BotUsers.Where(u => u.Id == userId).ExecuteDeleteAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _touches.DisposeAsync();
        _keyLock.Dispose();
    }

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is not null) return _key;
        await _keyLock.WaitAsync(ct);
        try
        {
            if (_key is not null) return _key;
            var configured = security.Value.PseudonymKey;
            _key = string.IsNullOrEmpty(configured) ? await StoredKeyAsync(ct) : Convert.FromBase64String(configured);
            return _key;
        }
        finally
        {
            _keyLock.Release();
        }
    }

    private async Task<byte[]> StoredKeyAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Secrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == PseudonymSecretName, ct);
        if (stored is not null) return Convert.FromBase64String(_secrets.Unprotect(stored.ProtectedValue));

        var fresh = RandomNumberGenerator.GetBytes(32);
        db.Secrets.Add(new AppSecret
        {
            Name = PseudonymSecretName,
            ProtectedValue = _secrets.Protect(Convert.ToBase64String(fresh)),
            CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return fresh;
        }
        catch (DbUpdateException)
        {
            // Another instance generated it first: use theirs.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            var theirs = await again.Secrets.AsNoTracking().FirstAsync(s => s.Name == PseudonymSecretName, ct);
            return Convert.FromBase64String(_secrets.Unprotect(theirs.ProtectedValue));
        }
    }
}

public static class PrivacySetup
{
    public static IServiceCollection AddBotPrivacy(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddValidatedOptions<SecurityOptions>(SecurityOptions.Section);
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddValidatedOptions<DataProtectionSettings>(DataProtectionSettings.Section);
        services.AddSingleton<IValidateOptions<DataProtectionSettings>, DataProtectionSettingsValidator>();

        var settings = configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>() ?? new();
        var dp = services.AddDataProtection().SetApplicationName(settings.ApplicationName);
        if (string.IsNullOrWhiteSpace(settings.KeysFolder)) dp.PersistKeysToDbContext<BotDbContext>();
        else dp.PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(settings.KeysFolder, contentRoot)));

        // The keys are stored encrypted with a key-encryption key that is not stored with them (see KeyEncryptionKey).
        services.AddSingleton(sp =>
        {
            var security = sp.GetRequiredService<IOptions<SecurityOptions>>().Value;
            var dataFolder = Path.GetFullPath(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.DataFolder, contentRoot);
            var resolved = new SecurityOptions
            {
                KeyEncryptionKey = security.KeyEncryptionKey,
                KeyEncryptionKeyFile = string.IsNullOrWhiteSpace(security.KeyEncryptionKeyFile) ? "" : Path.GetFullPath(security.KeyEncryptionKeyFile, contentRoot),
            };
            return KeyEncryptionKey.Resolve(resolved, KeyEncryptionKey.DefaultFile(dataFolder), sp.GetRequiredService<IHostEnvironment>().IsProduction());
        });
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(sp =>
            new ConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o =>
                o.XmlEncryptor = new KeyEncryptionXmlEncryptor(sp.GetRequiredService<KeyEncryptionKey>())));

        services.AddSingleton<UserDirectory>();
        return services;
    }

    /// <summary>
    /// Masks a channel address for display: <c>+90 5** *** ** 34</c>, <c>whatsapp:+90…</c> likewise; chat ids and web chat
    /// ids (a browser's secret) keep only their last two letters or digits.
    /// </summary>
    public static string Mask(string address)
    {
        var prefixEnd = address.IndexOf(':', StringComparison.Ordinal);
        var prefix = prefixEnd >= 0 ? address[..(prefixEnd + 1)] : "";
        var value = address[(prefixEnd + 1)..];
        var chars = value.ToCharArray();
        var digitsSeen = 0;
        var totalDigits = chars.Count(char.IsAsciiLetterOrDigit);
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i])) continue;
            digitsSeen++;
            var keepHead = value.StartsWith('+') ? 3 : 0; // country code and first digit of a phone number
            if (digitsSeen > keepHead && digitsSeen <= totalDigits - 2) chars[i] = '*';
        }
        return prefix + new string(chars);
    }
}

/// <summary>A user's channel address (decrypted, for sending only) and contact times.</summary>
public sealed record Contact(
    string Address,
    DateTimeOffset LastInboundAt,
    DateTimeOffset? LastBusinessInitiatedAt,
    DateTimeOffset? UnreachableSince,
    DateTimeOffset? AnnouncementsStoppedAt,
    DateTimeOffset FirstContactAt = default,
    DateTimeOffset? ConsentAt = null,
    string? LegalStatus = null,
    int? BirthYear = null);
