namespace Bot.Web.Channels;

/// <summary>
/// A message the bot starts itself, rendered and ready for one channel: who (pseudonymous id — never the address), in
/// which language, the text and, for WhatsApp outside the 24-hour window, the template and its variables.
/// <see cref="Reference"/> identifies it for delivery reports that come later (the web chat's "fetched").
/// </summary>
public sealed record OutgoingMessage(
    string Reference,
    string UserId,
    string Language,
    string Text,
    string? TemplateType = null,
    IReadOnlyDictionary<string, string>? TemplateVariables = null);

/// <summary>What became of one attempt to send a message the bot started itself, as its channel classifies it.</summary>
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

    /// <summary>The caller gave the message up right before it left (<see cref="SendAbandonedException"/>): nothing was sent.</summary>
    public sealed record Lost : SendOutcome;
}

/// <summary>Thrown by the "about to send" hook when the message must not go out after all (cancelled, or taken over elsewhere): nothing is sent.</summary>
public sealed class SendAbandonedException(string reference) : Exception($"The message {reference} is no longer to be sent by this instance.");

/// <summary>
/// One channel's way out for the messages the bot starts itself (announcements, staff answers, handover replies):
/// no turn, no conversation state — the channel's own limits, retries, window and budget, with every failure
/// classified. Each channel folder has one; the outbox sends through them.
/// </summary>
public interface IChannelSender
{
    string Channel { get; }

    /// <summary>Sends one message; <paramref name="beforeAttempt"/> runs right before each request leaves (it records "sending").</summary>
    Task<SendOutcome> SendAsync(OutgoingMessage message, Func<CancellationToken, Task> beforeAttempt, CancellationToken ct);

    /// <summary>
    /// A message left in "sending" (the instance died mid-send, or the send timed out) since <paramref name="sendingAt"/>:
    /// whether it went out. <see cref="SendOutcome.Unknown"/> when that cannot be known now.
    /// </summary>
    Task<SendOutcome> ResolveAsync(OutgoingMessage message, DateTimeOffset sendingAt, CancellationToken ct);

    /// <summary>False when the provider offers no way to find out afterwards (Telegram): an unknown outcome is final (ambiguous).</summary>
    bool CanResolve { get; }
}

/// <summary>
/// Told when a channel reports what became of a message after it was sent (WhatsApp's status callbacks; the web chat
/// when the browser fetched it): the outbox follows its rows with it. Channels call it; they do not know who listens.
/// </summary>
public interface IDeliveryReports
{
    /// <param name="channel">The channel.</param>
    /// <param name="providerMessageId">The id the channel gave the message when it was sent.</param>
    /// <param name="status">delivered, read, undelivered, failed.</param>
    /// <param name="errorCode">The provider's error code, if any.</param>
    /// <param name="ct">Cancellation.</param>
    Task ReportedAsync(string channel, string providerMessageId, string status, int? errorCode, CancellationToken ct);
}

/// <summary>
/// A channel on which the bot may write freely only for a while after the person last wrote, and afterwards only with
/// an approved template and a limited number of new conversations a day (WhatsApp's 24-hour window). Its sender
/// implements this; features ask it instead of naming the channel.
/// </summary>
public interface IChannelWindow
{
    /// <summary>True when someone last heard from at <paramref name="lastSeenAt"/> can only get a template now.</summary>
    bool OutsideWindow(DateTimeOffset lastSeenAt, DateTimeOffset now);

    /// <summary>How many more people outside their window the bot may write to today.</summary>
    Task<int> RemainingStartsAsync(CancellationToken ct);
}

/// <summary>The kinds of message that go as an approved template outside a channel's window (their variables are the kind's own).</summary>
public static class MessageTemplates
{
    public const string CourseAnnouncement = "course-announcement";
    /// <summary>A staff answer outside the window (Twilio:Templates:staff-answer; variables 1 = question, 2 = answer).</summary>
    public const string StaffAnswer = "staff-answer";
}
