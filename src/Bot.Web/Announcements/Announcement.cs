namespace Bot.Web.Announcements;

/// <summary>
/// A course announced to subscribers: whom it targets (centres, topics, languages, optionally only those who fit the
/// course), the message per language (rendered from the course when it was created, so a later edit of the course
/// does not change a broadcast in flight; staff may have edited it), and when it goes out. Its recipients are outbox rows
/// (<c>Kind = announcement</c>, <c>ReferenceId = Id</c>), written in the same transaction that moves it to Sending.
/// </summary>
public sealed class Announcement
{
    public const string OutboxKind = "announcement";

    public long Id { get; set; }
    public long CourseId { get; set; }

    /// <summary>The course's centre: whose staff see the announcement.</summary>
    public required string CentreId { get; set; }

    /// <summary>Targeted centres (subscriptions' centres), separated by commas.</summary>
    public required string Centres { get; set; }

    /// <summary>Targeted topics, separated by commas.</summary>
    public required string Topics { get; set; }

    /// <summary>Targeted announcement languages, separated by commas.</summary>
    public required string Languages { get; set; }

    /// <summary>Leave out subscribers whose stored answers (legal status, age) show they do not fit the course.</summary>
    public bool EligibleOnly { get; set; }

    /// <summary>The message rendered from the course, per language (what is sent unless staff edited it).</summary>
    public required string TextTr { get; set; }
    public required string TextAr { get; set; }

    /// <summary>
    /// The message as staff edited it, per language; null when it was left as rendered from the course (and for every
    /// announcement made before texts could be edited): then <see cref="TextTr"/> / <see cref="TextAr"/> is sent.
    /// </summary>
    public string? EditedTextTr { get; set; }
    public string? EditedTextAr { get; set; }

    /// <summary>WhatsApp template variables (JSON, placeholder number → value) per language, for recipients outside the 24-hour window.</summary>
    public required string TemplateVariablesTr { get; set; }
    public required string TemplateVariablesAr { get; set; }

    public AnnouncementStatus Status { get; set; }

    /// <summary>When it goes out (now, or the scheduled time).</summary>
    public DateTimeOffset SendAt { get; set; }

    /// <summary>When its outbox rows were written.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    public int Recipients { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CancelledBy { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }

    public IReadOnlyList<string> CentreList => Split(Centres);

    public IReadOnlyList<string> TopicList => Split(Topics);

    public IReadOnlyList<string> LanguageList => Split(Languages);

    /// <summary>What the people of <paramref name="language"/> receive as text: staff's edit, or the text rendered from the course.</summary>
    public string Text(string language) => Edited(language) ?? Generated(language);

    /// <summary>The text rendered from the course when the announcement was made.</summary>
    public string Generated(string language) => language == Localization.Language.Arabic ? TextAr : TextTr;

    /// <summary>Staff's own text for the language, or null (the rendered text is sent).</summary>
    public string? Edited(string language) => language == Localization.Language.Arabic ? EditedTextAr : EditedTextTr;

    public string TemplateVariables(string language) => language == Localization.Language.Arabic ? TemplateVariablesAr : TemplateVariablesTr;

    private static string[] Split(string csv) => csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public enum AnnouncementStatus
{
    /// <summary>Waiting for its time; no outbox rows yet (the audience is taken when it goes out).</summary>
    Scheduled = 0,

    /// <summary>Outbox rows written; the dispatcher is sending (or has sent) them.</summary>
    Sending = 1,

    /// <summary>Stopped by staff: rows not yet sent were cancelled.</summary>
    Cancelled = 2,
}
