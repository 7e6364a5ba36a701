using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Bot.Web.State;

namespace Bot.Web.DialogRuntime;

/// <summary>One turn's view of a running dialog, for the runner and the actions.</summary>
public sealed class DialogTurn(ITurnContext turn, string language, UserProfile profile, ConversationData conversation, DialogState state, CancellationToken ct)
{
    public ITurnContext Turn { get; } = turn;
    /// <summary>The language the dialog speaks; changed by set-language for the rest of the turn.</summary>
    public string Language { get; set; } = language;
    public UserProfile Profile { get; } = profile;
    public ConversationData Conversation { get; } = conversation;
    public DialogState State { get; } = state;
    public CancellationToken Ct { get; } = ct;
    public string UserId => Turn.Activity.From.Id;
    public string Channel => Turn.Activity.ChannelId;
    public Dictionary<string, string> Vars => State.Vars;

    /// <summary>Set by an action that starts another dialog in place of this one.</summary>
    public string? StartDialog { get; set; }

    /// <summary>Set by an action after which nothing more may be said or stored (the user's data was deleted).</summary>
    public bool Stop { get; set; }

    public string Var(string name) => Vars.TryGetValue(name, out var v) ? v : "";
}

/// <summary>
/// Runs the dialogs of <see cref="DialogSet"/>: enters steps (conditions, actions, texts, prompt), recognises answers
/// (re-prompting at most a step's max_retries times, then giving up gracefully), answers an unrelated question in the
/// middle without losing the dialog's place, and branches.
/// </summary>
public sealed class DialogRunner(DialogSet dialogs, DialogInputs inputs, DialogActions actions, BotContent content, KnowledgeService knowledge)
{
    public async Task BeginAsync(ITurnContext turn, string dialogId, string language, UserProfile profile, ConversationData conversation, CancellationToken ct)
    {
        var dialog = dialogs.Get(dialogId);
        var state = new DialogState { Id = dialog.Id };
        conversation.Dialog = state;
        var context = new DialogTurn(turn, language, profile, conversation, state, ct);
        await actions.InitialiseAsync(context);
        await EnterAsync(context, dialog, dialog.Steps[0].Id);
    }

    /// <summary>
    /// Handles the answer to the step waiting in <paramref name="conversation"/>'s dialog. False when the input was a
    /// question the dialog left for the bot to answer (the dialog has ended).
    /// </summary>
    public async Task<bool> ContinueAsync(ITurnContext turn, string input, string language, UserProfile profile, ConversationData conversation, CancellationToken ct)
    {
        var state = conversation.Dialog!;
        if (dialogs.Find(state.Id) is not { } dialog || dialog.Steps.All(s => s.Id != state.Step))
        {
            // The dialog changed under a waiting user (content update): start over from the menu.
            conversation.Dialog = null;
            await turn.SendActivityAsync(MenuOf(language), ct);
            return true;
        }
        var context = new DialogTurn(turn, language, profile, conversation, state, ct);
        var step = dialog.Step(state.Step);
        var options = await OptionsAsync(context, step);
        var answer = inputs.Recognize(step, options, input, language);
        if (answer is null || AsksAQuestion(step, input)) return await NotAnAnswerAsync(context, dialog, step, options, input);
        if (step.Save is not null)
        {
            state.Vars[step.Save] = answer.Value;
            state.Vars[step.Save + "_label"] = answer.Label;
            foreach (var (name, value) in answer.More ?? new Dictionary<string, string>()) state.Vars[step.Save + "_" + name] = value;
        }
        await RunActionsAsync(context, step);
        if (context.Stop) return true;
        if (context.StartDialog is not null)
        {
            await BeginAsync(turn, context.StartDialog, language, profile, conversation, ct);
            return true;
        }
        await EnterAsync(context, dialog, NextOf(context, dialog, step));
        return true;
    }

    /// <summary>True when <paramref name="input"/> answers the step waiting in the dialog (without acting on it).</summary>
    public async Task<bool> AcceptsAsync(ITurnContext turn, string input, string language, ConversationData conversation, CancellationToken ct)
    {
        if (conversation.Dialog is not { } state || dialogs.Find(state.Id) is not { } dialog || dialog.Steps.All(s => s.Id != state.Step)) return false;
        var step = dialog.Step(state.Step);
        var context = new DialogTurn(turn, language, new UserProfile(), conversation, state, ct);
        return inputs.Recognize(step, await OptionsAsync(context, step), input, language) is not null;
    }

