using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Conversation;

/// <summary>
/// A message that is exactly an opt-out or opt-in word (STOP, DUR, إيقاف… / START, BAŞLA, ابدأ… from
/// localization/opt-out.yaml) becomes the stop or resume command on every channel — the only way to unsubscribe on
/// WhatsApp, where there are no buttons. The word's language becomes the turn's language hint.
/// </summary>
public sealed class OptOutMiddleware(BotContent content) : Microsoft.Bot.Builder.IMiddleware
{
    public Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (activity.Type == ActivityTypes.Message && content.OptOut.Match(activity.Text) is { } word)
        {
            activity.Text = word.Stop ? BotCommands.StopAnnouncements : BotCommands.ResumeAnnouncements;
            if (word.Language is not null) activity.Locale = word.Language;
        }
        return next(cancellationToken);
    }
}
