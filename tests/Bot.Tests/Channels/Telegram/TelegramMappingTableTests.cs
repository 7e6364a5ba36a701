using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bot.Tests.Hardening;
using Bot.Web.Channels.Telegram;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Telegram.Bot;
using Telegram.Bot.Types;
using Xunit;

namespace Bot.Tests.Channels.Telegram;

/// <summary>
/// The Telegram channel as tables (issue #20, characterisation before the channel rewrite): each incoming update → the
/// activity the bot sees (pure mapping, fast); each outgoing message → the exact Bot API calls (through the adapter,
/// against the fake Bot API, in <see cref="Outgoing"/>).
/// </summary>
public sealed class TelegramMappingTableTests
{
    /// <summary>A pseudonymous user id as the user directory makes them (32 hex digits): the bot never sees the chat id.</summary>
    private const string Pseudonym = "5f0c1d2e3a4b596877869504a3b2c1d0";
    private const long Chat = 987654321;

    /// <summary>What the bot sees of an activity (besides the ids checked for every row).</summary>
    public sealed record Seen(string Type, string? Name, string? Text, string? Value, string? Locale);

    /// <summary>An update's JSON with CHAT (the private chat), FROM (the sender, with <paramref name="language"/> as language_code) filled in.</summary>
    private static string Json(string json, string language = "tr") => json
        .Replace("CHAT", """{"id":987654321,"type":"private","first_name":"Ayşe"}""", StringComparison.Ordinal)
        .Replace("FROM", """{"id":987654321,"is_bot":false,"first_name":"Ayşe","language_code":"LANG"}""", StringComparison.Ordinal)
        .Replace("LANG", language, StringComparison.Ordinal);

    private static string Message(string fields, string language = "tr", string? chat = null) =>
        Json("""{"update_id":7001,"message":{"message_id":11,"date":1764000000,"chat":GROUP,"from":FROM,FIELDS}}""", language)
            .Replace("GROUP", chat ?? "CHAT", StringComparison.Ordinal).Replace("FIELDS", fields, StringComparison.Ordinal)
            .Replace("CHAT", """{"id":987654321,"type":"private","first_name":"Ayşe"}""", StringComparison.Ordinal);

    private static string Membership(string status) =>
        Json("""{"update_id":7001,"my_chat_member":{"chat":CHAT,"from":{"id":987654321,"is_bot":false,"first_name":"Ayşe"},"date":1764000000,"old_chat_member":{"status":"member","user":{"id":99,"is_bot":true,"first_name":"SegBot"}},"new_chat_member":{"status":"STATUS","until_date":0,"user":{"id":99,"is_bot":true,"first_name":"SegBot"}}}}""")
            .Replace("STATUS", status, StringComparison.Ordinal);

    /// <summary>Incoming rows: an update as Telegram posts it → what the bot sees (null: the update is ignored, answered 200 and dropped).</summary>
    private static readonly Dictionary<string, (string Update, Seen? Seen)> Incoming = new()
    {
        ["text message"] = (Message("\"text\":\"Çalışma izni nasıl alınır?\""), new("message", null, "Çalışma izni nasıl alınır?", null, "tr")),
        ["Arabic text, locale from language_code ar"] = (Message("\"text\":\"كيف أحصل على إذن العمل؟\"", "ar"), new("message", null, "كيف أحصل على إذن العمل؟", null, "ar")),
        ["language_code with a region (en-US → en)"] = (Message("\"text\":\"hello\"", "en-US"), new("message", null, "hello", null, "en")),
        ["/start with language_code ar → /menu"] = (Message("\"text\":\"/start\",\"entities\":[{\"offset\":0,\"length\":6,\"type\":\"bot_command\"}]", "ar"), new("message", null, "/menu", null, "ar")),
        ["/start with a deep-link payload → /menu"] = (Message("\"text\":\"/start kampanya\""), new("message", null, "/menu", null, "tr")),
        ["/menu@SegBot (a command addressed to the bot) → /menu"] = (Message("\"text\":\"/menu@SegBot\""), new("message", null, "/menu", null, "tr")),
        ["/lang → menu:language"] = (Message("\"text\":\"/lang\""), new("message", null, "menu:language", null, "tr")),
        ["/stop → announcements:stop"] = (Message("\"text\":\"/STOP\""), new("message", null, "announcements:stop", null, "tr")),
        ["an unknown command stays as typed"] = (Message("\"text\":\"/yardim lütfen\""), new("message", null, "/yardim lütfen", null, "tr")),
        ["callback query (a pressed button): text and value are its data"] = (
            Json("""{"update_id":7001,"callback_query":{"id":"cbq-1","from":FROM,"chat_instance":"ci-1","data":"lang:ar","message":{"message_id":5,"date":1764000000,"chat":CHAT}}}""", "ar"),
            new("message", null, "lang:ar", "lang:ar", "ar")),
        ["photo with caption: the caption is the text"] = (
            Message("\"photo\":[{\"file_id\":\"AgAD\",\"file_unique_id\":\"AQAD\",\"width\":90,\"height\":90}],\"caption\":\"Bu belge geçerli mi?\""),
            new("message", null, "Bu belge geçerli mi?", null, "tr")),
        ["photo without caption: an empty text"] = (
            Message("\"photo\":[{\"file_id\":\"AgAD\",\"file_unique_id\":\"AQAD\",\"width\":90,\"height\":90}]"), new("message", null, "", null, "tr")),
        ["sticker: an empty text"] = (
            Message("\"sticker\":{\"file_id\":\"CAAC\",\"file_unique_id\":\"AgAD\",\"type\":\"regular\",\"width\":512,\"height\":512,\"is_animated\":false,\"is_video\":false,\"emoji\":\"👍\"}", "ar"),
            new("message", null, "", null, "ar")),
        ["my_chat_member kicked (the user blocked the bot) → event"] = (Membership("kicked"), new("event", "subscription/blocked", null, null, null)),
        ["my_chat_member member (unblocked) → event"] = (Membership("member"), new("event", "subscription/unblocked", null, null, null)),
        ["edited message: ignored"] = (
            Json("""{"update_id":7001,"edited_message":{"message_id":11,"date":1764000000,"edit_date":1764000100,"chat":CHAT,"from":FROM,"text":"düzeltilmiş"}}"""), null),
        ["group message: ignored"] = (Message("\"text\":\"merhaba\"", chat: """{"id":-100123,"type":"group","title":"Grup"}"""), null),
        ["channel post: ignored"] = ("""{"update_id":7001,"channel_post":{"message_id":3,"date":1764000000,"chat":{"id":-100200,"type":"channel","title":"Kanal"},"text":"duyuru"}}""", null),
    };

