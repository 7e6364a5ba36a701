namespace Bot.Web.Data;

/// <summary>
/// An update received from a channel, kept until its turn has run: the row is written before the webhook answers,
/// so a redelivery (same channel and external id) is recognised and processed once, and an update received just
/// before a crash is processed after the restart. The payload (which holds the message) is cleared once handled.
/// </summary>
public sealed class InboundUpdate
{
    public long Id { get; set; }
    public required string Channel { get; set; }
    public required string ExternalId { get; set; }

    /// <summary>The pseudonymous id of the sender: one sender's updates are processed in order.</summary>
    public string Sender { get; set; } = "";

    /// <summary>The update as received, encrypted (Data Protection); null once handled.</summary>
    public string? Payload { get; set; }
    public InboundStatus Status { get; set; }
    public int Attempts { get; set; }

    /// <summary>While <see cref="InboundStatus.Processing"/>: until when the instance that claimed it may keep it (after a crash, others take it over).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    /// <summary>
    /// How many of the turn's reply messages are confirmed sent: a turn run again after a crash (or a failed send)
    /// skips them, so that each reply arrives once — only a send whose outcome was unknown may arrive twice.
    /// </summary>
    public int RepliesSent { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? HandledAt { get; set; }
}

public enum InboundStatus
{
    Pending = 0,
    Handled = 1,
    Failed = 2,

    /// <summary>Claimed by one app instance, which is running its turn.</summary>
    Processing = 3,

    /// <summary>Not processed: its sender was over the message rate limit (RateLimits:MessagesPerSenderPerMinute).</summary>
    Dropped = 4,

    /// <summary>
    /// No longer written (kept for old rows): a turn cut short by a crash is now run again, skipping the replies
    /// already confirmed sent (<see cref="InboundUpdate.RepliesSent"/>).
    /// </summary>
    Interrupted = 5,
}
