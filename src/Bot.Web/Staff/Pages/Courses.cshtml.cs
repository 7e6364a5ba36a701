using Bot.Web.Announcements;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

/// <summary>The courses of the staff member's centres, newest deadline first.</summary>
public sealed class CoursesModel(CourseCatalog catalog, CentreDirectory centres) : PageModel
{
    public IReadOnlyList<Course> Courses { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = catalog.Today();
        Courses = await catalog.ListAsync(StaffScope.Of(User), null, openOnly: false, ct);
    }

    public string CentreName(string id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? id;
}
