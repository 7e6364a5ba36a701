using System.Net;
using System.Text.Json;
using Bot.Web.Channels;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.WhatsApp;

/// <summary>What the bot sends on WhatsApp: the 24-hour window and templates, the daily budget, Twilio's errors, delivery reports.</summary>
public sealed class WhatsAppSendingTests : WhatsAppTestHost
{
    private const string Phone = "+905321110000";

    public WhatsAppSendingTests()
    {
        Settings["Twilio:DailyBusinessInitiatedLimit"] = "2";
    }

    [Fact]
    public async Task Free_text_outside_the_window_is_refused_and_the_template_is_sent_instead()
    {
        await SayAsync(Phone, "merhaba", replies: 2);
        await LastWroteAsync(Phone, TimeSpan.FromHours(25));
        var before = Api.Messages.Count;

        await Assert.ThrowsAsync<OutsideServiceWindowException>(() => SendLaterAsync(Phone, MessageFactory.Text("Yeni kurs: Dikiş")));
        Assert.Equal(before, Api.Messages.Count); // refused here, not by Twilio with 63016

        var announcement = MessageFactory.Text("Yeni kurs: Dikiş (Ankara)");
        WhatsAppTemplate.Attach(announcement, WhatsAppTemplate.CourseAnnouncement, new Dictionary<string, string> { ["1"] = "Dikiş", ["2"] = "Ankara" });
        await SendLaterAsync(Phone, announcement);
        var sent = Api.Delivered(Phone)[^1];
        Assert.Equal(TemplateTr, sent.Fields["ContentSid"]);
        Assert.Equal(new Dictionary<string, string> { ["1"] = "Dikiş", ["2"] = "Ankara" },
            JsonSerializer.Deserialize<Dictionary<string, string>>(sent.Fields["ContentVariables"]));
        Assert.False(sent.Fields.ContainsKey("Body")); // never Body together with ContentSid
    }

    [Fact]
    public async Task Inside_the_window_the_text_itself_goes_out_and_an_Arabic_user_gets_the_Arabic_template_later()
    {
        const string arabic = "+905321110001";
        await SayAsync(arabic, "مرحبا", replies: 2);
        var announcement = MessageFactory.Text("دورة جديدة: خياطة");
        WhatsAppTemplate.Attach(announcement, WhatsAppTemplate.CourseAnnouncement, new Dictionary<string, string> { ["1"] = "خياطة" });
        await SendLaterAsync(arabic, announcement);
        Assert.Equal("دورة جديدة: خياطة", Api.Delivered(arabic)[^1].Body);

        await LastWroteAsync(arabic, TimeSpan.FromHours(30));
        await SendLaterAsync(arabic, announcement);
        Assert.Equal(TemplateAr, Api.Delivered(arabic)[^1].Fields["ContentSid"]);
    }

    [Fact]
    public async Task The_daily_budget_of_business_initiated_conversations_is_respected()
    {
        string[] phones = ["+905321110010", "+905321110011", "+905321110012"];
        foreach (var phone in phones)
        {
            await SayAsync(phone, "merhaba", replies: 2);
            await LastWroteAsync(phone, TimeSpan.FromDays(2));
        }
        var adapter = Host.Services.GetRequiredService<WhatsAppAdapter>();
        Assert.Equal(2, await adapter.RemainingBusinessInitiatedAsync(default));
        await SendLaterAsync(phones[0], Announcement());
        await SendLaterAsync(phones[1], Announcement());
        var before = Api.Messages.Count;
        var spent = await Assert.ThrowsAsync<BusinessInitiatedLimitException>(() => SendLaterAsync(phones[2], Announcement()));
        Assert.InRange(spent.RetryAt, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(24.1));
        Assert.Equal(before, Api.Messages.Count);
        await SendLaterAsync(phones[0], Announcement()); // already counted today: no new conversation
        Assert.Equal(0, await adapter.RemainingBusinessInitiatedAsync(default));
    }

    [Fact]
    public async Task A_long_message_is_split_under_1600_characters()
    {
        await SayAsync(Phone, "merhaba", replies: 2);
        var paragraph = string.Join(' ', Enumerable.Repeat("duyuru", 170)); // 1,189 characters
        var before = Api.Delivered(Phone).Count;
        await SendLaterAsync(Phone, MessageFactory.Text(string.Join("\n\n", paragraph, paragraph, paragraph)));
        var parts = Api.Delivered(Phone).Skip(before).Select(m => m.Body).ToList();
        Assert.Equal([paragraph, paragraph, paragraph], parts);
    }

    public static TheoryData<string, int, int, int> SlowDowns => new()
    {
        // row, HTTP status, Twilio code, attempts Twilio sees
        { "HTTP 429", 429, 20429, 2 },
        { "63018 rate exceeded", 400, 63018, 2 },
        { "server error", 500, 20500, 2 },
    };

    [Theory]
    [MemberData(nameof(SlowDowns))]
    public async Task Transient_failures_are_retried_and_the_message_delivered_once(string row, int status, int code, int attempts)
    {
        await SayAsync(Phone, "merhaba", replies: 2);
        var before = Api.Messages.Count;
        Api.Failures.Enqueue((status, code));
        await SendLaterAsync(Phone, MessageFactory.Text("Duyuru " + row));
        Assert.Equal(attempts, Api.Messages.Count - before);
        Assert.Single(Api.Delivered(Phone), m => m.Body == "Duyuru " + row);
    }

