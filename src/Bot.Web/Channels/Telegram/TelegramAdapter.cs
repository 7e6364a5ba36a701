using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bot.Web.Conversation;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Bot.Web.Channels.Telegram;

/// <summary>
/// The Telegram channel: runs one turn per update (the chat id turned into the pseudonymous user id first) and
/// sends the bot's replies through the Bot API — long texts split, suggested actions as an inline keyboard, every
/// callback query answered, typing shown while the turn runs.
/// </summary>
public sealed class TelegramAdapter(TurnPipeline pipeline, UserDirectory users, ITelegramBotClient client, TelegramSender sender, ILogger<TelegramAdapter> logger)
    : ChannelAdapter(pipeline)
{
    public const string ChannelId = "telegram";
    private const string ChatKey = "Telegram.ChatId";
    private const string ShortValuePrefix = "h:";
    private static readonly object Done = new();
    private readonly ConcurrentDictionary<string, string> _longValues = new(StringComparer.Ordinal);

    public async Task ProcessAsync(Update update, CancellationToken ct)
    {
        var inbound = TelegramMapping.ToInbound(update);
        if (inbound is null) return;
        if (inbound.CallbackQueryId is not null)
        {
            // Clients show a progress bar until the query is answered: answer first, whatever the turn does.
            var queryId = inbound.CallbackQueryId;
            await sender.SendAsync(inbound.ChatId, null, async c => { await client.AnswerCallbackQuery(queryId, cancellationToken: c); return true; }, ct);
            if (inbound.Text is { } data && data.StartsWith(ShortValuePrefix, StringComparison.Ordinal))
            {
                inbound = inbound with { Text = _longValues.TryGetValue(data, out var value) ? value : "/menu" };
            }
        }
        var userId = await users.TouchAsync(ChannelId, inbound.ChatId.ToString(CultureInfo.InvariantCulture), ct);
        if (inbound.Membership == TelegramMembership.Blocked) await users.MarkUnreachableAsync(userId, ct);
        var activity = TelegramMapping.ToActivity(inbound, update.Id, userId, Clock.GetUtcNow());
        if (activity.Type == ActivityTypes.Message)
        {
            await TryAsync(inbound.ChatId, userId, async c => { await client.SendChatAction(inbound.ChatId, ChatAction.Typing, cancellationToken: c); return Done; }, ct);
        }
        await RunTurnAsync(activity, turn => turn.TurnState[ChatKey] = inbound.ChatId, ct);
    }

    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        var chatId = turnContext.TurnState.TryGetValue(ChatKey, out var known) && known is long id
            ? id
            : long.Parse(await users.AddressOfAsync(turnContext.Activity.Conversation.Id, cancellationToken)
                ?? throw new InvalidOperationException("No Telegram chat is known for this user."), CultureInfo.InvariantCulture);
        var responses = new List<ResourceResponse>();
        foreach (var activity in activities)
        {
            var userId = turnContext.Activity.Conversation.Id;
            if (activity.Type == ActivityTypes.Typing)
            {
                await TryAsync(chatId, userId, async c => { await client.SendChatAction(chatId, ChatAction.Typing, cancellationToken: c); return Done; }, cancellationToken);
                continue;
            }
            if (activity.Type != ActivityTypes.Message) continue;
            var parts = TelegramMapping.Split(activity.Text ?? "");
            var keyboard = TelegramMapping.Keyboard(activity, Shorten);
            Message? last = null;
            for (var i = 0; i < parts.Count; i++)
            {
                var (part, markup) = (parts[i], i == parts.Count - 1 ? keyboard : null);
                last = await TryAsync(chatId, userId, c => client.SendMessage(chatId, part, replyMarkup: markup, cancellationToken: c), cancellationToken);
                if (last is null) return responses.ToArray(); // unreachable or undeliverable: the rest would fail alike
            }
            responses.Add(new ResourceResponse(last?.Id.ToString(CultureInfo.InvariantCulture)));
        }
        logger.LogDebug("Sent {Count} message(s) on Telegram", responses.Count);
        return responses.ToArray();
    }

    /// <summary>
    /// Sends through the sender (limits, retries). A reply that still fails is logged and dropped rather than failing
    /// the turn: retrying the whole turn would send its earlier messages twice.
    /// </summary>
    private async Task<T?> TryAsync<T>(long chatId, string userId, Func<CancellationToken, Task<T>> call, CancellationToken ct)
        where T : class
    {
        try
        {
            return await sender.SendAsync(chatId, userId, call, ct);
        }
        catch (RecipientUnreachableException)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "A Telegram reply could not be delivered after retries");
            return null;
        }
    }

    /// <summary>A value too long for Telegram's 64-byte callback data is sent as a short token and looked up when pressed.</summary>
    private string Shorten(string value)
    {
        var token = ShortValuePrefix + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 18)
            .Replace('+', '-').Replace('/', '_');
        if (_longValues.Count > 10_000) _longValues.Clear();
        _longValues[token] = value;
        return token;
    }
}
