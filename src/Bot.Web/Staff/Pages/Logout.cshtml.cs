using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bot.Web.Staff.Pages;

/// <summary>Signing out is a POST (with the anti-forgery token); a GET only shows the home page.</summary>
public sealed class LogoutModel(SignInManager<StaffUser> signIn, StaffAudit audit) : PageModel
{
    public IActionResult OnGet() => LocalRedirect(StaffSetup.PagesPrefix);

    public async Task<IActionResult> OnPostAsync()
    {
        var name = User.Identity?.Name ?? "?";
        await signIn.SignOutAsync();
        await audit.WriteAsync(name, AuditActions.SignOut, ct: HttpContext.RequestAborted);
        return LocalRedirect(StaffSetup.PagesPrefix + "/login");
    }
}
