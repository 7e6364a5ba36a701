using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class PasswordModel(UserManager<StaffUser> users, StaffSignIn signIn, StaffAudit audit, StaffUi text) : PageModel
{
    [BindProperty] public string Current { get; set; } = "";
    [BindProperty] public string New { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";
    public bool Forced => User.HasClaim(c => c.Type == StaffClaimsFactory.MustChangePassword);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrEmpty(Current)) ModelState.AddModelError(nameof(Current), text["validation.required"]);
        if (New.Length < 12) ModelState.AddModelError(nameof(New), text["password.rules"]);
        if (New != Confirm) ModelState.AddModelError(nameof(Confirm), text["password.mismatch"]);
        if (New.Length > 0 && New == Current) ModelState.AddModelError(nameof(New), text["password.same"]);
        if (!ModelState.IsValid) return Page();
        var user = await users.GetUserAsync(User);
        if (user is null) return LocalRedirect(StaffSetup.PagesPrefix + "/login");
        var result = await users.ChangePasswordAsync(user, Current, New);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Code == "PasswordMismatch" ? nameof(Current) : nameof(New),
                    error.Code == "PasswordMismatch" ? text["password.wrong"] : text["password.rules"]);
            }
            return Page();
        }
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await signIn.RestartSessionAsync(user, HttpContext.RequestAborted); // other sessions of the account end
        await audit.WriteAsync(user.Email ?? user.Id, AuditActions.PasswordChanged, ct: HttpContext.RequestAborted);
        TempData["done"] = "password.changed";
        return LocalRedirect(StaffSetup.PagesPrefix);
    }
}
