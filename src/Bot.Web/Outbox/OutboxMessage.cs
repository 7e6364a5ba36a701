namespace Bot.Web.Outbox;

/// <summary>
/// One message the bot will send to one user on its own initiative (an announcement today; any feature may enqueue
/// one): who (pseudonymous id — never the address), on which channel, in which language, the rendered text and, for
/// WhatsApp outside the 24-hour window, the template and its variables; and where it is in its life
/// (<see cref="OutboxStatus"/>), with the lease of the dispatcher instance working on it.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>What the message is, e.g. <c>announcement</c>: decides the checks made just before sending.</summary>
    public required string Kind { get; set; }

    /// <summary>The id of what caused it (the announcement).</summary>
    public long ReferenceId { get; set; }

    public required string UserId { get; set; }
    public required string Channel { get; set; }
    public required string Language { get; set; }
    public required string Text { get; set; }

    /// <summary>WhatsApp template type (Twilio:Templates) used when the recipient is outside the 24-hour window.</summary>
    public string? TemplateType { get; set; }

    /// <summary>The template's variables as JSON (placeholder number → value).</summary>
    public string? TemplateVariables { get; set; }

    public OutboxStatus Status { get; set; }

    /// <summary>Send attempts that reached the point of calling the channel.</summary>
    public int Attempts { get; set; }

    /// <summary>Not claimed before this time (scheduled retry, or the WhatsApp budget freeing up).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The dispatcher instance holding the row (claimed or sending), until <see cref="ClaimedUntil"/>.</summary>
    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>When the latest attempt started (an ambiguous send is looked up from this time on).</summary>
    public DateTimeOffset? SendingAt { get; set; }

    /// <summary>The channel's message id (Telegram message_id, Twilio MessageSid).</summary>
    public string? ProviderMessageId { get; set; }

    /// <summary>Why it failed, was skipped or is retried: a short code (blocked, opted-out, timeout, http-500…), never a text or address.</summary>
    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>Where an outbox row is. Stored as a number; the order below is not a rank.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting to be sent (possibly claimed by an instance that is about to send it).</summary>
    Pending = 0,

    /// <summary>Committed just before the channel is called: if the instance dies now, the row is resolved, never blindly resent.</summary>
    Sending = 1,

    /// <summary>The channel accepted it (its message id is kept).</summary>
    Sent = 2,

    /// <summary>WhatsApp reported delivery.</summary>
    Delivered = 3,

    /// <summary>WhatsApp reported it read.</summary>
    Read = 4,

    /// <summary>A failure that may pass (rate limit, server error, connection refused): tried again at <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Retrying = 5,

    /// <summary>Will not be sent: blocked, opted out, unreachable, refused for its content, or attempts used up.</summary>
    Failed = 6,

    /// <summary>The request may or may not have reached the user (Telegram timeout or crash mid-send): reported, never resent.</summary>
    Ambiguous = 7,

    /// <summary>Not sent because the user no longer wants it (unsubscribed, stopped announcements, deleted their data) or cannot get it.</summary>
    Skipped = 8,

    /// <summary>Staff cancelled the broadcast before this row went out.</summary>
    Cancelled = 9,
}

public static class OutboxStatuses
{
    /// <summary>Rows still to be worked on (a broadcast with any of these is in flight).</summary>
    public static readonly OutboxStatus[] Open = [OutboxStatus.Pending, OutboxStatus.Sending, OutboxStatus.Retrying];

    /// <summary>Rows the channel accepted.</summary>
    public static readonly OutboxStatus[] Accepted = [OutboxStatus.Sent, OutboxStatus.Delivered, OutboxStatus.Read];
}
