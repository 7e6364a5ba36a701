using System.Net;
using System.Text;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.Telegram;
using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.Bot.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.Telegram;

/// <summary>The real host receiving Telegram webhook posts (payloads in fixtures/), replying through a fake Bot API.</summary>
public sealed class TelegramWebhookTests : TelegramTestHost
{
    public static TheoryData<string, string?, HttpStatusCode, long?> Rows => new()
    {
        // fixture, secret sent, expected HTTP status, chat the bot must answer (null: nothing may be sent)
        { "text-tr.json", Secret, HttpStatusCode.OK, 1001 },
        { "text-ar.json", Secret, HttpStatusCode.OK, 1002 },
        { "callback-lang.json", Secret, HttpStatusCode.OK, 1003 },
        { "start.json", Secret, HttpStatusCode.OK, 1004 },
        { "channel-post.json", Secret, HttpStatusCode.OK, null },
        { "group-message.json", Secret, HttpStatusCode.OK, null },
        { "text-tr.json", "wrong-secret", HttpStatusCode.Unauthorized, null },
        { "text-tr.json", null, HttpStatusCode.Unauthorized, null },
        { "malformed.json", Secret, HttpStatusCode.BadRequest, null },
        { "not-an-update.json", Secret, HttpStatusCode.BadRequest, null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Incoming_updates_are_checked_parsed_and_answered(string fixture, string? secret, HttpStatusCode status, long? answeredChat)
    {
        Assert.Equal(status, await PostAsync(Fixture(fixture), secret));
        if (answeredChat is { } chat)
        {
            await Api.WaitForAsync(api => api.Sent("sendMessage", chat).Count > 0);
            Assert.NotEmpty(Api.Sent("sendMessage", chat));
        }
        else
        {
            // Nothing was stored before the webhook answered, and only stored updates get a turn: nothing can follow.
            Assert.Empty(Api.Sent("sendMessage"));
            await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
            Assert.Equal(0, await db.Inbound.CountAsync());
        }
    }

    [Fact]
    public async Task A_Turkish_question_is_answered_in_Turkish_with_an_inline_keyboard_and_typing_first()
    {
        await PostAsync(Fixture("text-tr.json"));
        await Api.WaitForAsync(api => api.Sent("sendMessage", 1001).Count >= 1);
        var messages = Api.Sent("sendMessage", 1001);
        // The first question's answer comes first; the introduction follows it in the same message.
        var answer = messages[0];
        var text = answer.GetProperty("text").GetString()!;
        Assert.Contains("belge", text[..Math.Min(200, text.Length)], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Merhaba! Ben Türk Kızılay", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("Merhaba! Ben", StringComparison.Ordinal) > text.IndexOf("belge", StringComparison.OrdinalIgnoreCase));
        var keyboard = answer.GetProperty("reply_markup").GetProperty("inline_keyboard");
        var buttons = keyboard.EnumerateArray().SelectMany(row => row.EnumerateArray()).ToList();
        Assert.Contains(buttons, b => b.GetProperty("text").GetString() == "Menü" && b.GetProperty("callback_data").GetString() == "menu");
        Assert.All(buttons, b => Assert.InRange(Encoding.UTF8.GetByteCount(b.GetProperty("callback_data").GetString()!), 1, 64));
        Assert.Equal("typing", Api.Sent("sendChatAction", 1001)[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_message_over_4096_characters_sent_later_arrives_in_paragraph_parts()
    {
        await PostAsync(Fixture("start.json"));
        await TurnsOverAsync();
        var before = Api.Sent("sendMessage", 1004).Count;
        var userId = await Host.Services.GetRequiredService<UserDirectory>().IdOfAsync(TelegramAdapter.ChannelId, "1004");
        var paragraph = string.Join(' ', Enumerable.Repeat("duyuru", 400)); // 2,799 characters
        var reference = new ConversationReference
        {
            ChannelId = TelegramAdapter.ChannelId,
            Conversation = new ConversationAccount(id: userId),
            User = new ChannelAccount(id: userId),
            Bot = new ChannelAccount(id: "bot"),
        };
        // A message the bot sends on its own (a staff answer, an announcement), not in reply to an update.
        await Host.Services.GetRequiredService<TelegramAdapter>().ContinueConversationAsync("bot", reference,
            (turn, ct) => turn.SendActivityAsync(string.Join("\n\n", paragraph, paragraph, paragraph), cancellationToken: ct), default);
        var parts = Api.Sent("sendMessage", 1004).Skip(before).Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Equal([paragraph, paragraph, paragraph], parts);
    }

    [Fact]
    public async Task An_Arabic_question_is_answered_in_Arabic()
    {
        await PostAsync(Fixture("text-ar.json"));
        await Api.WaitForAsync(api => api.Sent("sendMessage", 1002).Count >= 2);
        var text = Api.Sent("sendMessage", 1002)[^1].GetProperty("text").GetString()!;
        Assert.Contains("إذن العمل", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_callback_query_is_answered_and_its_data_is_the_users_choice()
    {
        await PostAsync(Fixture("callback-lang.json"));
        await Api.WaitForAsync(api => api.Sent("sendMessage", 1003).Count > 0);
        Assert.Equal("cbq-77", Assert.Single(Api.Sent("answerCallbackQuery")).GetProperty("callback_query_id").GetString());
        Assert.Equal("حسناً، سنتابع بالعربية.", Api.Sent("sendMessage", 1003)[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_redelivered_update_is_processed_once_even_in_parallel()
    {
        var body = Fixture("text-tr.json");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(body)));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await TurnsOverAsync();
        Assert.Single(Api.Sent("sendMessage", 1001)); // the answer (with the introduction), once
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var row = await db.Inbound.SingleAsync();
        Assert.Equal(InboundStatus.Handled, row.Status);
        Assert.Null(row.Payload); // the message is not kept once handled
    }

    [Fact]
    public async Task The_dedupe_survives_a_restart()
    {
        await PostAsync(Fixture("start.json"));
        await TurnsOverAsync(); // the turn sends more than one message: count them all before the restart
        var sent = Api.Sent("sendMessage", 1004).Count;
        await Host.DisposeAsync();
        Host = await StartHostAsync();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Fixture("start.json")));
        await TurnsOverAsync(); // the redelivery was not stored again: still one update, its turn long over
        await using (var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal(1, await db.Inbound.CountAsync());
        }
        Assert.Equal(sent, Api.Sent("sendMessage", 1004).Count);
    }
}

public sealed class TelegramMappingTests
{
    [Fact]
    public void Long_text_is_split_at_paragraphs_and_never_over_4096()
    {
        var paragraph = string.Join(' ', Enumerable.Repeat("kelime", 300)); // ~2,100 characters
        var text = string.Join("\n\n", paragraph, paragraph, paragraph);
        var parts = TelegramMapping.Split(text);
        Assert.Equal(3, parts.Count);
        Assert.All(parts, p => Assert.Equal(paragraph, p));
        var unbroken = new string('x', 9000);
        Assert.All(TelegramMapping.Split(unbroken), p => Assert.InRange(p.Length, 1, 4096));
        Assert.Equal(9000, TelegramMapping.Split(unbroken).Sum(p => p.Length));
    }

    [Fact]
    public void Callback_data_over_64_bytes_is_replaced_by_a_short_token()
    {
        var reply = Microsoft.Bot.Builder.MessageFactory.Text("x");
        var longValue = "kb:" + new string('ş', 40); // 83 bytes in UTF-8
        reply.SuggestedActions = new Microsoft.Bot.Schema.SuggestedActions
        {
            Actions = [new Microsoft.Bot.Schema.CardAction("imBack", "A", value: "menu"), new Microsoft.Bot.Schema.CardAction("imBack", "B", value: longValue)],
        };
        var keyboard = TelegramMapping.Keyboard(reply, v => "h:short")!;
        var data = keyboard.InlineKeyboard.SelectMany(r => r).Select(b => b.CallbackData).ToList();
        Assert.Equal(["menu", "h:short"], data);
    }
}

/// <summary>Outgoing rows: how the bot behaves when the Bot API refuses, throttles or fails.</summary>
public sealed class TelegramSendingTests : TelegramTestHost
{
    private async Task PostStartAsync(long chat, long update)
    {
        var body = $$$"""{"update_id":{{{update}}},"message":{"message_id":1,"date":{{{Bot.Tests.Hardening.Webhooks.Now}}},"chat":{"id":{{{chat}}},"type":"private"},"from":{"id":{{{chat}}},"is_bot":false,"first_name":"A","language_code":"tr"},"text":"/start"}}""";
        Assert.Equal(HttpStatusCode.OK, await PostAsync(body));
    }

    private void FailNext(string method, int status, string body) =>
        Api.Failures.GetOrAdd(method, _ => new System.Collections.Concurrent.ConcurrentQueue<(int, string)>()).Enqueue((status, body));

    [Fact]
    public async Task Flood_control_429_is_waited_out_and_the_message_delivered_once()
    {
        FailNext("sendMessage", 429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}""");
        var started = DateTime.UtcNow;
        await PostStartAsync(2001, 6001);
        await TurnsOverAsync();
        var attempts = Api.Sent("sendMessage", 2001);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "retry_after was not honoured");
        // The first attempt was refused; the greeting went out once after the pause (no duplicate), then the welcome's question.
        Assert.Equal(3, attempts.Count);
        Assert.Equal(attempts[0].GetProperty("text").GetString(), attempts[1].GetProperty("text").GetString());
        Assert.NotEqual(attempts[1].GetProperty("text").GetString(), attempts[2].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff()
    {
        FailNext("sendMessage", 500, """{"ok":false,"error_code":500,"description":"Internal Server Error"}""");
        FailNext("sendMessage", 502, """{"ok":false,"error_code":502,"description":"Bad Gateway"}""");
        await PostStartAsync(2002, 6002);
        await TurnsOverAsync();
        var texts = Api.Sent("sendMessage", 2002).Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Equal(4, texts.Count); // two failures, then the greeting delivered once, then the welcome's question
        Assert.Single(texts.Distinct().Skip(1));
    }

    [Fact]
    public async Task A_blocked_bot_marks_the_recipient_unreachable_without_retrying()
    {
        FailNext("sendMessage", 403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""");
        await PostStartAsync(2003, 6003);
        var users = Host.Services.GetRequiredService<Bot.Web.Privacy.UserDirectory>();
        var userId = await users.IdOfAsync(TelegramAdapter.ChannelId, "2003");
        var factory = Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        DateTimeOffset? since = null;
        await Eventually.WaitAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return (since = await db.BotUsers.Where(u => u.Id == userId).Select(u => u.UnreachableSince).SingleOrDefaultAsync()) is not null;
        }, seconds: 10);
        Assert.NotNull(since);
        await TurnsOverAsync();
        Assert.Single(Api.Sent("sendMessage", 2003)); // not retried, and the rest of the reply not attempted
    }
}
