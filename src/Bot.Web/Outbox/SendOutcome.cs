namespace Bot.Web.Outbox;

/// <summary>What became of one attempt to send an outbox row, as the channel classifies it.</summary>
public abstract record SendOutcome
{
    /// <summary>The channel accepted the message (its id, for delivery reports).</summary>
    public sealed record Sent(string? ProviderMessageId) : SendOutcome;

    /// <summary>Final: the recipient blocked the bot, opted out, cannot be reached, or the message is refused for what it is.</summary>
    public sealed record Failed(string Error) : SendOutcome;

    /// <summary>Nothing was sent and it may pass: tried again later (at <paramref name="At"/> when the channel says when).</summary>
    public sealed record Retry(string Error, DateTimeOffset? At = null) : SendOutcome;

    /// <summary>Not an attempt: the channel cannot take it before <paramref name="Until"/> (WhatsApp's daily budget).</summary>
    public sealed record Deferred(DateTimeOffset Until) : SendOutcome;

    /// <summary>The request may have reached the provider (timeout): resolved by the channel, never blindly resent.</summary>
    public sealed record Unknown(string Error) : SendOutcome;

    /// <summary>Not sent: the recipient no longer wants or cannot get it (unsubscribed, stopped, deleted).</summary>
    public sealed record Skipped(string Reason) : SendOutcome;

    /// <summary>The row is no longer this instance's (cancelled, or claimed elsewhere after a lost lease): nothing to record.</summary>
    public sealed record Lost : SendOutcome;
}

/// <summary>Thrown by the "about to send" hook when the row was cancelled or taken over since it was claimed: nothing is sent.</summary>
public sealed class OutboxRowLostException(long id) : Exception($"Outbox row {id} is no longer held by this instance.");

/// <summary>
/// A channel the outbox sends through: the adapter's proactive send (limits, retries, WhatsApp window and budget),
/// with each failure classified, and how a row left in "sending" (crash, timeout) is resolved.
/// </summary>
public interface IOutboxChannel
{
    string Channel { get; }

    /// <summary>Sends one row; <paramref name="beforeAttempt"/> runs right before each request leaves (it records "sending").</summary>
    Task<SendOutcome> SendAsync(OutboxMessage row, Func<CancellationToken, Task> beforeAttempt, CancellationToken ct);

    /// <summary>
    /// A row found in "sending" after its lease ran out (the instance died mid-send, or the send timed out): whether it
    /// went out. <see cref="SendOutcome.Unknown"/> when that cannot be known now.
    /// </summary>
    Task<SendOutcome> ResolveAsync(OutboxMessage row, CancellationToken ct);

    /// <summary>False when the provider offers no way to find out afterwards (Telegram): an unknown outcome is final (ambiguous).</summary>
    bool CanResolve { get; }
}

/// <summary>Checks made just before sending a row of one kind (e.g. is the user still subscribed?): a reason to skip it, or null.</summary>
public interface IOutboxCheck
{
    string Kind { get; }

    Task<string?> SkipReasonAsync(OutboxMessage row, CancellationToken ct);
}
