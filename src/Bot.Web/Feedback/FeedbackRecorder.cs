using System.Text.Json;
using Bot.Web.Data;
using Bot.Web.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Feedback;

/// <summary>Records what the bot could not answer, for staff.</summary>
public sealed class FeedbackRecorder(IDbContextFactory<BotDbContext> dbFactory, TimeProvider clock)
{
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
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.QuestionEvents.Add(new Staff.QuestionEvent { At = clock.GetUtcNow(), Channel = channel, Language = language, CentreId = centreId, Outcome = outcome });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The user id of questions whose asker deleted their data.</summary>
    public const string AnonymousUser = "deleted";

    public Task RecordAsync(string userId, string channel, string language, string text, string reason, string? centreId, bool contactAllowed,
        CancellationToken ct) => RecordUnansweredAsync(userId, channel, language, text, reason, centreId, [], ct, contactAllowed);

    public async Task RecordUnansweredAsync(string userId, string channel, string language, string text, string reason,
        string? centreId, IReadOnlyList<Candidate> candidates, CancellationToken ct, bool contactAllowed = false)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Unanswered.Add(new UnansweredQuestion
        {
            UserId = userId,
            Channel = channel,
            Language = language,
            Text = text,
            Reason = reason,
            CentreId = centreId,
            CandidatesJson = JsonSerializer.Serialize(candidates.Select(c => new { id = c.Id, confidence = c.Confidence })),
            ContactAllowed = contactAllowed,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }
}