    [Theory]
    [InlineData(21610, true)]
    [InlineData(63014, true)]
    [InlineData(63003, false)]
    public async Task Opted_out_and_invalid_recipients_are_marked_and_not_retried(int code, bool optedOut)
    {
        await SayAsync(Phone, "merhaba", replies: 2);
        var before = Api.Messages.Count;
        Api.Failures.Enqueue((400, code));
        var error = await Assert.ThrowsAsync<RecipientUnreachableException>(() => SendLaterAsync(Phone, MessageFactory.Text("Duyuru")));
        Assert.Equal(optedOut, error.OptedOut);
        Assert.Equal(1, Api.Messages.Count - before);
        var contact = await Host.Services.GetRequiredService<UserDirectory>().ContactAsync(await UserIdAsync(Phone));
        Assert.NotNull(contact!.UnreachableSince);
        Assert.Equal(optedOut, contact.AnnouncementsStoppedAt is not null);
    }

    [Fact]
    public async Task A_message_Twilio_refuses_for_its_content_is_not_retried()
    {
        await SayAsync(Phone, "merhaba", replies: 2);
        var before = Api.Messages.Count;
        Api.Failures.Enqueue((400, 21617));
        await Assert.ThrowsAsync<MessageRejectedException>(() => SendLaterAsync(Phone, MessageFactory.Text("Duyuru")));
        Assert.Equal(1, Api.Messages.Count - before);
    }

    [Fact]
    public async Task Status_callbacks_are_recorded_and_never_move_a_message_back()
    {
        await SayAsync(Phone, "merhaba", replies: 2);
        var sid = await LastSidAsync();
        Assert.Equal("queued", (await StatusAsync(sid)).Status);

        foreach (var (status, expected) in new[] { ("sent", "sent"), ("read", "read"), ("delivered", "read"), ("sent", "read") })
        {
            using var response = await PostAsync("/api/whatsapp/status", StatusForm(sid, status));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, (await StatusAsync(sid)).Status);
        }

        // A report arriving before the send call returned is kept, and the send does not overwrite it.
        const string early = "SMeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        using (var response = await PostAsync("/api/whatsapp/status", StatusForm(early, "delivered")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Host.Services.GetRequiredService<DeliveryLog>().RecordAsync(WhatsAppAdapter.ChannelId, early, "queued", null, userId: "u-early");
        var row = await StatusAsync(early);
        Assert.Equal(("delivered", "u-early"), (row.Status, row.UserId));
    }

    [Fact]
    public async Task A_failed_report_with_an_opt_out_code_stops_announcements_and_bad_reports_are_refused()
    {
        await SayAsync(Phone, "merhaba", replies: 2);
        var sid = await LastSidAsync();
        var form = StatusForm(sid, "failed");
        form["ErrorCode"] = "63014";
        using (var forged = await PostAsync("/api/whatsapp/status", form, signature: "Zm9yZ2Vk"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        Assert.Equal("queued", (await StatusAsync(sid)).Status);
        using (var unknown = await PostAsync("/api/whatsapp/status", StatusForm(sid, "exploded")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }
        using (var response = await PostAsync("/api/whatsapp/status", form))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var row = await StatusAsync(sid);
        Assert.Equal(("failed", 63014), (row.Status, row.ErrorCode));
        var contact = await Host.Services.GetRequiredService<UserDirectory>().ContactAsync(await UserIdAsync(Phone));
        Assert.NotNull(contact!.AnnouncementsStoppedAt);
    }

    private static IMessageActivity Announcement()
    {
        var message = MessageFactory.Text("Yeni kurs");
        WhatsAppTemplate.Attach(message, WhatsAppTemplate.CourseAnnouncement, new Dictionary<string, string> { ["1"] = "Dikiş" });
        return message;
    }

    private Dictionary<string, string> StatusForm(string sid, string status) => new()
    {
        ["MessageSid"] = sid,
        ["SmsSid"] = sid,
        ["MessageStatus"] = status,
        ["SmsStatus"] = status,
        ["AccountSid"] = AccountSid,
        ["From"] = "whatsapp:+14155238886",
        ["To"] = "whatsapp:" + Phone,
        ["ApiVersion"] = "2010-04-01",
    };

    private async Task SendLaterAsync(string phone, IMessageActivity message)
    {
        var userId = await UserIdAsync(phone);
        var reference = new ConversationReference
        {
            ChannelId = WhatsAppAdapter.ChannelId,
            Conversation = new ConversationAccount(id: userId),
            User = new ChannelAccount(id: userId),
            Bot = new ChannelAccount(id: "bot"),
        };
        await Host.Services.GetRequiredService<WhatsAppAdapter>().ContinueConversationAsync("bot", reference,
            (turn, ct) => turn.SendActivityAsync(message, ct), default);
    }

    private async Task<string> LastSidAsync()
    {
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        return (await db.Outbound.OrderByDescending(m => m.Id).FirstAsync()).ExternalId;
    }

    private async Task<OutboundMessage> StatusAsync(string sid) =>
        (await Host.Services.GetRequiredService<DeliveryLog>().FindAsync(WhatsAppAdapter.ChannelId, sid))!;
}
