using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Tests.Outbox;
using Bot.Tests.Staff;
using Bot.Web.Staff;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Announcements;

/// <summary>Courses and announcements through the staff API (real HTTP, bearer keys): scoping, validation, audit, progress, cancel.</summary>
public sealed class AnnouncementsApiTests : OutboxTestHost
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static object CourseJson(string centre, string title = "Bilgisayar kursu") => new
    {
        centreId = centre,
        topic = "digital-marketing",
        titleTr = title,
        titleAr = "دورة الحاسوب",
        legalStatuses = new[] { "temporary-protection", "international-protection" },
        minAge = 18,
        startDate = "2027-03-01",
        endDate = "2027-04-30",
        days = new[] { "tue", "thu" },
        startTime = "14:00",
        endTime = "17:00",
        place = "Şahinbey, Toplum Merkezi",
        hasStipend = false,
        capacity = 15,
        applicationDeadline = "2027-02-20",
        howToApplyTr = "Bota yazın ya da merkeze gelin.",
        howToApplyAr = "اكتب للبوت أو تعال إلى المركز.",
    };

    [Fact]
    public async Task A_centre_key_manages_its_own_centres_courses_only_and_every_change_is_audited()
    {
        using var gaziantep = Host.ApiClient(await Host.ApiKeyAsync("antep", StaffRoles.Staff, "gaziantep"));
        var kilisCourse = await CourseAsync(centre: "kilis");

        using var created = await gaziantep.PostAsJsonAsync("/api/staff/courses", CourseJson("gaziantep"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var course = await created.Content.ReadFromJsonAsync<JsonElement>(Json);
        var id = course.GetProperty("id").GetInt64();
        Assert.Equal("Bilgisayar kursu", course.GetProperty("titleTr").GetString());
        Assert.Equal($"/api/staff/courses/{id}", created.Headers.Location!.ToString());

        Assert.Equal(HttpStatusCode.Forbidden, (await gaziantep.PostAsJsonAsync("/api/staff/courses", CourseJson("kilis"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gaziantep.GetAsync($"/api/staff/courses/{kilisCourse.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gaziantep.PutAsJsonAsync($"/api/staff/courses/{kilisCourse.Id}", CourseJson("gaziantep"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gaziantep.DeleteAsync($"/api/staff/courses/{kilisCourse.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gaziantep.GetAsync("/api/staff/courses?centre=kilis")).StatusCode);
        var listed = await gaziantep.GetFromJsonAsync<JsonElement[]>("/api/staff/courses", Json);
        Assert.Equal([id], listed!.Select(c => c.GetProperty("id").GetInt64()));

        using var updated = await gaziantep.PutAsJsonAsync($"/api/staff/courses/{id}", CourseJson("gaziantep", "Bilgisayar ve internet kursu"));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await gaziantep.DeleteAsync($"/api/staff/courses/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gaziantep.GetAsync($"/api/staff/courses/{id}")).StatusCode);

        var audit = (await Service<StaffAudit>().LatestAsync("antep", null, 10)).Select(a => $"{a.Action} {a.Target}").ToList();
        Assert.Equal([$"course-deleted course {id}", $"course-updated course {id}", $"course-created course {id}"], audit);
    }

    [Fact]
    public async Task Wrong_fields_are_named_with_a_message()
    {
        using var client = Host.ApiClient(await Host.ApiKeyAsync("admin", StaffRoles.Admin));
        using var response = await client.PostAsJsonAsync("/api/staff/courses", new
        {
            centreId = "gaziantep", topic = "astronomy", titleTr = "", titleAr = "دورة", minAge = 50, maxAge = 20, startDate = "2027-03-01", endDate = "2027-01-01",
            days = Array.Empty<string>(), startTime = "17:00", endTime = "14:00", place = "x", capacity = 0, applicationDeadline = "2027-05-01",
            howToApplyTr = "x", howToApplyAr = "x",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("errors");
        Assert.Equal("Choose a topic.", errors.GetProperty("Topic")[0].GetString());
        Assert.Equal("This field is required.", errors.GetProperty("TitleTr")[0].GetString());
        Assert.Equal("The maximum age cannot be below the minimum age.", errors.GetProperty("MaxAge")[0].GetString());
        Assert.Equal("The end date cannot be before the start date.", errors.GetProperty("EndDate")[0].GetString());
        Assert.Equal("Choose at least one day.", errors.GetProperty("Days")[0].GetString());
        Assert.Equal("The end time must be after the start time.", errors.GetProperty("EndTime")[0].GetString());
        Assert.Equal("Capacity must be between 1 and 10,000.", errors.GetProperty("Capacity")[0].GetString());
        Assert.Empty(await Service<Bot.Web.Announcements.CourseCatalog>().ListAsync(Admin, null, false, default));
    }

    [Fact]
    public async Task Announcements_are_previewed_sent_followed_and_cancelled_within_the_keys_centres()
    {
        using var gaziantep = Host.ApiClient(await Host.ApiKeyAsync("antep", StaffRoles.Staff, "gaziantep"));
        using var kilis = Host.ApiClient(await Host.ApiKeyAsync("kilis", StaffRoles.Staff, "kilis"));
        await TelegramSubscriberAsync(9101);
        await TelegramSubscriberAsync(9102, language: "ar");
        var course = await CourseAsync();

        using (var preview = await gaziantep.PostAsJsonAsync("/api/staff/announcements/preview", new { courseId = course.Id }))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            var body = await preview.Content.ReadFromJsonAsync<JsonElement>(Json);
            Assert.Equal(2, body.GetProperty("recipients").GetInt32());
            Assert.Contains("دورة الخياطة والتطريز", body.GetProperty("messages")[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await gaziantep.PostAsJsonAsync("/api/staff/announcements", new { courseId = course.Id, centres = new[] { "gaziantep", "kilis" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kilis.PostAsJsonAsync("/api/staff/announcements/preview", new { courseId = course.Id })).StatusCode);

        using var created = await gaziantep.PostAsJsonAsync("/api/staff/announcements", new { courseId = course.Id });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetInt64();
        await WaitForRowsAsync(id, Settled);
        var followed = await gaziantep.GetFromJsonAsync<JsonElement>($"/api/staff/announcements/{id}", Json);
        Assert.Equal((2, 2, 0, false), (followed.GetProperty("recipients").GetInt32(), followed.GetProperty("progress").GetProperty("sent").GetInt32(),
            followed.GetProperty("progress").GetProperty("open").GetInt32(), followed.GetProperty("inFlight").GetBoolean()));
        Assert.Equal(HttpStatusCode.NotFound, (await kilis.GetAsync($"/api/staff/announcements/{id}")).StatusCode);
        Assert.Empty((await kilis.GetFromJsonAsync<JsonElement[]>("/api/staff/announcements", Json))!);
        Assert.Equal(HttpStatusCode.Conflict, (await gaziantep.PostAsync($"/api/staff/announcements/{id}/cancel", null)).StatusCode); // all sent already
        Assert.Equal(HttpStatusCode.Conflict, (await gaziantep.DeleteAsync($"/api/staff/courses/{course.Id}")).StatusCode); // announced: kept

        using var later = await gaziantep.PostAsJsonAsync("/api/staff/announcements", new { courseId = course.Id, sendAt = DateTimeOffset.UtcNow.AddDays(1) });
        var laterId = (await later.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await kilis.PostAsync($"/api/staff/announcements/{laterId}/cancel", null)).StatusCode);
        using var cancelled = await gaziantep.PostAsync($"/api/staff/announcements/{laterId}/cancel", null);
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("status").GetString());
        var audit = (await Service<StaffAudit>().LatestAsync("antep", null, 10)).Select(a => a.Action).ToList();
        Assert.Equal([AuditActions.AnnouncementCancelled, AuditActions.AnnouncementScheduled, AuditActions.AnnouncementPublished], audit);
    }
}
