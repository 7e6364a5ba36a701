using Bot.Web.Channels;
using Bot.Web.DialogRuntime;
using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Bot.Web.State;

namespace Bot.Web.Conversation;

/// <summary>
/// The one bot behind every channel: greets newcomers, answers from the knowledge base (or asks which entry was
/// meant, or says honestly that it does not know yet and records the question for staff), and shows the menu.
/// </summary>
public sealed class SegBot(
    BotStateAccessors state,
    BotContent content,
    KnowledgeService knowledge,
    AnswerRenderer answers,
    CentreDirectory centres,
    FeedbackRecorder feedback,
    Privacy.UserDirectory users,
    DialogRuntime.DialogRunner dialogs,
    Announcements.SubscriptionStore subscriptions,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptionsMonitor<ConversationOptions> options,
    ConversationTexts texts) : ActivityHandler
{
    private const string WelcomeDialog = "welcome";
    private const string SubscribeDialog = "subscribe";

    private const string GreetingEntry = KnowledgeSnapshot.GreetingEntry;

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var language = TurnLanguage.Get(turnContext);
        var profile = await state.ProfileAsync(turnContext, cancellationToken);
        var conversation = await state.ConversationAsync(turnContext, cancellationToken);
        conversation.Turns++;
        var input = (turnContext.Activity.Text ?? turnContext.Activity.Value?.ToString() ?? "").Trim();
        var pending = conversation.Clarification;
        conversation.Clarification = null;

        if (BotCommands.IsCommand(input))
        {
            await OnAnnouncementsCommandAsync(turnContext, input, language, profile, conversation, cancellationToken);
            return;
        }
        if (input.Length == 0 && turnContext.Activity.Attachments?.Count > 0)
        {
            // A photo, voice note or document without words: the bot reads text only (a dialog keeps its place).
            await SayAsync(turnContext, content.Texts.Get(language, TextKeys.MediaUnsupported), cancellationToken);
            return;
        }
        if (profile.HandoverSince is { } since && await feedback.HandedBackAsync(turnContext.Activity.From.Id, since, cancellationToken))
        {
            // Staff handed the conversation back (and told the person so through the outbox): the bot answers again.
            profile.HandoverSince = null;
            profile.HandoverAcknowledged = false;
        }
        if (profile.HandoverSince is not null)
        {
            await OnHandedOverAsync(turnContext, input, profile, language, cancellationToken);
            return;
        }
        if (conversation.Dialog is not null && await OnDialogAnswerAsync(turnContext, input, profile, conversation, language, cancellationToken))
        {
            return;
        }
        if (TurnLanguage.JustChosen(turnContext))
        {
            await SayAsync(turnContext, content.Texts.Get(language, TextKeys.LanguageSet), cancellationToken);
            if (!profile.Greeted)
            {
                profile.Greeted = true;
                await dialogs.BeginAsync(turnContext, WelcomeDialog, language, profile, conversation, cancellationToken);
                return;
            }
            await turnContext.SendActivityAsync(Menu(language), cancellationToken);
            return;
        }
        if (input.StartsWith(AnswerRenderer.EntryValuePrefix, StringComparison.Ordinal))
        {
            await OnEntryChosenAsync(turnContext, input[AnswerRenderer.EntryValuePrefix.Length..], pending, profile, conversation, language, cancellationToken);
            return;
        }
        if (MenuOptionOf(input) is { } option)
        {
            await OnMenuOptionAsync(turnContext, option, profile, conversation, language, cancellationToken);
            return;
        }
        var menu = content.IsMenuCommand(input);
        if (menu && profile.Greeted)
        {
            await turnContext.SendActivityAsync(Menu(language), cancellationToken);
            return;
        }
        // The message as read (once per turn: the first-contact check and the answer use the same reading).
        var (understood, matchTime) = menu ? (Understanding.Nothing, TimeSpan.Zero) : Read(input, conversation);
        if (!profile.Greeted && (menu || understood.Main.AnswerId == GreetingEntry))
        {
            // First contact with a hello (not a question) or "menu": the welcome — privacy notice and consent, language, centre, menu.
            profile.Greeted = true;
            await dialogs.BeginAsync(turnContext, WelcomeDialog, language, profile, conversation, cancellationToken);
            return;
        }
        await AnswerQuestionAsync(turnContext, input, understood, matchTime, profile, conversation, language, cancellationToken);
    }

    /// <summary>
    /// The first message of a flood (<see cref="Channels.SlowDownNotice"/>): not answered, only the notice to slow down,
    /// in the person's language — the one known from earlier turns, else the one this message is written in, else their
    /// app's, else every language.
    /// </summary>
    protected override async Task OnEventActivityAsync(ITurnContext<IEventActivity> turnContext, CancellationToken cancellationToken)
    {
        if (turnContext.Activity.Name != Channels.SlowDownNotice.EventName) return;
        var activity = (Activity)((ITurnContext)turnContext).Activity;
        var profile = await state.ProfileAsync(turnContext, cancellationToken);
        var detected = content.Languages.Detect(activity.Text);
        var language = profile.Language
            ?? (detected.Strength == DetectionStrength.Strong ? detected.Language : null)
            ?? (Language.IsSupported(activity.Locale) ? activity.Locale : null);
        var reply = MessageFactory.Text(language is not null
            ? content.Texts.Get(language, TextKeys.FloodSlowDown)
            : string.Join("\n\n", Language.All.Select(l => content.Texts.Get(l, TextKeys.FloodSlowDown))));
        reply.Locale = language ?? Language.Turkish;
        if (language is null) ((Activity)reply).Properties[Language.AllLanguagesProperty] = true;
        await turnContext.SendActivityAsync(reply, cancellationToken);
    }

    /// <summary>
    /// STOP / START and their words. A stop is obeyed at once. A resume is told the truth: without any subscription it
    /// starts the subscription (nothing to resume), a stopped person is resumed, and a person whose announcements are
    /// already on is told so.
    /// </summary>
    private async Task OnAnnouncementsCommandAsync(ITurnContext turn, string input, string language, UserProfile profile, ConversationData conversation, CancellationToken ct)
    {
        var userId = turn.Activity.From.Id;
        // Confirmed in the user's language, or in every language when the bot does not know it yet (a first "STOP").
        var languages = TurnLanguage.IsKnown(turn) ? [language] : Language.All;
        if (input == BotCommands.StopAnnouncements)
        {
            await users.SetAnnouncementsStoppedAsync(userId, true, ct);
            await SayAsync(turn, Joined(languages, TextKeys.AnnouncementsStopped, TextKeys.AnnouncementsStoppedResumeHint), ct);
            return;
        }
        var stopped = (await users.ContactAsync(userId, ct))?.AnnouncementsStoppedAt is not null;
        if (stopped) await users.SetAnnouncementsStoppedAsync(userId, false, ct);
        if ((await subscriptions.OfAsync(userId, ct)).Count == 0)
        {
            // Nothing to resume: the subscription itself (what the person wants when they write START / "abone ol").
            if (!TurnLanguage.IsKnown(turn))
            {
                await turn.SendActivityAsync(LanguageMiddleware.AskActivity(content.Texts), ct);
                return;
            }
            profile.Greeted = true;
            await dialogs.BeginAsync(turn, SubscribeDialog, language, profile, conversation, ct);
            return;
        }
        await SayAsync(turn, Joined(languages, stopped ? TextKeys.AnnouncementsResumed : TextKeys.AnnouncementsAlreadyOn), ct);
    }

    private string Joined(IEnumerable<string> languages, params string[] keys) =>
        string.Join("\n\n", languages.Select(l => string.Join(' ', keys.Select(k => content.Texts.Get(l, k)))));

    /// <summary>
    /// While staff have the conversation the bot passes messages on (saying so once, with when staff usually answer) and
    /// otherwise stays quiet; "menu" or a cancel word hands it back.
    /// </summary>
    private async Task OnHandedOverAsync(ITurnContext turn, string input, UserProfile profile, string language, CancellationToken ct)
    {
        if (content.IsMenuCommand(input) || content.IsCancelWord(input))
        {
            profile.HandoverSince = null;
            await SayAsync(turn, content.Texts.Get(language, TextKeys.HandoverEnded), ct);
            await turn.SendActivityAsync(Menu(language), ct);
            return;
        }
        if (input.Length == 0) return;
        await feedback.RecordAsync(turn.Activity.From.Id, turn.Activity.ChannelId, language, input, QueueReason.HandoverMessage, profile.CentreId, true, ct);
        if (profile.HandoverAcknowledged) return;
        // Acknowledged once per handover (not per message): passed on, and when staff usually answer.
        profile.HandoverAcknowledged = true;
        await SayAsync(turn, content.Texts.Get(language, TextKeys.HandoverWaiting), ct);
    }

    /// <summary>
    /// An answer to the dialog in progress; "menu", "iptal", "الغاء" leave it, a language switch re-asks in the new
    /// language. False when the dialog left the input to the bot (a question).
    /// </summary>
    private async Task<bool> OnDialogAnswerAsync(ITurnContext turn, string input, UserProfile profile, ConversationData conversation, string language, CancellationToken ct)
    {
        if (content.IsMenuCommand(input) || content.IsCancelWord(input))
        {
            conversation.Dialog = null;
            await SayAsync(turn, content.Texts.Get(language, TextKeys.DialogLeft), ct);
            await turn.SendActivityAsync(Menu(language), ct);
            return true;
        }
        if (content.Menu.Options.FirstOrDefault(o => o.Value == input) is { } pressed)
        {
            // A main-menu button pressed while a dialog waits (Telegram keeps older keyboards pressable): the person
            // chose something else — the dialog is left and the choice done.
            conversation.Dialog = null;
            await OnMenuOptionAsync(turn, pressed, profile, conversation, language, ct);
            return true;
        }
        if (TurnLanguage.JustChosen(turn) && !await dialogs.AcceptsAsync(turn, input, language, conversation, ct))
        {
            await SayAsync(turn, content.Texts.Get(language, TextKeys.LanguageSet), ct);
            await dialogs.RepromptAsync(turn, language, profile, conversation, ct);
            return true;
        }
        return await dialogs.ContinueAsync(turn, input, language, profile, conversation, ct);
    }

    /// <summary>Reads the message (reader, knowledge base, the previous answer for follow-ups) and times it for the metrics.</summary>
    private (Understanding Understood, TimeSpan Took) Read(string input, ConversationData conversation)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var understood = knowledge.Understand(input, RecentAnswer(conversation));
        return (understood, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private async Task AnswerQuestionAsync(ITurnContext turn, string question, Understanding understood, TimeSpan matchTime, UserProfile profile,
        ConversationData conversation, string language, CancellationToken ct)
    {
        var centre = CentreOf(question, profile, conversation);
        if (understood.AsksNothing && !profile.Greeted)
        {
            // First contact that asks nothing ("👍", "ok"): the welcome, as for a hello.
            profile.Greeted = true;
            await dialogs.BeginAsync(turn, WelcomeDialog, language, profile, conversation, ct);
            return;
        }
        if (understood.AsksNothing)
        {
            // "?", "ok", an emoji: nothing to answer and nothing for staff; say what the bot can do.
            await SayAsync(turn, content.Texts.Get(language, TextKeys.AskPrompt), ct);
            await turn.SendActivityAsync(Menu(language), ct);
            return;
        }
        var result = understood.Main;
        var outcome = result.Kind switch
        {
            MatchKind.Answer => Feedback.QuestionOutcome.Answered,
            MatchKind.Clarify => Feedback.QuestionOutcome.Clarified,
            _ when result.OutOfScope => Feedback.QuestionOutcome.OutOfScope,
            _ => Feedback.QuestionOutcome.Abstained,
        };
        Operations.BotMetrics.Question(outcome, matchTime);
        await feedback.CountQuestionAsync(turn.Activity.ChannelId, language, centre?.Id ?? profile.CentreId, outcome, ct);
        if (result.Kind == MatchKind.Answer && result.AnswerId == GreetingEntry)
        {
            profile.Greeted = true;
            var hello = await RenderEntryAsync(GreetingEntry, language, centre, ct);
            hello.SuggestedActions = null; // the menu follows: one list of choices at a time
            await turn.SendActivityAsync(hello, ct);
            await turn.SendActivityAsync(Menu(language), ct);
            return;
        }
        var answered = understood.Answers;
        if (answered.Count > 0)
        {
            if (answered.Count == 1 && knowledge.Current.Knowledge.ById[answered[0]].ActionFor(question) is { } start)
            {
                await StartAsync(turn, start, profile, conversation, language, ct);
                return;
            }
            // Several questions: each answered in the order asked; only the last answer keeps its buttons, so that one
            // list of choices is active at a time. The first-contact introduction follows the first answer.
            var replies = new List<IMessageActivity>();
            foreach (var id in answered) replies.Add(await RenderEntryAsync(id, language, centre, ct));
            for (var i = 0; i < replies.Count - 1; i++) replies[i].SuggestedActions = null;
            if (!profile.Greeted)
            {
                profile.Greeted = true;
                replies[0].Text += "\n\n" + content.Texts.Get(language, TextKeys.GreetingFirst);
            }
            foreach (var reply in replies) await turn.SendActivityAsync(reply, ct);
            conversation.LastAnswer = answered[^1];
            conversation.LastAnswerAt = clock.GetUtcNow();
        }
        var rest = understood.Parts.FirstOrDefault(p => p.Kind != MatchKind.Answer);
        if (rest is null) return;
        if (rest.Kind == MatchKind.Clarify)
        {
            await GreetOnceAsync(turn, profile, language, ct);
            conversation.Clarification = new PendingClarification
            {
                ProtectedQuestion = texts.Protect(question),
                Offered = rest.Candidates.Select(c => c.Id).ToList(),
                Confidences = rest.Candidates.Select(c => c.Confidence).ToList(),
            };
            await turn.SendActivityAsync(answers.Clarify(rest.Candidates, language), ct);
            return;
        }
        if (answered.Count > 0) return; // the unanswered part of a message whose other questions were answered
        await GreetOnceAsync(turn, profile, language, ct);
        await feedback.RecordUnansweredAsync(turn.Activity.From.Id, turn.Activity.ChannelId, language, question,
            rest.OutOfScope ? QueueReason.OutOfScope : QueueReason.Abstained, centre?.Id ?? profile.CentreId,
            rest.Ranked.Take(3).ToList(), ct);
        if (rest.OutOfScope)
        {
            // The out-of-scope entry says what the bot covers and where such questions are answered.
            await SendEntryAsync(turn, KbEntry.OutOfScope, language, centre, ct);
        }
        else
        {
            await SayAsync(turn, content.Texts.Get(language, TextKeys.Abstain), ct);
            await turn.SendActivityAsync(Menu(language), ct);
        }
    }

    /// <summary>The entry answered last, while a short question may still be a follow-up to it.</summary>
    private string? RecentAnswer(ConversationData conversation)
    {
        var window = TimeSpan.FromMinutes(options.CurrentValue.FollowUpMinutes);
        return conversation.LastAnswer is not null && conversation.LastAnswerAt is { } at && clock.GetUtcNow() - at <= window
            ? conversation.LastAnswer
            : null;
    }

    /// <summary>
    /// The centre an answer is about: one named in the message (remembered for the rest of the conversation), else the
    /// person's own (stored with consent), else one named earlier in this conversation.
    /// </summary>
    private Centre? CentreOf(string? text, UserProfile profile, ConversationData conversation)
    {
        var now = clock.GetUtcNow();
        if (text is not null && centres.FindIn(text) is { } named)
        {
            conversation.RememberCentre(named.Id, now);
            return named;
        }
        return centres.ById(profile.CentreId) ?? centres.ById(conversation.RecentCentre(now, options.CurrentValue.CentreMemoryHours));
    }

    /// <summary>What an entry that stands for a request does (<see cref="KbEntry.Starts"/>): a dialog, the menu, or an announcements command.</summary>
    private async Task StartAsync(ITurnContext turn, string start, UserProfile profile, ConversationData conversation, string language, CancellationToken ct)
    {
        if (start == KbEntry.StartsMenu)
        {
            await turn.SendActivityAsync(Menu(language), ct);
            return;
        }
        if (BotCommands.IsCommand(start))
        {
            await OnAnnouncementsCommandAsync(turn, start, language, profile, conversation, ct);
            return;
        }
        await dialogs.BeginAsync(turn, start, language, profile, conversation, ct);
    }

    private async Task OnEntryChosenAsync(ITurnContext turn, string id, PendingClarification? pending, UserProfile profile,
        ConversationData conversation, string language, CancellationToken ct)
    {
        if (id == "none")
        {
            if (texts.Unprotect(pending?.ProtectedQuestion) is { } question)
            {
                var offered = pending!.Offered.Select((o, i) => new Candidate(o, 0, i < pending.Confidences.Count ? pending.Confidences[i] : 0)).ToList();
                await feedback.RecordUnansweredAsync(turn.Activity.From.Id, turn.Activity.ChannelId, language, question,
                    QueueReason.ClarificationRejected, centres.FindIn(question)?.Id ?? profile.CentreId, offered, ct);
            }
            await SayAsync(turn, content.Texts.Get(language, TextKeys.Abstain), ct);
            await turn.SendActivityAsync(Menu(language), ct);
            return;
        }
        if (!knowledge.Current.Knowledge.ById.ContainsKey(id))
        {
            // A button from before a content change: show the menu rather than fail.
            await turn.SendActivityAsync(Menu(language), ct);
            return;
        }
        var centre = CentreOf(texts.Unprotect(pending?.ProtectedQuestion), profile, conversation);
        await SendEntryAsync(turn, id, language, centre, ct);
    }

    private async Task OnMenuOptionAsync(ITurnContext turn, MenuOption option, UserProfile profile, ConversationData conversation, string language, CancellationToken ct)
    {
        if (option.Dialog is not null)
        {
            await dialogs.BeginAsync(turn, option.Dialog, language, profile, conversation, ct);
            return;
        }
        if (option.Value == "menu:language")
        {
            await turn.SendActivityAsync(LanguageMiddleware.AskActivity(content.Texts), ct);
            return;
        }
        if (option.Entry is null)
        {
            await SayAsync(turn, content.Texts.Get(language, TextKeys.AskPrompt), ct);
            return;
        }
        await SendEntryAsync(turn, option.Entry, language, CentreOf(null, profile, conversation), ct);
    }

    private async Task SendEntryAsync(ITurnContext turn, string id, string language, Centre? centre, CancellationToken ct) =>
        await turn.SendActivityAsync(await RenderEntryAsync(id, language, centre, ct), ct);

    private Task<IMessageActivity> RenderEntryAsync(string id, string language, Centre? centre, CancellationToken ct) =>
        answers.RenderAsync(knowledge.Current.Knowledge.ById[id], language, centre, ct);

    private async Task GreetOnceAsync(ITurnContext turn, UserProfile profile, string language, CancellationToken ct)
    {
        if (profile.Greeted) return;
        profile.Greeted = true;
        await SayAsync(turn, content.Texts.Get(language, TextKeys.GreetingFirst), ct);
    }

    private static Task SayAsync(ITurnContext turn, string text, CancellationToken ct) => turn.SendActivityAsync(MessageFactory.Text(text), ct);

    /// <summary>A menu option by its value (a button) or its text written out in any language ("Verilerim", "بياناتي").</summary>
    private MenuOption? MenuOptionOf(string input)
    {
        if (content.Menu.Options.FirstOrDefault(o => o.Value == input) is { } pressed) return pressed;
        var folded = LanguageDetector.Fold(input);
        return folded.Length == 0 ? null
            : content.Menu.Options.FirstOrDefault(o => Language.All.Any(l => LanguageDetector.Fold(content.Texts.Get(l, o.TextKey)) == folded));
    }

    /// <summary>The main menu as a message with one suggested action per option.</summary>
    public IMessageActivity Menu(string language) => MainMenu.Build(content, language);
}
