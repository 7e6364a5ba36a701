using Bot.Tests.Infrastructure;
using System.Net.Http.Json;
using System.Net;
using Bot.Tests.Channels.WhatsApp;
using Bot.Web.Announcements;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Outbox;
using Bot.Web.Privacy;
using Bot.Web.Staff;
using Microsoft.EntityFrameworkCore;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Outbox;

/// <summary>
/// The outbox rows' life after publishing: delivery reports, recipients who left in the meantime, cancel, and rows an
/// instance left in "sending" when it died.
/// </summary>
public sealed class OutboxLifecycleTests : OutboxTestHost
{
    [Fact]
    public async Task Delivery_reports_move_rows_to_delivered_and_read_also_when_one_comes_before_the_send_returned()
    {
        await WhatsAppSubscriberAsync("+905320002001");
        await WhatsAppSubscriberAsync("+905320002002");
        Twilio.Answers.Close(); // Twilio creates the messages but its answers are late
        var announcement = await AnnounceAsync(await CourseAsync());
        await Twilio.WaitForAsync(api => api.Delivered().Count == 2);
        var first = Twilio.Delivered("+905320002001")[0].Sid;
        var second = Twilio.Delivered("+905320002002")[0].Sid;
        Assert.Equal(HttpStatusCode.OK, await ReportAsync(first, "delivered")); // before our send call has returned
        Twilio.Answers.Open();

        var rows = await WaitForRowsAsync(announcement.Id, r => r.Status is OutboxStatus.Delivered or OutboxStatus.Sent);
        Assert.Equal(OutboxStatus.Delivered, rows.Single(r => r.ProviderMessageId == first).Status);
        Assert.Equal(HttpStatusCode.OK, await ReportAsync(first, "read"));
        Assert.Equal(HttpStatusCode.OK, await ReportAsync(first, "delivered")); // late and out of order: no step back
        Assert.Equal(HttpStatusCode.OK, await ReportAsync(second, "undelivered", 63024));
        rows = await RowsAsync(announcement.Id);
        Assert.Equal(OutboxStatus.Read, rows.Single(r => r.ProviderMessageId == first).Status);
        var failed = rows.Single(r => r.ProviderMessageId == second);
        Assert.Equal((OutboxStatus.Failed, "undelivered:63024"), (failed.Status, failed.Error));
        var progress = (await Service<AnnouncementService>().GetAsync(Admin, announcement.Id, default))!.Progress;
        Assert.Equal((2, 1, 1, 1), (progress.Total, progress.Delivered, progress.Read, progress.Failed));
    }

    [Fact]
    public async Task Recipients_who_unsubscribed_stopped_or_left_since_publishing_are_skipped()
    {
        await Host.DisposeAsync();
        Settings["Outbox:MaxInFlight"] = "1";
        Host = await StartHostAsync();
        var users = new List<string>();
        for (long chat = 7201; chat <= 7205; chat++) users.Add(await TelegramSubscriberAsync(chat));
        Telegram.Answers.Close(); // the first send stays in flight while the others wait
        var announcement = await AnnounceAsync(await CourseAsync());
        await Telegram.WaitForAsync(api => api.Received.Contains(7201));

        await Service<SubscriptionStore>().UnsubscribeAsync(users[1], null, default);
        await Service<UserDirectory>().SetAnnouncementsStoppedAsync(users[2], true);
        await Service<UserDirectory>().DeleteAsync(users[3]);
        Telegram.Answers.Open();

        var rows = await WaitForRowsAsync(announcement.Id, Settled);
        Assert.Equal(
            [(OutboxStatus.Sent, null), (OutboxStatus.Skipped, "unsubscribed"), (OutboxStatus.Skipped, "stopped"), (OutboxStatus.Skipped, "gone"), (OutboxStatus.Sent, null)],
            rows.Select(r => (r.Status, r.Error)).ToList());
        Assert.Equal([7201L, 7205L], Telegram.Received.Order().ToList());
        Assert.Equal("", rows[3].UserId); // the deleted user is no longer linked to the row
    }

