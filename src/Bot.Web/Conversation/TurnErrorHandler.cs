using Bot.Web.Data;
using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Bot.Web.State;

namespace Bot.Web.Conversation;

/// <summary>
/// The adapters' OnTurnError: logs the failure (never the message text), apologises in the user's language and
/// deletes the conversation state, so a broken flow cannot trap the user in a loop. A lost state race is only
/// logged: the replies have gone out and the other turn's state is the one kept.
/// </summary>
public sealed class TurnErrorHandler(ILogger<TurnErrorHandler> logger, BotStateAccessors state, BotContent content)
{
    /// <summary>Turn state flag of a turn the bot started itself: its errors go back to the caller.</summary>
    public const string ProactiveKey = "Bot.Proactive";

    public async Task HandleAsync(ITurnContext turn, Exception exception)
    {
        if (turn.TurnState.ContainsKey(ProactiveKey)) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        if (exception is Channels.ReplyNotSentException && Channels.InboundReplies.Current is not null)
        {
            // A reply did not go out: the stored update is run again later (replies already sent are skipped), rather
            // than apologised for over a channel that is failing.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        }
        if (exception is StateConflictException)
        {
            logger.LogWarning("Concurrent turns on channel {Channel}: this turn's state change was rejected, the other turn's kept",
                turn.Activity.ChannelId);
            return;
        }

        logger.LogError(exception, "Turn failed on channel {Channel} ({ActivityType})", turn.Activity.ChannelId, turn.Activity.Type);
        try
        {
            var language = TurnLanguage.Get(turn);
            await turn.SendActivityAsync(content.Texts.Get(language, TextKeys.ErrorApology));
        }
        catch (Exception sendError)
        {
            logger.LogError(sendError, "Could not send the apology on channel {Channel}", turn.Activity.ChannelId);
        }
        try
        {
            await state.ConversationState.DeleteAsync(turn);
        }
        catch (Exception clearError)
        {
            logger.LogError(clearError, "Could not clear the conversation state on channel {Channel}", turn.Activity.ChannelId);
        }
    }
}
