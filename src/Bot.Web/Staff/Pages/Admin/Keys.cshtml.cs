using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages.Admin;

public sealed class KeysModel(StaffAccounts accounts, CentreDirectory centres, StaffUi text) : PageModel
{
    public IReadOnlyList<StaffApiKey> Keys { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Centres => centres.All.Select(c => (c.Id, c.Name(StaffText.ContentLanguageOf(HttpContext)))).ToList();
    public string Name { get; private set; } = "";
    public string Role { get; private set; } = StaffRoles.Staff;
    public IReadOnlyList<string> SelectedCentres { get; private set; } = [];
    public string? Secret { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Secret = TempData["secret"] as string; // made by the form action before the redirect: shown once, then gone
        Keys = await accounts.ApiKeysAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? role, string[]? centres, CancellationToken ct)
    {
        Name = name ?? "";
        Role = role ?? "";
        SelectedCentres = centres ?? [];
        var result = await accounts.CreateApiKeyAsync(User.Identity?.Name ?? "?", Name, Role, SelectedCentres, ct);
        if (!result.Succeeded)
        {
            foreach (var (field, key) in result.Errors) ModelState.AddModelError(field, text["error." + key]);
        }
        else
        {
            TempData["secret"] = result.Secret;
            return LocalRedirect(StaffPaths.WithoutHandler(Request));
        }
        Keys = await accounts.ApiKeysAsync(ct);
        return Page();
    }

    public string CentreName(string id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? id;

    public async Task<IActionResult> OnPostRevokeAsync(string id, CancellationToken ct)
    {
        if (!await accounts.RevokeApiKeyAsync(User.Identity?.Name ?? "?", id, ct)) return NotFound();
        return this.Done(text["keys.revoked"]);
    }
}
