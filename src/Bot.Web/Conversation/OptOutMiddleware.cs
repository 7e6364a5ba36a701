using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Conversation;

/// <summary>
/// A message that is exactly an opt-out or opt-in word (STOP, DUR, إيقاف… / START, BAŞLA, ابدأ… from
/// localization/opt-out.yaml) becomes the stop or resume command on every channel — the only way to unsubscribe on
/// WhatsApp, where there are no buttons. The word's language becomes the turn's language hint. A word that also
/// leaves a dialog (İPTAL) only leaves the dialog while one is in progress.
/// </summary>
public sealed class OptOutMiddleware(BotContent content, BotStateAccessors state) : Microsoft.Bot.Builder.IMiddleware
{
    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (activity.Type == ActivityTypes.Message && content.OptOut.Match(activity.Text) is { } word
            && !await LeavesADialogAsync(turnContext, activity.Text!, cancellationToken))
        {
            activity.Text = word.Stop ? BotCommands.StopAnnouncements : BotCommands.ResumeAnnouncements;
            if (word.Language is not null) activity.Locale = word.Language;
        }
        await next(cancellationToken);
    }

    /// <summary>"İptal" in the middle of a dialog leaves the dialog; it stops announcements only outside one.</summary>
    private async Task<bool> LeavesADialogAsync(ITurnContext turn, string text, CancellationToken ct)
    {
        var folded = OptOutWords.Normalize(text);
        var isCancel = Language.All.Any(l => content.Texts.GetList(l, TextKeys.CancelWords).Any(w => OptOutWords.Normalize(w) == folded));
        return isCancel && (await state.ConversationAsync(turn, ct)).Dialog is not null;
    }
}
