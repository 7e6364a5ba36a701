namespace Bot.Web.Data;

/// <summary>
/// A message the bot sent through a channel that reports delivery (WhatsApp through Twilio): its channel id
/// (MessageSid), the pseudonymous recipient and the furthest delivery status reported. No text, no address.
/// </summary>
public sealed class OutboundMessage
{
    public long Id { get; set; }
    public required string Channel { get; set; }
    public required string ExternalId { get; set; }

    /// <summary>Pseudonymous recipient id; empty when a status arrived before the send call returned.</summary>
    public string UserId { get; set; } = "";

    /// <summary>The channel's status word (queued, sent, delivered, read, undelivered, failed…).</summary>
    public string Status { get; set; } = "";

    /// <summary>Order of <see cref="Status"/> in a message's life: a report of a lower rank never replaces a higher one.</summary>
    public int StatusRank { get; set; }

    public int? ErrorCode { get; set; }

    /// <summary>Template (announcement type) when sent outside the 24-hour window; null for free text.</summary>
    public string? Template { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
