using System.Text.Json;
using Bot.Web.Data;
using Bot.Web.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Feedback;

/// <summary>Records what the bot could not answer, for staff.</summary>
public sealed class FeedbackRecorder(IDbContextFactory<BotDbContext> dbFactory, TimeProvider clock, KnowledgeService knowledge, QueueText queueText)
    : IAsyncDisposable
{
    private readonly GroupCommit _counts = new(dbFactory);

    public ValueTask DisposeAsync() => _counts.DisposeAsync();

    /// <summary>How many of the user's questions and messages are kept for staff.</summary>
    public async Task<int> CountOfAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Unanswered.CountAsync(q => q.UserId == userId, ct);
    }

    /// <summary>Keeps the user's questions and feedback for staff but removes the link to the user.</summary>
    public async Task AnonymiseAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Unanswered.Where(q => q.UserId == userId)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.UserId, AnonymousUser).SetProperty(x => x.ContactAllowed, false), ct);
    }

    /// <summary>Counts what happened to one question (no user, no text): the dashboard's and reports' numbers.</summary>
    public async Task CountQuestionAsync(string channel, string language, string? centreId, string outcome, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        // Concurrent turns' counts share one commit; each attempt of a round adds its own row.
        await _counts.RunAsync(async (db, c) =>
        {
            var row = new QuestionEvent { At = at, Channel = channel, Language = language, CentreId = centreId, Outcome = outcome };
            db.QuestionEvents.Add(row);
            await db.SaveChangesAsync(c);
            db.Entry(row).State = EntityState.Detached;
            return 1;
        }, ct);
    }

    /// <summary>
    /// True when staff handed the conversation that began at <paramref name="since"/> back to the bot (its handover item
    /// is answered): the bot answers again from this message on.
    /// </summary>
    public async Task<bool> HandedBackAsync(string userId, DateTimeOffset since, CancellationToken ct)
    {
        var from = since - TimeSpan.FromMinutes(1); // the item is written just before the handover's start is noted
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Unanswered.AnyAsync(q => q.UserId == userId && q.Reason == QueueReason.Handover && q.CreatedAt >= from && q.Status == QueueStatus.Answered, ct);
    }

    /// <summary>The user id of questions whose asker deleted their data.</summary>
    public const string AnonymousUser = "deleted";

    public Task RecordAsync(string userId, string channel, string language, string text, string reason, string? centreId, bool contactAllowed,
        CancellationToken ct) => RecordUnansweredAsync(userId, channel, language, text, reason, centreId, [], ct, contactAllowed);

    public async Task RecordUnansweredAsync(string userId, string channel, string language, string text, string reason,
        string? centreId, IReadOnlyList<Candidate> candidates, CancellationToken ct, bool contactAllowed = false)
    {
        var now = clock.GetUtcNow();
        var ranked = candidates.Where(c => c.Id != KbEntry.OutOfScope).OrderByDescending(c => c.Confidence).ToList();
        var nearest = ranked.Where(c => c.Confidence >= NearestEntryConfidence).Select(c => c.Id).Take(2).ToList();
        var item = new UnansweredQuestion
        {
            UserId = userId,
            Channel = channel,
            Language = language,
            Text = text,
            Reason = reason,
            CentreId = centreId,
            CandidatesJson = JsonSerializer.Serialize(candidates.Select(c => new { id = c.Id, confidence = Math.Round(c.Confidence, 3) })),
            ContactAllowed = contactAllowed,
            CreatedAt = now,
            UpdatedAt = now,
            Category = CategoryOf(text, reason, ranked),
            Type = QueueTypes.Of(reason),
            Signature = queueText.Signature(text, nearest),
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Unanswered.Add(item);
        await db.SaveChangesAsync(ct);
        item.GroupId = await GroupOfAsync(db, item, ct) ?? item.Id;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A knowledge entry at least this close counts as the item's "nearest entry" (for its category and grouping).</summary>
    private const double NearestEntryConfidence = 0.3;

    /// <param name="candidates">The bot's candidates, closest first, without the out-of-scope entry.</param>
    private string CategoryOf(string text, string reason, IReadOnlyList<Candidate> candidates)
    {
        if (reason == QueueReason.OutOfScope) return QueueCategories.OutOfScope;
        var byKeywords = queueText.CategoryOf(text);
        var top = candidates.FirstOrDefault(c => c.Confidence >= NearestEntryConfidence);
        if (top is not null && knowledge.Current.Knowledge.ById.TryGetValue(top.Id, out var entry) && QueueCategories.All.Contains(entry.Category))
        {
            return entry.Category;
        }
        return byKeywords ?? QueueCategories.Information;
    }

    /// <summary>The group of the most similar open item of the same type (handover messages are conversations, never grouped).</summary>
    private static async Task<long?> GroupOfAsync(BotDbContext db, UnansweredQuestion item, CancellationToken ct)
    {
        if (item.Reason is QueueReason.Handover or QueueReason.HandoverMessage) return null;
        var since = item.CreatedAt - GroupingWindow;
        var candidates = db.Unanswered.AsNoTracking()
            .Where(q => q.Id != item.Id && q.Type == item.Type && q.CreatedAt >= since && q.Reason != QueueReason.Handover && q.Reason != QueueReason.HandoverMessage
                && (q.Status == QueueStatus.New || q.Status == QueueStatus.InProgress) && q.Signature != "")
            .OrderByDescending(q => q.Id);
        // The common case — the same question asked again — is found by the database without loading the open items.
        if (item.Signature != "")
        {
            var same = await candidates.Where(q => q.Signature == item.Signature).Select(q => new { q.Id, q.GroupId }).FirstOrDefaultAsync(ct);
            if (same is not null) return same.GroupId ?? same.Id;
        }
        var open = await candidates.Select(q => new { q.Id, q.GroupId, q.Signature }).Take(5000).ToListAsync(ct);
        var match = open.FirstOrDefault(q => QueueText.Similar(item.Signature, q.Signature));
        return match is null ? null : match.GroupId ?? match.Id;
    }

    /// <summary>Open items older than this are not grouped with new ones.</summary>
    private static readonly TimeSpan GroupingWindow = TimeSpan.FromDays(90);
}
