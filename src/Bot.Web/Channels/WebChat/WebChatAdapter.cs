using Bot.Web.Conversation;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Channels.WebChat;

/// <summary>
/// The web chat channel: one HTTP request is one turn, and the bot's replies are returned in the response.
/// The browser's own id is turned into a pseudonymous user id before anything else sees it.
/// </summary>
public sealed class WebChatAdapter(TurnPipeline pipeline, UserDirectory users, WebChatMailbox mailbox, Operations.SenderLimiter limiter,
    Operations.WebChatUserLimiter requests)
    : ChannelAdapter(pipeline)
{
    public const string ChannelId = "webchat";
    private const string RepliesKey = "WebChat.Replies";

    /// <summary>
    /// Null when this browser's user may make this request; otherwise how long to wait. Every request counts against
    /// RateLimits:WebChatPerUserPerMinute, a message also against the per-sender message rate of every channel
    /// (RateLimits:MessagesPerSenderPerMinute, SenderBurst). Per user, never per address: someone else behind the
    /// same address is not held up.
    /// </summary>
    public async Task<TimeSpan?> RetryAfterAsync(string browserId, bool message, CancellationToken ct)
    {
        var userId = await users.IdOfAsync(ChannelId, browserId, ct);
        TimeSpan wait;
        if (requests.TryAcquire(userId, out wait) && (!message || limiter.TryAcquire(ChannelId, userId, out wait))) return null;
        Operations.BotMetrics.InboundDropped(ChannelId);
        return wait;
    }

    public async Task<IReadOnlyList<Activity>> ProcessAsync(WebChatInbound inbound, CancellationToken ct)
    {
        var userId = await users.TouchAsync(ChannelId, inbound.UserId, ct);
        var activity = WebChatMapping.ToActivity(inbound, userId, Clock.GetUtcNow());
        var replies = (await mailbox.TakeAsync(userId, ct)).ToList(); // staff answers waiting since the last visit come first
        await RunTurnAsync(activity, (turn, _) =>
        {
            turn.TurnState.Add(RepliesKey, replies);
            return Task.CompletedTask;
        }, ct);
        return replies;
    }

    /// <summary>Messages staff sent to this browser since it last asked (then forgotten on the server).</summary>
    public async Task<IReadOnlyList<Activity>> PendingAsync(string browserId, CancellationToken ct) =>
        await mailbox.TakeAsync(await users.IdOfAsync(ChannelId, browserId, ct), ct);

    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        var replies = turnContext.TurnState.Get<List<Activity>>(RepliesKey);
        if (replies is null)
        {
            // Not a reply to a request (a staff answer): it waits in the mailbox until the browser asks.
            var stored = activities.Where(a => a.Type == ActivityTypes.Message).ToList();
            await mailbox.PutAsync(turnContext.Activity.Conversation.Id, stored, cancellationToken);
            return stored.Select(a => new ResourceResponse(a.Id ??= Guid.NewGuid().ToString("N"))).ToArray();
        }
        var responses = new List<ResourceResponse>();
        foreach (var activity in activities)
        {
            if (activity.Type != ActivityTypes.Message) continue; // typing indicators etc. mean nothing in a request/response chat
            activity.Id ??= Guid.NewGuid().ToString("N");
            replies.Add(activity);
            responses.Add(new ResourceResponse(activity.Id));
        }
        return responses.ToArray();
    }
}

/// <summary>An inbound web chat message: the browser's id for the user, and typed text or a button's value.</summary>
public sealed record WebChatInbound(string UserId, string? Text, string? Value);

public sealed record WebChatReply(string Text, string Locale, string Direction, IReadOnlyList<WebChatButton> SuggestedActions);

public sealed record WebChatButton(string Title, string Value);

/// <summary>Pure translation between web chat payloads and Bot Builder activities.</summary>
public static class WebChatMapping
{
    public static Activity ToActivity(WebChatInbound inbound, string userId, DateTimeOffset now) => new()
    {
        Type = ActivityTypes.Message,
        Id = Guid.NewGuid().ToString("N"),
        ChannelId = WebChatAdapter.ChannelId,
        ServiceUrl = "webchat:",
        Conversation = new ConversationAccount(id: userId),
        From = new ChannelAccount(id: userId),
        Recipient = new ChannelAccount(id: "bot"),
        Text = inbound.Text ?? inbound.Value,
        Value = inbound.Value,
        Timestamp = now,
    };

    public static WebChatReply ToReply(Activity activity)
    {
        var locale = activity.Locale ?? Localization.Language.Turkish;
        var buttons = activity.SuggestedActions?.Actions?
            .Select(a => new WebChatButton(a.Title, a.Value?.ToString() ?? a.Title))
            .ToList() ?? [];
        return new WebChatReply(activity.Text ?? "", locale, Localization.Language.IsRightToLeft(locale) ? "rtl" : "ltr", buttons);
    }
}
