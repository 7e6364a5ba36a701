using Bot.Web.Channels;
using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Bot.Web.State;

namespace Bot.Web.Conversation;

/// <summary>
/// Decides the reply language of every turn and stamps it on every reply:
/// an explicit request ("Türkçe", "عربي", a language button) is obeyed and remembered; a message in Arabic
/// script is answered in Arabic; Latin text follows the user's own choice if they made one, else Turkish when it
/// reads as Turkish, else the language last used, else the language of the user's app when the channel tells it;
/// with nothing to go on, the bot asks in both languages.
/// </summary>
public sealed class LanguageMiddleware(BotStateAccessors state, BotContent content, Knowledge.KnowledgeService knowledge, DialogRuntime.DialogRunner dialogs)
    : Microsoft.Bot.Builder.IMiddleware
{
    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        if (turnContext.Activity.Type != ActivityTypes.Message)
        {
            await next(cancellationToken);
            return;
        }

        var profile = await state.ProfileAsync(turnContext, cancellationToken);
        var input = turnContext.Activity.Text ?? turnContext.Activity.Value?.ToString();
        var language = Decide(profile, input, turnContext.Activity.Locale, out var chosen);
        if (chosen && turnContext.Activity.Value is not null && input?.StartsWith("lang:", StringComparison.Ordinal) != true)
        {
            // A button whose value happens to name a language (an older list's "turkish" courses, the announcements'
            // "tr") is that button's choice; only the language buttons ("lang:…") and words typed change the language.
            language = Decide(profile, null, turnContext.Activity.Locale, out _) ?? language;
            chosen = false;
        }
        if (chosen && profile.LanguageChosen && profile.Language == language && (await state.ConversationAsync(turnContext, cancellationToken)).Dialog is not null)
        {
            // The language already chosen, asked for again inside a dialog: nothing changes, and the dialog treats it as
            // any other answer (asked again at most twice) instead of "OK, Turkish" + the same question forever.
            chosen = false;
        }
        if (chosen && await AnswersTheDialogAsync(turnContext, input!, profile, cancellationToken))
        {
            // A language named as the answer of the waiting step ("arapca" for the announcements' language, "تركي" for
            // Turkish courses) is that answer, not a switch of the interface: the turn keeps the person's language.
            language = profile.Language ?? Decide(new UserProfile(), null, turnContext.Activity.Locale, out _) ?? language;
            chosen = false;
        }

        if (language is null && BotCommands.IsCommand(input))
        {
            await next(cancellationToken); // STOP from someone new is obeyed at once (and confirmed in every language)
            return;
        }
        if (language is null && AsksSomething(input))
        {
            // A first question in Latin letters that shows no language (no Turkish letters or words) but that the
            // knowledge base recognises is answered at once, in Turkish: the question is never lost to "which language?".
            language = Language.Turkish;
        }
        if (language is null)
        {
            await AskAsync(turnContext, cancellationToken);
            return;
        }

        if (chosen)
        {
            profile.LanguageChosen = true;
            TurnLanguage.MarkChosen(turnContext);
        }
        // A one-off Arabic message from someone who chose Turkish is answered in Arabic, but does not change their choice.
        if (chosen || !profile.LanguageChosen) profile.Language = language;
        TurnLanguage.Set(turnContext, language);
        turnContext.OnSendActivities(async (ctx, activities, nextSend) =>
        {
            foreach (var a in activities) a.Locale ??= TurnLanguage.Get(ctx);
            return await nextSend();
        });
        await next(cancellationToken);
    }

    private string? Decide(UserProfile profile, string? input, string? channelLocale, out bool chosen)
    {
        chosen = false;
        var requested = content.Languages.RequestedLanguage(input);
        if (requested is not null)
        {
            chosen = true;
            return requested;
        }
        var detected = content.Languages.Detect(input);
        // Arabic written in Latin letters with digits for letters ("kifak, bde 23ref…") is Arabic, answered in Arabic script.
        if (detected.Strength != DetectionStrength.Strong && knowledge.Current.Arabizi?.IsArabizi(input) == true)
        {
            detected = new Detection(Language.Arabic, DetectionStrength.Strong);
        }
        if (detected.Language == Language.Arabic && detected.Strength == DetectionStrength.Strong) return Language.Arabic;
        if (profile.LanguageChosen && profile.Language is not null) return profile.Language;
        if (detected.Language is not null && detected.Strength == DetectionStrength.Strong) return detected.Language;
        if (profile.Language is not null) return profile.Language;
        if (detected.Language is not null) return detected.Language;
        // Last: the language of the user's app, when the channel tells it (Telegram does).
        return Language.IsSupported(channelLocale) ? channelLocale : null;
    }

    private async Task<bool> AnswersTheDialogAsync(ITurnContext turn, string input, UserProfile profile, CancellationToken ct)
    {
        if (input.StartsWith("lang:", StringComparison.Ordinal)) return false; // the language button of the menu
        var conversation = await state.ConversationAsync(turn, ct);
        if (conversation.Dialog is null) return false;
        return await dialogs.AcceptsAsync(turn, input, profile.Language ?? Language.Turkish, conversation, ct);
    }

    private bool AsksSomething(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || BotCommands.IsCommand(input)) return false;
        var understood = knowledge.Understand(input);
        return !understood.AsksNothing && understood.Main.Kind != Knowledge.MatchKind.Abstain;
    }

    private Task AskAsync(ITurnContext turn, CancellationToken ct)
    {
        var ask = AskActivity(content.Texts);
        if (string.IsNullOrWhiteSpace(turn.Activity.Text) && turn.Activity.Attachments?.Count > 0)
        {
            // A photo, voice note or sticker as the first message: say in both languages that only written messages are read.
            ask.Text = string.Join("\n\n", Language.All.Select(l => content.Texts.Get(l, TextKeys.MediaUnsupported))) + "\n\n" + ask.Text;
        }
        return turn.SendActivityAsync(ask, ct);
    }

    /// <summary>The question "which language?", asked in every language, with one button per language.</summary>
    public static IMessageActivity AskActivity(TextCatalog texts)
    {
        var reply = MessageFactory.Text(string.Join("\n\n", Language.All.Select(l => texts.Get(l, TextKeys.LanguageAsk))));
        ((Activity)reply).Properties[Language.AllLanguagesProperty] = true; // a channel's own hints are given in every language too
        reply.SuggestedActions = new SuggestedActions
        {
            Actions = Language.All
                .Select(l => new CardAction(ActionTypes.ImBack, texts.Get(l, TextKeys.LanguageName), value: "lang:" + l))
                .ToList(),
        };
        return reply;
    }
}
