using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bot.Web.Staff.Pages;

public sealed class LoginModel(SignInManager<StaffUser> signIn, StaffAudit audit, StaffUi text) : PageModel
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        if (string.IsNullOrWhiteSpace(Email)) ModelState.AddModelError(nameof(Email), text["validation.required"]);
        if (string.IsNullOrEmpty(Password)) ModelState.AddModelError(nameof(Password), text["validation.required"]);
        if (!ModelState.IsValid) return Page();

        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await audit.WriteAsync(Email.Trim(), AuditActions.SignIn, ct: HttpContext.RequestAborted);
            return LocalRedirect(StaffPaths.SafeReturn(Url, returnUrl));
        }
        // The same message for an unknown email and a wrong password: nothing tells which accounts exist.
        Error = result.IsLockedOut ? text["login.locked"] : text["login.failed"];
        await audit.WriteAsync(Email.Trim(), result.IsLockedOut ? AuditActions.LockedOut : AuditActions.SignInFailed, ct: HttpContext.RequestAborted);
        return Page();
    }
}
