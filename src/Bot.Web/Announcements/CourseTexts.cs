using System.Globalization;
using System.Text.Json;
using Bot.Web.Knowledge;
using Bot.Web.Localization;

namespace Bot.Web.Announcements;

/// <summary>
/// How a course reads to a user, in their language, from the texts in <c>localization/</c>: the announcement message,
/// one line for the knowledge base's list of upcoming courses, a short card for the eligibility dialog, and the
/// variables of the approved WhatsApp template (1 title, 2 centre, 3 start date, 4 application deadline).
/// </summary>
public sealed class CourseTexts(BotContent content, CentreDirectory centres)
{
    private const string DateFormat = "dd.MM.yyyy";

    public string Announcement(Course course, string language) => WithoutEmptyLines(Texts.Get(language, "course.announcement", Fields(course, language)));

    public string Line(Course course, string language) => Texts.Get(language, "course.line", Fields(course, language));

    public string Card(Course course, string language) => WithoutEmptyLines(Texts.Get(language, "course.card", Fields(course, language)));

    public IReadOnlyDictionary<string, string> TemplateVariables(Course course, string language) => new Dictionary<string, string>
    {
        ["1"] = course.Title(language),
        ["2"] = CentreName(course, language),
        ["3"] = course.StartDate.ToString(DateFormat, CultureInfo.InvariantCulture),
        ["4"] = course.ApplicationDeadline.ToString(DateFormat, CultureInfo.InvariantCulture),
    };

    public string TemplateVariablesJson(Course course, string language) => JsonSerializer.Serialize(TemplateVariables(course, language));

    /// <summary>What each of the template's variables stands for: the name of the part an edited text must keep.</summary>
    public static readonly IReadOnlyDictionary<string, string> TemplateParts = new Dictionary<string, string>
    {
        ["1"] = "title",
        ["2"] = "centre",
        ["3"] = "start",
        ["4"] = "deadline",
    };

    /// <summary>The line that tells the user how to stop announcements (the last line of the announcement).</summary>
    public string HowToStop(string language) => Texts.Get(language, "course.how_to_stop");

    /// <summary>
    /// The parts an announcement's text must keep when staff edit it, each with its value as the course gives it: the
    /// WhatsApp template's variables (title, centre, start date, deadline — what people outside the 24-hour window get,
    /// so both groups read the same facts) and the line on how to stop announcements.
    /// </summary>
    public IReadOnlyList<(string Part, string Value)> RequiredParts(Course course, string language) =>
    [
        .. TemplateVariables(course, language).Select(v => (TemplateParts[v.Key], v.Value)),
        ("stop", HowToStop(language)),
    ];

    /// <summary>Who may join, in words: statuses, ages, gender; "everyone" when the course sets no rule.</summary>
    public string Who(Course course, string language)
    {
        var parts = course.StatusList.Select(s => Texts.Get(language, LegalStatuses.TextKey(s))).ToList();
        var (min, max) = (course.MinAge?.ToString(CultureInfo.InvariantCulture), course.MaxAge?.ToString(CultureInfo.InvariantCulture));
        if (min is not null && max is not null) parts.Add(Texts.Get(language, "course.ages", ("min", min), ("max", max)));
        else if (min is not null) parts.Add(Texts.Get(language, "course.min_age", ("min", min)));
        else if (max is not null) parts.Add(Texts.Get(language, "course.max_age", ("max", max)));
        if (course.Gender.Length > 0) parts.Add(Texts.Get(language, "course." + course.Gender));
        return parts.Count == 0 ? Texts.Get(language, "course.who_all") : string.Join("; ", parts);
    }

    private TextCatalog Texts => content.Texts;

    private string CentreName(Course course, string language) => centres.ById(course.CentreId)?.Name(language) ?? course.CentreId;

    private (string, string)[] Fields(Course course, string language) =>
    [
        ("title", course.Title(language)),
        ("centre", CentreName(course, language)),
        ("description", course.Description(language)),
        ("dates", course.StartDate.ToString(DateFormat, CultureInfo.InvariantCulture) + " - " + course.EndDate.ToString(DateFormat, CultureInfo.InvariantCulture)),
        ("days", string.Join(", ", course.DayList.Select(d => Texts.Get(language, CourseDays.TextKey(d))))),
        ("hours", course.StartTime.ToString("HH:mm", CultureInfo.InvariantCulture) + "-" + course.EndTime.ToString("HH:mm", CultureInfo.InvariantCulture)),
        ("place", course.Place),
        ("stipend", Stipend(course, language)),
        ("capacity", course.Capacity.ToString(CultureInfo.InvariantCulture)),
        ("who", Who(course, language)),
        ("deadline", course.ApplicationDeadline.ToString(DateFormat, CultureInfo.InvariantCulture)),
        ("how_to_apply", course.HowToApply(language)),
        ("how_to_stop", HowToStop(language)),
    ];

    /// <summary>One line for the stipend answer: the course, its stipend (amount, when it is paid) and its deadline.</summary>
    public string StipendLine(Course course, string language) =>
        Texts.Get(language, "course.stipend_line", ("title", course.Title(language)), ("stipend", Stipend(course, language)),
            ("deadline", course.ApplicationDeadline.ToString(DateFormat, CultureInfo.InvariantCulture)));

    private string Stipend(Course course, string language)
    {
        if (!course.HasStipend) return Texts.Get(language, "course.stipend_none");
        var stipend = course.StipendAmount is { } amount
            ? Texts.Get(language, "course.stipend_amount", ("amount", amount.ToString("0.##", CultureInfo.InvariantCulture)))
            : Texts.Get(language, "course.stipend_yes");
        var conditions = course.StipendConditions(language);
        return conditions.Length == 0 ? stipend : $"{stipend} ({conditions})";
    }

    /// <summary>A course without a description leaves no blank line behind.</summary>
    private static string WithoutEmptyLines(string text) => string.Join('\n', text.Split('\n').Where(line => line.Trim().Length > 0));
}
