namespace Bot.Web.Data;

/// <summary>One Bot Builder state bag (conversation or user state), stored as JSON with a version for optimistic concurrency.</summary>
public sealed class StateEntry
{
    public required string Key { get; set; }
    public required string Data { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A person who wrote to the bot on one channel. <see cref="Id"/> is a keyed hash (HMAC) of channel + address,
/// the only identifier used anywhere else; the address itself is kept encrypted (Data Protection).
/// </summary>
public sealed class BotUser
{
    public required string Id { get; set; }
    public required string Channel { get; set; }
    public required string ProtectedAddress { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Since when the channel refuses to deliver to this user (blocked the bot); null when reachable.</summary>
    public DateTimeOffset? UnreachableSince { get; set; }

    /// <summary>Since when the user asked for no announcements at all (/stop, STOP…); null when they may receive them.</summary>
    public DateTimeOffset? AnnouncementsStoppedAt { get; set; }

    /// <summary>
    /// When the bot last wrote to this user outside their 24-hour customer-service window (a WhatsApp template):
    /// users with this in the last 24 hours count against the sender's daily business-initiated budget.
    /// </summary>
    public DateTimeOffset? LastBusinessInitiatedAt { get; set; }

    /// <summary>When the user allowed the bot to store their preferences (centre, subscriptions); null: not given.</summary>
    public DateTimeOffset? ConsentAt { get; set; }

    /// <summary>How consent was given, e.g. <c>telegram:dialog:welcome</c>.</summary>
    public string? ConsentMethod { get; set; }

    /// <summary>The user's community centre, when they chose one with consent: which centre's staff may see them.</summary>
    public string? CentreId { get; set; }

    /// <summary>Legal status answered in the eligibility dialog, kept only with consent (targets "only those eligible").</summary>
    public string? LegalStatus { get; set; }

    /// <summary>Year of birth worked out from the age answered in the eligibility dialog, kept only with consent.</summary>
    public int? BirthYear { get; set; }
}

/// <summary>Application secrets generated on first start (protected with Data Protection), e.g. the pseudonym key.</summary>
public sealed class AppSecret
{
    public required string Name { get; set; }
    public required string ProtectedValue { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
