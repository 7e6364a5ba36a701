using System.Security.Cryptography;
using System.Text;
using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Bot.Web.State;

namespace Bot.Web.Conversation;

/// <summary>
/// No bot message three times in a row: when a reply would be the same text as the two before it (someone writing
/// "?" again and again, a step asked again, "menu" three times), a way out comes first — write it differently, the
/// menu, or a member of staff — and then what was asked. Only a hash of the last reply is kept in conversation state,
/// never its text.
/// </summary>
public sealed class RepeatGuardMiddleware(BotStateAccessors state, BotContent content) : Microsoft.Bot.Builder.IMiddleware
{
    public const int MaxRepeats = 2;

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        if (turnContext.Activity.Type == ActivityTypes.Message)
        {
            // Asking for the same thing again (the same message, a menu word, a photo again) gets the same answer again:
            // the person chose to repeat. Only the bot repeating itself at someone saying different things is broken.
            var conversation = await state.ConversationAsync(turnContext, cancellationToken);
            var input = turnContext.Activity.Text ?? (turnContext.Activity.Attachments?.Count > 0 ? "\u0001media" : "");
            var repeated = Hash(input) == conversation.LastInput || content.IsMenuCommand(input);
            conversation.LastInput = Hash(input);
            turnContext.OnSendActivities(async (ctx, activities, nextSend) =>
            {
                foreach (var activity in activities.Where(a => a.Type == ActivityTypes.Message && !string.IsNullOrEmpty(a.Text)))
                {
                    var hash = Hash(activity.Text);
                    conversation.LastReplyRepeats = conversation.LastReply == hash ? conversation.LastReplyRepeats + 1 : 1;
                    conversation.LastReply = hash;
                    if (conversation.LastReplyRepeats <= MaxRepeats || repeated) continue;
                    var languages = Language.IsInAllLanguages(activity) || !TurnLanguage.IsKnown(ctx) ? Language.All : [TurnLanguage.Get(ctx)];
                    activity.Text = string.Join("\n\n", languages.Select(l => content.Texts.Get(l, TextKeys.RepeatWayOut))) + "\n\n" + activity.Text;
                    conversation.LastReply = Hash(activity.Text);
                    conversation.LastReplyRepeats = 1;
                }
                return await nextSend();
            });
        }
        await next(cancellationToken);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 12);
}
