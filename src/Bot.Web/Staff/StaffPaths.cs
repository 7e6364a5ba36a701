using Microsoft.AspNetCore.Mvc;

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
}
