using Bot.Web.Privacy;
using Twilio.Exceptions;

namespace Bot.Web.Channels.WhatsApp;

/// <summary>
/// WhatsApp's way out for messages the bot starts itself, through Twilio with no turn: within the 24-hour window the
/// text, outside it the message's template, within the daily budget (a message over budget waits for it to free up).
/// A send whose outcome is unknown is looked up in Twilio's message log: found, it is recorded as sent; not found, it
/// is safe to send again.
/// </summary>
public sealed class WhatsAppChannelSender(WhatsAppAdapter adapter, WhatsAppSender sender, UserDirectory users) : IChannelSender, IChannelWindow
{
    public bool OutsideWindow(DateTimeOffset lastSeenAt, DateTimeOffset now) => now - lastSeenAt > WhatsAppAdapter.ServiceWindow;

    public Task<int> RemainingStartsAsync(CancellationToken ct) => adapter.RemainingBusinessInitiatedAsync(ct);

    /// <summary>Twilio's times have whole seconds, and its clock is not ours: a message created this much before our record counts.</summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(5);

    public string Channel => WhatsAppAdapter.ChannelId;

    public bool CanResolve => true;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, Func<CancellationToken, Task> beforeAttempt, CancellationToken ct)
    {
        var template = message.TemplateType is { } type
            ? new WhatsAppTemplate { Type = type, Variables = new(message.TemplateVariables ?? new Dictionary<string, string>()) }
            : null;
        try
        {
            return new SendOutcome.Sent(await adapter.SendStartedAsync(message.UserId, message.Language, message.Text, template, beforeAttempt, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Classify(e);
        }
    }

    public async Task<SendOutcome> ResolveAsync(OutgoingMessage message, DateTimeOffset sendingAt, CancellationToken ct)
    {
        var contact = await users.ContactAsync(message.UserId, ct);
        if (contact is null) return new SendOutcome.Unknown("no-address");
        try
        {
            var sid = await sender.FindSentAsync(contact.Address, sendingAt - ClockMargin, message.Text, ct);
            return sid is not null ? new SendOutcome.Sent(sid) : new SendOutcome.Retry("not-sent");
        }
        catch (Exception e) when (e is ApiException or ApiConnectionException or HttpRequestException)
        {
            return new SendOutcome.Unknown("lookup-failed"); // asked again later
        }
    }

    private static SendOutcome Classify(Exception e) => e switch
    {
        SendAbandonedException => new SendOutcome.Lost(),
        RecipientUnknownException => new SendOutcome.Failed("no-address"),
        _ when SendHooks.NeverLeft(e) => new SendOutcome.Retry("connection"),
        RecipientUnreachableException { OptedOut: true } => new SendOutcome.Failed("opted-out"),
        RecipientUnreachableException => new SendOutcome.Failed("unreachable"),
        BusinessInitiatedLimitException budget => new SendOutcome.Deferred(budget.RetryAt),
        MessageRejectedException { InnerException: ApiException api } => new SendOutcome.Failed($"rejected-{api.Code}"),
        MessageRejectedException => new SendOutcome.Failed("no-template"),
        OutsideServiceWindowException => new SendOutcome.Failed("outside-window"),
        ApiException api when api.Status == 429 || WhatsAppSender.SlowDownCodes.Contains(api.Code) => new SendOutcome.Retry($"rate-limited-{api.Code}"),
        ApiException { Status: >= 500 } api => new SendOutcome.Retry($"http-{api.Status}"),
        ApiException api => new SendOutcome.Failed($"rejected-{api.Code}"),
        _ => new SendOutcome.Unknown("no-answer"),
    };
}
