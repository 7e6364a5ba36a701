using System.Globalization;
using Bot.Web.Operations;
using Bot.Web.Data;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Bot.Web.Access;

namespace Bot.Web.Feedback;

/// <summary>
/// The programme's feedback report, continuously: items by category × centre × month, by language and channel, the
/// most frequent open questions, staff's answer rate and time to answer, and how often the bot itself answered —
/// always within the viewer's centres. Items can be exported as CSV (pseudonymous ids, never an address).
/// </summary>
public sealed class QueueReports(IDbContextFactory<BotDbContext> dbFactory, QueueService queue)
{
    public async Task<QueueReport> BuildAsync(StaffScope scope, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var items = await Items(db, scope, from, to).Select(q => new { q.CreatedAt, q.Category, q.CentreId, q.Language, q.Channel, q.Type, q.Status, q.AnsweredAt })
            .ToListAsync(ct);
        var byMonth = items.GroupBy(q => (Month: Month(q.CreatedAt), q.Category, Centre: q.CentreId ?? ""))
            .Select(g => new ReportCell(g.Key.Month, g.Key.Category, g.Key.Centre, g.Count()))
            .OrderBy(c => c.Month, StringComparer.Ordinal).ThenBy(c => c.Category, StringComparer.Ordinal).ThenBy(c => c.Centre, StringComparer.Ordinal).ToList();
        var hours = items.Where(q => q.AnsweredAt is not null).Select(q => (q.AnsweredAt!.Value - q.CreatedAt).TotalHours).Order().ToList();
        var questions = items.Count(q => q.Type == QueueTypes.Question);
        var answered = items.Count(q => q.Type == QueueTypes.Question && q.Status == QueueStatus.Answered);

        var events = db.QuestionEvents.AsNoTracking();
        if (!scope.IsAdmin)
        {
            var mine = scope.Centres.ToList();
            events = events.Where(e => e.CentreId != null && mine.Contains(e.CentreId));
        }
        if (from is { } f) events = events.Where(e => e.At >= f);
        if (to is { } t) events = events.Where(e => e.At < t);
        var botByMonth = (await events.Select(e => new { e.At, e.Outcome }).ToListAsync(ct))
            .GroupBy(e => Month(e.At)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BotMonth(g.Key, g.Count(), g.Count(e => e.Outcome == QuestionOutcome.Answered))).ToList();

        var top = (await queue.GroupsAsync(scope, new QueueFilter(From: from, To: to), 500, ct))
            .Where(g => g.Type == QueueTypes.Question && QueueStatus.IsOpen(g.Status)).OrderByDescending(g => g.Size).Take(10).ToList();
        return new QueueReport(byMonth,
            Count(items.Select(q => q.Category)), Count(items.Select(q => q.Language)), Count(items.Select(q => q.Channel)), Count(items.Select(q => q.Type)),
            questions, answered, Percentile(hours, 0.5), Percentile(hours, 0.9), top, botByMonth);
    }

    /// <summary>Writes the items in scope as CSV: no address, no user id beyond the pseudonymous one.</summary>
    public async Task WriteCsvAsync(StaffScope scope, DateTimeOffset? from, DateTimeOffset? to, TextWriter output, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var csv = CsvExport.Writer(output); // cells a spreadsheet would run as formulas are neutralised
        csv.WriteHeader<CsvRow>();
        await csv.NextRecordAsync();
        await foreach (var q in Items(db, scope, from, to).OrderBy(q => q.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            csv.WriteRecord(new CsvRow(q.Id, q.GroupId ?? q.Id, q.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), q.CentreId ?? "",
                q.Channel, q.Language, q.Category, q.Type, q.Reason, q.Status, q.Text, q.UserId,
                q.AnsweredAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "", q.Delivery ?? ""));
            await csv.NextRecordAsync();
        }
    }

    private static IQueryable<UnansweredQuestion> Items(BotDbContext db, StaffScope scope, DateTimeOffset? from, DateTimeOffset? to)
    {
        var query = db.Unanswered.AsNoTracking().Where(q => q.Reason != QueueReason.HandoverReply && q.Reason != QueueReason.HandoverMessage);
        if (!scope.IsAdmin)
        {
            var mine = scope.Centres.ToList();
            query = query.Where(q => q.CentreId != null && mine.Contains(q.CentreId));
        }
        if (from is { } f) query = query.Where(q => q.CreatedAt >= f);
        if (to is { } t) query = query.Where(q => q.CreatedAt < t);
        return query;
    }

    private static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static IReadOnlyList<KeyValuePair<string, int>> Count(IEnumerable<string> values) =>
        values.GroupBy(v => v).Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderByDescending(p => p.Value).ToList();

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public sealed record CsvRow(long Id, long Group, string CreatedUtc, string Centre, string Channel, string Language, string Category, string Type,
        string Reason, string Status, string Text, string PseudonymousUser, string AnsweredUtc, string Delivery);
}

public sealed record ReportCell(string Month, string Category, string Centre, int Count);

public sealed record BotMonth(string Month, int Questions, int Answered);

public sealed record QueueReport(
    IReadOnlyList<ReportCell> ByCategoryCentreMonth,
    IReadOnlyList<KeyValuePair<string, int>> ByCategory,
    IReadOnlyList<KeyValuePair<string, int>> ByLanguage,
    IReadOnlyList<KeyValuePair<string, int>> ByChannel,
    IReadOnlyList<KeyValuePair<string, int>> ByType,
    int Questions,
    int QuestionsAnswered,
    double? MedianHoursToAnswer,
    double? P90HoursToAnswer,
    IReadOnlyList<QueueGroup> MostFrequentOpen,
    IReadOnlyList<BotMonth> Bot)
{
    public double? AnswerRate => Questions == 0 ? null : (double)QuestionsAnswered / Questions;
}
