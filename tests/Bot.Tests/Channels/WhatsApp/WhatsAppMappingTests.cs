using Bot.Web.Channels;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Twilio.Security;
using Xunit;

namespace Bot.Tests.Channels.WhatsApp;

public sealed class WhatsAppMappingTests
{
    private static readonly List<NumberedChoice> Choices =
    [
        new() { Title = "Soru sor", Value = "menu:ask" },
        new() { Title = "Çalışma izni", Value = "menu:work-permit" },
        new() { Title = "Menü", Value = "menu" },
    ];

    [Theory]
    [InlineData("2", "menu:work-permit")]
    [InlineData(" 2. ", "menu:work-permit")]
    [InlineData("(3)", "menu")]
    [InlineData("٢", "menu:work-permit")] // Arabic-Indic
    [InlineData("۳", "menu")] // Extended Arabic-Indic (Persian/Urdu keyboards)
    [InlineData("calisma izni", "menu:work-permit")] // the option's text, without Turkish letters
    [InlineData("ÇALIŞMA İZNİ", "menu:work-permit")]
    [InlineData("4", null)] // no such option
    [InlineData("0", null)]
    [InlineData("12", null)]
    [InlineData("1 2", null)]
    [InlineData("çalışma izni belgeleri", null)] // a question, not a choice
    public void A_reply_picks_a_choice_by_number_in_any_digits_or_by_its_text(string reply, string? expected) =>
        Assert.Equal(expected, WhatsAppMapping.ResolveChoice(reply, Choices));

    [Fact]
    public void Without_choices_on_offer_a_number_stays_text() => Assert.Null(WhatsAppMapping.ResolveChoice("2", []));

    [Fact]
    public void Suggested_actions_become_a_numbered_list_under_a_hint()
    {
        var message = MessageFactory.SuggestedActions(new List<string> { "Soru sor", "Menü" }, "Ne yapmak istersiniz?", null, null);
        var text = WhatsAppMapping.Render(message, "Seçmek için numarasını yazın");
        Assert.Equal("Ne yapmak istersiniz?\n\nSeçmek için numarasını yazın:\n1. Soru sor\n2. Menü", text);
        Assert.Equal("Sadece metin", WhatsAppMapping.Render(MessageFactory.Text("Sadece metin"), "x"));
    }

    [Fact]
    public void Long_text_is_split_at_paragraphs_and_never_over_1600()
    {
        var unbroken = new string('x', 4000);
        Assert.All(WhatsAppMapping.Split(unbroken), p => Assert.InRange(p.Length, 1, 1600));
        Assert.Equal(4000, WhatsAppMapping.Split(unbroken).Sum(p => p.Length));
        var emoji = string.Concat(Enumerable.Repeat("😀", 1000)); // surrogate pairs are never cut
        Assert.All(WhatsAppMapping.Split(emoji), p => Assert.False(char.IsHighSurrogate(p[^1])));
    }

    [Fact]
    public void Form_fields_map_to_an_inbound_message_with_a_quick_reply_payload_winning_over_the_body()
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
            ["From"] = "whatsapp:+905321112233",
            ["Body"] = "Evet",
            ["ButtonPayload"] = "menu:courses",
            ["NumMedia"] = "1",
            ["MediaContentType0"] = "image/jpeg",
            ["MediaUrl0"] = "https://api.twilio.com/media/1",
        };
        var inbound = WhatsAppMapping.ToInbound(form, out var problem)!;
        Assert.Null(problem);
        Assert.Equal(("+905321112233", "menu:courses"), (inbound.Address, inbound.Text));
        Assert.Equal(["image/jpeg"], inbound.MediaTypes);
        var activity = WhatsAppMapping.ToActivity(inbound, "user-1", DateTimeOffset.UnixEpoch);
        Assert.Equal((ActivityTypes.Message, "whatsapp", "user-1"), (activity.Type, activity.ChannelId, activity.From.Id));
        Assert.Null(activity.Attachments[0].ContentUrl); // Twilio's media URL is not kept

        form["From"] = "+905321112233"; // SMS, not WhatsApp
        Assert.Null(WhatsAppMapping.ToInbound(form, out problem));
        Assert.Contains("From", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_signer_matches_the_Twilio_SDK_validator()
    {
        var form = new Dictionary<string, string> { ["Body"] = "çalışma izni", ["From"] = "whatsapp:+905321112233", ["MessageSid"] = "SM1" };
        const string url = "https://bot.example.org/api/whatsapp?x=1";
        Assert.True(new RequestValidator("token").Validate(url, form, TwilioSigner.Sign("token", url, form)));
        Assert.True(new RequestValidator("shared").Validate(url, form, TwilioSigner.Sign("shared", url, form, sha256: true), RequestValidator.HmacSha256));
        Assert.False(new RequestValidator("token").Validate(url.Replace("https", "http", StringComparison.Ordinal), form, TwilioSigner.Sign("token", url, form)));
    }
}

public sealed class OptOutWordsTests
{
    private static readonly OptOutWords Words = OptOutWords.Load(Repo.PathOf("localization"));

    [Theory]
    [InlineData("STOP", true, null)]
    [InlineData("stop!", true, null)]
    [InlineData("  Unsubscribe ", true, null)]
    [InlineData("dur", true, "tr")]
    [InlineData("IPTAL", true, "tr")]
    [InlineData("abonelik iptal", true, "tr")]
    [InlineData("إيقاف", true, "ar")]
    [InlineData("ايقاف", true, "ar")]
    [InlineData("الغاء الاشتراك", true, "ar")]
    [InlineData("START", false, null)]
    [InlineData("Başla", false, "tr")]
    [InlineData("basla", false, "tr")]
    [InlineData("ابدأ", false, "ar")]
    public void Stop_and_resume_words_are_recognised_in_any_case_and_spelling(string text, bool stop, string? language) =>
        Assert.Equal((stop, language), Words.Match(text));

    [Theory]
    [InlineData("stop sending me courses please")] // a sentence is a question for the bot, not a keyword
    [InlineData("durum nedir")]
    [InlineData("kurs iptal oldu mu")]
    [InlineData("")]
    public void Other_messages_are_not_keywords(string text) => Assert.Null(Words.Match(text));
}
