using Bot.Web.Channels;
using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Bot.Web.State;

namespace Bot.Web.Conversation;

/// <summary>
/// A message that is exactly an opt-out or opt-in word (STOP, DUR, إيقاف… / START, BAŞLA, ابدأ… from
/// localization/opt-out.yaml) becomes the stop or resume command on every channel — the only way to unsubscribe on
/// WhatsApp, where there are no buttons. The word's language becomes the turn's language hint. While a dialog waits
/// for an answer its own answers are never keywords: a resume word ("devam") is left to the dialog, and so is a stop
/// word the waiting step accepts or a cancel word (İPTAL leaves the dialog); other stop words still stop at once.
/// </summary>
public sealed class OptOutMiddleware(BotContent content, BotStateAccessors state, DialogRuntime.DialogRunner dialogs) : Microsoft.Bot.Builder.IMiddleware
{
    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (activity.Type == ActivityTypes.Message && content.OptOut.Match(activity.Text) is { } word && !content.IsMenuCommand(activity.Text) // "/start" is the menu, not START with its slash dropped
            && !await BelongsToADialogAsync(turnContext, activity.Text!, word.Stop, cancellationToken))
        {
            activity.Text = word.Stop ? BotCommands.StopAnnouncements : BotCommands.ResumeAnnouncements;
            if (word.Language is not null) activity.Locale = word.Language;
        }
        await next(cancellationToken);
    }

    private async Task<bool> BelongsToADialogAsync(ITurnContext turn, string text, bool stop, CancellationToken ct)
    {
        var conversation = await state.ConversationAsync(turn, ct);
        if (conversation.Dialog is null) return false;
        if (!stop) return true;
        if (content.IsCancelWord(text)) return true;
        var language = (await state.ProfileAsync(turn, ct)).Language ?? Language.Turkish;
        return await dialogs.AcceptsAsync(turn, text, language, conversation, ct);
    }
}
