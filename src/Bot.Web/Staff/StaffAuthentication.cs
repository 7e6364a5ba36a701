using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>Bearer API keys for the staff API (<c>Authorization: Bearer seg_…</c>): the key's role and centres become claims.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, StaffAccounts accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = await accounts.FindApiKeyAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "api-key:" + key.Id),
            new(ClaimTypes.Name, $"api-key:{key.Name} ({key.Id})"),
            new(ClaimTypes.Role, key.Role),
            new(StaffClaims.ApiKey, key.Id),
        };
        claims.AddRange(key.CentreList.Select(c => new Claim(StaffClaims.Centre, c)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

/// <summary>Adds the "must choose a new password" mark to the sign-in cookie of an account with a one-time password.</summary>
public sealed class StaffClaimsFactory(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    public const string MustChangePassword = "seg:must-change-password";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword) identity.AddClaim(new Claim(MustChangePassword, "true"));
        return identity;
    }
}

public static class StaffPolicies
{
    /// <summary>Signed-in staff or admin (cookie): the staff pages.</summary>
    public const string Pages = "staff-pages";

    /// <summary>Signed-in admin (cookie): the admin pages.</summary>
    public const string AdminPages = "staff-admin-pages";

    /// <summary>A staff or admin API key (bearer): the staff API.</summary>
    public const string Api = "staff-api";

    /// <summary>An admin API key (bearer).</summary>
    public const string AdminApi = "staff-admin-api";
}
