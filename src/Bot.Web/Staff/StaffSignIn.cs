using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Bot.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Bot.Web.Access;

namespace Bot.Web.Staff;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

/// <summary>
/// Dashboard sign-in that tells nothing about which emails have accounts: an unknown email gets the same answers in the
/// same order (wrong password, then locked after <see cref="StaffOptions.MaxFailedSignIns"/> tries, for
/// <see cref="StaffOptions.LockoutMinutes"/>) and costs the same password-hash work (one verification against a dummy
/// hash) as a real account, locked or not. A successful sign-in starts a server-side session (<see cref="StaffSessions"/>).
/// </summary>
public sealed class StaffSignIn(
    UserManager<StaffUser> users,
    SignInManager<StaffUser> signIn,
    IPasswordHasher<StaffUser> hasher,
    DummyPasswordHash dummy,
    UnknownAccountLockouts unknown,
    StaffSessions sessions)
{
    public async Task<SignInOutcome> PasswordSignInAsync(string email, string password, CancellationToken ct = default)
    {
        var user = await users.FindByNameAsync(email);
        if (user is null)
        {
            dummy.Verify(hasher, password);
            return unknown.Fail(users.NormalizeName(email)) ? SignInOutcome.LockedOut : SignInOutcome.Failed;
        }
        if (await users.IsLockedOutAsync(user))
        {
            dummy.Verify(hasher, password); // Identity answers a locked account without hashing: the same work as the others
            return SignInOutcome.LockedOut;
        }
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            var session = await sessions.StartAsync(user.Id, ct);
            await signIn.SignInWithClaimsAsync(user, isPersistent: false, [session]);
            return SignInOutcome.Succeeded;
        }
        return result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.Failed;
    }

    /// <summary>Signs <paramref name="user"/> in anew (after a password change): every other session ends.</summary>
    public async Task RestartSessionAsync(StaffUser user, CancellationToken ct = default)
    {
        await sessions.EndAllAsync(user.Id, ct);
        var session = await sessions.StartAsync(user.Id, ct);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [session]);
    }
}

/// <summary>A password hash of nothing anyone knows, made once with the app's hasher, to verify against for unknown emails.</summary>
public sealed class DummyPasswordHash
{
    private static readonly StaffUser Nobody = new() { Id = "nobody", UserName = "nobody" };
    private string? _hash;

    public void Verify(IPasswordHasher<StaffUser> hasher, string password)
    {
        _hash ??= hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        _ = hasher.VerifyHashedPassword(Nobody, _hash, password);
    }
}

/// <summary>Identity's PBKDF2 hasher, counting verifications (every sign-in attempt costs exactly one).</summary>
public sealed class StaffPasswordHasher(IOptions<PasswordHasherOptions>? options = null) : PasswordHasher<StaffUser>(options)
{
    private long _verifications;

    public long Verifications => Interlocked.Read(ref _verifications);

    public override PasswordVerificationResult VerifyHashedPassword(StaffUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

/// <summary>
/// Failed sign-ins of emails that have no account, counted like Identity counts a real account's (in memory, per
/// instance; at most 10,000 emails, the least recently tried forgotten first), so that an unknown email is locked out
/// exactly when a real one would be.
/// </summary>
public sealed class UnknownAccountLockouts(TimeProvider clock, IOptions<StaffOptions> options)
{
    private const int MaxEmails = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Records a failure; true when the email is (now) locked out.</summary>
    public bool Fail(string normalizedEmail)
    {
        var now = clock.GetUtcNow();
        var entry = _entries.GetOrAdd(normalizedEmail, _ => new Entry());
        bool locked;
        lock (entry)
        {
            entry.LastTry = now;
            if (entry.LockedUntil > now) return true;
            entry.Failures++;
            locked = entry.Failures >= options.Value.MaxFailedSignIns;
            if (locked)
            {
                entry.LockedUntil = now.AddMinutes(options.Value.LockoutMinutes);
                entry.Failures = 0;
            }
        }
        if (_entries.Count > MaxEmails)
        {
            foreach (var old in _entries.OrderBy(e => e.Value.LastTry).Take(_entries.Count - MaxEmails).ToList()) _entries.TryRemove(old.Key, out _);
        }
        return locked;
    }

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset LockedUntil;
        public DateTimeOffset LastTry;
    }
}

/// <summary>
/// Server-side dashboard sessions: each sign-in gets a random session id, kept in <c>staff_user_tokens</c> and carried
/// in the cookie, and checked on every request. Signing out deletes it, so the cookie stops working at once even if
/// someone kept a copy; a password change or reset, a change of role or centres, or deleting the account ends all of
/// the account's sessions.
/// </summary>
public sealed class StaffSessions(IDbContextFactory<BotDbContext> dbFactory, TimeProvider clock, IOptions<StaffOptions> options)
{
    public const string ClaimType = "seg:session";
    private const string Provider = "seg-session";
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    public async Task<Claim> StartAsync(string userId, CancellationToken ct = default)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Sessions closed without signing out (the cookie expired) are forgotten when the account signs in again.
        var forgotten = now - TimeSpan.FromMinutes(options.Value.IdleTimeoutMinutes) - TimeSpan.FromMinutes(10);
        foreach (var old in await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == Provider).ToListAsync(ct))
        {
            if (!DateTimeOffset.TryParse(old.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var seen) || seen < forgotten) db.UserTokens.Remove(old);
        }
        db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = Provider, Name = id, Value = now.ToString("o", CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(ct);
        return new Claim(ClaimType, id);
    }

    /// <summary>True while the session in <paramref name="principal"/>'s cookie exists (noting that it was used, at most once a minute).</summary>
    public async Task<bool> IsActiveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var id = principal.FindFirstValue(ClaimType);
        if (userId is null || id is null) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.UserTokens.FirstOrDefaultAsync(t => t.UserId == userId && t.LoginProvider == Provider && t.Name == id, ct);
        if (row is null) return false;
        var now = clock.GetUtcNow();
        if (!DateTimeOffset.TryParse(row.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var seen) || now - seen > TouchEvery)
        {
            row.Value = now.ToString("o", CultureInfo.InvariantCulture);
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    public async Task EndAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var id = principal.FindFirstValue(ClaimType);
        if (userId is null || id is null) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == Provider && t.Name == id).ExecuteDeleteAsync(ct);
    }

    public async Task EndAllAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == Provider).ExecuteDeleteAsync(ct);
    }
}
