using System.Text.Json;
using Bot.Web.Data;
using Bot.Web.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Feedback;

/// <summary>Records what the bot could not answer, for staff.</summary>
public sealed class FeedbackRecorder(IDbContextFactory<BotDbContext> dbFactory, TimeProvider clock)
{
    public async Task RecordUnansweredAsync(string userId, string channel, string language, string text, string reason,
        string? centreId, IReadOnlyList<Candidate> candidates, CancellationToken ct)
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
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }
}