    /// <summary>Asks the waiting step again (after a language switch: in the new language).</summary>
    public async Task RepromptAsync(ITurnContext turn, string language, UserProfile profile, ConversationData conversation, CancellationToken ct)
    {
        var state = conversation.Dialog!;
        if (dialogs.Find(state.Id) is not { } dialog || dialog.Steps.All(s => s.Id != state.Step))
        {
            conversation.Dialog = null;
            await turn.SendActivityAsync(MenuOf(language), ct);
            return;
        }
        var context = new DialogTurn(turn, language, profile, conversation, state, ct);
        var step = dialog.Step(state.Step);
        await PromptAsync(context, step, await OptionsAsync(context, step));
    }

    /// <summary>
    /// Not an answer. A question (three words or more): the welcome-like dialogs (on_question: leave) end and let the
    /// bot answer it; others answer it themselves when the knowledge base is confident and ask the step again (the
    /// dialog keeps its place), or end and let the bot handle it (ask which entry was meant, or record it for staff).
    /// Anything else is asked again, at most max_retries times; then the dialog ends gracefully.
    /// </summary>
    private async Task<bool> NotAnAnswerAsync(DialogTurn context, DialogDefinition dialog, DialogStep step, IReadOnlyList<(string Value, string Label)> options, string input)
    {
        if (dialog.LeaveOnQuestion)
        {
            // The welcome is not a gate: anything but an answer (a menu button, a number, a question, a request) means
            // "not now" — the dialog ends without storing what needs consent, and the bot does what was asked.
            context.Conversation.Dialog = null;
            return false;
        }
        if (LooksLikeAQuestion(input))
        {
            if (knowledge.Match(input) is { Kind: MatchKind.Answer, AnswerId: { } id } && id is not ("greeting" or "thanks"))
            {
                await actions.ShowEntryAsync(context, id);
                await SayAsync(context, "dialog.back_to");
                await PromptAsync(context, step, options);
                return true;
            }
            context.Conversation.Dialog = null;
            return false;
        }
        context.State.Retries++;
        if (context.State.Retries > step.MaxRetries)
        {
            context.Conversation.Dialog = null;
            await SayAsync(context, "dialog.giving_up");
            await context.Turn.SendActivityAsync(MenuOf(context.Language), context.Ct);
            return true;
        }
        var retry = step.Input == InputKind.Text && input.Trim().Length > step.MaxLength
            ? content.Texts.Get(context.Language, "dialog.too_long", ("max", step.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : Text(context, step.Retry ?? "dialog.retry." + step.Input.ToString().ToLowerInvariant());
        await PromptAsync(context, step, options, retry); // one message: what was wrong, then the question with its choices
        return true;
    }

    /// <summary>
    /// A centre named inside a question ("çalışma izni için hangi belgeler lazım, Antep'teyim") is not the answer to
    /// "which centre?": the question is, and it is not lost.
    /// </summary>
    private bool AsksAQuestion(DialogStep step, string input) =>
        step.Input == InputKind.Centre && LooksLikeAQuestion(input)
        && knowledge.Match(input) is { Kind: MatchKind.Answer, AnswerId: { } id } && id is not ("greeting" or "thanks" or "center-locations");

    private static bool LooksLikeAQuestion(string input) => input.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3;

    private async Task EnterAsync(DialogTurn context, DialogDefinition dialog, string stepId)
    {
        for (var hops = 0; hops < 100; hops++)
        {
            if (stepId is DialogDefinition.End or DialogDefinition.Menu)
            {
                context.Conversation.Dialog = null;
                if (stepId == DialogDefinition.Menu) await context.Turn.SendActivityAsync(MenuOf(context.Language), context.Ct);
                return;
            }
            var step = dialog.Step(stepId);
            if (!Holds(context, step.If))
            {
                stepId = dialog.After(step);
                continue;
            }
            context.State.Step = step.Id;
            context.State.Retries = 0;
            if (step.Input == InputKind.None)
            {
                await RunActionsAsync(context, step);
                if (context.Stop) return;
                if (context.StartDialog is not null)
                {
                    await BeginAsync(context.Turn, context.StartDialog, context.Language, context.Profile, context.Conversation, context.Ct);
                    return;
                }
                foreach (var key in step.Say) await SayAsync(context, key);
                stepId = NextOf(context, dialog, step);
                continue;
            }
            // A step with an input says its texts first; its actions run once it is answered.
            foreach (var key in step.Say) await SayAsync(context, key);
            await RunActionsAsync(context, step, beforePrompt: true); // what the prompt is about is shown before it
            await PromptAsync(context, step, await OptionsAsync(context, step));
            return;
        }
        throw new InvalidOperationException($"Dialog '{dialog.Id}' loops without asking anything.");
    }

    private static string NextOf(DialogTurn context, DialogDefinition dialog, DialogStep step) =>
        step.Branches.FirstOrDefault(b => Holds(context, b.When))?.Next ?? dialog.After(step);

    private static bool Holds(DialogTurn context, IReadOnlyDictionary<string, string> conditions) =>
        conditions.All(c => context.Var(c.Key) == c.Value);

    /// <summary>
    /// A step's actions: for a step without input, all of them on entering it; for a step with an input, those that
    /// show something (show-…) before its prompt and the others once it is answered.
    /// </summary>
    private async Task RunActionsAsync(DialogTurn context, DialogStep step, bool beforePrompt = false)
    {
        foreach (var action in step.Actions)
        {
            var (name, arg) = DialogActionNames.Split(action);
            var shows = name is DialogActionNames.ShowSubscriptions or DialogActionNames.ShowMyData;
            if (step.Input != InputKind.None && shows != beforePrompt) continue;
            await actions.RunAsync(context, name, arg);
            if (context.Stop || context.StartDialog is not null) return;
        }
    }

    private async Task PromptAsync(DialogTurn context, DialogStep step, IReadOnlyList<(string Value, string Label)> options, string? retry = null)
    {
        var prompt = MessageFactory.Text(retry is null ? Text(context, step.Prompt!) : retry + "\n\n" + Text(context, step.Prompt!));
        var buttons = step.Input switch
        {
            InputKind.Choice => options.ToList(),
            InputKind.YesNo => [(DialogInputs.Yes, content.Texts.Get(context.Language, "dialog.yes")), (DialogInputs.No, content.Texts.Get(context.Language, "dialog.no"))],
            _ => [],
        };
        if (step.Optional) buttons.Add((DialogInputs.Skip, content.Texts.Get(context.Language, "dialog.skip")));
        if (buttons.Count > 0)
        {
            prompt.SuggestedActions = new SuggestedActions { Actions = buttons.Select(b => new CardAction(ActionTypes.ImBack, b.Label, value: b.Value)).ToList() };
        }
        await context.Turn.SendActivityAsync(prompt, context.Ct);
    }

    private async Task<IReadOnlyList<(string Value, string Label)>> OptionsAsync(DialogTurn context, DialogStep step) =>
        step.OptionsFrom is not null
            ? await actions.OptionsAsync(context, step.OptionsFrom)
            : step.Options.Select(o => (o.Value, content.Texts.Get(context.Language, o.Text))).ToList();

    private Task SayAsync(DialogTurn context, string key) => context.Turn.SendActivityAsync(MessageFactory.Text(Text(context, key)), context.Ct);

    /// <summary>A text with the dialog's answers filled in ({centre_label}, {topic_label}…).</summary>
    private string Text(DialogTurn context, string key)
    {
        var values = new Dictionary<string, string>(context.Vars, StringComparer.Ordinal);
        // The answers' labels in the language spoken now (a switch to Arabic at the confirmation shows Arabic labels).
        if (dialogs.Find(context.State.Id) is { } dialog)
        {
            foreach (var step in dialog.Steps.Where(s => s.Save is not null && context.Vars.ContainsKey(s.Save)))
            {
                if (inputs.LabelOf(step, context.Vars[step.Save!], context.Language) is { } label) values[step.Save + "_label"] = label;
            }
        }
        values["address_kept"] = ChannelTexts.AddressKept(content.Texts, context.Language, context.Channel);
        return content.Texts.Get(context.Language, key, values.Select(v => (v.Key, v.Value)).ToArray());
    }

    private IMessageActivity MenuOf(string language) => MainMenu.Build(content, language);
}
