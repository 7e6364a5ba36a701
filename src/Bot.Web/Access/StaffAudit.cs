using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Access;

/// <summary>Writes and reads the audit log of staff actions.</summary>
public sealed class StaffAudit(IDbContextFactory<BotDbContext> dbFactory, TimeProvider clock)
{
    public async Task WriteAsync(string actor, string action, string target = "", string details = "", CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Audit.Add(new AuditEntry { At = clock.GetUtcNow(), Actor = Cut(actor, 256), Action = Cut(action, 64), Target = Cut(target, 256), Details = Cut(details, 2000) });
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> LatestAsync(string? actor, string? action, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Audit.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor)) query = query.Where(a => a.Actor.Contains(actor));
        if (!string.IsNullOrWhiteSpace(action)) query = query.Where(a => a.Action == action);
        return await query.OrderByDescending(a => a.Id).Take(take).ToListAsync(ct);
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}

public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string LockedOut = "locked-out";
    public const string SignOut = "sign-out";
    public const string PasswordChanged = "password-changed";
    public const string UserCreated = "user-created";
    public const string UserUpdated = "user-updated";
    public const string UserDeleted = "user-deleted";
    public const string PasswordReset = "password-reset";
    public const string ApiKeyCreated = "api-key-created";
    public const string ApiKeyRevoked = "api-key-revoked";
    public const string AddressRevealed = "address-revealed";
    public const string CourseCreated = "course-created";
    public const string CourseUpdated = "course-updated";
    public const string CourseDeleted = "course-deleted";
    public const string AnnouncementPublished = "announcement-published";
    public const string AnnouncementScheduled = "announcement-scheduled";
    public const string AnnouncementCancelled = "announcement-cancelled";
}
