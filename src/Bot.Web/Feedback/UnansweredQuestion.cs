namespace Bot.Web.Feedback;

/// <summary>Why a message reached the staff queue.</summary>
public static class QueueReason
{
    /// <summary>The bot did not know the answer.</summary>
    public const string Abstained = "abstained";

    /// <summary>The question resembled the knowledge base's out-of-scope questions (a topic the bot does not cover).</summary>
    public const string OutOfScope = "out-of-scope";

    /// <summary>The bot offered candidates and the user said none of them was meant.</summary>
    public const string ClarificationRejected = "clarification-rejected";

    /// <summary>Explicit feedback through the feedback dialog (its type: complaint, suggestion, feedback).</summary>
    public const string Complaint = "complaint";
    public const string Suggestion = "suggestion";
    public const string Feedback = "feedback";

    /// <summary>The user asked to talk to staff (the dialog's text), and each message they write while handed over.</summary>
    public const string Handover = "handover";
    public const string HandoverMessage = "handover-message";
}

/// <summary>
/// A message the bot could not answer, kept for staff: the text (needed to answer it), language, channel, the
/// pseudonymous user id (never the address), the centre when known, and the bot's best candidates.
/// </summary>
public sealed class UnansweredQuestion
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string Channel { get; set; }
    public required string Language { get; set; }
    public required string Text { get; set; }
    public required string Reason { get; set; }
    public string? CentreId { get; set; }

    /// <summary>The bot's best candidates as JSON: <c>[{"id":"…","confidence":0.42}]</c>.</summary>
    public string CandidatesJson { get; set; } = "[]";

    /// <summary>The user agreed that staff contact them about it (feedback dialog); handover requests imply it.</summary>
    public bool ContactAllowed { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
