using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WebChat;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Conversation;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Channels;

/// <summary>
/// Writes to a person on the bot's own initiative (a staff answer, staff's reply in a handover), through the channel
/// they wrote on: the channel adapter's proactive turn (same pacing, retries, error classes, WhatsApp window and
/// template). Returns what happened, for the delivery column staff see; never throws for a delivery failure.
/// </summary>
public sealed class UserMessenger(IServiceProvider services, ILogger<UserMessenger> logger)
{
    public const string Sent = "sent";
    public const string Waiting = "waiting"; // web chat: delivered when the browser next asks

    public async Task<string> SendAsync(string userId, string channel, IMessageActivity message, CancellationToken ct,
        Func<ITurnContext, CancellationToken, Task>? before = null)
    {
        var adapter = AdapterOf(channel);
        if (adapter is null) return "failed: channel off";
        var reference = new ConversationReference
        {
            ChannelId = channel,
            Conversation = new ConversationAccount(id: userId),
            User = new ChannelAccount(id: userId),
            Bot = new ChannelAccount(id: "bot"),
        };
        try
        {
            await adapter.ContinueConversationAsync("bot", reference, async (turn, c) =>
            {
                if (before is not null) await before(turn, c);
                await turn.SendActivityAsync(message, c);
            }, ct);
            return channel == WebChatAdapter.ChannelId ? Waiting : Sent;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("A message to a {Channel} user was not delivered: {Error}", channel, e.GetType().Name);
            return "failed: " + Reason(e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        OutsideServiceWindowException => "outside the WhatsApp window, no template",
        BusinessInitiatedLimitException => "daily WhatsApp budget spent",
        MessageRejectedException m => Cut(m.Message),
        _ => Cut(e.GetType().Name),
    };

    private static string Cut(string s) => s.Length <= 56 ? s : s[..56];

    private ChannelAdapter? AdapterOf(string channel) => channel switch
    {
        TelegramAdapter.ChannelId => services.GetService<TelegramAdapter>(),
        WhatsAppAdapter.ChannelId => services.GetService<WhatsAppAdapter>(),
        WebChatAdapter.ChannelId => services.GetService<WebChatAdapter>(),
        _ => null,
    };
}
