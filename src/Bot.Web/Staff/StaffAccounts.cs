using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Bot.Web.Data;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>Staff accounts and API keys: creation with a one-time password or key shown once, centre scopes, checks.</summary>
public sealed class StaffAccounts(
    UserManager<StaffUser> users,
    RoleManager<IdentityRole> roles,
    IDbContextFactory<BotDbContext> dbFactory,
    CentreDirectory centres,
    StaffAudit audit,
    StaffSessions sessions,
    TimeProvider clock)
{
    /// <summary>Creates an account. Returns the errors (field → message) or the one-time password.</summary>
    public async Task<AccountResult> CreateAsync(string actor, string email, string displayName, string role, IReadOnlyCollection<string> centreIds,
        string? password = null, CancellationToken ct = default)
    {
        email = email.Trim();
        var errors = CheckScope(role, centreIds);
        if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || email.Length > 256)
        {
            errors["Email"] = "email.invalid";
        }
        else if (await users.FindByEmailAsync(email) is not null)
        {
            errors["Email"] = "email.taken";
        }
        if (errors.Count > 0) return AccountResult.Failed(errors);

        await EnsureRolesAsync();
        var oneTime = password is null;
        password ??= NewPassword();
        var user = new StaffUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName.Trim(), LockoutEnabled = true,
            MustChangePassword = oneTime, CreatedAt = clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return AccountResult.Failed(new() { ["Password"] = string.Join(" ", created.Errors.Select(e => e.Description)) });
        await users.AddToRoleAsync(user, role);
        await users.AddClaimsAsync(user, centreIds.Distinct().Select(c => new Claim(StaffClaims.Centre, c)));
        await audit.WriteAsync(actor, AuditActions.UserCreated, email, $"role={role}; centres={string.Join(',', centreIds)}", ct);
        return AccountResult.Ok(oneTime ? password : null, user.Id);
    }

    /// <summary>Changes role and centres of an account.</summary>
    public async Task<AccountResult> UpdateAsync(string actor, string userId, string role, IReadOnlyCollection<string> centreIds, CancellationToken ct = default)
    {
        var errors = CheckScope(role, centreIds);
        if (errors.Count > 0) return AccountResult.Failed(errors);
        var user = await users.FindByIdAsync(userId);
        if (user is null) return AccountResult.Failed(new() { [""] = "user.missing" });
        await EnsureRolesAsync();
        await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
        await users.AddToRoleAsync(user, role);
        await users.RemoveClaimsAsync(user, (await users.GetClaimsAsync(user)).Where(c => c.Type == StaffClaims.Centre));
        await users.AddClaimsAsync(user, centreIds.Distinct().Select(c => new Claim(StaffClaims.Centre, c)));
        await users.UpdateSecurityStampAsync(user);
        await sessions.EndAllAsync(user.Id, ct); // open sessions end: the next sign-in has the new scope
        await audit.WriteAsync(actor, AuditActions.UserUpdated, user.Email ?? userId, $"role={role}; centres={string.Join(',', centreIds)}", ct);
        return AccountResult.Ok(null, user.Id);
    }

    /// <summary>Sets a new one-time password (the account must choose its own at the next sign-in) and ends a lockout.</summary>
    public async Task<string?> ResetPasswordAsync(string actor, string userId, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return null;
        var password = NewPassword();
        await users.RemovePasswordAsync(user);
        var result = await users.AddPasswordAsync(user, password);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await users.UpdateSecurityStampAsync(user);
        await sessions.EndAllAsync(user.Id, ct);
        await audit.WriteAsync(actor, AuditActions.PasswordReset, user.Email ?? userId, "", ct);
        return password;
    }

    public async Task<bool> DeleteAsync(string actor, string userId, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return false;
        await users.DeleteAsync(user);
        await audit.WriteAsync(actor, AuditActions.UserDeleted, user.Email ?? userId, "", ct);
        return true;
    }

    public async Task<IReadOnlyList<AccountRow>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var roleNames = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
        var claims = await db.UserClaims.Where(c => c.ClaimType == StaffClaims.Centre).Select(c => new { c.UserId, c.ClaimValue }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return accounts.Select(u => new AccountRow(u.Id, u.Email ?? "", u.DisplayName,
            roleNames.FirstOrDefault(r => r.UserId == u.Id)?.Name ?? "",
            claims.Where(c => c.UserId == u.Id).Select(c => c.ClaimValue ?? "").Order(StringComparer.Ordinal).ToList(),
            u.LockoutEnd > now, u.MustChangePassword)).ToList();
    }

    /// <summary>Creates an API key; the returned token (<c>seg_&lt;id&gt;_&lt;secret&gt;</c>) is shown once and never stored.</summary>
    public async Task<AccountResult> CreateApiKeyAsync(string actor, string name, string role, IReadOnlyCollection<string> centreIds, CancellationToken ct = default)
    {
        var errors = CheckScope(role, centreIds);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) errors["Name"] = "key.name";
        if (errors.Count > 0) return AccountResult.Failed(errors);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.ApiKeys.Add(new StaffApiKey
            {
                Id = id, Name = name.Trim(), SecretHash = Hash(secret), Role = role, Centres = string.Join(',', centreIds.Distinct()),
                CreatedBy = actor, CreatedAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(ct);
        }
        await audit.WriteAsync(actor, AuditActions.ApiKeyCreated, $"{name.Trim()} ({id})", $"role={role}; centres={string.Join(',', centreIds)}", ct);
        return AccountResult.Ok($"seg_{id}_{secret}", id);
    }

    public async Task<bool> RevokeApiKeyAsync(string actor, string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, ct);
        if (key is null) return false;
        key.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, AuditActions.ApiKeyRevoked, $"{key.Name} ({id})", "", ct);
        return true;
    }

    public async Task<IReadOnlyList<StaffApiKey>> ApiKeysAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>The key named by a bearer token, if the secret matches (constant-time) and it is not revoked.</summary>
    public async Task<StaffApiKey?> FindApiKeyAsync(string token, CancellationToken ct = default)
    {
        var parts = token.Split('_');
        if (parts is not ["seg", { Length: 12 } id, { Length: > 0 } secret]) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.RevokedAt is not null) return null;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(key.SecretHash))) return null;
        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return key;
    }

    private Dictionary<string, string> CheckScope(string role, IReadOnlyCollection<string> centreIds)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!StaffRoles.All.Contains(role)) errors["Role"] = "role.invalid";
        else if (role == StaffRoles.Staff && centreIds.Count == 0) errors["Centres"] = "centres.required";
        if (centreIds.Any(c => centres.ById(c) is null)) errors["Centres"] = "centres.unknown";
        return errors;
    }

    private async Task EnsureRolesAsync()
    {
        foreach (var role in StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        }
    }

    /// <summary>16 characters with upper, lower case and digits (no look-alikes), ~90 bits.</summary>
    public static string NewPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789";
        const string all = upper + lower + digits;
        var chars = new char[16];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        for (var i = 3; i < chars.Length; i++) chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

public sealed record AccountRow(string Id, string Email, string DisplayName, string Role, IReadOnlyList<string> Centres, bool LockedOut, bool MustChangePassword);

/// <summary>The outcome of an account or key change: errors by field (values are text keys), or the one-time secret.</summary>
public sealed record AccountResult(bool Succeeded, IReadOnlyDictionary<string, string> Errors, string? Secret, string? Id)
{
    public static AccountResult Ok(string? secret, string id) => new(true, new Dictionary<string, string>(), secret, id);
    public static AccountResult Failed(Dictionary<string, string> errors) => new(false, errors, null, null);
}
