using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

/// <summary>Signing out is a POST (with the anti-forgery token) and ends the session server-side; a GET only shows the home page.</summary>
public sealed class LogoutModel(SignInManager<StaffUser> signIn, StaffSessions sessions, StaffAudit audit) : PageModel
{
    public IActionResult OnGet() => LocalRedirect(StaffSetup.PagesPrefix);

    public async Task<IActionResult> OnPostAsync()
    {
        var name = User.Identity?.Name ?? "?";
        await sessions.EndAsync(User, HttpContext.RequestAborted); // the cookie, even a copy of it, no longer opens anything
        await signIn.SignOutAsync();
        await audit.WriteAsync(name, AuditActions.SignOut, ct: HttpContext.RequestAborted);
        return LocalRedirect(StaffSetup.PagesPrefix + "/login");
    }
}
