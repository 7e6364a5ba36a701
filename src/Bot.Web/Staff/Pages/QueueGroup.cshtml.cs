using System.Text.Json;
using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

/// <summary>
/// One question group: answer, teach, classify, assign, note, dismiss. A form action that worked goes back to the page
/// (Post/Redirect/Get) with its notice; one that did not shows the page again with everything typed kept and each error
/// next to its field (the model-state key is the field's element id).
/// </summary>
public sealed class QueueGroupModel(QueueService queue, KnowledgeTeacher teacher, KnowledgeService knowledge, CentreDirectory centres, StaffAccounts accounts, StaffUi text)
    : PageModel
{
    private const string EffectKey = "teach-effect";

    public QueueGroup? Group { get; private set; }
    public IReadOnlyList<UnansweredQuestion> Items { get; private set; } = [];
    public IReadOnlyList<(string Id, string Title)> Entries { get; private set; } = [];
    public IReadOnlyList<string> Colleagues { get; private set; } = [];
    public IReadOnlyList<TaughtQuestion> Effect { get; private set; } = [];
    public bool Open => Items.Any(i => QueueStatus.IsOpen(i.Status));

    /// <summary>What was typed into a form that was refused, by field id (kept so that nothing has to be typed again).</summary>
    public Dictionary<string, string> Typed { get; } = new(StringComparer.Ordinal);

    /// <summary>The entry preselected in "teach to an existing answer": the bot's top candidate for this group's questions.</summary>
    public string? TopCandidate { get; private set; }

    /// <summary>The "new answer" section stays open when its form was refused.</summary>
    public bool NewAnswerOpen { get; private set; }

    public Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (TempData[EffectKey] is string effect) Effect = JsonSerializer.Deserialize<List<TaughtQuestion>>(effect) ?? [];
        return LoadAsync(id, ct);
    }

    public async Task<IActionResult> OnPostAnswerAsync(long id, Dictionary<string, string>? texts, string? entryId, CancellationToken ct)
    {
        foreach (var (language, value) in texts ?? []) Typed["text-" + language] = value;
        Typed["entryId"] = entryId ?? "";
        var result = await queue.AnswerAsync(Scope, id, texts ?? [], string.IsNullOrEmpty(entryId) ? null : entryId, ct);
        return await AfterAsync(id, result, f => f, text.Format("group.sent", result.Queued, result.Total), ct);
    }

    public async Task<IActionResult> OnPostDismissAsync(long id, string? reason, CancellationToken ct)
    {
        Typed["dismiss-reason"] = reason ?? "";
        return await AfterAsync(id, await queue.DismissAsync(Scope, id, reason, ct), _ => "dismiss-reason", text["group.dismissed"], ct);
    }

    public async Task<IActionResult> OnPostAssignAsync(long id, string? to, CancellationToken ct) =>
        await AfterAsync(id, await queue.AssignAsync(Scope, id, to, ct), _ => "assign-to", text["group.saved"], ct);

    public async Task<IActionResult> OnPostNoteAsync(long id, string? note, CancellationToken ct)
    {
        Typed["note"] = note ?? "";
        return await AfterAsync(id, await queue.NoteAsync(Scope, id, note, ct), _ => "note", text["group.saved"], ct);
    }

    public async Task<IActionResult> OnPostClassifyAsync(long id, string? category, string? type, CancellationToken ct) =>
        await AfterAsync(id, await queue.ClassifyAsync(Scope, id, category, type, ct), f => f == "type" ? "fix-type" : "fix-category", text["group.saved"], ct);

    public async Task<IActionResult> OnPostTeachExistingAsync(long id, string? entryId, CancellationToken ct)
    {
        var questions = await QuestionsAsync(id, ct);
        if (questions is null) return NotFound();
        Typed["teach-entry"] = entryId ?? "";
        return await AfterTeachAsync(id, await teacher.AddPhrasingsAsync(Scope.Actor, entryId ?? "", questions, ct), _ => "teach-entry", ct);
    }

    public async Task<IActionResult> OnPostTeachNewAsync(long id, string? newId, string? category, Dictionary<string, string>? titles, Dictionary<string, string>? answers, CancellationToken ct)
    {
        var questions = await QuestionsAsync(id, ct);
        if (questions is null) return NotFound();
        Typed["new-id"] = newId ?? "";
        Typed["new-category"] = category ?? "";
        foreach (var (language, value) in titles ?? []) Typed["title-" + language] = value;
        foreach (var (language, value) in answers ?? []) Typed["answer-" + language] = value;
        var texts = Localization.Language.All.ToDictionary(l => l, l => (titles?.GetValueOrDefault(l), answers?.GetValueOrDefault(l)));
        var result = await teacher.CreateEntryAsync(Scope.Actor, new NewEntry(newId, category, texts), questions, ct);
        NewAnswerOpen = !result.Succeeded;
        return await AfterTeachAsync(id, result, f => f switch { "id" => "new-id", "category" => "new-category", _ => f }, ct);
    }

    /// <summary>The error of a field (by element id) shown next to it.</summary>
    public string? Error(string field) => ModelState.TryGetValue(field, out var entry) ? entry.Errors.FirstOrDefault()?.ErrorMessage : null;

    /// <summary>Errors that belong to no field (the knowledge base could not be reloaded).</summary>
    public IEnumerable<string> PageErrors => ModelState.TryGetValue("", out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    public string Value(string field) => Typed.GetValueOrDefault(field, "");

    public string CentreName(string? id) => centres.ById(id)?.Name(ContentLanguage) ?? "—";

    /// <summary>A candidate answer as staff read it: its title and how sure the bot was.</summary>
    public string Candidate(string id, double confidence) =>
        (knowledge.Current.Knowledge.ById.TryGetValue(id, out var entry) ? entry.Text(ContentLanguage).Title : id)
        + " (" + text.Isolated((confidence * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " %") + ")";

    private string ContentLanguage => StaffText.ContentLanguageOf(HttpContext);

    private StaffScope Scope => StaffScope.Of(User);

    private async Task<IReadOnlyList<(string Language, string Text)>?> QuestionsAsync(long id, CancellationToken ct)
    {
        var items = await queue.ItemsAsync(Scope, id, ct);
        return items.Count == 0 ? null : items.Where(q => q.Text.Length > 0).Select(q => (q.Language, q.Text)).ToList();
    }

    private async Task<IActionResult> AfterTeachAsync(long id, TeachResult result, Func<string, string> field, CancellationToken ct)
    {
        if (result.Succeeded)
        {
            TempData[EffectKey] = JsonSerializer.Serialize(result.Effect);
            return this.Done(text["teach.done"]);
        }
        foreach (var (f, key) in result.Errors) ModelState.AddModelError(f.Length == 0 ? "" : field(f), text["error." + key]);
        Effect = result.Effect;
        return await LoadAsync(id, ct);
    }

    private async Task<IActionResult> AfterAsync(long id, QueueResult result, Func<string, string> field, string done, CancellationToken ct)
    {
        if (!result.Found) return NotFound();
        if (result.Succeeded) return this.Done(done);
        foreach (var (f, key) in result.Errors) ModelState.AddModelError(field(f), text["error." + key]);
        return await LoadAsync(id, ct);
    }

    private async Task<IActionResult> LoadAsync(long id, CancellationToken ct)
    {
        Items = await queue.ItemsAsync(Scope, id, ct);
        if (Items.Count == 0) return NotFound();
        Group = QueueGroup.Of(Items.GroupBy(_ => id).Single());
        var language = ContentLanguage;
        Entries = knowledge.Current.Knowledge.Entries.Where(e => e.Category != KbEntry.SmallTalk && e.Id != KbEntry.OutOfScope)
            .Select(e => (e.Id, e.Text(language).Title)).OrderBy(e => e.Title, StringComparer.CurrentCulture).ToList();
        TopCandidate = Items.SelectMany(QueueService.CandidatesOf)
            .Where(c => Entries.Any(e => e.Id == c.Id))
            .GroupBy(c => c.Id).OrderByDescending(g => g.Sum(c => c.Confidence)).Select(g => g.Key).FirstOrDefault();
        var centresOfGroup = Items.Select(i => i.CentreId).ToHashSet();
        Colleagues = (await accounts.ListAsync(ct)).Where(a => a.Role == StaffRoles.Admin || a.Centres.Any(c => centresOfGroup.Contains(c))).Select(a => a.Email).ToList();
        return Page();
    }
}
