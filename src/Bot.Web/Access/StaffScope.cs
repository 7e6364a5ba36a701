using System.Security.Claims;

namespace Bot.Web.Access;

/// <summary>
/// What one signed-in staff member (or API key) may see and act on: every centre for an admin, their own centres
/// for staff. Every staff query filters through this; nothing outside it is shown or changed.
/// </summary>
public sealed record StaffScope(string Actor, bool IsAdmin, IReadOnlySet<string> Centres)
{
    public static StaffScope Of(ClaimsPrincipal user) => new(
        user.Identity?.Name ?? "?",
        user.IsInRole(StaffRoles.Admin),
        user.FindAll(StaffClaims.Centre).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));

    /// <summary>True when this scope covers <paramref name="centreId"/> (an item without a centre: admins only).</summary>
    public bool Covers(string? centreId) => IsAdmin || (centreId is not null && Centres.Contains(centreId));

    /// <summary>The centres to show: all of them for an admin, the own ones for staff.</summary>
    public IEnumerable<string> Visible(IEnumerable<string> allCentres) => IsAdmin ? allCentres : allCentres.Where(Centres.Contains);
}
