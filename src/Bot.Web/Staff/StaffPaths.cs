using Microsoft.AspNetCore.Mvc;

namespace Bot.Web.Staff;

public static class StaffPaths
{
    /// <summary>A return URL only when it is a local path inside the dashboard (no open redirect), otherwise the home page.</summary>
    public static string SafeReturn(IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) && returnUrl.StartsWith(StaffSetup.PagesPrefix, StringComparison.Ordinal)
            ? returnUrl : StaffSetup.PagesPrefix;
}
