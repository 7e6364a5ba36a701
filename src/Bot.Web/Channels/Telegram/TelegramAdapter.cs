using Bot.Web.Channels;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bot.Web.Conversation;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Bot.Web.Channels.Telegram;

/// <summary>
/// The Telegram channel: runs one turn per update (the chat id turned into the pseudonymous user id first) and
/// sends the bot's replies through the Bot API — long texts split, suggested actions as an inline keyboard, every
/// callback query answered, typing shown while the turn runs.
/// </summary>
public sealed class TelegramAdapter(
    TurnPipeline pipeline,
    UserDirectory users,
    ITelegramBotClient client,
    TelegramSender sender,
    IOptions<TelegramOptions> options,
    ILogger<TelegramAdapter> logger)
    : ChannelAdapter(pipeline), IInboundProcessor
{
    public const string ChannelId = "telegram";
    private const string ChatKey = "Telegram.ChatId";
    private const string ShortValuePrefix = "h:";
    private const string UnreachableKey = "Telegram.Unreachable";
    private static readonly object Done = new();

    string IInboundProcessor.Channel => ChannelId;

    Task IInboundProcessor.ProcessAsync(string payload, CancellationToken ct) =>
        SlowDownNotice.IsMarked(payload, out var update)
            ? ProcessAsync(JsonSerializer.Deserialize<Update>(update, JsonBotAPI.Options)!, ct, slowDown: true)
            : ProcessAsync(JsonSerializer.Deserialize<Update>(payload, JsonBotAPI.Options)!, ct);

    /// <summary>
    /// Hands an update to the inbox (false: already received); its turn runs there. An update older than
    /// <see cref="TelegramOptions.MaxUpdateAgeHours"/> is accepted and ignored (true, nothing stored).
    /// </summary>
    public async Task<bool> AcceptAsync(ChannelInbox inbox, Update update, string payload, CancellationToken ct)
    {
        if (TelegramMapping.ToInbound(update) is not { } inbound) return true;
        if (TelegramMapping.DateOf(update) is { } date && Clock.GetUtcNow() - date > TimeSpan.FromHours(options.Value.MaxUpdateAgeHours))
        {
            logger.LogInformation("Telegram update {UpdateId} is older than {Hours} h (sent {Date:u}): accepted and ignored",
                update.Id, options.Value.MaxUpdateAgeHours, date);
            return true;
        }
        var sender = await users.IdOfAsync(ChannelId, inbound.ChatId.ToString(CultureInfo.InvariantCulture), ct);
        return await inbox.AcceptAsync(ChannelId, update.Id.ToString(CultureInfo.InvariantCulture), sender, payload, ct);
    }

    /// <param name="update">The update.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="slowDown">The first update of a flood: a message is not answered, the turn replies only the notice to slow down.</param>
    public async Task ProcessAsync(Update update, CancellationToken ct, bool slowDown = false)
    {
        var inbound = TelegramMapping.ToInbound(update);
        if (inbound is null) return;
        if (inbound.CallbackQueryId is not null)
        {
            // Clients show a progress bar until the query is answered: answer first, whatever the turn does.
            var queryId = inbound.CallbackQueryId;
            await sender.SendAsync(inbound.ChatId, null, async c => { await client.AnswerCallbackQuery(queryId, cancellationToken: c); return true; }, ct, repeatable: true);
        }
        var userId = await users.TouchAsync(ChannelId, inbound.ChatId.ToString(CultureInfo.InvariantCulture), ct);
        if (inbound.Membership == TelegramMembership.Blocked) await users.MarkUnreachableAsync(userId, ct);
        var activity = TelegramMapping.ToActivity(inbound, update.Id, userId, Clock.GetUtcNow());
        if (slowDown && activity.Type == ActivityTypes.Message) SlowDownNotice.Apply(activity);
        using var turnDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var typing = activity.Type == ActivityTypes.Message
            ? KeepTypingAsync(inbound.ChatId, userId, turnDone.Token)
            : Task.CompletedTask;
        try
        {
            await RunTurnAsync(activity, async (turn, c) =>
            {
                turn.TurnState[ChatKey] = inbound.ChatId;
                if (inbound.CallbackQueryId is not null && activity.Text is { } data && data.StartsWith(ShortValuePrefix, StringComparison.Ordinal))
                {
                    // A button whose value was too long for callback data: its value is in conversation state. A token
                    // no longer there (state deleted, or pushed out by newer buttons) shows the menu again.
                    var conversation = await ChannelMemoryAsync(turn, c);
                    activity.Text = conversation.ButtonValue(data) ?? "/menu";
                }
            }, ct);
        }
        finally
        {
            await turnDone.CancelAsync();
            await typing;
        }
    }

    /// <summary>Shows "typing…" at once and again every <see cref="TelegramOptions.TypingIntervalSeconds"/> until the turn ends.</summary>
    private async Task KeepTypingAsync(long chatId, string userId, CancellationToken turnDone)
    {
        var interval = TimeSpan.FromSeconds(options.Value.TypingIntervalSeconds);
        try
        {
            while (!turnDone.IsCancellationRequested)
            {
                await TryAsync(chatId, userId, async c => { await client.SendChatAction(chatId, ChatAction.Typing, cancellationToken: c); return Done; }, turnDone, repeatable: true);
                await Task.Delay(interval, Clock, turnDone);
            }
        }
        catch (OperationCanceledException) when (turnDone.IsCancellationRequested)
        {
            // The turn is over.
        }
    }

    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        var chatId = turnContext.TurnState.TryGetValue(ChatKey, out var known) && known is long id
            ? id
            : long.Parse(await users.AddressOfAsync(turnContext.Activity.Conversation.Id, cancellationToken)
                ?? throw new RecipientUnknownException("No Telegram chat is known for this user."), CultureInfo.InvariantCulture);
        var responses = new List<ResourceResponse>();
        if (turnContext.TurnState.ContainsKey(UnreachableKey)) return []; // refused earlier in this turn: the rest would fail alike
        foreach (var activity in activities)
        {
            var userId = turnContext.Activity.Conversation.Id;
            if (activity.Type == ActivityTypes.Typing)
            {
                await TryAsync(chatId, userId, async c => { await client.SendChatAction(chatId, ChatAction.Typing, cancellationToken: c); return Done; }, cancellationToken, repeatable: true);
                continue;
            }
            if (activity.Type != ActivityTypes.Message) continue;
            var parts = TelegramMapping.Split(activity.Text ?? "");
            var conversation = HasLongValue(activity) ? await ChannelMemoryAsync(turnContext, cancellationToken) : null;
            var keyboard = TelegramMapping.Keyboard(activity, value => Shorten(value, conversation!));
            Message? last = null;
            for (var i = 0; i < parts.Count; i++)
            {
                var (part, markup) = (parts[i], i == parts.Count - 1 ? keyboard : null);
                last = await SendPartAsync(turnContext, chatId, userId, c => client.SendMessage(chatId, part, replyMarkup: markup, cancellationToken: c), cancellationToken);
                if (last is null)
                {
                    turnContext.TurnState[UnreachableKey] = true; // unreachable or undeliverable: the rest would fail alike
                    return responses.ToArray();
                }
            }
            responses.Add(new ResourceResponse(last?.Id.ToString(CultureInfo.InvariantCulture)));
        }
        logger.LogDebug("Sent {Count} message(s) on Telegram", responses.Count);
        return responses.ToArray();
    }

    /// <summary>
    /// A message the bot started itself (an announcement) goes to the sender with the caller's hook, and its failure
    /// reaches the caller (which records it); a reply is sent through <see cref="TryAsync{T}"/>.
    /// </summary>
    private async Task<Message?> SendPartAsync(ITurnContext turn, long chatId, string userId, Func<CancellationToken, Task<Message>> call, CancellationToken ct) =>
        turn.TurnState.ContainsKey(TurnErrorHandler.ProactiveKey)
            ? await sender.SendAsync(chatId, userId, call, ct, SendHooks.BeforeAttempt(turn))
            : await TryAsync(chatId, userId, call, ct, ifUnknown: Unconfirmed);

    /// <summary>
    /// How many times a reply whose outcome is unknown is sent again before it is taken as sent. One resend was lost
    /// when the resend met a dropped connection too (2 of 25 users under a Bot API dropping every tenth connection);
    /// with three, a reply is lost only if four sends in a row are cut, and a duplicate needs a send that arrived
    /// although its answer was lost.
    /// </summary>
    private const int UnknownReplyResends = 3;

    /// <summary>A reply part whose outcome is unknown: taken as sent (it most likely arrived), so the turn goes on.</summary>
    private static readonly Message Unconfirmed = new();

    /// <summary>
    /// Sends through the sender (limits, retries). A reply whose outcome is unknown (the connection dropped after the
    /// request left, a timeout) is sent again, up to <see cref="UnknownReplyResends"/> times — for a reply, a rare
    /// duplicate is better than silence — and then taken as sent (<paramref name="ifUnknown"/>). A reply that still fails fails the turn
    /// (<see cref="ReplyNotSentException"/>): the inbox runs it again later, skipping the replies already sent.
    /// </summary>
    private async Task<T?> TryAsync<T>(long chatId, string userId, Func<CancellationToken, Task<T>> call, CancellationToken ct,
        bool repeatable = false, T? ifUnknown = null)
        where T : class
    {
        for (var unknown = 0; ; unknown++)
        {
            try
            {
                return await sender.SendAsync(chatId, userId, call, ct, repeatable: repeatable);
            }
            catch (RecipientUnreachableException)
            {
                return null;
            }
            catch (Exception e) when (ifUnknown is not null && TelegramSender.OutcomeUnknown(e, ct))
            {
                if (unknown < UnknownReplyResends)
                {
                    logger.LogWarning("A Telegram reply's outcome is unknown ({Error}); sent once more", e.GetType().Name);
                    continue;
                }
                logger.LogWarning("A Telegram reply's outcome is unknown again ({Error}); taken as sent", e.GetType().Name);
                Operations.BotMetrics.ChannelError(ChannelId, "uncertain");
                return ifUnknown;
            }
            catch (Exception e) when (ifUnknown is not null && (e is not OperationCanceledException || !ct.IsCancellationRequested))
            {
                throw new ReplyNotSentException("A Telegram reply could not be delivered after retries.", e);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "A Telegram call could not be made after retries"); // typing, a callback answer: harmless
                return null;
            }
        }
    }

    private static bool HasLongValue(Activity activity) =>
        activity.SuggestedActions?.Actions?.Any(a => TelegramMapping.NeedsShortening(a.Value?.ToString() ?? a.Title ?? "")) == true;

    /// <summary>
    /// A value too long for Telegram's 64-byte callback data is sent as a short token (a hash of the value) and kept
    /// in the conversation's state, where the pressed button finds it — also after a restart.
    /// </summary>
    private static string Shorten(string value, ChannelMemory conversation)
    {
        var token = ShortValuePrefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 18)
            .Replace('+', '-').Replace('/', '_');
        conversation.RememberButton(token, value);
        return token;
    }
}