    [Fact]
    public async Task Cancel_stops_the_rest_of_a_broadcast_and_is_audited()
    {
        await Host.DisposeAsync();
        Settings["Outbox:MaxInFlight"] = "1";
        Host = await StartHostAsync();
        for (long chat = 7301; chat <= 7305; chat++) await TelegramSubscriberAsync(chat);
        Telegram.Answers.Close();
        var announcement = await AnnounceAsync(await CourseAsync());
        await Telegram.WaitForAsync(api => api.Received.Count == 1);

        var cancelled = await Service<AnnouncementService>().CancelAsync(Admin, announcement.Id, default);
        Telegram.Answers.Open();

        Assert.Equal(Refusal.None, cancelled.Refusal);
        var rows = await WaitForRowsAsync(announcement.Id, Settled);
        Assert.Equal([OutboxStatus.Sent, OutboxStatus.Cancelled, OutboxStatus.Cancelled, OutboxStatus.Cancelled, OutboxStatus.Cancelled], rows.Select(r => r.Status).ToList());
        // A later announcement to someone else goes out through the same single worker, after every cancelled row it may
        // still have queued: once it has arrived, a cancelled row sent by mistake would have arrived before it.
        await TelegramSubscriberAsync(7306, topic: Topics.Turkish);
        var later = await AnnounceAsync(await CourseAsync(), a => a.Topics = [Topics.Turkish]);
        Assert.Equal(OutboxStatus.Sent, Assert.Single(await WaitForRowsAsync(later.Id, Settled)).Status);
        Assert.Single(Telegram.Received, chat => chat != 7306); // the one already in flight finished; nothing else went out
        Assert.Equal(AnnouncementStatus.Cancelled, cancelled.Value!.Announcement.Status);
        Assert.Equal(Refusal.Conflict, (await Service<AnnouncementService>().CancelAsync(Admin, announcement.Id, default)).Refusal);
        var audit = await Service<StaffAudit>().LatestAsync(null, AuditActions.AnnouncementCancelled, 5);
        Assert.Equal($"announcement {announcement.Id}", Assert.Single(audit).Target);
    }

    [Fact]
    public async Task Rows_a_dead_instance_left_sending_are_resolved_never_blindly_resent()
    {
        // Publish with the dispatcher off, then make the rows look like a crashed instance left them mid-send.
        await Host.DisposeAsync();
        Settings["Outbox:Enabled"] = "false";
        Host = await StartHostAsync();
        await TelegramSubscriberAsync(7401);
        var reachedUser = await WhatsAppSubscriberAsync("+905320004001");
        await WhatsAppSubscriberAsync("+905320004002");
        var announcement = await AnnounceAsync(await CourseAsync());
        var rows = await RowsAsync(announcement.Id);
        await using (var db = await Db())
        {
            var startedAt = DateTimeOffset.UtcNow.AddSeconds(-2);
            await db.Outbox.ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, OutboxStatus.Sending).SetProperty(x => x.Attempts, 1)
                .SetProperty(x => x.SendingAt, startedAt).SetProperty(x => x.ClaimedBy, "dead").SetProperty(x => x.ClaimedUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }
        // The dead instance's request for the first WhatsApp recipient had reached Twilio; the second one's had not.
        var reached = await SendAsTheDeadInstanceAsync("+905320004001", rows.First(r => r.Channel == WhatsAppAdapter.ChannelId).Text);

        await Host.DisposeAsync();
        Settings["Outbox:Enabled"] = "true";
        Host = await StartHostAsync();
        rows = await WaitForRowsAsync(announcement.Id, Settled);

        Assert.Equal((OutboxStatus.Ambiguous, "interrupted"), rows.Where(r => r.Channel == TelegramAdapter.ChannelId).Select(r => (r.Status, r.Error)).Single());
        Assert.Empty(Telegram.Received); // Telegram cannot tell: reported, never resent
        var found = rows.Single(r => r.UserId == reachedUser);
        Assert.Equal((OutboxStatus.Sent, reached), (found.Status, found.ProviderMessageId));
        Assert.Single(Twilio.Delivered("+905320004001")); // found in Twilio's log: not sent again
        Assert.Single(Twilio.Delivered("+905320004002")); // not in the log: sent now, once
    }

    /// <summary>What the dead instance's request did: a message created at Twilio (its SID).</summary>
    private async Task<string> SendAsTheDeadInstanceAsync(string phone, string body)
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync($"{Twilio.BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["To"] = "whatsapp:" + phone, ["From"] = "whatsapp:+14155238886", ["Body"] = body }));
        response.EnsureSuccessStatusCode();
        return Twilio.Delivered(phone).Single().Sid;
    }

    private async Task<HttpStatusCode> ReportAsync(string sid, string status, int? error = null)
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["MessageStatus"] = status, ["AccountSid"] = AccountSid };
        if (error is { } code) form["ErrorCode"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp/status") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign("test-auth-token-0123456789", "https://bot.example.org/api/whatsapp/status", form));
        using var response = await Host.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Announcements cannot be pushed to a closed web page: a web-chat subscriber's announcement waits in their mailbox
    /// and is shown the next time the chat is opened (so "we will let you know" is kept on every channel).
    /// </summary>
    [Fact]
    public async Task A_web_chat_subscriber_finds_the_announcement_when_the_chat_is_next_opened()
    {
        var userId = await Host.SubscriberAsync("webchat", BotHost.WebChatId("web-reader"), "gaziantep", Bot.Web.Announcements.Topics.Vocational, "tr");
        var course = await CourseAsync();
        var announcement = await AnnounceAsync(course);
        var rows = await WaitForRowsAsync(announcement.Id, Settled);
        var row = Assert.Single(rows, r => r.UserId == userId);
        Assert.Equal(OutboxStatus.Sent, row.Status);

        var opened = await Host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/webchat/messages?userId=" + BotHost.WebChatId("web-reader"));
        var text = opened.GetProperty("replies")[0].GetProperty("text").GetString();
        Assert.Contains(course.Title(Bot.Web.Localization.Language.Turkish), text, StringComparison.Ordinal);
    }
}
