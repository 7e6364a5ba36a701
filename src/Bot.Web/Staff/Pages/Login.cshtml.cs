using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class LoginModel(StaffSignIn signIn, StaffAudit audit, StaffUi text) : PageModel
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

        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, HttpContext.RequestAborted);
        if (result == SignInOutcome.Succeeded)
        {
            await audit.WriteAsync(Email.Trim(), AuditActions.SignIn, ct: HttpContext.RequestAborted);
            return LocalRedirect(StaffPaths.SafeReturn(Url, returnUrl));
        }
        // The same messages, in the same order, for an unknown email as for a real one: nothing tells which accounts exist.
        var locked = result == SignInOutcome.LockedOut;
        Error = locked ? text["login.locked"] : text["login.failed"];
        await audit.WriteAsync(Email.Trim(), locked ? AuditActions.LockedOut : AuditActions.SignInFailed, ct: HttpContext.RequestAborted);
        return Page();
    }
}
