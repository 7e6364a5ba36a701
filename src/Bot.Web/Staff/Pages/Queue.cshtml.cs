using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class QueueModel(QueueService queue, CentreDirectory centres) : PageModel
{
    public IReadOnlyList<QueueGroup> Groups { get; private set; } = [];
    public QueueFilter Filter { get; private set; } = new();
    public IReadOnlyList<(string Id, string Name)> Centres { get; private set; } = [];
    public string? From { get; private set; }
    public string? To { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? centre, string? category, string? type, string? language, string? status, string? from, string? to, CancellationToken ct)
    {
        var scope = StaffScope.Of(User);
        if (!string.IsNullOrEmpty(centre) && !scope.Covers(centre)) return Forbid();
        From = from;
        To = to;
        Filter = new QueueFilter(Empty(centre), Empty(category), Empty(type), Empty(language), Empty(status), StaffPaths.Date(from), StaffPaths.Date(to)?.AddDays(1));
        Centres = scope.Visible(centres.All.Select(c => c.Id)).Select(id => (id, CentreName(id))).ToList();
        Groups = await queue.GroupsAsync(scope, Filter, 300, ct);
        return Page();
    }

    public string CentreName(string id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? "—";

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
