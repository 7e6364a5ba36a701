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
public sealed class TelegramAdapter(TurnPipeline pipeline, UserDirectory users, ITelegramBotClient client, ILogger<TelegramAdapter> logger)
    : ChannelAdapter(pipeline)
{
    public const string ChannelId = "telegram";
    private const string ChatKey = "Telegram.ChatId";
    private const string ShortValuePrefix = "h:";
    private readonly ConcurrentDictionary<string, string> _longValues = new(StringComparer.Ordinal);

    public async Task ProcessAsync(Update update, CancellationToken ct)
    {
        var inbound = TelegramMapping.ToInbound(update);
        if (inbound is null) return;
        if (inbound.CallbackQueryId is not null)
        {
            // Clients show a progress bar until the query is answered: answer first, whatever the turn does.
            await client.AnswerCallbackQuery(inbound.CallbackQueryId, cancellationToken: ct);
            if (inbound.Text is { } data && data.StartsWith(ShortValuePrefix, StringComparison.Ordinal))
            {
                inbound = inbound with { Text = _longValues.TryGetValue(data, out var value) ? value : "/menu" };
            }
        }
        var userId = await users.TouchAsync(ChannelId, inbound.ChatId.ToString(CultureInfo.InvariantCulture), ct);
        var activity = TelegramMapping.ToActivity(inbound, update.Id, userId, Clock.GetUtcNow());
        if (activity.Type == ActivityTypes.Message)
        {
            await client.SendChatAction(inbound.ChatId, ChatAction.Typing, cancellationToken: ct);
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
            if (activity.Type == ActivityTypes.Typing)
            {
                await client.SendChatAction(chatId, ChatAction.Typing, cancellationToken: cancellationToken);
                continue;
            }
            if (activity.Type != ActivityTypes.Message) continue;
            var parts = TelegramMapping.Split(activity.Text ?? "");
            var keyboard = TelegramMapping.Keyboard(activity, Shorten);
            Message? last = null;
            for (var i = 0; i < parts.Count; i++)
            {
                last = await client.SendMessage(chatId, parts[i], replyMarkup: i == parts.Count - 1 ? keyboard : null,
                    cancellationToken: cancellationToken);
            }
            responses.Add(new ResourceResponse(last?.Id.ToString(CultureInfo.InvariantCulture)));
        }
        logger.LogDebug("Sent {Count} message(s) on Telegram", responses.Count);
        return responses.ToArray();
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