    public static TheoryData<string> IncomingRows => new(Incoming.Keys);

    [Theory]
    [MemberData(nameof(IncomingRows))]
    public void An_incoming_update_becomes_the_activity_the_bot_sees(string row)
    {
        var (json, expected) = Incoming[row];
        var update = JsonSerializer.Deserialize<Update>(json, JsonBotAPI.Options)!;
        var inbound = TelegramMapping.ToInbound(update);
        if (expected is null)
        {
            Assert.Null(inbound);
            return;
        }
        Assert.NotNull(inbound);
        var now = DateTimeOffset.Parse("2025-11-24T16:00:00Z", CultureInfo.InvariantCulture);
        var activity = TelegramMapping.ToActivity(inbound, update.Id, Pseudonym, now);
        Assert.Equal(expected, new Seen(activity.Type, activity.Name, activity.Text, activity.Value as string, activity.Locale));
        Assert.Equal(("telegram", "7001", Pseudonym, Pseudonym, "bot", now),
            (activity.ChannelId, activity.Id, activity.From.Id, activity.Conversation.Id, activity.Recipient.Id, activity.Timestamp));
        // The chat id (the person's Telegram address) goes nowhere in the activity: not in an id, not in a field.
        Assert.DoesNotContain(Chat.ToString(CultureInfo.InvariantCulture), Newtonsoft.Json.JsonConvert.SerializeObject(activity), StringComparison.Ordinal);
    }

    /// <summary>Outgoing rows: a message the bot sends → the Bot API calls, through the adapter against the fake Bot API.</summary>
    public sealed class Outgoing : TelegramTestHost
    {
        private const long To = 4242;

        /// <summary>One expected sendMessage: its text and its inline keyboard, one button per row as "text → callback_data", rows joined by " | " (null: none).</summary>
        public sealed record Call(string Text, string? Keyboard = null);

        private static readonly string Paragraph = string.Join(' ', Enumerable.Repeat("duyuru", 400)); // 2,799 characters

        private static readonly string LongValue = "course:" + string.Concat(Enumerable.Repeat("ileri-seviye-bilgisayar-", 4)); // 103 bytes

        private static IMessageActivity Buttons(string text, params (string Title, string Value)[] buttons)
        {
            var message = MessageFactory.Text(text);
            message.SuggestedActions = new SuggestedActions { Actions = buttons.Select(b => new CardAction(ActionTypes.ImBack, b.Title, value: b.Value)).ToList() };
            return message;
        }

