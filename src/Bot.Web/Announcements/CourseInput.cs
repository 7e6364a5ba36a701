using Bot.Web.Knowledge;

namespace Bot.Web.Announcements;

/// <summary>
/// A course as staff enter it (the form on /staff/courses and the JSON of the staff API). <see cref="Validate"/> names
/// each wrong field with the key of its message in <c>localization/staff.*.yaml</c> (<c>error.&lt;key&gt;</c>).
/// </summary>
public sealed class CourseInput
{
    public const int MaxTitle = 120;
    public const int MaxDescription = 600;
    public const int MaxPlace = 200;
    public const int MaxNote = 300;

    public string? CentreId { get; set; }
    public string? Topic { get; set; }
    public string? TitleTr { get; set; }
    public string? TitleAr { get; set; }
    public string? DescriptionTr { get; set; }
    public string? DescriptionAr { get; set; }
    public List<string> LegalStatuses { get; set; } = [];
    public int? MinAge { get; set; }
    public int? MaxAge { get; set; }
    public string? Gender { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public List<string> Days { get; set; } = [];
    public TimeOnly? StartTime { get; set; }
    public TimeOnly? EndTime { get; set; }
    public string? Place { get; set; }
    public bool HasStipend { get; set; }
    public decimal? StipendAmount { get; set; }
    public string? StipendConditionsTr { get; set; }
    public string? StipendConditionsAr { get; set; }
    public int? Capacity { get; set; }
    public DateOnly? ApplicationDeadline { get; set; }
    public string? HowToApplyTr { get; set; }
    public string? HowToApplyAr { get; set; }

    /// <summary>Field → message key of every problem (empty when the course may be saved).</summary>
    public Dictionary<string, string> Validate(CentreDirectory centres)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        void Check(bool ok, string field, string key)
        {
            if (!ok) errors.TryAdd(field, key);
        }
        Check(centres.ById(CentreId) is not null, nameof(CentreId), "centre.required");
        Check(Topic is not null && Topics.All.Contains(Topic), nameof(Topic), "topic.required");
        Text(Check, TitleTr, nameof(TitleTr), MaxTitle, required: true);
        Text(Check, TitleAr, nameof(TitleAr), MaxTitle, required: true);
        Text(Check, DescriptionTr, nameof(DescriptionTr), MaxDescription);
        Text(Check, DescriptionAr, nameof(DescriptionAr), MaxDescription);
        Text(Check, Place, nameof(Place), MaxPlace, required: true);
        Text(Check, StipendConditionsTr, nameof(StipendConditionsTr), MaxNote);
        Text(Check, StipendConditionsAr, nameof(StipendConditionsAr), MaxNote);
        Text(Check, HowToApplyTr, nameof(HowToApplyTr), MaxNote, required: true);
        Text(Check, HowToApplyAr, nameof(HowToApplyAr), MaxNote, required: true);
        Check(LegalStatuses.All(Announcements.LegalStatuses.All.Contains), nameof(LegalStatuses), "status.unknown");
        Check(MinAge is null or (>= 10 and <= 99), nameof(MinAge), "age.range");
        Check(MaxAge is null or (>= 10 and <= 99), nameof(MaxAge), "age.range");
        Check(MinAge is null || MaxAge is null || MinAge <= MaxAge, nameof(MaxAge), "age.order");
        Check(string.IsNullOrEmpty(Gender) || CourseGenders.All.Contains(Gender), nameof(Gender), "gender.unknown");
        Check(StartDate is not null, nameof(StartDate), "required");
        Check(EndDate is not null, nameof(EndDate), "required");
        Check(StartDate is null || EndDate is null || StartDate <= EndDate, nameof(EndDate), "dates.order");
        Check(Days.Count > 0 && Days.All(CourseDays.All.Contains), nameof(Days), "days.required");
        Check(StartTime is not null, nameof(StartTime), "required");
        Check(EndTime is not null, nameof(EndTime), "required");
        Check(StartTime is null || EndTime is null || StartTime < EndTime, nameof(EndTime), "times.order");
        Check(!HasStipend || StipendAmount is null or (> 0 and < 1_000_000), nameof(StipendAmount), "stipend.amount");
        Check(Capacity is >= 1 and <= 10_000, nameof(Capacity), "capacity.range");
        Check(ApplicationDeadline is not null, nameof(ApplicationDeadline), "required");
        Check(ApplicationDeadline is null || EndDate is null || ApplicationDeadline <= EndDate, nameof(ApplicationDeadline), "deadline.after-end");
        return errors;
    }

