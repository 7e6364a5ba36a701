using Microsoft.AspNetCore.Identity;

namespace Bot.Web.Access;

/// <summary>A staff member's account (ASP.NET Core Identity). Centres are user claims of type <see cref="StaffClaims.Centre"/>.</summary>
public sealed class StaffUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Set for a one-time password (new account, reset): the first sign-in must choose a new one.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public static class StaffRoles
{
    /// <summary>Everything, every centre, manages accounts and API keys.</summary>
    public const string Admin = "admin";

    /// <summary>Scoped to one or more centres: sees and acts only on their users, questions and announcements.</summary>
    public const string Staff = "staff";

    public static readonly string[] All = [Admin, Staff];
}

public static class StaffClaims
{
    public const string Centre = "seg:centre";
    public const string ApiKey = "seg:api-key";
}

/// <summary>A bearer key for the staff API, created by an admin. Only a SHA-256 hash of the secret is kept.</summary>
public sealed class StaffApiKey
{
    /// <summary>The public part of the key (<c>seg_&lt;Id&gt;_&lt;secret&gt;</c>), used to find the row.</summary>
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string SecretHash { get; set; }
    public required string Role { get; set; }

    /// <summary>Centre ids separated by commas (empty for an admin key).</summary>
    public string Centres { get; set; } = "";
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public IReadOnlyList<string> CentreList => Centres.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>One staff action: who did what to what, when. Never a channel address or a message text.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string Target { get; set; } = "";
    public string Details { get; set; } = "";
}
