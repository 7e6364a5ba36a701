using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Conversation;

/// <summary>
/// The one bot behind every channel. Until the knowledge base is in, it greets, shows the menu and says it is learning.
/// </summary>
public sealed class SegBot(BotStateAccessors state, BotContent content) : ActivityHandler
{
    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var language = TurnLanguage.Get(turnContext);
        var texts = content.Texts;
        var profile = await state.ProfileAsync(turnContext, cancellationToken);
        var conversation = await state.ConversationAsync(turnContext, cancellationToken);
        conversation.Turns++;
        var input = (turnContext.Activity.Text ?? turnContext.Activity.Value?.ToString() ?? "").Trim();

        if (TurnLanguage.JustChosen(turnContext))
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(texts.Get(language, TextKeys.LanguageSet)), cancellationToken);
        }
        else if (!profile.Greeted)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(texts.Get(language, TextKeys.GreetingFirst)), cancellationToken);
        }
        else if (!IsMenuCommand(input, language))
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(texts.Get(language, TextKeys.Learning)), cancellationToken);
        }
        profile.Greeted = true;
        await turnContext.SendActivityAsync(Menu(language), cancellationToken);
    }

    private bool IsMenuCommand(string input, string language)
    {
        var folded = LanguageDetector.Fold(input);
        return Language.All.Any(l => content.Texts.GetList(l, TextKeys.MenuCommands).Any(c => LanguageDetector.Fold(c) == folded));
    }

    /// <summary>The main menu as a message with one suggested action per option.</summary>
    public IMessageActivity Menu(string language)
    {
        var reply = MessageFactory.Text(content.Texts.Get(language, content.Menu.Prompt));
        reply.SuggestedActions = new SuggestedActions
        {
            Actions = content.Menu.Options
                .Select(o => new CardAction(ActionTypes.ImBack, content.Texts.Get(language, o.TextKey), value: o.Value))
                .ToList(),
        };
        return reply;
    }
}
