using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.DialogRuntime;

/// <summary>The main menu (dialogs/menu.yaml) as a message with one suggested action per option.</summary>
public static class MainMenu
{
    public static IMessageActivity Build(BotContent content, string language)
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
