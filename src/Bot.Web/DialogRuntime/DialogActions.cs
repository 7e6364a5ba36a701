using System.Globalization;
using Bot.Web.Announcements;
using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Bot.Web.State;

namespace Bot.Web.DialogRuntime;

/// <summary>The actions dialogs name (<see cref="DialogActionNames"/>): what the guided conversations do besides talking.</summary>
public sealed class DialogActions(
    BotContent content,
    BotStateAccessors state,
    UserDirectory users,
    SubscriptionStore subscriptions,
    FeedbackRecorder feedback,
    KnowledgeService knowledge,
    AnswerRenderer answers,
    CentreDirectory centres,
    CourseCatalog courses,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptionsMonitor<ConversationOptions> conversationOptions)
{
    /// <summary>Variables every dialog starts with: consent (yes/no), language_chosen, has_centre, centre.</summary>
    public async Task InitialiseAsync(DialogTurn turn)
    {
        var contact = await users.ContactAsync(turn.UserId, turn.Ct);
        turn.Vars["consent"] = contact?.ConsentAt is not null ? DialogInputs.Yes : DialogInputs.No;
        turn.Vars["language_chosen"] = turn.Profile.LanguageChosen || TurnLanguage.JustChosen(turn.Turn) ? DialogInputs.Yes : DialogInputs.No;
        // The person's centre: stored with consent, or named earlier in this conversation.
        var known = turn.Profile.CentreId ?? turn.Conversation.RecentCentre(clock.GetUtcNow(), conversationOptions.CurrentValue.CentreMemoryHours);
        turn.Vars["has_centre"] = known is null ? DialogInputs.No : DialogInputs.Yes;
        if (known is not null) turn.Vars["centre"] = known;
    }

    public async Task RunAsync(DialogTurn turn, string name, string? arg)
    {
        switch (name)
        {
            case DialogActionNames.Consent:
                await ConsentAsync(turn);
                break;
            case DialogActionNames.SetCentre:
                await SetCentreAsync(turn);
                break;
            case DialogActionNames.SetLanguage:
                SetLanguage(turn);
                break;
            case DialogActionNames.LoadSubscriptions:
                turn.Vars["has_subscriptions"] = (await subscriptions.OfAsync(turn.UserId, turn.Ct)).Count > 0 ? DialogInputs.Yes : DialogInputs.No;
                break;
            case DialogActionNames.ShowSubscriptions:
                await SayAsync(turn, Text(turn, "subscribe.current") + "\n" + string.Join('\n', (await OptionsAsync(turn, "subscriptions")).Select(o => "• " + o.Label)));
                break;
            case DialogActionNames.Subscribe:
                await subscriptions.SubscribeAsync(turn.UserId, turn.Channel, turn.Var("centre"), turn.Var("topic"),
                    Language.IsSupported(turn.Var("announcement_language")) ? turn.Var("announcement_language") : turn.Language, Method(turn), turn.Ct);
                await users.SetAnnouncementsStoppedAsync(turn.UserId, false, turn.Ct); // subscribing again after STOP resumes
                break;
            case DialogActionNames.Unsubscribe:
                if (long.TryParse(turn.Var("subscription"), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    await subscriptions.UnsubscribeAsync(turn.UserId, id, turn.Ct);
                }
                break;
            case DialogActionNames.UnsubscribeAll:
                await subscriptions.UnsubscribeAsync(turn.UserId, null, turn.Ct);
                break;
            case DialogActionNames.EligibleCourses:
                await EligibleCoursesAsync(turn);
                break;
            case DialogActionNames.RememberEligibility:
                await RememberEligibilityAsync(turn);
                break;
            case DialogActionNames.ShowEntry:
                await ShowEntryAsync(turn, arg!);
                break;
            case DialogActionNames.StartDialog:
                turn.StartDialog = arg;
                break;
            case DialogActionNames.RecordFeedback:
                await feedback.RecordAsync(turn.UserId, turn.Channel, turn.Language, turn.Var("text"), turn.Var("type"), CentreOf(turn),
                    turn.Var("contact") == DialogInputs.Yes, turn.Ct);
                break;
            case DialogActionNames.Handover:
                await feedback.RecordAsync(turn.UserId, turn.Channel, turn.Language, turn.Var("text"), QueueReason.Handover, CentreOf(turn), true, turn.Ct);
                turn.Profile.HandoverSince = clock.GetUtcNow();
                turn.Profile.HandoverAcknowledged = false;
                break;
            case DialogActionNames.ShowMyData:
                await ShowMyDataAsync(turn);
                break;
            case DialogActionNames.DeleteMyData:
                await DeleteMyDataAsync(turn);
                break;
            default:
                throw new InvalidOperationException($"Unknown dialog action '{name}'.");
        }
    }

    /// <summary>Options of a choice that come from data: the user's subscriptions ("Gaziantep — Türkçe kursları (العربية)").</summary>
    public async Task<IReadOnlyList<(string Value, string Label)>> OptionsAsync(DialogTurn turn, string source)
    {
        var list = await subscriptions.OfAsync(turn.UserId, turn.Ct);
        return list.Select(s => (s.Id.ToString(CultureInfo.InvariantCulture),
            $"{centres.ById(s.CentreId)?.Name(turn.Language) ?? s.CentreId} — {content.Texts.Get(turn.Language, Topics.TextKey(s.Topic))} ({content.Texts.Get(s.Language, TextKeys.LanguageName)})")).ToList();
    }

    public async Task ShowEntryAsync(DialogTurn turn, string id)
    {
        if (!knowledge.Current.Knowledge.ById.TryGetValue(id, out var entry)) return; // removed since: the dialog goes on
        var reply = await answers.RenderAsync(entry, turn.Language, centres.ById(CentreOf(turn)), turn.Ct);
        // A dialog always says something after an entry (its next question, the menu): one list of choices at a time, so
        // the entry's own buttons (a numbered list on WhatsApp) would be followed at once by another and "2" mislead.
        reply.SuggestedActions = null;
        await turn.Turn.SendActivityAsync(reply, turn.Ct);
    }

    private async Task ConsentAsync(DialogTurn turn)
    {
        var given = turn.Var("consent") == DialogInputs.Yes;
        await users.SetConsentAsync(turn.UserId, given, Method(turn), turn.Ct);
        if (given) return;
        // Nothing beyond the current answer is kept: no remembered centre, and subscriptions (which need consent) end.
        turn.Profile.CentreId = null;
        await subscriptions.UnsubscribeAsync(turn.UserId, null, turn.Ct);
    }

    /// <summary>The centre answered is remembered in the profile only with consent; without it, for this dialog only.</summary>
    private async Task SetCentreAsync(DialogTurn turn)
    {
        var centre = turn.Var("centre");
        if (centre.Length == 0) return;
        turn.Vars["has_centre"] = DialogInputs.Yes;
        turn.Conversation.RememberCentre(centre, clock.GetUtcNow()); // for the rest of the conversation
        if (turn.Var("consent") != DialogInputs.Yes) return;
        turn.Profile.CentreId = centre;
        await users.SetCentreAsync(turn.UserId, centre, turn.Ct);
    }

    /// <summary>The answer "lang:ar" (a button, "2", "العربية") becomes the user's chosen language, from this reply on.</summary>
    private static void SetLanguage(DialogTurn turn)
    {
        var chosen = turn.Var("language").Replace("lang:", "", StringComparison.Ordinal);
        if (!Language.IsSupported(chosen)) return;
        turn.Profile.Language = chosen;
        turn.Profile.LanguageChosen = true;
        turn.Language = chosen;
        TurnLanguage.Set(turn.Turn, chosen);
    }

    /// <summary>The open courses at the user's centre that admit their status and age: schedule, stipend, deadline, how to apply.</summary>
    private async Task EligibleCoursesAsync(DialogTurn turn)
    {
        var centre = centres.ById(CentreOf(turn));
        var age = int.TryParse(turn.Var("age"), NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : (int?)null;
        var status = turn.Var("status") is { Length: > 0 } s ? s : null;
        var (open, fitting) = await courses.FittingAsync(turn.Language, centre?.Id, status, age, turn.Ct);
        if (fitting.Count > 0)
        {
            await SayAsync(turn, content.Texts.Get(turn.Language, "eligibility.open_courses", ("centre_name", centre?.Name(turn.Language) ?? ""))
                + "\n" + string.Join("\n\n", fitting));
            return;
        }
        // None fits, or none is open: the general rules (with the centre's contact), and which of the two it is.
        if (open > 0) await SayAsync(turn, Text(turn, "eligibility.no_fit"));
        await ShowEntryAsync(turn, "course-eligibility");
        if (open == 0) await SayAsync(turn, content.Texts.Get(turn.Language, TextKeys.CoursesNone));
    }

    /// <summary>
    /// With consent: the legal status and the year of birth, so that announcements can go to those who fit. The year is
    /// the one the age step read (exact from a date or year of birth, else this year minus the age); from the age alone
    /// for a dialog state saved before the age step kept it.
    /// </summary>
    private async Task RememberEligibilityAsync(DialogTurn turn)
    {
        if (turn.Var("consent") != DialogInputs.Yes) return;
        int? birthYear = int.TryParse(turn.Var("age_" + DialogInputs.BirthYear), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year
            : int.TryParse(turn.Var("age"), NumberStyles.None, CultureInfo.InvariantCulture, out var age) ? clock.GetUtcNow().Year - age
            : null;
        await users.SetEligibilityAsync(turn.UserId, turn.Var("status") is { Length: > 0 } s ? s : null, birthYear, turn.Ct);
    }

    private async Task ShowMyDataAsync(DialogTurn turn)
    {
        var contact = await users.ContactAsync(turn.UserId, turn.Ct);
        var subs = await OptionsAsync(turn, "subscriptions");
        var questions = await feedback.CountOfAsync(turn.UserId, turn.Ct);
        var none = Text(turn, "my_data.none");
        var consent = contact?.ConsentAt is { } at
            ? content.Texts.Get(turn.Language, "my_data.consent_given", ("date", at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
            : Text(turn, "my_data.consent_not_given");
        await SayAsync(turn, content.Texts.Get(turn.Language, "my_data.summary",
            ("channel", ChannelTexts.Name(content.Texts, turn.Language, turn.Channel)),
            ("address_kept", ChannelTexts.AddressKept(content.Texts, turn.Language, turn.Channel)),
            ("since", contact?.FirstContactAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? none),
            ("language", content.Texts.Get(turn.Language, TextKeys.LanguageName)),
            ("centre", centres.ById(turn.Profile.CentreId)?.Name(turn.Language) ?? none),
            ("consent", consent),
            ("subscriptions", subs.Count == 0 ? none : string.Join("; ", subs.Select(s => s.Label))),
            ("eligibility", contact?.LegalStatus is { } status
                ? content.Texts.Get(turn.Language, "my_data.eligibility_given", ("status", Text(turn, LegalStatuses.TextKey(status))),
                    ("birth_year", contact.BirthYear?.ToString(CultureInfo.InvariantCulture) ?? none))
                : none),
            ("questions", questions.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// Deletes everything about the user: subscriptions, the encrypted address and consent, the bot's memory
    /// (user and conversation state); questions and feedback stay for staff but lose the link to the user.
    /// </summary>
    private async Task DeleteMyDataAsync(DialogTurn turn)
    {
        await subscriptions.UnsubscribeAsync(turn.UserId, null, turn.Ct);
        await feedback.AnonymiseAsync(turn.UserId, turn.Ct);
        await SayAsync(turn, Text(turn, "my_data.deleted")); // while the channel still knows where to send it
        await users.DeleteAsync(turn.UserId, turn.Ct);
        await state.ConversationState.DeleteAsync(turn.Turn, turn.Ct);
        await state.UserState.DeleteAsync(turn.Turn, turn.Ct);
        turn.Stop = true;
    }

    private string? CentreOf(DialogTurn turn) => turn.Var("centre") is { Length: > 0 } c ? c
        : turn.Profile.CentreId ?? turn.Conversation.RecentCentre(clock.GetUtcNow(), conversationOptions.CurrentValue.CentreMemoryHours);

    private static string Method(DialogTurn turn) => $"{turn.Channel}:dialog:{turn.State.Id}";

    private string Text(DialogTurn turn, string key) => content.Texts.Get(turn.Language, key);

    private static Task SayAsync(DialogTurn turn, string text) => turn.Turn.SendActivityAsync(MessageFactory.Text(text), turn.Ct);
}
