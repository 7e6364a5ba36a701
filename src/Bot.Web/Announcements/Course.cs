namespace Bot.Web.Announcements;

/// <summary>
/// A course a centre offers: what it is (in Turkish and Arabic), who may join, when and where it runs, the stipend,
/// and how to apply. It is open until its application deadline (end of that day in Staff:TimeZone).
/// </summary>
public sealed class Course
{
    public long Id { get; set; }
    public required string CentreId { get; set; }

    /// <summary>One of <see cref="Topics.All"/>.</summary>
    public required string Topic { get; set; }

    public required string TitleTr { get; set; }
    public required string TitleAr { get; set; }
    public string DescriptionTr { get; set; } = "";
    public string DescriptionAr { get; set; } = "";

    /// <summary>Legal statuses admitted (<see cref="LegalStatuses.All"/>), separated by commas; empty: everyone.</summary>
    public string LegalStatuses { get; set; } = "";

    public int? MinAge { get; set; }
    public int? MaxAge { get; set; }

    /// <summary>"women" or "men" when the course is for one gender only; empty: everyone.</summary>
    public string Gender { get; set; } = "";

    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }

    /// <summary>Weekdays (<see cref="CourseDays.All"/>: mon…sun) separated by commas.</summary>
    public string Days { get; set; } = "";

    public TimeOnly StartTime { get; set; }
    public TimeOnly EndTime { get; set; }
    public string Place { get; set; } = "";

    public bool HasStipend { get; set; }

    /// <summary>Stipend in Turkish lira (per day of attendance, or as the conditions say).</summary>
    public decimal? StipendAmount { get; set; }

    public string StipendConditionsTr { get; set; } = "";
    public string StipendConditionsAr { get; set; } = "";
    public int Capacity { get; set; }
    public DateOnly ApplicationDeadline { get; set; }
    public string HowToApplyTr { get; set; } = "";
    public string HowToApplyAr { get; set; } = "";
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<string> StatusList => Split(LegalStatuses);

    public IReadOnlyList<string> DayList => Split(Days);

    public string Title(string language) => language == Localization.Language.Arabic ? TitleAr : TitleTr;

    public string Description(string language) => language == Localization.Language.Arabic ? DescriptionAr : DescriptionTr;

    public string StipendConditions(string language) => language == Localization.Language.Arabic ? StipendConditionsAr : StipendConditionsTr;

    public string HowToApply(string language) => language == Localization.Language.Arabic ? HowToApplyAr : HowToApplyTr;

    /// <summary>Open for applications on <paramref name="today"/> (the deadline day included).</summary>
    public bool IsOpenOn(DateOnly today) => ApplicationDeadline >= today;

    /// <summary>
    /// Whether someone fits the course's rules: true or false when what we know decides it, null when we do not know
    /// enough (no status or age given). Gender is never known to the bot, so a one-gender course is shown with that rule.
    /// </summary>
    public bool? Admits(string? legalStatus, int? age)
    {
        if (legalStatus is not null && StatusList.Count > 0 && !StatusList.Contains(legalStatus)) return false;
        if (age is { } a && ((MinAge is { } min && a < min) || (MaxAge is { } max && a > max))) return false;
        var statusKnown = legalStatus is not null || StatusList.Count == 0;
        var ageKnown = age is not null || (MinAge is null && MaxAge is null);
        return statusKnown && ageKnown ? true : null;
    }

    private static string[] Split(string csv) => csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Legal statuses in Türkiye, as the eligibility dialog asks them.</summary>
public static class LegalStatuses
{
    public const string TemporaryProtection = "temporary-protection";
    public const string InternationalProtection = "international-protection";
    public const string ResidencePermit = "residence-permit";
    public const string Citizen = "citizen";

    public static readonly IReadOnlyList<string> All = [TemporaryProtection, InternationalProtection, ResidencePermit, Citizen];

    /// <summary>The text key of a status's name (dialogs.*.yaml).</summary>
    public static string TextKey(string status) => "status." + status.Replace('-', '_');
}

public static class CourseDays
{
    public static readonly IReadOnlyList<string> All = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    public static string TextKey(string day) => "day." + day;
}

public static class CourseGenders
{
    public const string Women = "women";
    public const string Men = "men";
    public static readonly IReadOnlyList<string> All = [Women, Men];
}
