using System.Text.Json;
using Bot.Web.Channels;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Conversation;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Telegram.Bot.Exceptions;
using Twilio.Exceptions;

namespace Bot.Web.Outbox;

/// <summary>
/// Sends a row as a message the bot starts itself through the channel's adapter (<c>ContinueConversationAsync</c>:
/// the conversation's lock, the channel's limits and retries, WhatsApp's window and budget), with the "about to send"
/// hook in the turn state, and classifies what the channel says.
/// </summary>
public abstract class AdapterOutboxChannel(ChannelAdapter adapter, TimeProvider clock) : IOutboxChannel
{
    public abstract string Channel { get; }

    public abstract bool CanResolve { get; }

    protected TimeProvider Clock => clock;

    public async Task<SendOutcome> SendAsync(OutboxMessage row, Func<CancellationToken, Task> beforeAttempt, CancellationToken ct)
    {
        string? providerId = null;
        var reference = new ConversationReference
        {
            ChannelId = row.Channel,
            Conversation = new ConversationAccount(id: row.UserId),
            User = new ChannelAccount(id: row.UserId),
            Bot = new ChannelAccount(id: "bot"),
        };
        try
        {
            await adapter.ContinueConversationAsync("bot", reference, async (turn, c) =>
            {
                turn.TurnState[SendHooks.BeforeAttemptKey] = beforeAttempt;
                providerId = (await turn.SendActivityAsync(Message(row), c))?.Id;
            }, ct);
            return new SendOutcome.Sent(providerId);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return e is OutboxRowLostException ? new SendOutcome.Lost() : Classify(e);
        }
    }

    public abstract Task<SendOutcome> ResolveAsync(OutboxMessage row, CancellationToken ct);

    /// <summary>The row as a message: its text in its language, and (WhatsApp) the template to use outside the 24-hour window.</summary>
    protected virtual IMessageActivity Message(OutboxMessage row)
    {
        var message = MessageFactory.Text(row.Text);
        message.Locale = row.Language;
        return message;
    }

    /// <summary>What a failure means for this row: final, worth a retry, or of unknown outcome.</summary>
    protected abstract SendOutcome Classify(Exception e);

    /// <summary>Failures both channels share: the user is gone (deleted their data), or the request never left.</summary>
    protected static SendOutcome? Common(Exception e) => e switch
    {
        RecipientUnknownException => new SendOutcome.Failed("no-address"),
        _ when SendHooks.NeverLeft(e) => new SendOutcome.Retry("connection"),
        _ => null,
    };
}

/// <summary>
/// Telegram: the Bot API has no idempotency key and no way to list sent messages, so a send whose outcome is unknown
/// (a timeout, or the process died between "sending" and the answer) is never repeated: at most once, reported as
/// ambiguous.
/// </summary>
public sealed class TelegramOutboxChannel(TelegramAdapter adapter, TimeProvider clock) : AdapterOutboxChannel(adapter, clock)
{
    public override string Channel => TelegramAdapter.ChannelId;

    public override bool CanResolve => false;

    public override Task<SendOutcome> ResolveAsync(OutboxMessage row, CancellationToken ct) =>
        Task.FromResult<SendOutcome>(new SendOutcome.Unknown("interrupted"));

    protected override SendOutcome Classify(Exception e) => Common(e) ?? e switch
    {
        RecipientUnreachableException { InnerException: ApiRequestException { ErrorCode: 403 } } => new SendOutcome.Failed("blocked"),
        RecipientUnreachableException => new SendOutcome.Failed("chat-not-found"),
        ApiRequestException { ErrorCode: 429 } api => new SendOutcome.Retry("rate-limited", Clock.GetUtcNow().AddSeconds(Math.Max(1, api.Parameters?.RetryAfter ?? 1))),
        ApiRequestException { ErrorCode: >= 500 } api => new SendOutcome.Retry($"http-{api.ErrorCode}"),
        ApiRequestException api => new SendOutcome.Failed($"rejected-{api.ErrorCode}"),
        _ => new SendOutcome.Unknown("no-answer"),
    };
}

/// <summary>
/// WhatsApp through Twilio: outside the 24-hour window the announcement's template goes instead of the text, within
/// the daily budget (a row over budget waits for it to free up). A send whose outcome is unknown is looked up in
/// Twilio's message log: found, it is recorded as sent; not found, it is safe to send again.
/// </summary>
public sealed class WhatsAppOutboxChannel(WhatsAppAdapter adapter, WhatsAppSender sender, UserDirectory users, TimeProvider clock)
    : AdapterOutboxChannel(adapter, clock)
{
    /// <summary>Twilio's times have whole seconds, and its clock is not ours: a message created this much before our record counts.</summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(5);

    public override string Channel => WhatsAppAdapter.ChannelId;

    public override bool CanResolve => true;

    protected override IMessageActivity Message(OutboxMessage row)
    {
        var message = base.Message(row);
        if (row.TemplateType is { } type)
        {
            var variables = JsonSerializer.Deserialize<Dictionary<string, string>>(row.TemplateVariables ?? "{}") ?? [];
            WhatsAppTemplate.Attach(message, type, variables);
        }
        return message;
    }

    public override async Task<SendOutcome> ResolveAsync(OutboxMessage row, CancellationToken ct)
    {
        var contact = await users.ContactAsync(row.UserId, ct);
        if (contact is null || row.SendingAt is not { } started) return new SendOutcome.Unknown("no-address");
        try
        {
            var sid = await sender.FindSentAsync(contact.Address, started - ClockMargin, row.Text, ct);
            return sid is not null ? new SendOutcome.Sent(sid) : new SendOutcome.Retry("not-sent");
        }
        catch (Exception e) when (e is ApiException or ApiConnectionException or HttpRequestException)
        {
            return new SendOutcome.Unknown("lookup-failed"); // asked again later
        }
    }

    protected override SendOutcome Classify(Exception e) => Common(e) ?? e switch
    {
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

/// <summary>
/// The web chat: it cannot be reached while the page is closed, so a message the bot starts itself (an announcement)
/// waits in the person's web-chat mailbox (encrypted) and is shown the next time the chat is opened — the way staff
/// answers reach the web chat. A row left in "sending" by a crash cannot be checked afterwards: reported as uncertain.
/// </summary>
public sealed class WebChatOutboxChannel(Feedback.WebChatMailbox mailbox) : IOutboxChannel
{
    public string Channel => Channels.WebChat.WebChatAdapter.ChannelId;

    public bool CanResolve => false;

    public async Task<SendOutcome> SendAsync(OutboxMessage row, Func<CancellationToken, Task> beforeAttempt, CancellationToken ct)
    {
        await beforeAttempt(ct);
        var message = (Activity)MessageFactory.Text(row.Text);
        message.Locale = row.Language;
        await mailbox.PutAsync(row.UserId, [message], ct);
        return new SendOutcome.Sent(null);
    }

    public Task<SendOutcome> ResolveAsync(OutboxMessage row, CancellationToken ct) =>
        Task.FromResult<SendOutcome>(new SendOutcome.Unknown("interrupted"));
}
