using Bot.Web.Channels;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Bot.Web.State;

namespace Bot.Web.Conversation;

/// <summary>What every channel adapter shares: the bot, its middleware, state, error handler and turn ordering.</summary>
public sealed class TurnPipeline(
    IBot bot,
    BotStateAccessors state,
    OptOutMiddleware optOut,
    LanguageMiddleware language,
    RepeatGuardMiddleware repeats,
    TurnErrorHandler errors,
    KeyedLock locks,
    TimeProvider clock)
{
    public IBot Bot { get; } = bot;
    public BotStateAccessors State { get; } = state;
    public OptOutMiddleware OptOut { get; } = optOut;
    public LanguageMiddleware Language { get; } = language;
    public RepeatGuardMiddleware Repeats { get; } = repeats;
    public TurnErrorHandler Errors { get; } = errors;
    public KeyedLock Locks { get; } = locks;
    public TimeProvider Clock { get; } = clock;
}

/// <summary>
/// Base of every channel adapter: the same middleware (state saved at the end of each turn, language) and error
/// handler everywhere, and turns of one conversation never overlapping in this process.
/// </summary>
public abstract class ChannelAdapter : BotAdapter
{
    private readonly TurnPipeline _pipeline;

    protected ChannelAdapter(TurnPipeline pipeline)
    {
        _pipeline = pipeline;
        Use(new AutoSaveStateMiddleware(pipeline.State.ConversationState, pipeline.State.UserState));
        Use(pipeline.OptOut);
        Use(pipeline.Repeats); // before the language middleware: it also sees "which language?"
        Use(pipeline.Language);
        Use(new InboundRepliesMiddleware()); // last: it counts the replies exactly as they leave
        OnTurnError = pipeline.Errors.HandleAsync;
    }

    protected TimeProvider Clock => _pipeline.Clock;

    protected BotStateAccessors State => _pipeline.State;

    /// <summary>The channel's own memory in this conversation (button values, numbered choices), saved with the turn.</summary>
    protected Task<ChannelMemory> ChannelMemoryAsync(ITurnContext turn, CancellationToken ct) =>
        _pipeline.State.ConversationPartAsync<ChannelMemory>(ChannelMemory.StateName, turn, ct);

    /// <summary>
    /// Runs one turn for <paramref name="activity"/>; <paramref name="prepare"/> may put channel data into the turn
    /// state or rewrite the activity from conversation state (it runs under the conversation's lock, and state it
    /// loads is the turn's own, saved at the end of the turn).
    /// </summary>
    protected async Task RunTurnAsync(Activity activity, Func<ITurnContext, CancellationToken, Task>? prepare, CancellationToken ct)
    {
        using var held = await _pipeline.Locks.AcquireAsync(activity.ChannelId + "/" + activity.Conversation.Id, ct);
        using var turn = new TurnContext(this, activity);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (prepare is not null) await prepare(turn, ct);
        await RunPipelineAsync(turn, _pipeline.Bot.OnTurnAsync, ct);
        Operations.BotMetrics.Turn(activity.ChannelId, TurnLanguage.Get(turn), System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// A message the bot starts itself (a staff answer, an announcement): runs under the conversation's lock like a
    /// turn, and a failure (recipient unreachable, outside the WhatsApp window…) reaches the caller instead of
    /// being apologised for in the chat.
    /// </summary>
    public override async Task ContinueConversationAsync(string botId, ConversationReference reference, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        var activity = reference.GetContinuationActivity();
        using var held = await _pipeline.Locks.AcquireAsync(activity.ChannelId + "/" + activity.Conversation.Id, cancellationToken);
        using var turn = new TurnContext(this, activity);
        turn.TurnState[TurnErrorHandler.ProactiveKey] = true;
        await RunPipelineAsync(turn, callback, cancellationToken);
    }

    public override Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot edit sent messages.");

    public override Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot delete sent messages.");
}

/// <summary>Counts the replies of a stored update's turn (<see cref="Channels.InboundReplies"/>), innermost, after every text change.</summary>
public sealed class InboundRepliesMiddleware : Microsoft.Bot.Builder.IMiddleware
{
    public Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken = default)
    {
        if (!turnContext.TurnState.ContainsKey(TurnErrorHandler.ProactiveKey)) Channels.InboundReplies.Current?.Attach(turnContext);
        return next(cancellationToken);
    }
}
