using Bot.Web.Channels;
using System.Text.Json;
using Bot.Web.Conversation;
using Bot.Web.Localization;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;

namespace Bot.Web.Channels.WhatsApp;

/// <summary>
/// The WhatsApp channel through Twilio: one turn per inbound message (after the inbox), with a numbered reply picking
/// one of the choices last shown; replies go out through Twilio's REST API as text (choices as a numbered list, long
/// texts split at 1,600 characters). Outside the 24-hour customer-service window it sends only the message's
/// approved template, within the daily budget of business-initiated conversations, and refuses free text.
/// </summary>
public sealed class WhatsAppAdapter(
    TurnPipeline pipeline,
    UserDirectory users,
    WhatsAppSender sender,
    BotContent content,
    IOptions<TwilioOptions> options,
    ILogger<WhatsAppAdapter> logger)
    : ChannelAdapter(pipeline), IInboundProcessor
{
    public const string ChannelId = "whatsapp";

    /// <summary>The window is 24 hours from the user's last message; a small margin covers our processing delay.</summary>
    public static readonly TimeSpan ServiceWindow = TimeSpan.FromHours(24) - TimeSpan.FromMinutes(5);

    private static readonly TimeSpan BudgetPeriod = TimeSpan.FromHours(24);
    private readonly SemaphoreSlim _budgetLock = new(1, 1);

    string IInboundProcessor.Channel => ChannelId;

    /// <summary>Hands a received message to the inbox (false: already received, a Twilio retry).</summary>
    public async Task<bool> AcceptAsync(ChannelInbox inbox, WhatsAppInbound inbound, CancellationToken ct)
    {
        var sender = await users.IdOfAsync(ChannelId, inbound.Address, ct);
        return await inbox.AcceptAsync(ChannelId, inbound.MessageSid, sender, JsonSerializer.Serialize(inbound), ct);
    }

    async Task IInboundProcessor.ProcessAsync(string payload, CancellationToken ct)
    {
        var slowDown = SlowDownNotice.IsMarked(payload, out payload); // the first message of a flood: only the notice
        var inbound = JsonSerializer.Deserialize<WhatsAppInbound>(payload)!;
        var userId = await users.TouchAsync(ChannelId, inbound.Address, ct); // also opens the 24-hour window
        var activity = WhatsAppMapping.ToActivity(inbound, userId, Clock.GetUtcNow());
        if (slowDown) SlowDownNotice.Apply(activity);
        await RunTurnAsync(activity, async (turn, c) =>
        {
            if (slowDown) return;
            var conversation = await ChannelMemoryAsync(turn, c);
            if (WhatsAppMapping.ResolveChoice(activity.Text ?? "", conversation.Choices) is { } value)
            {
                activity.Text = value;
                activity.Value = value;
            }
        }, ct);
    }

    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        var userId = turnContext.Activity.Conversation.Id;
        var contact = await users.ContactAsync(userId, cancellationToken)
            ?? throw new RecipientUnknownException("No WhatsApp number is known for this user.");
        var responses = new List<ResourceResponse>();
        var proactive = turnContext.TurnState.ContainsKey(TurnErrorHandler.ProactiveKey);
        var beforeAttempt = SendHooks.BeforeAttempt(turnContext);
        foreach (var activity in activities.Where(a => a.Type == ActivityTypes.Message))
        {
            var language = Language.IsSupported(activity.Locale) ? activity.Locale! : (await State.ProfileAsync(turnContext, cancellationToken)).Language ?? Language.Turkish;
            var conversation = await ChannelMemoryAsync(turnContext, cancellationToken);
            var choices = WhatsAppMapping.Choices(activity);
            // An announcement without choices leaves the numbered choices of a dialog in progress as they were.
            if (choices.Count > 0 || !proactive) conversation.Choices = choices;
            if (Clock.GetUtcNow() - contact.LastInboundAt > ServiceWindow)
            {
                var sid = await SendTemplateAsync(userId, contact, WhatsAppTemplate.From(activity), language, beforeAttempt, cancellationToken);
                responses.Add(new ResourceResponse(sid));
                continue;
            }
            var text = WhatsAppMapping.Render(activity, WhatsAppMapping.Hint(activity, language, content.Texts));
            string? last = null;
            foreach (var part in WhatsAppMapping.Split(text))
            {
                try
                {
                    last = (await sender.SendAsync(userId, contact.Address, m => m.Body = part, null, cancellationToken, beforeAttempt)).Sid;
                }
                catch (RecipientUnreachableException) when (turnContext.Activity.Type == ActivityTypes.Message)
                {
                    return responses.ToArray(); // in a reply: the rest would fail alike; marked by the sender
                }
                catch (Exception e) when (!proactive && e is not RecipientUnreachableException && e is not OperationCanceledException)
                {
                    // Still failing after the sender's retries: the turn is run again later by the inbox, which skips
                    // the replies already sent (a reply is never silently lost).
                    throw new ReplyNotSentException("A WhatsApp reply could not be sent after retries.", e);
                }
            }
            responses.Add(new ResourceResponse(last));
        }
        logger.LogDebug("Sent {Count} message(s) on WhatsApp", responses.Count);
        return responses.ToArray();
    }

    /// <summary>
    /// A message the bot starts itself, without a turn (<see cref="WhatsAppChannelSender"/>): its text within the 24-hour
    /// window (split at 1,600 characters), else its template within the daily budget. Failures reach the caller.
    /// </summary>
    /// <returns>The MessageSid of the last part.</returns>
    public async Task<string?> SendStartedAsync(string userId, string language, string text, WhatsAppTemplate? template,
        Func<CancellationToken, Task> beforeAttempt, CancellationToken ct)
    {
        var contact = await users.ContactAsync(userId, ct) ?? throw new RecipientUnknownException("No WhatsApp number is known for this user.");
        if (Clock.GetUtcNow() - contact.LastInboundAt > ServiceWindow) return await SendTemplateAsync(userId, contact, template, language, beforeAttempt, ct);
        string? last = null;
        foreach (var part in WhatsAppMapping.Split(text))
        {
            last = (await sender.SendAsync(userId, contact.Address, m => m.Body = part, null, ct, beforeAttempt)).Sid;
        }
        return last;
    }

    /// <summary>Outside the window: the message's template (ContentSid for the user's language), within the daily budget.</summary>
    private async Task<string?> SendTemplateAsync(string userId, Contact contact, WhatsAppTemplate? template, string language,
        Func<CancellationToken, Task>? beforeAttempt, CancellationToken ct)
    {
        if (template is null) throw new OutsideServiceWindowException(contact.LastInboundAt);
        var sids = options.Value.Templates.GetValueOrDefault(template.Type)
            ?? throw new MessageRejectedException($"No WhatsApp template is configured for '{template.Type}' (Twilio:Templates:{template.Type}:<language>).");
        var contentSid = sids.GetValueOrDefault(language) ?? sids.Values.First();
        await _budgetLock.WaitAsync(ct);
        try
        {
            var now = Clock.GetUtcNow();
            var since = now - BudgetPeriod;
            var counted = contact.LastBusinessInitiatedAt > since; // already counted today: no new conversation
            if (!counted && await users.BusinessInitiatedSinceAsync(since, ct) >= options.Value.DailyBusinessInitiatedLimit)
            {
                var oldest = await users.OldestBusinessInitiatedSinceAsync(since, ct) ?? now;
                throw new BusinessInitiatedLimitException(oldest + BudgetPeriod);
            }
            var sent = await sender.SendAsync(userId, contact.Address, m =>
            {
                m.ContentSid = contentSid;
                m.ContentVariables = JsonSerializer.Serialize(template.Variables);
            }, template.Type, ct, beforeAttempt);
            await users.MarkBusinessInitiatedAsync(userId, ct);
            return sent.Sid;
        }
        finally
        {
            _budgetLock.Release();
        }
    }

    /// <summary>Recipients the bot may still reach outside their window today (what the announcement outbox plans with).</summary>
    public async Task<int> RemainingBusinessInitiatedAsync(CancellationToken ct) =>
        Math.Max(0, options.Value.DailyBusinessInitiatedLimit - await users.BusinessInitiatedSinceAsync(Clock.GetUtcNow() - BudgetPeriod, ct));
}
