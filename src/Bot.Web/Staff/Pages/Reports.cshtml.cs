using System.Globalization;
using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class ReportsModel(QueueReports reports, CentreDirectory centres) : PageModel
{
    public QueueReport? Report { get; private set; }
    public string? From { get; private set; }
    public string? To { get; private set; }

    public async Task OnGetAsync(string? from, string? to, CancellationToken ct)
    {
        From = from;
        To = to;
        Report = await reports.BuildAsync(StaffScope.Of(User), StaffPaths.Date(from), StaffPaths.Date(to)?.AddDays(1), ct);
    }

    /// <summary>
    /// The items in scope as CSV (pseudonymous), as a file result: the whole file is written before the response starts,
    /// with its length, so nothing can touch the headers after the first byte and the browser knows when it is complete.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(string? from, string? to, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        await using (var writer = new StreamWriter(buffer, new System.Text.UTF8Encoding(true), leaveOpen: true))
        {
            await reports.WriteCsvAsync(StaffScope.Of(User), StaffPaths.Date(from), StaffPaths.Date(to)?.AddDays(1), writer, ct);
        }
        buffer.Position = 0;
        return File(buffer, "text/csv; charset=utf-8", "queue-items.csv");
    }

    /// <summary>Items per category as horizontal bars: an inline SVG drawn here (no script, no external library).</summary>
    public Microsoft.AspNetCore.Html.HtmlString CategoryChart(QueueReport report, StaffUi text)
    {
        var max = Math.Max(1, report.ByCategory.Select(c => c.Value).DefaultIfEmpty(0).Max());
        var svg = new System.Text.StringBuilder();
        var encode = System.Text.Encodings.Web.HtmlEncoder.Default;
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"category-chart\" role=\"img\" aria-label=\"{encode.Encode(text["reports.by-category"])}\" viewBox=\"0 0 600 {Math.Max(1, report.ByCategory.Count) * 28}\" width=\"100%\" style=\"max-width:40rem;background:#fff;border:1px solid var(--line);border-radius:8px\">");
        var y = 0;
        foreach (var (category, count) in report.ByCategory)
        {
            var width = 340.0 * count / max;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{y + 18}\" font-size=\"13\">{encode.Encode(text["category." + category])}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"210\" y=\"{y + 6}\" width=\"{width:0.#}\" height=\"16\" fill=\"#c8102e\"><title>{count}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{216 + width:0.#}\" y=\"{y + 18}\" font-size=\"13\">{count}</text>");
            y += 28;
        }
        svg.Append("</svg>");
        return new Microsoft.AspNetCore.Html.HtmlString(svg.ToString());
    }

    /// <summary>A language or item type by its title (<paramref name="prefix"/> + id), anything else (a channel) as it is.</summary>
    public string Label(string prefix, string id, StaffUi text) => prefix.Length > 0 && text[prefix + id] is var t && t != prefix + id ? t : id;

    public string CentreName(string id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? "—";
}
