namespace Bot.Web.Feedback;

/// <summary>
/// What happened to one question the bot was asked (no user, no text): the source of the dashboard's and reports' counts.
/// </summary>
public sealed class QuestionEvent
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Channel { get; set; }
    public required string Language { get; set; }
    public string? CentreId { get; set; }

    /// <summary><see cref="QuestionOutcome"/>.</summary>
    public required string Outcome { get; set; }
}

public static class QuestionOutcome
{
    public const string Answered = "answered";
    public const string Clarified = "clarified";
    public const string Abstained = "abstained";
    public const string OutOfScope = "out-of-scope";
}
