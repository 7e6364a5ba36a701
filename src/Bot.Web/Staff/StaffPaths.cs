using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bot.Web.Staff;

public static class StaffPaths
{
    /// <summary>A return URL only when it is a local path inside the dashboard (no open redirect), otherwise the home page.</summary>
    public static string SafeReturn(IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) && returnUrl.StartsWith(StaffSetup.PagesPrefix, StringComparison.Ordinal)
            ? returnUrl : StaffSetup.PagesPrefix;

    /// <summary>A <c>yyyy-MM-dd</c> form value (an input of type date) as the start of that day in UTC; null when empty or malformed.</summary>
    public static DateTimeOffset? Date(string? value) =>
        DateTime.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var d)
            ? new DateTimeOffset(d, TimeSpan.Zero) : null;

    /// <summary>The TempData key of the notice shown once after a form action (Post/Redirect/Get).</summary>
    public const string ResultKey = "result";

    /// <summary>Page handlers that answer a GET (everything else is a form action, POST only).</summary>
    public static readonly IReadOnlySet<string> GetHandlers = new HashSet<string>(["Csv"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The request's path and query without <c>handler</c>: the page itself, as a GET shows it.</summary>
    public static string WithoutHandler(HttpRequest request)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(q => !q.Key.Equals("handler", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)));
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(request.PathBase + request.Path, query);
    }

    /// <summary>
    /// Post/Redirect/Get: after a form action that worked, back to the page itself (no <c>?handler=</c> in the address,
    /// so reloading shows the page again instead of repeating the action), with <paramref name="message"/> shown once.
    /// </summary>
    public static IActionResult Done(this PageModel page, string message, string? to = null)
    {
        page.TempData[ResultKey] = message;
        return page.LocalRedirect(to ?? WithoutHandler(page.Request));
    }
}
