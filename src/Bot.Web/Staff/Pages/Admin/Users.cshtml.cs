using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages.Admin;

public sealed class UsersModel(StaffAccounts accounts, CentreDirectory centres, StaffUi text) : PageModel
{
    public IReadOnlyList<AccountRow> Accounts { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Centres => centres.All.Select(c => (c.Id, c.Name(StaffText.ContentLanguageOf(HttpContext)))).ToList();
    public string Email { get; private set; } = "";
    public string DisplayName { get; private set; } = "";
    public string Role { get; private set; } = StaffRoles.Staff;
    public IReadOnlyList<string> SelectedCentres { get; private set; } = [];
    public string? Secret { get; private set; }
    public string? SecretFor { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        // A one-time password made by the form action before the redirect: shown once, then gone.
        Secret = TempData["secret"] as string;
        SecretFor = TempData["secret-for"] as string;
        Accounts = await accounts.ListAsync(ct);
    }

    private IActionResult ShowSecret(string secret, string? secretFor)
    {
        TempData["secret"] = secret;
        TempData["secret-for"] = secretFor;
        return LocalRedirect(StaffPaths.WithoutHandler(Request));
    }

    public async Task<IActionResult> OnPostCreateAsync(string? email, string? displayName, string? role, string[]? centres, CancellationToken ct)
    {
        Email = email ?? "";
        DisplayName = displayName ?? "";
        Role = role ?? "";
        SelectedCentres = centres ?? [];
        var result = await accounts.CreateAsync(Actor, Email, DisplayName, Role, SelectedCentres, ct: ct);
        if (!result.Succeeded)
        {
            foreach (var (field, key) in result.Errors) ModelState.AddModelError(field, text["error." + key]);
        }
        else
        {
            return ShowSecret(result.Secret!, Email.Trim());
        }
        Accounts = await accounts.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUpdateAsync(string id, string? role, string[]? centres, CancellationToken ct)
    {
        var result = await accounts.UpdateAsync(Actor, id, role ?? "", centres ?? [], ct);
        if (result.Succeeded) return this.Done(text["users.updated"]);
        Message = string.Join(" ", result.Errors.Values.Select(k => text["error." + k]));
        Accounts = await accounts.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostResetAsync(string id, CancellationToken ct)
    {
        var secret = await accounts.ResetPasswordAsync(Actor, id, ct);
        if (secret is null) return NotFound();
        return ShowSecret(secret, (await accounts.ListAsync(ct)).FirstOrDefault(a => a.Id == id)?.Email);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken ct)
    {
        if (!await accounts.DeleteAsync(Actor, id, ct)) return NotFound();
        return this.Done(text["users.deleted"]);
    }

    public bool Invalid(string field) => ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0;

    public string CentreName(string id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? id;

    private string Actor => User.Identity?.Name ?? "?";
}
