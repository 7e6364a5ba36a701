using System.Security.Claims;
using Bot.Web.Access;
using Bot.Web.Knowledge;

namespace Bot.Web.Staff;

/// <summary>
/// The one centre check of the staff API: a <c>?centre=</c> that is not a known centre inside the caller's scope is
/// refused (403) before the endpoint runs, on every endpoint of the group it is added to.
/// </summary>
public sealed class CentreQueryFilter(CentreDirectory centres) : IEndpointFilter
{
    public const string Parameter = "centre";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.Query.TryGetValue(Parameter, out var value) && value.ToString() is var centre
            && (centres.ById(centre) is null || !StaffScope.Of(context.HttpContext.User).Covers(centre)))
        {
            return TypedResults.Problem($"Centre '{centre}' is not one of yours.", statusCode: StatusCodes.Status403Forbidden);
        }
        return await next(context);
    }
}

public static class CentreQueryFilterExtensions
{
    /// <summary>Adds <see cref="CentreQueryFilter"/> to every endpoint of the group.</summary>
    public static RouteGroupBuilder CheckCentreQuery(this RouteGroupBuilder group) => group.AddEndpointFilter<RouteGroupBuilder, CentreQueryFilter>();
}
