using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// Inputs that once made an inbound endpoint answer 500 (or store what it should have refused): each is now refused
/// with 400/413 and a problem body — or, for an update Telegram itself would keep redelivering, answered 200 and
/// ignored — and nothing of it is stored.
/// </summary>
public sealed class BadInputTests : InboundTestHost
{
    private static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p).ToArray();

    public static TheoryData<string> BrokenWebChatBodies => new()
    {
        "invalid UTF-8 in text",
        "invalid UTF-8 in userId",
        "lone low surrogate in text",
        "lone high surrogate in userId",
        "lone surrogate in value",
    };

    [Theory]
    [MemberData(nameof(BrokenWebChatBodies))]
    public async Task Web_chat_text_that_is_not_valid_Unicode_is_refused_with_400(string row)
    {
        var body = row switch
        {
            "invalid UTF-8 in text" => Bytes("{\"userId\":\"u-1\",\"text\":\"a", new byte[] { 0xC3, 0x28, 0xFF }, "\"}"),
            "invalid UTF-8 in userId" => Bytes("{\"userId\":\"u", new byte[] { 0xED, 0xA0, 0x80 }, "\",\"text\":\"merhaba\"}"),
            "lone low surrogate in text" => Bytes("{\"userId\":\"u-1\",\"text\":\"\\udfff\"}"),
            "lone high surrogate in userId" => Bytes("{\"userId\":\"\\ud800x\",\"text\":\"merhaba\"}"),
            _ => Bytes("{\"userId\":\"u-1\",\"value\":\"\\udfff\"}"),
        };
        var (status, problem, type) = await PostRawAsync(WebChatPath, body, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("Unicode", problem, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData(WhatsAppPath)]
    [InlineData(StatusPath)]
    public async Task A_broken_multipart_body_to_the_Twilio_endpoints_is_refused_with_400(string path)
    {
        const string broken = "--xyz\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nmerhaba"; // ends before its boundary
        var (status, problem, type) = await PostRawAsync(path, broken, "multipart/form-data; boundary=xyz");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("form", problem, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    public static TheoryData<string, int> Oversized => new()
    {
        { WebChatPath, 200_000 },
        { TelegramPath, 1_100_000 },
        { TelegramPath, 20_000_000 },
        { WhatsAppPath, 200_000 },
        { StatusPath, 200_000 },
    };

    [Theory]
    [MemberData(nameof(Oversized))]
    public async Task A_chunked_body_over_the_endpoints_limit_is_refused_by_the_bytes_read(string path, int size)
    {
        var text = new string('x', size);
        var (body, type) = path switch
        {
            WebChatPath => (JsonSerializer.Serialize(new { userId = "u-1", text }), "application/json"),
            TelegramPath => (Webhooks.TelegramText(4242, 4242, text), "application/json"),
            _ => ("MessageSid=SM0123456789abcdef0123456789abcdef&From=whatsapp%3A%2B905321112233&MessageStatus=delivered&Body=" + text,
                "application/x-www-form-urlencoded"),
        };
        try
        {
            var (status, problem, problemType) = await PostRawAsync(path, body, type, chunked: true);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal("application/problem+json", problemType);
            Assert.Contains("at most", problem, StringComparison.Ordinal);
        }
        catch (HttpRequestException e) when (size > 4_000_000 && e.InnerException is IOException)
        {
            // The server answered 413 and closed the connection while megabytes were still being sent: the client
            // sees its write fail before it reads the answer. Either way the server stopped reading at the limit.
        }
        await AssertNothingStoredAsync();
    }

    public static TheoryData<string> UnreadableTelegramUpdates => new()
    {
        """{"update_id":610001,"message":{"message_id":1,"date":99999999999999,"chat":{"id":61001,"type":"private"},"from":{"id":61001,"is_bot":false,"first_name":"A"},"text":"merhaba"}}""",
        """{"update_id":610002,"my_chat_member":{"chat":{"id":61002,"type":"private"},"from":{"id":61002,"is_bot":false,"first_name":"A"},"date":{NOW},"old_chat_member":{"status":"member","user":{"id":99,"is_bot":true,"first_name":"B"}},"new_chat_member":{"status":"kicked","until_date":1099511627776,"user":{"id":99,"is_bot":true,"first_name":"B"}}}}""",
        """{"update_id":610003,"message":{"message_id":1,"date":-99999999999999,"chat":{"id":61003,"type":"private"},"text":"merhaba"}}""",
    };

    /// <summary>
    /// Telegram redelivers every update not answered 2xx, for up to a day: an update from Telegram (the secret was
    /// right) that the library cannot read is answered 200 and ignored, with a log line, so that it is not sent again.
    /// </summary>
    [Theory]
    [MemberData(nameof(UnreadableTelegramUpdates))]
    public async Task A_Telegram_update_with_a_date_out_of_range_is_answered_200_and_ignored(string update)
    {
        update = update.Replace("{NOW}", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var (status, _, _) = await PostRawAsync(TelegramPath, update, "application/json");
        Assert.Equal(HttpStatusCode.OK, status);
        await AssertNothingStoredAsync();
        Assert.Contains(Logs.Entries, e => e.Message.Contains("could not be read", StringComparison.Ordinal) && e.Message.Contains("61000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Telegram_updates_older_than_the_window_are_accepted_but_not_answered()
    {
        var old = DateTimeOffset.UtcNow.AddHours(-25).ToUnixTimeSeconds();
        var young = DateTimeOffset.UtcNow.AddHours(-23).ToUnixTimeSeconds();
        string Update(long id, long chat, long date) => $$$"""{"update_id":{{{id}}},"message":{"message_id":{{{id}}},"date":{{{date}}},"chat":{"id":{{{chat}}},"type":"private"},"from":{"id":{{{chat}}},"is_bot":false,"first_name":"A","language_code":"tr"},"text":"merhaba"}}""";

        Assert.Equal(HttpStatusCode.OK, (await PostRawAsync(TelegramPath, Update(620001, 62001, 0), "application/json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostRawAsync(TelegramPath, Update(620002, 62002, old), "application/json")).Status);
        await AssertNothingStoredAsync();
        Assert.Equal(2, Logs.Entries.Count(e => e.Message.Contains("older than", StringComparison.Ordinal)));

        // A day-old update is still within Telegram's own redelivery time, and answered.
        Assert.Equal(HttpStatusCode.OK, (await PostRawAsync(TelegramPath, Update(620003, 62003, young), "application/json")).Status);
        await Telegram.WaitForAsync(api => api.Sent("sendMessage", 62003).Count > 0);
        Assert.Empty(Telegram.Sent("sendMessage", 62001));
        Assert.Empty(Telegram.Sent("sendMessage", 62002));
    }

    [Fact]
    public async Task A_button_pressed_under_an_old_message_is_answered()
    {
        // Telegram dates a button press by the message under it (0 once that message is no longer accessible).
        const string press = """{"update_id":630001,"callback_query":{"id":"cbq-old","from":{"id":63001,"is_bot":false,"first_name":"A"},"chat_instance":"ci","data":"lang:tr","message":{"message_id":5,"date":0,"chat":{"id":63001,"type":"private"}}}}""";
        Assert.Equal(HttpStatusCode.OK, (await PostRawAsync(TelegramPath, press, "application/json")).Status);
        await Telegram.WaitForAsync(api => api.Sent("sendMessage", 63001).Count > 0);
        Assert.Single(Telegram.Sent("answerCallbackQuery"));
    }
}
