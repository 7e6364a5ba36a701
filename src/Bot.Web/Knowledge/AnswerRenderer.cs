using Bot.Web.Localization;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Knowledge;

/// <summary>
/// Turns a knowledge-base entry into the reply a user sees: the answer in their language with its placeholders
/// filled ({centre_contact} from the centres' configuration, {upcoming_courses} from the course catalogue), and its
/// follow-up entries offered as buttons.
/// </summary>
public sealed class AnswerRenderer(BotContent content, KnowledgeService knowledge, IUpcomingCourses courses)
{
    public const string EntryValuePrefix = "kb:";
    public const string NoneOfThese = "kb:none";

    public async Task<IMessageActivity> RenderAsync(KbEntry entry, string language, Centre? centre, CancellationToken ct)
    {
        var text = entry.Text(language).Answer;
        if (text.Contains("{centre_contact}", StringComparison.Ordinal))
        {
            text = text.Replace("{centre_contact}", CentreContact(language, centre), StringComparison.Ordinal);
        }
        if (text.Contains("{upcoming_courses}", StringComparison.Ordinal))
        {
            text = text.Replace("{upcoming_courses}", await UpcomingCoursesAsync(language, centre, ct), StringComparison.Ordinal);
        }
        if (text.Contains(OpenCourseStipends, StringComparison.Ordinal))
        {
            // The stipends staff entered for the centre's open courses; nothing (and no empty line) when none is open.
            var stipends = await courses.StipendsAsync(language, centre?.Id, ct);
            text = stipends.Count == 0
                ? System.Text.RegularExpressions.Regex.Replace(text, @"^[ \t]*\{open_course_stipends\}[ \t]*(\r?\n)?", "", System.Text.RegularExpressions.RegexOptions.Multiline)
                : text.Replace(OpenCourseStipends, content.Texts.Get(language, TextKeys.CoursesStipends) + "\n" + string.Join('\n', stipends.Select(l => "• " + l)), StringComparison.Ordinal);
        }
        var reply = MessageFactory.Text(text.Trim());
        reply.SuggestedActions = new SuggestedActions
        {
            Actions = entry.Related
                .Select(id => knowledge.Current.Knowledge.ById.GetValueOrDefault(id))
                .OfType<KbEntry>()
                .Select(related => Button(related.Text(language).Title, EntryValuePrefix + related.Id))
                .Append(Button(content.Texts.Get(language, TextKeys.MenuButton), "menu"))
                .ToList(),
        };
        return reply;
    }

    public IMessageActivity Clarify(IReadOnlyList<Candidate> candidates, string language)
    {
        var reply = MessageFactory.Text(content.Texts.Get(language, TextKeys.ClarifyPrompt));
        reply.SuggestedActions = new SuggestedActions
        {
            Actions = candidates
                .Select(c => knowledge.Current.Knowledge.ById.GetValueOrDefault(c.Id))
                .OfType<KbEntry>()
                .Select(e => Button(e.Text(language).Title, EntryValuePrefix + e.Id))
                .Append(Button(content.Texts.Get(language, TextKeys.ClarifyNone), NoneOfThese))
                .ToList(),
        };
        return reply;
    }

    /// <summary>The placeholder of the stipends of the centre's open courses (the stipend answer).</summary>
    public const string OpenCourseStipends = "{open_course_stipends}";

    /// <summary>
    /// {centre_contact}: one clear line in every case — the known centre with its address, phone and hours; a known
    /// centre whose details are not configured (its name and the 168 line); or, with no centre known, how to get them.
    /// </summary>
    public string CentreContact(string language, Centre? centre)
    {
        var texts = content.Texts;
        if (centre is null) return texts.Get(language, TextKeys.CentreUnknown);
        var c = centre.Contact;
        if (c.Address.Length == 0 && c.Phone.Length == 0 && c.Hours.Length == 0)
        {
            return texts.Get(language, TextKeys.CentreNotConfigured, ("name", centre.Name(language)));
        }
        var parts = new List<string>();
        if (c.Address.Length > 0) parts.Add(texts.Get(language, TextKeys.CentreAddress, ("address", c.Address)));
        if (c.Phone.Length > 0) parts.Add(texts.Get(language, TextKeys.CentrePhone, ("phone", c.Phone)));
        if (c.Hours.Length > 0) parts.Add(texts.Get(language, TextKeys.CentreHours, ("hours", c.Hours)));
        return "📍 " + centre.Name(language) + " — " + string.Join(" · ", parts);
    }

    private async Task<string> UpcomingCoursesAsync(string language, Centre? centre, CancellationToken ct)
    {
        var list = await courses.ListAsync(language, centre?.Id, ct);
        return list.Count == 0 ? content.Texts.Get(language, TextKeys.CoursesNone) : string.Join('\n', list.Select(c => "• " + c));
    }

    private static CardAction Button(string title, string value) => new(ActionTypes.ImBack, title, value: value);
}

/// <summary>Open and upcoming courses, one line each, for a centre (all centres when null).</summary>
public interface IUpcomingCourses
{
    Task<IReadOnlyList<string>> ListAsync(string language, string? centreId, CancellationToken ct);

    /// <summary>The stipend of each course open at the centre (amount, when it is paid), one line each.</summary>
    Task<IReadOnlyList<string>> StipendsAsync(string language, string? centreId, CancellationToken ct);
}
