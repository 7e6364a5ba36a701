using Bot.Web.Announcements;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

/// <summary>Creates, changes or deletes one course of the staff member's centres.</summary>
public sealed class CourseEditModel(CourseCatalog catalog, CentreDirectory centres, StaffUi text) : PageModel
{
    [BindProperty] public CourseInput Input { get; set; } = new();
    public long? Id { get; private set; }
    public string? Message { get; private set; }

    /// <summary>Ticked by the staff member to save a course whose dates are already past, after the warning.</summary>
    [BindProperty] public bool AcceptPast { get; set; }

    /// <summary>The warning about dates already past (what is past, and what that means); the course is not saved with it.</summary>
    public string? PastWarning { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Centres =>
        StaffScope.Of(User).Visible(centres.All.Select(c => c.Id)).Select(id => (id, centres.ById(id)!.Name(StaffText.ContentLanguageOf(HttpContext)))).ToList();

    public async Task<IActionResult> OnGetAsync(long? id, CancellationToken ct)
    {
        if (id is null)
        {
            Input = new CourseInput { CentreId = Centres.Count == 1 ? Centres[0].Id : null, Capacity = 20 };
            return Page();
        }
        var course = await catalog.GetAsync(StaffScope.Of(User), id.Value, ct);
        if (course is null) return NotFound();
        (Id, Input) = (id, CourseInput.From(course));
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(long? id, CancellationToken ct)
    {
        Id = id;
        if (FormErrors.ReplaceBindingErrors(ModelState, text))
        {
            FormErrors.Add(ModelState, text, Input.Validate(centres));
            return Page();
        }
        var today = catalog.Today();
        var past = new (DateOnly? Date, string Key)[] { (Input.StartDate, "course.start-date"), (Input.EndDate, "course.end-date"), (Input.ApplicationDeadline, "course.deadline") }
            .Where(d => d.Date is { } date && date < today)
            .Select(d => text[d.Key] + " " + text.Isolated(d.Date!.Value.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        if (past.Count > 0 && !AcceptPast)
        {
            // Saved only with an explicit "yes": a past deadline closes the course at once (no one can apply, it cannot be announced).
            PastWarning = text.Format("course.past-warning", string.Join(", ", past));
            return Page();
        }
        var scope = StaffScope.Of(User);
        var result = id is null ? await catalog.CreateAsync(scope, Input, ct) : await catalog.UpdateAsync(scope, id.Value, Input, ct);
        switch (result.Refusal)
        {
            case Refusal.NotFound:
                return NotFound();
            case Refusal.Forbidden:
                return Forbid();
            case Refusal.Invalid:
                FormErrors.Add(ModelState, text, result.Errors);
                return Page();
        }
        TempData["done"] = "courses.saved";
        return Redirect("/staff/courses");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var result = await catalog.DeleteAsync(StaffScope.Of(User), id, ct);
        if (result.Refusal == Refusal.NotFound) return NotFound();
        if (result.Refusal == Refusal.Conflict)
        {
            Message = text["courses.cannot-delete"];
            return await OnGetAsync(id, ct);
        }
        TempData["done"] = "courses.deleted";
        return Redirect("/staff/courses");
    }

    public string? Error(string field) => FormErrors.Of(ModelState, field);

    public FieldView Field(string field, string label, string? value, string type = "text", string dir = "auto", int? max = null) =>
        new("Input." + field, text[label], value, Error(field), type, dir, dir == "rtl" ? "ar" : null, MaxLength: max);

    public FieldView Area(string field, string label, string? value, string dir, int max) =>
        new("Input." + field, text[label], value, Error(field), Dir: dir, Lang: dir == "rtl" ? "ar" : null, Multiline: true, MaxLength: max);

    public static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Time(TimeOnly? time) => time?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Number(decimal? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
