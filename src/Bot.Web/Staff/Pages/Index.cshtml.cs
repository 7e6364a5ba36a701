using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class IndexModel(StaffDashboard dashboard, CentreDirectory centres) : PageModel
{
    public IReadOnlyList<CentreToday> Rows { get; private set; } = [];
    public IReadOnlyList<UnansweredQuestion> Latest { get; private set; } = [];
    public DateTimeOffset Since { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var scope = StaffScope.Of(User);
        Since = dashboard.StartOfToday();
        Rows = await dashboard.TodayAsync(scope, ct);
        Latest = await dashboard.LatestWaitingAsync(scope, 10, ct);
    }

    public string CentreName(string? id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? "—";
}
