using Bot.Web.Data;
using Bot.Web.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Bot.Web.Access;

namespace Bot.Web.Announcements;

/// <summary>
/// The courses: created, changed and deleted by staff of the course's centre (every change audited), listed for the
/// dashboard and the API within the staff member's scope, and — while open — for users: the knowledge base's
/// <c>{upcoming_courses}</c> and the eligibility dialog.
/// </summary>
public sealed class CourseCatalog(
    IDbContextFactory<BotDbContext> dbFactory,
    CourseTexts texts,
    CentreDirectory centres,
    StaffAudit audit,
    IOptions<StaffOptions> staffOptions,
    TimeProvider clock) : IUpcomingCourses
{
    /// <summary>The longest announcement message: one WhatsApp message (1,600 characters) with room to spare.</summary>
    public const int MaxMessageLength = 1500;

    private const int MaxListed = 10;

    /// <summary>Today in the dashboard's time zone (Staff:TimeZone): a course is open until the end of its deadline day there.</summary>
    public DateOnly Today()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(staffOptions.Value.TimeZone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
    }

    public async Task<IReadOnlyList<Course>> ListAsync(StaffScope scope, string? centre, bool openOnly, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = InScope(db.Courses.AsNoTracking(), scope);
        if (!string.IsNullOrEmpty(centre)) query = query.Where(c => c.CentreId == centre);
        if (openOnly)
        {
            var today = Today();
            query = query.Where(c => c.ApplicationDeadline >= today);
        }
        return await query.OrderByDescending(c => c.ApplicationDeadline).ThenByDescending(c => c.Id).ToListAsync(ct);
    }

    /// <summary>A course in the scope, or null (unknown or another centre's: the same answer).</summary>
    public async Task<Course?> GetAsync(StaffScope scope, long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await InScope(db.Courses.AsNoTracking(), scope).FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    public async Task<Checked<Course>> CreateAsync(StaffScope scope, CourseInput input, CancellationToken ct)
    {
        if (Refuse(scope, input) is { } refused) return refused;
        var now = clock.GetUtcNow();
        var course = new Course { CentreId = "", Topic = "", TitleTr = "", TitleAr = "", CreatedBy = scope.Actor, CreatedAt = now, UpdatedAt = now };
        input.ApplyTo(course);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Courses.Add(course);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(scope.Actor, AuditActions.CourseCreated, Target(course), $"{course.CentreId}: {course.TitleTr}", ct);
        return new(course);
    }

    public async Task<Checked<Course>> UpdateAsync(StaffScope scope, long id, CourseInput input, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var course = await InScope(db.Courses, scope).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (course is null) return Checked.Refused<Course>(Refusal.NotFound);
        if (Refuse(scope, input) is { } refused) return refused;
        input.ApplyTo(course);
        course.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(scope.Actor, AuditActions.CourseUpdated, Target(course), $"{course.CentreId}: {course.TitleTr}", ct);
        return new(course);
    }

    /// <summary>Deletes a course that was never announced (an announced course stays: its broadcasts refer to it).</summary>
    public async Task<Checked<Course>> DeleteAsync(StaffScope scope, long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var course = await InScope(db.Courses, scope).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (course is null) return Checked.Refused<Course>(Refusal.NotFound);
        if (await db.Announcements.AnyAsync(a => a.CourseId == id, ct)) return Checked.Refused<Course>(Refusal.Conflict);
        db.Courses.Remove(course);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(scope.Actor, AuditActions.CourseDeleted, Target(course), $"{course.CentreId}: {course.TitleTr}", ct);
        return new(course);
    }

    /// <summary>Courses open today, at a centre (every centre when null), soonest deadline first.</summary>
    public async Task<IReadOnlyList<Course>> OpenAsync(string? centreId, CancellationToken ct)
    {
        var today = Today();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Courses.AsNoTracking().Where(c => c.ApplicationDeadline >= today);
        if (centreId is not null) query = query.Where(c => c.CentreId == centreId);
        return await query.OrderBy(c => c.ApplicationDeadline).ThenBy(c => c.Id).Take(MaxListed * 5).ToListAsync(ct);
    }

    /// <summary>For the knowledge base's {upcoming_courses}: one line per open course.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string language, string? centreId, CancellationToken ct) =>
        (await OpenAsync(centreId, ct)).Take(MaxListed).Select(c => texts.Line(c, language)).ToList();

    /// <summary>For the knowledge base's {open_course_stipends}: the stipend of each open course at the centre (none: empty).</summary>
    public async Task<IReadOnlyList<string>> StipendsAsync(string language, string? centreId, CancellationToken ct) =>
        (await OpenAsync(centreId, ct)).Take(MaxListed).Select(c => texts.StipendLine(c, language)).ToList();

    /// <summary>
    /// For the eligibility dialog: the open courses at the centre and those of them that admit someone of this status
    /// and age (one-gender courses included, with that rule in their card).
    /// </summary>
    public async Task<(int Open, IReadOnlyList<string> Fitting)> FittingAsync(string language, string? centreId, string? status, int? age, CancellationToken ct)
    {
        var open = await OpenAsync(centreId, ct);
        return (open.Count, open.Where(c => c.Admits(status, age) != false).Take(MaxListed).Select(c => texts.Card(c, language)).ToList());
    }

    private Checked<Course>? Refuse(StaffScope scope, CourseInput input)
    {
        if (centres.ById(input.CentreId) is not null && !scope.Covers(input.CentreId)) return Checked.Refused<Course>(Refusal.Forbidden);
        var errors = input.Validate(centres);
        if (errors.Count == 0)
        {
            // The whole announcement must fit one WhatsApp message in both languages.
            var course = new Course { CentreId = "", Topic = "", TitleTr = "", TitleAr = "", CreatedBy = "" };
            input.ApplyTo(course);
            if (Localization.Language.All.Any(l => texts.Announcement(course, l).Length > MaxMessageLength)) errors[nameof(CourseInput.DescriptionTr)] = "message.too-long";
        }
        return errors.Count > 0 ? Checked.Refused<Course>(Refusal.Invalid, errors) : null;
    }

    private static IQueryable<Course> InScope(IQueryable<Course> courses, StaffScope scope)
    {
        if (scope.IsAdmin) return courses;
        var mine = scope.Centres.ToList();
        return courses.Where(c => mine.Contains(c.CentreId));
    }

    private static string Target(Course course) => $"course {course.Id}";
}
