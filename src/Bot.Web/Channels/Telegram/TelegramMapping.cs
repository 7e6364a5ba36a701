using Bot.Web.Channels;
using System.Globalization;
using System.Text;
using Microsoft.Bot.Schema;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace Bot.Web.Channels.Telegram;

/// <summary>What the bot takes from one Telegram update (private chats only).</summary>
public sealed record TelegramInbound(long ChatId, string? Text, string? CallbackQueryId, string? LanguageCode, TelegramMembership? Membership);

public enum TelegramMembership
{
    Blocked,
    Unblocked,
}

/// <summary>Pure translation between Telegram updates and Bot Builder activities.</summary>
public static class TelegramMapping
{
    public const int MaxMessageLength = 4096;
    public const int MaxCallbackDataBytes = 64;
    public const string EventBlocked = "subscription/blocked";
    public const string EventUnblocked = "subscription/unblocked";


    /// <summary>The part of an update the bot handles, or null for an update type it ignores (answered 200, dropped).</summary>
    public static TelegramInbound? ToInbound(Update update) => update switch
    {
        { Message: { Chat.Type: ChatType.Private } m } when m.Text is not null || m.Caption is not null || m.Type != MessageType.Text =>
            new TelegramInbound(m.Chat.Id, m.Text ?? m.Caption ?? "", null, m.From?.LanguageCode, null),
        { CallbackQuery: { Message.Chat.Type: ChatType.Private } q } =>
            new TelegramInbound(q.Message!.Chat.Id, q.Data ?? "", q.Id, q.From.LanguageCode, null),
        { MyChatMember: { Chat.Type: ChatType.Private } c } when c.NewChatMember.Status is ChatMemberStatus.Kicked =>
            new TelegramInbound(c.Chat.Id, null, null, c.From.LanguageCode, TelegramMembership.Blocked),
        { MyChatMember: { Chat.Type: ChatType.Private } c } when c.NewChatMember.Status is ChatMemberStatus.Member =>
            new TelegramInbound(c.Chat.Id, null, null, c.From.LanguageCode, TelegramMembership.Unblocked),
        _ => null,
    };

    /// <summary>
    /// When the update's message or membership change was sent; null for a button press (its message's date is when
    /// that message was sent, or 0 once Telegram no longer shows it, not when the button was pressed).
    /// </summary>
    public static DateTimeOffset? DateOf(Update update) => update switch
    {
        { Message: { } m } => new DateTimeOffset(DateTime.SpecifyKind(m.Date, DateTimeKind.Utc)),
        { MyChatMember: { } c } => new DateTimeOffset(DateTime.SpecifyKind(c.Date, DateTimeKind.Utc)),
        _ => null,
    };

    /// <summary>The activity for an inbound update; ids are the pseudonymous user id, never the chat id.</summary>
    public static Activity ToActivity(TelegramInbound inbound, long updateId, string userId, DateTimeOffset now)
    {
        var activity = new Activity
        {
            Id = updateId.ToString(CultureInfo.InvariantCulture),
            ChannelId = TelegramAdapter.ChannelId,
            ServiceUrl = "telegram:",
            Conversation = new ConversationAccount(id: userId),
            From = new ChannelAccount(id: userId),
            Recipient = new ChannelAccount(id: "bot"),
            Timestamp = now,
            // The Telegram app's language: a hint when the message itself says nothing ("/stop", "ok").
            Locale = inbound.LanguageCode?.Split('-')[0].ToLowerInvariant(),
        };
        if (inbound.Membership is { } membership)
        {
            activity.Type = ActivityTypes.Event;
            activity.Name = membership == TelegramMembership.Blocked ? EventBlocked : EventUnblocked;
            return activity;
        }
        activity.Type = ActivityTypes.Message;
        var text = inbound.Text ?? "";
        // Commands: "/menu@SegBot" → "/menu"; /start opens the welcome (the menu), /lang asks for the language.
        if (text.StartsWith('/'))
        {
            var command = text.Split(' ', '@')[0].ToLowerInvariant();
            text = command switch
            {
                "/start" or "/menu" => "/menu",
                "/lang" => "menu:language",
                "/stop" => BotCommands.StopAnnouncements,
                _ => text,
            };
        }
        activity.Text = text;
        if (inbound.CallbackQueryId is not null) activity.Value = text;
        return activity;
    }

    /// <summary>Splits a text into Telegram messages (at most 4,096 characters each).</summary>
    public static IReadOnlyList<string> Split(string text) => TextSplitter.Split(text, MaxMessageLength);

    /// <summary>True when <paramref name="value"/> does not fit Telegram's 64-byte callback data.</summary>
    public static bool NeedsShortening(string value) => Encoding.UTF8.GetByteCount(value) > MaxCallbackDataBytes;

    /// <summary>Suggested actions as an inline keyboard, one button per row; values too long for callback data are replaced by <paramref name="shorten"/>.</summary>
    public static InlineKeyboardMarkup? Keyboard(IMessageActivity activity, Func<string, string> shorten)
    {
        var actions = activity.SuggestedActions?.Actions;
        if (actions is null || actions.Count == 0) return null;
        return new InlineKeyboardMarkup(actions.Select(a =>
        {
            var value = a.Value?.ToString() ?? a.Title;
            var data = NeedsShortening(value) ? shorten(value) : value;
            return new[] { InlineKeyboardButton.WithCallbackData(a.Title, data) };
        }));
    }
}
