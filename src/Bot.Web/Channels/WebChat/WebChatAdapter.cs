using Bot.Web.Conversation;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Channels.WebChat;

/// <summary>
/// The web chat channel: one HTTP request is one turn, and the bot's replies are returned in the response.
/// The browser's own id is turned into a pseudonymous user id before anything else sees it.
/// </summary>
public sealed class WebChatAdapter(TurnPipeline pipeline, UserDirectory users) : ChannelAdapter(pipeline)
{
    public const string ChannelId = "webchat";
    private const string RepliesKey = "WebChat.Replies";

    public async Task<IReadOnlyList<Activity>> ProcessAsync(WebChatInbound inbound, CancellationToken ct)
    {
        var userId = await users.TouchAsync(ChannelId, inbound.UserId, ct);
        var activity = WebChatMapping.ToActivity(inbound, userId, Clock.GetUtcNow());
        var replies = new List<Activity>();
        await RunTurnAsync(activity, (turn, _) =>
        {
            turn.TurnState.Add(RepliesKey, replies);
            return Task.CompletedTask;
        }, ct);
        return replies;
    }

    public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        var replies = turnContext.TurnState.Get<List<Activity>>(RepliesKey)
            ?? throw new InvalidOperationException("Web chat replies can only be sent during a web chat turn.");
        var responses = new List<ResourceResponse>();
        foreach (var activity in activities)
        {
            if (activity.Type != ActivityTypes.Message) continue; // typing indicators etc. mean nothing in a request/response chat
            activity.Id ??= Guid.NewGuid().ToString("N");
            replies.Add(activity);
            responses.Add(new ResourceResponse(activity.Id));
        }
        return Task.FromResult(responses.ToArray());
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
