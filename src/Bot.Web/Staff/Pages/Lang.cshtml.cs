using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bot.Web.Staff.Pages;

/// <summary>Switches the dashboard's language (a cookie), then goes back to the page it came from (local paths only).</summary>
public sealed class LangModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect(StaffSetup.PagesPrefix);

    public IActionResult OnPost(string? lang, string? returnUrl)
    {
        if (lang is not null && StaffText.Languages.Contains(lang))
        {
            Response.Cookies.Append(StaffText.Cookie, lang, new CookieOptions
            {
                Path = StaffSetup.PagesPrefix, HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true,
                Secure = Request.IsHttps, MaxAge = TimeSpan.FromDays(365),
            });
        }
        return LocalRedirect(StaffPaths.SafeReturn(Url, returnUrl));
    }
}
