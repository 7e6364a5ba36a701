using System.Security.Claims;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Http.HttpResults;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>
/// The staff JSON API for automation (<c>/api/staff/…</c>): bearer API keys only (no cookies, so no cross-site
/// request can use it), scoped like the pages. Something outside the key's centres is 404, a centre outside them 403.
/// </summary>
public static class StaffApi
{
    public static void MapStaffApi(this WebApplication app)
    {
        var api = app.MapGroup(StaffSetup.ApiPrefix).RequireAuthorization(StaffPolicies.Api).CheckCentreQuery();
        api.MapGet("/me", (ClaimsPrincipal user) =>
        {
            var scope = StaffScope.Of(user);
            return TypedResults.Ok(new { name = scope.Actor, role = scope.IsAdmin ? StaffRoles.Admin : StaffRoles.Staff, centres = scope.Centres.Order(StringComparer.Ordinal) });
        });
        api.MapGet("/today", async Task<Results<Ok<IReadOnlyList<CentreToday>>, ProblemHttpResult>> (ClaimsPrincipal user, StaffDashboard dashboard,
            string? centre, CancellationToken ct) =>
        {
            var scope = StaffScope.Of(user);
            var rows = await dashboard.TodayAsync(scope, ct);
            return TypedResults.Ok<IReadOnlyList<CentreToday>>(centre is null ? rows : rows.Where(r => r.CentreId == centre).ToList());
        });
        api.MapGet("/people", async Task<Results<Ok<IReadOnlyList<PersonRow>>, ProblemHttpResult>> (ClaimsPrincipal user, StaffDashboard dashboard,
            string? centre, string? channel, int? take, CancellationToken ct) =>
        {
            var scope = StaffScope.Of(user);
            return TypedResults.Ok(await dashboard.PeopleAsync(scope, centre, channel, Math.Clamp(take ?? 100, 1, 1000), ct));
        });
        api.MapGet("/people/{id}", async Task<Results<Ok<PersonRow>, NotFound>> (ClaimsPrincipal user, StaffDashboard dashboard, string id, CancellationToken ct) =>
            await dashboard.PersonAsync(StaffScope.Of(user), id, ct) is { } person ? TypedResults.Ok(person) : TypedResults.NotFound());

        api.MapAnnouncementsApi();

        var admin = app.MapGroup(StaffSetup.ApiPrefix).RequireAuthorization(StaffPolicies.AdminApi).CheckCentreQuery();
        admin.MapPost("/people/{id}/address", async Task<Results<Ok<AddressReveal>, NotFound, ValidationProblem>> (ClaimsPrincipal user,
            StaffDashboard dashboard, string id, RevealRequest request, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["A reason (at most 500 characters) is required: it goes into the audit log."] });
            }
            return await dashboard.RevealAddressAsync(StaffScope.Of(user), id, request.Reason.Trim(), ct) is { } address
                ? TypedResults.Ok(new AddressReveal(id, address)) : TypedResults.NotFound();
        });
        admin.MapGet("/audit", async (StaffAudit audit, string? actor, string? action, int? take, CancellationToken ct) =>
            TypedResults.Ok(await audit.LatestAsync(actor, action, Math.Clamp(take ?? 200, 1, 1000), ct)));
    }

    public sealed record RevealRequest(string? Reason);

    public sealed record AddressReveal(string Id, string Address);
}
