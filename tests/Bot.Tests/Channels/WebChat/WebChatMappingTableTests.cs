using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.WebChat;
using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.WebChat;

/// <summary>
/// The web chat as tables (issue #20, characterisation before the channel rewrite): each JSON post → the activity the
/// bot sees; each reply → the JSON the browser gets. Pure (the parser and the mapping), plus the pseudonym through the
/// real endpoint (<see cref="Endpoint"/>).
/// </summary>
public sealed class WebChatMappingTableTests
{
    private const string Pseudonym = "5f0c1d2e3a4b596877869504a3b2c1d0";
    private const string Browser = "w-Qm9uIGpvdXIgbGUgbW9uZGU";

    public sealed record Seen(string Type, string? Text, string? Value, string? Locale);

    /// <summary>Incoming rows: the JSON the chat page posts → what the bot sees.</summary>
    private static readonly Dictionary<string, (string Post, Seen Seen)> Incoming = new()
    {
        ["typed text"] = ($$"""{"userId":"{{Browser}}","text":"Çalışma izni nasıl alınır?"}""", new("message", "Çalışma izni nasıl alınır?", null, null)),
        ["Arabic text"] = ($$"""{"userId":"{{Browser}}","text":"كيف أحصل على إذن العمل؟"}""", new("message", "كيف أحصل على إذن العمل؟", null, null)),
        ["a button: its value is the text and the value"] = ($$"""{"userId":"{{Browser}}","value":"menu:ask"}""", new("message", "menu:ask", "menu:ask", null)),
        ["text and value: the text is typed, the value kept"] = ($$"""{"userId":"{{Browser}}","text":"Soru sor","value":"menu:ask"}""", new("message", "Soru sor", "menu:ask", null)),
        ["a blank text beside a value: the value"] = ($$"""{"userId":"{{Browser}}","text":" ","value":"lang:ar"}""", new("message", "lang:ar", "lang:ar", null)),
        ["unknown fields are ignored"] = ($$"""{"userId":"{{Browser}}","text":"merhaba","locale":"ar","extra":1}""", new("message", "merhaba", null, null)),
    };

    public static TheoryData<string> IncomingRows => new(Incoming.Keys);

    [Theory]
    [MemberData(nameof(IncomingRows))]
    public async Task A_post_becomes_the_activity_the_bot_sees(string row)
    {
        var (post, expected) = Incoming[row];
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(post));
        var (inbound, problem) = await WebChatApi.ParseAsync(context.Request, 4096, default);
        Assert.Null(problem);
        Assert.NotNull(inbound);
        Assert.Equal(Browser, inbound.UserId); // turned into the pseudonym by the adapter before the turn (see Endpoint)
        var now = DateTimeOffset.Parse("2025-11-24T16:00:00Z", CultureInfo.InvariantCulture);
        var activity = WebChatMapping.ToActivity(inbound, Pseudonym, now);
        Assert.Equal(expected, new Seen(activity.Type, activity.Text, activity.Value as string, activity.Locale));
        Assert.Equal(("webchat", Pseudonym, Pseudonym, "bot", now), (activity.ChannelId, activity.From.Id, activity.Conversation.Id, activity.Recipient.Id, activity.Timestamp));
        Assert.Matches("^[0-9a-f]{32}$", activity.Id);
        Assert.DoesNotContain(Browser, Newtonsoft.Json.JsonConvert.SerializeObject(activity), StringComparison.Ordinal);
    }

    private static IMessageActivity Reply(string text, string? locale, params (string Title, string? Value)[] buttons)
    {
        var message = MessageFactory.Text(text);
        message.Locale = locale;
        if (buttons.Length > 0)
        {
            message.SuggestedActions = new SuggestedActions { Actions = buttons.Select(b => new CardAction(ActionTypes.ImBack, b.Title, value: b.Value)).ToList() };
        }
        return message;
    }

    /// <summary>Outgoing rows: a reply → its JSON in the response's "replies" (as the endpoint serialises it; written here with non-ASCII letters unescaped, to be readable).</summary>
    private static readonly Dictionary<string, (Func<IMessageActivity> Reply, string Json)> Outgoing = new()
    {
        ["a text reply (no locale: Turkish, left to right)"] = (() => Reply("Merhaba!", null),
            """{"text":"Merhaba!","locale":"tr","direction":"ltr","suggestedActions":[]}"""),
        ["an Arabic reply: right to left"] = (() => Reply("مرحباً!", "ar"),
            """{"text":"مرحباً!","locale":"ar","direction":"rtl","suggestedActions":[]}"""),
        ["a long text: not split (the page shows it whole)"] = (() => Reply(new string('a', 5000), "tr"),
            $$"""{"text":"{{new string('a', 5000)}}","locale":"tr","direction":"ltr","suggestedActions":[]}"""),
        ["suggested actions: buttons with title and value"] = (() => Reply("Ne yapmak istersiniz?", "tr", ("Soru sor", "menu:ask"), ("العربية", "lang:ar")),
            """{"text":"Ne yapmak istersiniz?","locale":"tr","direction":"ltr","suggestedActions":[{"title":"Soru sor","value":"menu:ask"},{"title":"العربية","value":"lang:ar"}]}"""),
        ["a button without a value: its title is the value"] = (() => Reply("Devam?", "tr", ("Evet", null)),
            """{"text":"Devam?","locale":"tr","direction":"ltr","suggestedActions":[{"title":"Evet","value":"Evet"}]}"""),
    };

    public static TheoryData<string> OutgoingRows => new(Outgoing.Keys);

    [Theory]
    [MemberData(nameof(OutgoingRows))]
    public void A_reply_becomes_this_JSON(string row)
    {
        var (reply, json) = Outgoing[row];
        var actual = JsonSerializer.Serialize(WebChatMapping.ToReply((Activity)reply()), new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        Assert.Equal(json, actual);
    }

    /// <summary>Through the real endpoint: the browser's id never reaches the bot, and the response has the shape of the table.</summary>
    public sealed class Endpoint : IAsyncLifetime
    {
        private readonly TempFolder _data = new();
        private BotHost _host = null!;

        public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path);

        public async Task DisposeAsync()
        {
            await _host.DisposeAsync();
            _data.Dispose();
        }

        [Fact]
        public async Task The_user_the_bot_sees_is_a_pseudonym_and_replies_come_back_as_JSON()
        {
            using var response = await _host.Client.PostAsJsonAsync("/api/webchat/messages", new { userId = Browser, text = "merhaba" });
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var replies = body.RootElement.GetProperty("replies").EnumerateArray().ToList();
            Assert.NotEmpty(replies);
            Assert.All(replies, r => Assert.Equal(["text", "locale", "direction", "suggestedActions"], r.EnumerateObject().Select(p => p.Name)));

            var pseudonym = await _host.Services.GetRequiredService<UserDirectory>().IdOfAsync(WebChatAdapter.ChannelId, Browser);
            Assert.Matches("^[0-9a-f]{32}$", pseudonym);
            await using var db = await _host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
            Assert.Equal([pseudonym], await db.BotUsers.Where(u => u.Channel == WebChatAdapter.ChannelId).Select(u => u.Id).ToListAsync());
        }
    }
}