        private static readonly Dictionary<string, (Func<IMessageActivity> Message, Call[] Calls)> Rows = new()
        {
            ["a text reply"] = (() => MessageFactory.Text("Merhaba! Size nasıl yardımcı olabilirim?"), [new("Merhaba! Size nasıl yardımcı olabilirim?")]),
            ["an Arabic text, unchanged"] = (() => MessageFactory.Text("مرحباً! كيف يمكنني مساعدتك؟"), [new("مرحباً! كيف يمكنني مساعدتك؟")]),
            ["a text over 4,096 characters: split at paragraphs"] = (() => MessageFactory.Text(string.Join("\n\n", Paragraph, Paragraph, Paragraph)),
                [new(Paragraph), new(Paragraph), new(Paragraph)]),
            ["suggested actions: an inline keyboard, one button per row, the value as callback data"] = (
                () => Buttons("Ne yapmak istersiniz?", ("Soru sor", "menu:ask"), ("Çalışma izni", "menu:work-permit"), ("العربية", "lang:ar")),
                [new("Ne yapmak istersiniz?", "Soru sor → menu:ask | Çalışma izni → menu:work-permit | العربية → lang:ar")]),
            ["a button without a value: its title is the callback data"] = (
                () =>
                {
                    var message = MessageFactory.Text("Devam?");
                    message.SuggestedActions = new SuggestedActions { Actions = [new CardAction(ActionTypes.ImBack, "Evet")] };
                    return message;
                },
                [new("Devam?", "Evet → Evet")]),
            ["a value over 64 bytes: a short token in its place"] = (() => Buttons("Kurs seçin", ("Bilgisayar", LongValue)), [new("Kurs seçin", "Bilgisayar → " + Token(LongValue))]),
            ["a long text with buttons: the keyboard on the last part only"] = (
                () => Buttons(string.Join("\n\n", Paragraph, Paragraph), ("Menü", "menu")),
                [new(Paragraph), new(Paragraph, "Menü → menu")]),
        };

        public static TheoryData<string> OutgoingRows => new(Rows.Keys);

        /// <summary>The token a value too long for callback data is sent as: "h:" and 18 bytes of its SHA-256 in base64url.</summary>
        private static string Token(string value) =>
            "h:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 18).Replace('+', '-').Replace('/', '_');

        [Theory]
        [MemberData(nameof(OutgoingRows))]
        public async Task An_outgoing_message_becomes_these_sendMessage_calls(string row)
        {
            var (message, expected) = Rows[row];
            var users = Host.Services.GetRequiredService<UserDirectory>();
            var userId = await users.TouchAsync(TelegramAdapter.ChannelId, To.ToString(CultureInfo.InvariantCulture));
            var reference = new ConversationReference
            {
                ChannelId = TelegramAdapter.ChannelId,
                Conversation = new ConversationAccount(id: userId),
                User = new ChannelAccount(id: userId),
                Bot = new ChannelAccount(id: "bot"),
            };
            // The adapter returns once Telegram has answered every call: no waiting needed.
            await Host.Services.GetRequiredService<TelegramAdapter>().ContinueConversationAsync("bot", reference,
                (turn, ct) => turn.SendActivityAsync(message(), ct), default);

            var calls = Api.Calls.Where(c => c.Method != "sendChatAction").ToList();
            Assert.All(calls, c => Assert.Equal("sendMessage", c.Method));
            Assert.Equal(expected, calls.Select(c => Parse(c.Body)).ToArray());
            Assert.All(calls, c => Assert.Equal(To, c.Body.GetProperty("chat_id").GetInt64()));
            // Nothing else in the call: no parse mode (a text is sent as it is written), no other options.
            Assert.All(calls, c => Assert.Subset(new HashSet<string> { "chat_id", "text", "reply_markup" },
                c.Body.EnumerateObject().Select(p => p.Name).ToHashSet()));
        }

        [Fact]
        public async Task The_user_the_bot_sees_is_a_pseudonym_not_the_chat_id()
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, await PostAsync(Webhooks.TelegramText(7101, 5550001, "Merhaba")));
            var rows = await Webhooks.InboxAsync(Data.Path);
            Assert.True(await Webhooks.WaitAsync(async () => (rows = await Webhooks.InboxAsync(Data.Path)).Count == 1));
            var pseudonym = await Host.Services.GetRequiredService<UserDirectory>().IdOfAsync(TelegramAdapter.ChannelId, "5550001");
            Assert.Equal(pseudonym, rows[0].Sender);
            Assert.Matches("^[0-9a-f]{32}$", rows[0].Sender);
            Assert.DoesNotContain("5550001", rows[0].Sender, StringComparison.Ordinal);
        }

        private static Call Parse(JsonElement body)
        {
            var keyboard = body.TryGetProperty("reply_markup", out var markup)
                ? markup.GetProperty("inline_keyboard").EnumerateArray()
                    .Select(r => Assert.Single(r.EnumerateArray()))
                    .Select(b => b.GetProperty("text").GetString() + " → " + b.GetProperty("callback_data").GetString())
                : null;
            return new Call(body.GetProperty("text").GetString()!, keyboard is null ? null : string.Join(" | ", keyboard));
        }
    }
}
