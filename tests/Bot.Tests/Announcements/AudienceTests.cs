using Bot.Tests.Outbox;
using Bot.Web.Announcements;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Outbox;
using Bot.Web.Privacy;
using Xunit;

namespace Bot.Tests.Announcements;

/// <summary>Who an announcement reaches: centre, topic, language, eligibility, and who is left out (and why), previewed and sent.</summary>
public sealed class AudienceTests : OutboxTestHost
{
    private readonly Dictionary<string, string> _users = [];

    /// <summary>A course for people under temporary protection aged 18-45 (status and age rules to match against).</summary>
    private Task<Course> RestrictedCourseAsync() => CourseAsync(c =>
    {
        c.LegalStatuses = [LegalStatuses.TemporaryProtection];
        c.MinAge = 18;
        c.MaxAge = 45;
    });

    private async Task SubscribersAsync()
    {
        var users = Service<UserDirectory>();
        var thisYear = DateTimeOffset.UtcNow.Year;
        _users["plain-tr"] = await TelegramSubscriberAsync(8001);
        _users["plain-ar"] = await TelegramSubscriberAsync(8002, language: "ar");
        _users["other-topic"] = await TelegramSubscriberAsync(8003, topic: Topics.Turkish);
        _users["other-centre"] = await TelegramSubscriberAsync(8004, centre: "kilis");
        _users["stopped"] = await TelegramSubscriberAsync(8005);
        await users.SetAnnouncementsStoppedAsync(_users["stopped"], true);
        _users["unreachable"] = await TelegramSubscriberAsync(8006);
        await users.MarkUnreachableAsync(_users["unreachable"]);
        _users["web"] = await Host.SubscriberAsync("webchat", "browser-1", "gaziantep", Topics.Vocational, "tr");
        _users["citizen"] = await TelegramSubscriberAsync(8007);
        await users.SetEligibilityAsync(_users["citizen"], LegalStatuses.Citizen, thisYear - 30);
        _users["fits"] = await TelegramSubscriberAsync(8008);
        await users.SetEligibilityAsync(_users["fits"], LegalStatuses.TemporaryProtection, thisYear - 30);
        _users["too-old"] = await WhatsAppSubscriberAsync("+905320008009");
        await users.SetEligibilityAsync(_users["too-old"], LegalStatuses.TemporaryProtection, thisYear - 60);
        _users["twice"] = await TelegramSubscriberAsync(8010);
        await Host.SubscriberAsync(TelegramAdapter.ChannelId, "8010", "gaziantep", Topics.Turkish, "ar");
    }

    [Fact]
    public async Task The_preview_counts_the_audience_and_says_who_is_left_out_and_why()
    {
        await SubscribersAsync();
        var course = await RestrictedCourseAsync();
        var preview = (await Service<AnnouncementService>().PreviewAsync(Admin, new AnnouncementInput { CourseId = course.Id, EligibleOnly = true }, default)).Value!;

        // plain-tr, plain-ar, fits, twice (once, in the language of its first subscription), and web (eligibility not
        // known, so included; reached through the web chat's mailbox, shown when the chat is next opened)
        Assert.Equal(5, preview.Recipients);
        Assert.Equal([new AudienceGroup("ar", "telegram", 1), new AudienceGroup("tr", "telegram", 3), new AudienceGroup("tr", "webchat", 1)], preview.Groups);
        Assert.Equal((1, 1, 0, 2, 4), (preview.Excluded.Stopped, preview.Excluded.Unreachable, preview.Excluded.NoChannel, preview.Excluded.NotEligible,
            preview.Excluded.EligibilityUnknown));
        Assert.Equal(["tr", "ar"], preview.Messages.Select(m => m.Language));
        Assert.Contains("Dikiş ve nakış kursu", preview.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("Geçici koruma", preview.Messages[0].Text, StringComparison.Ordinal); // who may join
        Assert.Equal("18-45 yaş", preview.Messages[0].Text.Split('\n').First(l => l.Contains("Kimler", StringComparison.Ordinal)).Split("; ")[1]);
        Assert.Equal(WhatsAppTemplate.CourseAnnouncement, preview.Messages[1].TemplateType);
        Assert.Equal("دورة الخياطة والتطريز", preview.Messages[1].TemplateVariables["1"]);
        Assert.Equal(250, preview.WhatsAppBudgetLeft);
    }

    [Fact]
    public async Task Without_eligible_only_those_who_do_not_fit_are_counted_but_included_and_targets_widen_the_audience()
    {
        await SubscribersAsync();
        var course = await RestrictedCourseAsync();
        var service = Service<AnnouncementService>();
        var all = (await service.PreviewAsync(Admin, new AnnouncementInput { CourseId = course.Id }, default)).Value!;
        Assert.Equal((7, 2), (all.Recipients, all.Excluded.NotEligible)); // the web-chat subscriber included
        var arabicOnly = (await service.PreviewAsync(Admin, new AnnouncementInput { CourseId = course.Id, Languages = ["ar"] }, default)).Value!;
        Assert.Equal(1, arabicOnly.Recipients);
        var wider = (await service.PreviewAsync(Admin, new AnnouncementInput
        {
            CourseId = course.Id, Centres = ["gaziantep", "kilis"], Topics = [Topics.Vocational, Topics.Turkish],
        }, default)).Value!;
        Assert.Equal(9, wider.Recipients); // + other-topic and other-centre
    }

    [Fact]
    public async Task Only_the_eligible_audience_receives_it_each_once()
    {
        await SubscribersAsync();
        var announcement = await AnnounceAsync(await RestrictedCourseAsync(), a => a.EligibleOnly = true);
        var rows = await WaitForRowsAsync(announcement.Id, Settled);

        Assert.Equal([_users["plain-tr"], _users["plain-ar"], _users["web"], _users["fits"], _users["twice"]], rows.Select(r => r.UserId));
        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        Assert.Equal([8001L, 8002L, 8008L, 8010L], Telegram.Received.Order().ToList());
        Assert.Empty(Twilio.Messages);
        Assert.Equal("tr", rows.Single(r => r.UserId == _users["twice"]).Language);
        Assert.Equal(5, (await Service<AnnouncementService>().GetAsync(Admin, announcement.Id, default))!.Announcement.Recipients);
    }
}
