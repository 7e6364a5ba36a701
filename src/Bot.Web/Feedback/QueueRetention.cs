using Bot.Web.Configuration;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Web.Feedback;

public sealed class FeedbackOptions
{
    public const string Section = "Feedback";

    /// <summary>Answered or dismissed items keep their texts this long, then the texts are removed (counts stay for reports).</summary>
    public int RetentionDays { get; set; } = 180;
}

internal sealed class FeedbackOptionsValidator : IValidateOptions<FeedbackOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedbackOptions options)
    {
        var errors = new OptionErrors(FeedbackOptions.Section);
        errors.Require(options.RetentionDays is >= 1 and <= 3650, "RetentionDays", "must be between 1 and 3650.");
        return errors.Result();
    }
}

/// <summary>
/// Retention: resolved items (answered, dismissed) older than Feedback:RetentionDays lose their texts (question,
/// answer, notes, grouping words) and the link to the person; category, centre, language, channel and times stay,
/// so the reports keep their counts. Runs at start and every six hours.
/// </summary>
public sealed class QueueRetention(IDbContextFactory<BotDbContext> dbFactory, IOptions<FeedbackOptions> options, TimeProvider clock, ILogger<QueueRetention> logger)
    : BackgroundService
{
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var before = now - TimeSpan.FromDays(options.Value.RetentionDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var count = await db.Unanswered
            .Where(q => q.AnonymisedAt == null && (q.Status == QueueStatus.Answered || q.Status == QueueStatus.Dismissed) && q.UpdatedAt < before)
            .ExecuteUpdateAsync(q => q
                .SetProperty(x => x.Text, "")
                .SetProperty(x => x.Answer, (string?)null)
                .SetProperty(x => x.Notes, (string?)null)
                .SetProperty(x => x.DismissReason, (string?)null)
                .SetProperty(x => x.Signature, "")
                .SetProperty(x => x.UserId, FeedbackRecorder.AnonymousUser)
                .SetProperty(x => x.ContactAllowed, false)
                .SetProperty(x => x.AnonymisedAt, now), ct);
        if (count > 0) logger.LogInformation("Retention: {Count} resolved queue item(s) older than {Days} days anonymised", count, options.Value.RetentionDays);
        return count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(6), clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Retention run failed; it is tried again later");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
