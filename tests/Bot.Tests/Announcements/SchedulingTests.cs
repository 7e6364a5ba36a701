using Bot.Tests.Infrastructure;
using Bot.Tests.Outbox;
using Bot.Web.Announcements;
using Bot.Web.Outbox;
using Xunit;

namespace Bot.Tests.Announcements;

/// <summary>Scheduled announcements go out when the app's clock reaches their time (the test moves the clock), to the audience of that moment.</summary>
public sealed class SchedulingTests : OutboxTestHost
{
    private readonly ManualClock _clock = new();

    protected override TimeProvider? Clock => _clock;

    [Fact]
    public async Task A_scheduled_announcement_waits_for_its_time_and_reaches_who_is_subscribed_then()
    {
        await TelegramSubscriberAsync(9001);
        var course = await CourseAsync();
        var sendAt = _clock.GetUtcNow().AddHours(2);
        var announcement = await AnnounceAsync(course, a => a.SendAt = sendAt);
        Assert.Equal(AnnouncementStatus.Scheduled, announcement.Status);

        _clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1));
        await SchedulerRoundOverAsync(course);
        Assert.Empty(await RowsAsync(announcement.Id));
        Assert.Empty(Telegram.Received);
        await TelegramSubscriberAsync(9002); // subscribes before it goes out: included

        _clock.Advance(TimeSpan.FromMinutes(2));
        var rows = await WaitForRowsAsync(announcement.Id, r => r.Status == OutboxStatus.Sent);
        Assert.Equal(2, rows.Count);
        Assert.Equal([9001L, 9002L], Telegram.Received.Order().ToList());
        var view = (await Service<AnnouncementService>().GetAsync(Admin, announcement.Id, default))!;
        Assert.Equal((AnnouncementStatus.Sending, 2, false), (view.Announcement.Status, view.Announcement.Recipients, view.InFlight));
        Assert.True(view.Announcement.PublishedAt >= sendAt);
    }

    [Fact]
    public async Task A_cancelled_scheduled_announcement_never_goes_out()
    {
        await TelegramSubscriberAsync(9011);
        var announcement = await AnnounceAsync(await CourseAsync(), a => a.SendAt = _clock.GetUtcNow().AddHours(1));
        Assert.True((await Service<AnnouncementService>().GetAsync(Admin, announcement.Id, default))!.InFlight);
        Assert.Equal(1, await InFlightAsync("gaziantep")); // on the dashboard's home page

        var cancelled = await Service<AnnouncementService>().CancelAsync(Admin, announcement.Id, default);
        _clock.Advance(TimeSpan.FromHours(3));
        await SchedulerRoundOverAsync(await CourseAsync());

        Assert.Equal(AnnouncementStatus.Cancelled, cancelled.Value!.Announcement.Status);
        Assert.Empty(await RowsAsync(announcement.Id));
        Assert.Empty(Telegram.Received);
        Assert.False(await Service<AnnouncementService>().PublishAsync(announcement.Id, default));
        Assert.Equal(0, await InFlightAsync("gaziantep"));
    }

    /// <summary>
    /// Waits until the scheduler has finished a round that saw the clock as it is now: an announcement for nobody (a
    /// topic no one follows) due a second later goes out once the clock moves on; then a second one likewise, which a
    /// later round publishes. By then the round that published the first, and judged every other announcement at this
    /// time, is over.
    /// </summary>
    private async Task SchedulerRoundOverAsync(Course course)
    {
        for (var round = 0; round < 2; round++)
        {
            var sentinel = await AnnounceAsync(course, a => (a.SendAt, a.Topics) = (_clock.GetUtcNow().AddSeconds(1), [Topics.Other]));
            Assert.Equal(AnnouncementStatus.Scheduled, sentinel.Status);
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Eventually.UntilAsync(async () => (await Service<AnnouncementService>().GetAsync(Admin, sentinel.Id, default))!.Announcement.Status != AnnouncementStatus.Scheduled,
                "the scheduler published an announcement that was due", seconds: 15);
        }
    }

    private async Task<int> InFlightAsync(string centre) =>
        (await Service<Bot.Web.Staff.StaffDashboard>().TodayAsync(Admin)).Single(r => r.CentreId == centre).AnnouncementsInFlight;

    [Fact]
    public async Task A_failure_worth_retrying_waits_for_its_backoff_on_the_apps_clock()
    {
        await Host.DisposeAsync();
        Settings["Telegram:MaxSendAttempts"] = "1"; // the sender hands the failure to the outbox at once
        Settings["Outbox:RetryBaseSeconds"] = "600";
        Host = await StartHostAsync();
        await TelegramSubscriberAsync(9021);
        Telegram.Failures.GetOrAdd("sendMessage", _ => new()).Enqueue((502, """{"ok":false,"error_code":502,"description":"Bad Gateway"}"""));
        var announcement = await AnnounceAsync(await CourseAsync());

        var waiting = Assert.Single(await WaitForRowsAsync(announcement.Id, r => r.Status == OutboxStatus.Retrying));
        Assert.Equal("http-502", waiting.Error);
        Assert.InRange(waiting.NextAttemptAt - _clock.GetUtcNow(), TimeSpan.FromSeconds(600), TimeSpan.FromSeconds(720)); // base + up to 20 % jitter
        await Task.Delay(500); // deliberate: a window of dispatcher rounds (every 50 ms) that must leave the retrying row alone
        Assert.Equal(OutboxStatus.Retrying, Assert.Single(await RowsAsync(announcement.Id)).Status);

        _clock.Advance(TimeSpan.FromMinutes(13));
        var sent = Assert.Single(await WaitForRowsAsync(announcement.Id, r => r.Status == OutboxStatus.Sent));
        Assert.Equal(2, sent.Attempts);
        Assert.Equal([9021L], Telegram.Received.ToList());
    }
}
