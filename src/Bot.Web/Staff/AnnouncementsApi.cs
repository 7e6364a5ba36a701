using System.Security.Claims;
using Bot.Web.Announcements;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Http.HttpResults;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>
/// Courses and announcements in the staff API (<c>/api/staff/courses</c>, <c>/api/staff/announcements</c>), scoped like
/// the pages: another centre's course or announcement is 404, another centre as the course's centre or a target is 403.
/// Validation problems name the field with the dashboard's English message.
/// </summary>
public static class AnnouncementsApi
{
    public static void MapAnnouncementsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/courses", ListCoursesAsync);
        api.MapPost("/courses", CreateCourseAsync);
        api.MapGet("/courses/{id}", async Task<Results<Ok<Course>, NotFound>> (ClaimsPrincipal user, CourseCatalog catalog, long id, CancellationToken ct) =>
            await catalog.GetAsync(StaffScope.Of(user), id, ct) is { } course ? TypedResults.Ok(course) : TypedResults.NotFound());
        api.MapPut("/courses/{id}", async (ClaimsPrincipal user, CourseCatalog catalog, StaffText text, long id, CourseInput input, CancellationToken ct) =>
            Answer(await catalog.UpdateAsync(StaffScope.Of(user), id, input, ct), text, TypedResults.Ok));
        api.MapDelete("/courses/{id}", async (ClaimsPrincipal user, CourseCatalog catalog, StaffText text, long id, CancellationToken ct) =>
            Answer(await catalog.DeleteAsync(StaffScope.Of(user), id, ct), text, _ => TypedResults.NoContent()));

        api.MapGet("/announcements", async (ClaimsPrincipal user, AnnouncementService announcements, int? take, CancellationToken ct) =>
            TypedResults.Ok((await announcements.ListAsync(StaffScope.Of(user), Math.Clamp(take ?? 100, 1, 1000), ct)).Select(AnnouncementJson.Of)));
        api.MapGet("/announcements/{id}", async Task<Results<Ok<AnnouncementJson>, NotFound>> (ClaimsPrincipal user, AnnouncementService announcements, long id,
            CancellationToken ct) =>
            await announcements.GetAsync(StaffScope.Of(user), id, ct) is { } view ? TypedResults.Ok(AnnouncementJson.Of(view)) : TypedResults.NotFound());
        api.MapPost("/announcements/preview", async (ClaimsPrincipal user, AnnouncementService announcements, StaffText text, AnnouncementInput input,
            CancellationToken ct) => Answer(await announcements.PreviewAsync(StaffScope.Of(user), input, ct), text, TypedResults.Ok));
        api.MapPost("/announcements", CreateAnnouncementAsync);
        api.MapPost("/announcements/{id}/cancel", async (ClaimsPrincipal user, AnnouncementService announcements, StaffText text, long id, CancellationToken ct) =>
            Answer(await announcements.CancelAsync(StaffScope.Of(user), id, ct), text, view => TypedResults.Ok(AnnouncementJson.Of(view))));
    }

    private static async Task<Results<Ok<IReadOnlyList<Course>>, ProblemHttpResult>> ListCoursesAsync(ClaimsPrincipal user, CourseCatalog catalog,
        string? centre, bool? open, CancellationToken ct)
    {
        var scope = StaffScope.Of(user);
        return TypedResults.Ok(await catalog.ListAsync(scope, centre, open ?? false, ct));
    }

    private static async Task<IResult> CreateCourseAsync(ClaimsPrincipal user, CourseCatalog catalog, StaffText text, CourseInput input, CancellationToken ct) =>
        Answer(await catalog.CreateAsync(StaffScope.Of(user), input, ct), text, course => TypedResults.Created($"{StaffSetup.ApiPrefix}/courses/{course.Id}", course));

    private static async Task<IResult> CreateAnnouncementAsync(ClaimsPrincipal user, AnnouncementService announcements, StaffText text, AnnouncementInput input,
        CancellationToken ct)
    {
        var scope = StaffScope.Of(user);
        var created = await announcements.CreateAsync(scope, input, ct);
        if (created.Refusal != Refusal.None) return Answer(created, text, TypedResults.Ok);
        var view = (await announcements.GetAsync(scope, created.Value!.Id, ct))!;
        return TypedResults.Created($"{StaffSetup.ApiPrefix}/announcements/{view.Announcement.Id}", AnnouncementJson.Of(view));
    }

    /// <summary>The value (as <paramref name="ok"/> makes it), or the refusal: 404, 403, 409, or 400 naming each field.</summary>
    private static IResult Answer<T>(Checked<T> result, StaffText text, Func<T, IResult> ok) => result.Refusal switch
    {
        Refusal.None => ok(result.Value!),
        Refusal.NotFound => TypedResults.NotFound(),
        Refusal.Forbidden => TypedResults.Problem("A centre named is not one of yours.", statusCode: StatusCodes.Status403Forbidden),
        Refusal.Conflict => TypedResults.Problem("Not possible in its current state.", statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.ValidationProblem((result.Errors ?? new Dictionary<string, string>())
            .ToDictionary(e => e.Key, e => new[] { text.Get(StaffText.English, "error." + e.Value) })),
    };
}

/// <summary>An announcement as the API shows it: targets, state and progress.</summary>
public sealed record AnnouncementJson(long Id, long CourseId, string CourseTitle, string CentreId, IReadOnlyList<string> Centres, IReadOnlyList<string> Topics,
    IReadOnlyList<string> Languages, bool EligibleOnly, string Status, bool InFlight, DateTimeOffset SendAt, DateTimeOffset? PublishedAt, int Recipients,
    string CreatedBy, string? CancelledBy, ProgressJson Progress)
{
    public static AnnouncementJson Of(AnnouncementView view)
    {
        var (a, p) = (view.Announcement, view.Progress);
        return new(a.Id, a.CourseId, view.Course.TitleTr, a.CentreId, a.CentreList, a.TopicList, a.LanguageList, a.EligibleOnly, a.Status.ToString().ToLowerInvariant(),
            view.InFlight, a.SendAt, a.PublishedAt, a.Recipients, a.CreatedBy, a.CancelledBy,
            new ProgressJson(p.Total, p.Open, p.Sent, p.Delivered, p.Read, p.Failed, p.Ambiguous, p.Skipped, p.Cancelled, Math.Round(p.PerMinute, 1), p.EstimatedFinish));
    }
}

public sealed record ProgressJson(int Total, int Open, int Sent, int Delivered, int Read, int Failed, int Ambiguous, int Skipped, int Cancelled,
    double PerMinute, DateTimeOffset? EstimatedFinish);
