using Bot.Web.Configuration;
using Bot.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Routing;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>The staff dashboard (Razor Pages under /staff) and the staff API (/api/staff), with accounts, roles and keys.</summary>
public static class StaffSetup
{
    public const string PagesPrefix = "/staff";
    public const string ApiPrefix = "/api/staff";

    /// <summary>The page that shows an error status (404, 403, …) in the staff member's language.</summary>
    private const string StatusPage = "/staff/status/{code:int}";

    public static IServiceCollection AddBotStaff(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StaffOptions>(StaffOptions.Section);
        services.AddSingleton<IValidateOptions<StaffOptions>, StaffOptionsValidator>();
        var options = configuration.GetSection(StaffOptions.Section).Get<StaffOptions>() ?? new StaffOptions();

        services.AddIdentityCore<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = options.MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(options.LockoutMinutes);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<BotDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>()
            .AddDefaultTokenProviders();
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            // The principal is rebuilt from the account every minute: it keeps its session id.
            o.OnRefreshingPrincipal = context =>
            {
                if (context.CurrentPrincipal?.FindFirst(StaffSessions.ClaimType) is { } session && context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                {
                    identity.AddClaim(new System.Security.Claims.Claim(session.Type, session.Value));
                }
                return Task.CompletedTask;
            };
        });
        services.AddSingleton<IPasswordHasher<StaffUser>, StaffPasswordHasher>();
        services.AddSingleton<DummyPasswordHash>();
        services.AddSingleton<UnknownAccountLockouts>();
        services.AddSingleton<StaffSessions>();
        services.AddScoped<StaffSignIn>();

        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "seg_staff";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the request is HTTPS (behind the reverse proxy, with forwarded headers); plain HTTP only on a developer's machine.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.Path = PagesPrefix;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(options.IdleTimeoutMinutes);
                o.SlidingExpiration = true;
                o.LoginPath = PagesPrefix + "/login";
                o.LogoutPath = PagesPrefix + "/logout";
                o.AccessDeniedPath = PagesPrefix + "/denied";
                o.Events = new CookieAuthenticationEvents
                {
                    // Every request: the cookie's session must still exist server-side (signing out deletes it).
                    OnValidatePrincipal = async context =>
                    {
                        var sessions = context.HttpContext.RequestServices.GetRequiredService<StaffSessions>();
                        if (context.Principal is null || !await sessions.IsActiveAsync(context.Principal, context.HttpContext.RequestAborted))
                        {
                            context.RejectPrincipal();
                            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                            return;
                        }
                        await SecurityStampValidator.ValidatePrincipalAsync(context);
                    },
                };
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicies.Pages, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.All))
            .AddPolicy(StaffPolicies.AdminPages, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.Admin))
            .AddPolicy(StaffPolicies.Api, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(StaffRoles.All))
            .AddPolicy(StaffPolicies.AdminApi, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(StaffRoles.Admin));

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "seg_staff_csrf";
            o.Cookie.Path = PagesPrefix;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Staff/Pages";
            o.Conventions.AuthorizeFolder("/", StaffPolicies.Pages);
            o.Conventions.AuthorizeFolder("/Admin", StaffPolicies.AdminPages);
            o.Conventions.AllowAnonymousToPage("/Login");
            o.Conventions.AddPageApplicationModelConvention("/Login",
                page => page.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(Operations.RateLimitSetup.SignInPolicy)));
            o.Conventions.AllowAnonymousToPage("/Denied");
            o.Conventions.AllowAnonymousToPage("/Lang");
        }).AddApplicationPart(typeof(StaffSetup).Assembly); // also when the host is started by another assembly (tests)
        // Validation messages come from the dashboard's own texts (Turkish/English), not the framework's English defaults.
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true);
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o =>
        {
            // The notice after a form action (and a one-time secret) travels in this cookie, encrypted, read once.
            o.Cookie.Name = "seg_staff_notice";
            o.Cookie.Path = PagesPrefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.IsEssential = true;
        });
        services.AddHttpContextAccessor();
        services.AddSingleton<StaffText>();
        services.AddScoped<StaffUi>();
        services.AddSingleton<StaffAudit>();
        services.AddScoped<StaffAccounts>();
        services.AddSingleton<StaffDashboard>();
        return services;
    }

    public static WebApplication MapStaff(this WebApplication app)
    {
        // Not found, forbidden and other errors of the dashboard are pages in the staff member's language, never raw JSON:
        // a dashboard response that ends with an error status and no body gets the status page (Status.cshtml) as its body
        // (run directly: it shows no data, so also to someone not signed in; opened by its own address it needs a sign-in).
        app.Use(async (context, next) =>
        {
            await next();
            var response = context.Response;
            if (response.StatusCode is < 400 or >= 600 || response.HasStarted || response.ContentLength is not null || !string.IsNullOrEmpty(response.ContentType)
                || !context.Request.Path.StartsWithSegments(PagesPrefix) || HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }
            var page = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .FirstOrDefault(e => e.RoutePattern.RawText?.TrimStart('/') == StatusPage.TrimStart('/'));
            if (page?.RequestDelegate is null) return;
            var values = new RouteValueDictionary(page.RoutePattern.RequiredValues) { ["code"] = response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            context.SetEndpoint(page);
            context.Request.RouteValues = values;
            await page.RequestDelegate(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(async (context, next) =>
        {
            // An account with a one-time password chooses its own before anything else.
            if (context.Request.Path.StartsWithSegments(PagesPrefix)
                && context.User.HasClaim(c => c.Type == StaffClaimsFactory.MustChangePassword)
                && !context.Request.Path.StartsWithSegments(PagesPrefix + "/password")
                && !context.Request.Path.StartsWithSegments(PagesPrefix + "/logout"))
            {
                context.Response.Redirect(PagesPrefix + "/password");
                return;
            }
            await next();
        });
        app.Use(async (context, next) =>
        {
            // An address left by a form action (…?handler=Answer), reloaded or opened again: the page itself, not a 404.
            if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.StartsWithSegments(PagesPrefix)
                && context.Request.Query.TryGetValue("handler", out var handler) && !StaffPaths.GetHandlers.Contains(handler.ToString()))
            {
                context.Response.Redirect(StaffPaths.WithoutHandler(context.Request));
                return;
            }
            await next();
        });
        app.MapRazorPages();
        app.MapStaffApi();
        app.MapQueueApi();
        return app;
    }
}