    private static void Text(Action<bool, string, string> check, string? value, string field, int max, bool required = false)
    {
        check(!required || !string.IsNullOrWhiteSpace(value), field, "required");
        check((value?.Trim().Length ?? 0) <= max, field, "too-long");
    }

    /// <summary>Copies the (validated) input onto a course.</summary>
    public void ApplyTo(Course course)
    {
        course.CentreId = CentreId!;
        course.Topic = Topic!;
        course.TitleTr = TitleTr!.Trim();
        course.TitleAr = TitleAr!.Trim();
        course.DescriptionTr = DescriptionTr?.Trim() ?? "";
        course.DescriptionAr = DescriptionAr?.Trim() ?? "";
        course.LegalStatuses = string.Join(",", Announcements.LegalStatuses.All.Where(LegalStatuses.Contains));
        course.MinAge = MinAge;
        course.MaxAge = MaxAge;
        course.Gender = Gender ?? "";
        course.StartDate = StartDate!.Value;
        course.EndDate = EndDate!.Value;
        course.Days = string.Join(",", CourseDays.All.Where(Days.Contains));
        course.StartTime = StartTime!.Value;
        course.EndTime = EndTime!.Value;
        course.Place = Place!.Trim();
        course.HasStipend = HasStipend;
        course.StipendAmount = HasStipend ? StipendAmount : null;
        course.StipendConditionsTr = HasStipend ? StipendConditionsTr?.Trim() ?? "" : "";
        course.StipendConditionsAr = HasStipend ? StipendConditionsAr?.Trim() ?? "" : "";
        course.Capacity = Capacity!.Value;
        course.ApplicationDeadline = ApplicationDeadline!.Value;
        course.HowToApplyTr = HowToApplyTr!.Trim();
        course.HowToApplyAr = HowToApplyAr!.Trim();
    }

    public static CourseInput From(Course c) => new()
    {
        CentreId = c.CentreId, Topic = c.Topic, TitleTr = c.TitleTr, TitleAr = c.TitleAr, DescriptionTr = c.DescriptionTr,
        DescriptionAr = c.DescriptionAr, LegalStatuses = [.. c.StatusList], MinAge = c.MinAge, MaxAge = c.MaxAge, Gender = c.Gender,
        StartDate = c.StartDate, EndDate = c.EndDate, Days = [.. c.DayList], StartTime = c.StartTime, EndTime = c.EndTime, Place = c.Place,
        HasStipend = c.HasStipend, StipendAmount = c.StipendAmount, StipendConditionsTr = c.StipendConditionsTr,
        StipendConditionsAr = c.StipendConditionsAr, Capacity = c.Capacity, ApplicationDeadline = c.ApplicationDeadline,
        HowToApplyTr = c.HowToApplyTr, HowToApplyAr = c.HowToApplyAr,
    };
}

/// <summary>Why a staff action was refused (none: it was done).</summary>
public enum Refusal
{
    None,

    /// <summary>Does not exist, or is outside the staff member's centres (the same answer: no hint either way).</summary>
    NotFound,

    /// <summary>Names a centre outside the staff member's centres.</summary>
    Forbidden,

    /// <summary>Fields are wrong: see the errors.</summary>
    Invalid,

    /// <summary>Not possible in its current state (a course with announcements cannot be deleted; a finished broadcast cannot be cancelled).</summary>
    Conflict,
}

/// <summary>The result of a staff action: the value, or why it was refused (with field → message key for <see cref="Refusal.Invalid"/>).</summary>
public sealed record Checked<T>(T? Value, Refusal Refusal = Refusal.None, IReadOnlyDictionary<string, string>? Errors = null);

public static class Checked
{
    public static Checked<T> Refused<T>(Refusal refusal, IReadOnlyDictionary<string, string>? errors = null) => new(default, refusal, errors);
}
