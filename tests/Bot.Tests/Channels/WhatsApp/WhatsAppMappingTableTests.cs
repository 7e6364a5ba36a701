using System.Globalization;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.WhatsApp;

/// <summary>
/// The WhatsApp channel as tables (issue #20, characterisation before the channel rewrite): each Twilio webhook form →
/// the activity the bot sees (pure mapping, fast); each outgoing message → the exact form posted to Twilio's Messages
/// API (through the adapter, against the fake Twilio API, in <see cref="Outgoing"/>).
/// </summary>
public sealed class WhatsAppMappingTableTests
{
    private const string Pseudonym = "5f0c1d2e3a4b596877869504a3b2c1d0";
    private const string Phone = "+905321112233";
    private const string Sid = "SM0123456789abcdef0123456789abcdef";

    /// <summary>What the bot sees of an activity: type, text, the content types of its attachments (joined by ","), locale.</summary>
    public sealed record Seen(string Type, string Text, string Attachments, string? Locale);

    /// <summary>A form as Twilio posts an inbound WhatsApp message, with <paramref name="fields"/> ("Name=value") added or replaced.</summary>
    private static Dictionary<string, string> Form(params string[] fields)
    {
        var form = SignedWebhooks.WhatsAppForm(Sid, Phone, "", profileName: "Ayşe");
        foreach (var field in fields)
        {
            var (name, value) = (field[..field.IndexOf('=', StringComparison.Ordinal)], field[(field.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            form[name] = value;
        }
        return form;
    }

    /// <summary>Incoming rows: Twilio's form → what the bot sees, or the reason it is refused (400, nothing stored).</summary>
    private static readonly Dictionary<string, (Dictionary<string, string> Form, Seen? Seen, string? Problem)> Incoming = new()
    {
        ["Body: a text"] = (Form("Body=Çalışma izni nasıl alınır?"), new("message", "Çalışma izni nasıl alınır?", "", null), null),
        ["Body in Arabic"] = (Form("Body=كيف أحصل على إذن العمل؟"), new("message", "كيف أحصل على إذن العمل؟", "", null), null),
        ["Body with spaces around: trimmed"] = (Form("Body=  merhaba \n"), new("message", "merhaba", "", null), null),
        ["a quick-reply button: ButtonPayload wins over Body and ButtonText"] = (
            Form("Body=Kurslar", "ButtonText=Kurslar", "ButtonPayload=menu:courses"), new("message", "menu:courses", "", null), null),
        ["a blank ButtonPayload: the Body"] = (Form("Body=Kurslar", "ButtonText=Kurslar", "ButtonPayload= "), new("message", "Kurslar", "", null), null),
        ["media with no body: an empty text and the media's content types (never their URLs)"] = (
            Form("NumMedia=2", "MediaContentType0=image/jpeg", "MediaUrl0=https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
                "MediaContentType1=application/pdf", "MediaUrl1=https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2"),
            new("message", "", "image/jpeg,application/pdf", null), null),
        ["media without a content type"] = (Form("NumMedia=1", "Body=belge"), new("message", "belge", "application/octet-stream", null), null),
        ["a location: an empty text (the place is not taken)"] = (
            Form("Latitude=37.0662", "Longitude=37.3833", "Address=Gaziantep", "Label=Kızılay"), new("message", "", "", null), null),
        ["a profile name: not seen by the bot"] = (Form("Body=merhaba", "ProfileName=Ayşe Yılmaz"), new("message", "merhaba", "", null), null),
        ["an SMS (From without whatsapp:): refused"] = (Form("From=+905321112233", "Body=merhaba"), null, "From is missing or not a WhatsApp address (whatsapp:+…)."),
        ["no MessageSid: refused"] = (Form("MessageSid=", "Body=merhaba"), null, "MessageSid is missing or not a Twilio message id."),
    };

    public static TheoryData<string> IncomingRows => new(Incoming.Keys);

    [Theory]
    [MemberData(nameof(IncomingRows))]
    public void An_incoming_form_becomes_the_activity_the_bot_sees(string row)
    {
        var (form, expected, expectedProblem) = Incoming[row];
        var inbound = WhatsAppMapping.ToInbound(form, out var problem);
        Assert.Equal(expectedProblem, problem);
        if (expected is null)
        {
            Assert.Null(inbound);
            return;
        }
        Assert.NotNull(inbound);
        var now = DateTimeOffset.Parse("2025-11-24T16:00:00Z", CultureInfo.InvariantCulture);
        var activity = WhatsAppMapping.ToActivity(inbound, Pseudonym, now);
        Assert.Equal(expected, new Seen(activity.Type, activity.Text, string.Join(",", activity.Attachments.Select(a => a.ContentType)), activity.Locale));
        Assert.Equal(("whatsapp", form["MessageSid"], Pseudonym, Pseudonym, "bot", now),
            (activity.ChannelId, activity.Id, activity.From.Id, activity.Conversation.Id, activity.Recipient.Id, activity.Timestamp));
        Assert.Null(activity.From.Name);
        Assert.Equal(Phone, inbound.Address); // kept by the inbox for the turn, encrypted; the activity never has it
        var json = Newtonsoft.Json.JsonConvert.SerializeObject(activity);
        Assert.DoesNotContain("905321112233", json, StringComparison.Ordinal);
        Assert.DoesNotContain("api.twilio.com", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Yılmaz", json, StringComparison.Ordinal);
    }

    /// <summary>Outgoing rows: a message the bot sends → the form posted to Twilio, through the adapter against the fake Twilio API.</summary>
    public sealed class Outgoing : WhatsAppTestHost
    {
        private const string To = "+905329998877";

        private static readonly string Paragraph = string.Join(' ', Enumerable.Repeat("duyuru", 143)); // 1,000 characters

        private static IMessageActivity Buttons(string text, string? locale, params (string Title, string Value)[] buttons)
        {
            var message = MessageFactory.Text(text);
            message.Locale = locale;
            message.SuggestedActions = new SuggestedActions { Actions = buttons.Select(b => new CardAction(ActionTypes.ImBack, b.Title, value: b.Value)).ToList() };
            return message;
        }

        private static IMessageActivity Text(string text, string? locale = null)
        {
            var message = MessageFactory.Text(text);
            message.Locale = locale;
            return message;
        }

        /// <summary>Rows: the message → the Body of each message posted to Twilio, in order.</summary>
        private static readonly Dictionary<string, (Func<IMessageActivity> Message, string[] Bodies)> Rows = new()
        {
            ["a text reply"] = (() => Text("Merhaba! Size nasıl yardımcı olabilirim?"), ["Merhaba! Size nasıl yardımcı olabilirim?"]),
            ["an Arabic text, unchanged"] = (() => Text("مرحباً! كيف يمكنني مساعدتك؟", "ar"), ["مرحباً! كيف يمكنني مساعدتك؟"]),
            ["a text over 1,600 characters: split at paragraphs"] = (() => Text(string.Join("\n\n", Paragraph, Paragraph)), [Paragraph, Paragraph]),
            ["suggested actions: a numbered list under the hint (Turkish by default)"] = (
                () => Buttons("Ne yapmak istersiniz?", null, ("Soru sor", "menu:ask"), ("Çalışma izni", "menu:work-permit")),
                ["Ne yapmak istersiniz?\n\nSeçmek için numarasını yazın:\n1. Soru sor\n2. Çalışma izni"]),
            ["suggested actions in Arabic: the Arabic hint"] = (
                () => Buttons("ماذا تريد أن تفعل؟", "ar", ("اطرح سؤالاً", "menu:ask"), ("القائمة", "menu")),
                ["ماذا تريد أن تفعل؟\n\nاكتب رقم الخيار الذي تريده:\n1. اطرح سؤالاً\n2. القائمة"]),
            ["buttons without a text: the list alone"] = (() => Buttons("", "tr", ("Evet", "yes"), ("Hayır", "no")), ["Seçmek için numarasını yazın:\n1. Evet\n2. Hayır"]),
        };

        public static TheoryData<string> OutgoingRows => new(Rows.Keys);

        [Theory]
        [MemberData(nameof(OutgoingRows))]
        public async Task An_outgoing_message_becomes_these_Twilio_Messages_calls(string row)
        {
            var (message, bodies) = Rows[row];
            var userId = await Host.Services.GetRequiredService<UserDirectory>().TouchAsync(WhatsAppAdapter.ChannelId, To); // wrote just now: inside the window
            var reference = new ConversationReference
            {
                ChannelId = WhatsAppAdapter.ChannelId,
                Conversation = new ConversationAccount(id: userId),
                User = new ChannelAccount(id: userId),
                Bot = new ChannelAccount(id: "bot"),
            };
            // The adapter returns once Twilio has answered every send: no waiting needed.
            await Host.Services.GetRequiredService<WhatsAppAdapter>().ContinueConversationAsync("bot", reference,
                (turn, ct) => turn.SendActivityAsync(message(), ct), default);

            var sent = Api.Messages.ToList();
            Assert.Equal(bodies, sent.Select(m => m.Body));
            Assert.All(sent, m => Assert.Equal(new Dictionary<string, string>
            {
                ["To"] = "whatsapp:" + To,
                ["From"] = "whatsapp:+14155238886",
                ["Body"] = m.Body!,
                ["StatusCallback"] = PublicBase + "/api/whatsapp/status",
            }, m.Fields));
            Assert.All(sent, m => Assert.Equal(AccountSid, m.Account));
        }

        [Fact]
        public async Task The_user_the_bot_sees_is_a_pseudonym_not_the_number()
        {
            using var response = await PostAsync("/api/whatsapp", Inbound("+905551234567", "merhaba"));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var rows = await Hardening.Webhooks.InboxAsync(Data.Path);
            Assert.True(await Eventually.WaitAsync(async () => (rows = await Hardening.Webhooks.InboxAsync(Data.Path)).Count == 1));
            var pseudonym = await UserIdAsync("+905551234567");
            Assert.Equal(pseudonym, rows[0].Sender);
            Assert.Matches("^[0-9a-f]{32}$", rows[0].Sender);
        }
    }
}
