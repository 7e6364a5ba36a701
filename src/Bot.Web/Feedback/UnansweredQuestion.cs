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

    /// <summary>What staff wrote back in a handover conversation (shown in the conversation, not in the queue).</summary>
    public const string HandoverReply = "handover-reply";

    public static readonly IReadOnlyList<string> Conversation = [Handover, HandoverMessage, HandoverReply];
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

    /// <summary>The report's category (<see cref="QueueCategories"/>), set automatically, correctable by staff.</summary>
    public string Category { get; set; } = QueueCategories.Information;

    /// <summary>question, feedback, suggestion or complaint (<see cref="QueueTypes"/>), correctable by staff.</summary>
    public string Type { get; set; } = QueueTypes.Question;

    /// <summary>new, in-progress, answered, dismissed (<see cref="QueueStatus"/>).</summary>
    public string Status { get; set; } = QueueStatus.New;

    /// <summary>The id of the group's first item: similar items (any language) share it and are answered together.</summary>
    public long? GroupId { get; set; }

    /// <summary>What the text means for grouping: concept ids and content words (no personal data beyond the text's words).</summary>
    public string Signature { get; set; } = "";

    public string? AssignedTo { get; set; }
    public string? Notes { get; set; }
    public string? DismissReason { get; set; }

    /// <summary>The answer sent to the asker (staff's text or a knowledge entry's), who sent it, when, and how delivery went.</summary>
    public string? Answer { get; set; }
    public string? AnswerEntryId { get; set; }
    public string? AnsweredBy { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public string? Delivery { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the retention job removed the texts (resolved items older than Feedback:RetentionDays).</summary>
    public DateTimeOffset? AnonymisedAt { get; set; }
}

/// <summary>The community-meeting report's feedback categories, plus out-of-scope.</summary>
public static class QueueCategories
{
    public const string LegalRights = "legal-rights";
    public const string Employment = "employment";
    public const string Information = "information";
    public const string SocialCohesion = "social-cohesion";
    public const string OtherActivities = "other-activities";
    public const string Coordination = "coordination";
    public const string OutOfScope = "out-of-scope";

    public static readonly IReadOnlyList<string> All = [LegalRights, Employment, Information, SocialCohesion, OtherActivities, Coordination, OutOfScope];
}

public static class QueueTypes
{
    public const string Question = "question";
    public const string Feedback = "feedback";
    public const string Suggestion = "suggestion";
    public const string Complaint = "complaint";

    public static readonly IReadOnlyList<string> All = [Question, Feedback, Suggestion, Complaint];

    public static string Of(string reason) => reason switch
    {
        QueueReason.Complaint => Complaint,
        QueueReason.Suggestion => Suggestion,
        QueueReason.Feedback => Feedback,
        _ => Question,
    };
}

public static class QueueStatus
{
    public const string New = "new";
    public const string InProgress = "in-progress";
    public const string Answered = "answered";
    public const string Dismissed = "dismissed";

    public static readonly IReadOnlyList<string> All = [New, InProgress, Answered, Dismissed];

    public static bool IsOpen(string status) => status is New or InProgress;
}
