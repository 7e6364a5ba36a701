using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bot.Web.Staff.Pages;

public sealed class QueueGroupModel(QueueService queue, KnowledgeTeacher teacher, KnowledgeService knowledge, CentreDirectory centres, StaffAccounts accounts, StaffUi text)
    : PageModel
{
    public QueueGroup? Group { get; private set; }
    public IReadOnlyList<UnansweredQuestion> Items { get; private set; } = [];
    public IReadOnlyList<(string Id, string Title)> Entries { get; private set; } = [];
    public IReadOnlyList<string> Colleagues { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Texts { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<TaughtQuestion> Effect { get; private set; } = [];
    public string? Message { get; private set; }
    public bool Open => Items.Any(i => QueueStatus.IsOpen(i.Status));

    public Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => LoadAsync(id, ct);

    public async Task<IActionResult> OnPostAnswerAsync(long id, Dictionary<string, string>? texts, string? entryId, CancellationToken ct)
    {
        Texts = texts ?? [];
        var result = await queue.AnswerAsync(Scope, id, Texts, string.IsNullOrEmpty(entryId) ? null : entryId, ct);
        return await AfterAsync(id, result, text.Format("group.sent", result.Delivered, result.Total), ct);
    }

    public async Task<IActionResult> OnPostDismissAsync(long id, string? reason, CancellationToken ct) =>
        await AfterAsync(id, await queue.DismissAsync(Scope, id, reason, ct), text["group.dismissed"], ct);

    public async Task<IActionResult> OnPostAssignAsync(long id, string? to, CancellationToken ct) =>
        await AfterAsync(id, await queue.AssignAsync(Scope, id, to, ct), text["group.saved"], ct);

    public async Task<IActionResult> OnPostNoteAsync(long id, string? note, CancellationToken ct) =>
        await AfterAsync(id, await queue.NoteAsync(Scope, id, note, ct), text["group.saved"], ct);

    public async Task<IActionResult> OnPostClassifyAsync(long id, string? category, string? type, CancellationToken ct) =>
        await AfterAsync(id, await queue.ClassifyAsync(Scope, id, category, type, ct), text["group.saved"], ct);

    public async Task<IActionResult> OnPostTeachExistingAsync(long id, string? entryId, CancellationToken ct)
    {
        var questions = await QuestionsAsync(id, ct);
        if (questions is null) return NotFound();
        return await AfterTeachAsync(id, await teacher.AddPhrasingsAsync(Scope.Actor, entryId ?? "", questions, ct), ct);
    }

    public async Task<IActionResult> OnPostTeachNewAsync(long id, string? newId, string? category, Dictionary<string, string>? titles, Dictionary<string, string>? answers, CancellationToken ct)
    {
        var questions = await QuestionsAsync(id, ct);
        if (questions is null) return NotFound();
        var texts = Localization.Language.All.ToDictionary(l => l, l => (titles?.GetValueOrDefault(l), answers?.GetValueOrDefault(l)));
        return await AfterTeachAsync(id, await teacher.CreateEntryAsync(Scope.Actor, new NewEntry(newId, category, texts), questions, ct), ct);
    }

    /// <summary>The error of a field shown next to it.</summary>
    public string? Error(string field) => ModelState.TryGetValue(field, out var entry) ? entry.Errors.FirstOrDefault()?.ErrorMessage : null;

    /// <summary>Errors of fields that have no place of their own on the page (teach, manage forms).</summary>
    public IEnumerable<(string Field, string Message)> OtherErrors => ModelState
        .Where(e => !e.Key.StartsWith("text-", StringComparison.Ordinal))
        .SelectMany(e => e.Value!.Errors.Select(x => (e.Key, x.ErrorMessage)));

    public string CentreName(string? id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? "—";

    private StaffScope Scope => StaffScope.Of(User);

    private async Task<IReadOnlyList<(string Language, string Text)>?> QuestionsAsync(long id, CancellationToken ct)
    {
        var items = await queue.ItemsAsync(Scope, id, ct);
        return items.Count == 0 ? null : items.Where(q => q.Text.Length > 0).Select(q => (q.Language, q.Text)).ToList();
    }

    private async Task<IActionResult> AfterTeachAsync(long id, TeachResult result, CancellationToken ct)
    {
        foreach (var (field, key) in result.Errors) ModelState.AddModelError(field, text["error." + key]);
        Effect = result.Effect;
        if (result.Succeeded) Message = text["teach.done"];
        return await LoadAsync(id, ct);
    }

    private async Task<IActionResult> AfterAsync(long id, QueueResult result, string done, CancellationToken ct)
    {
        if (!result.Found) return NotFound();
        foreach (var (field, key) in result.Errors) ModelState.AddModelError(field, text["error." + key]);
        if (result.Succeeded) Message = done;
        return await LoadAsync(id, ct);
    }

    private async Task<IActionResult> LoadAsync(long id, CancellationToken ct)
    {
        Items = await queue.ItemsAsync(Scope, id, ct);
        if (Items.Count == 0) return NotFound();
        Group = QueueGroup.Of(Items.GroupBy(_ => id).Single());
        var language = Localization.Language.Turkish;
        Entries = knowledge.Current.Knowledge.Entries.Where(e => e.Category != KbEntry.SmallTalk && e.Id != KbEntry.OutOfScope)
            .Select(e => (e.Id, e.Text(language).Title)).OrderBy(e => e.Title, StringComparer.CurrentCulture).ToList();
        var centresOfGroup = Items.Select(i => i.CentreId).ToHashSet();
        Colleagues = (await accounts.ListAsync(ct)).Where(a => a.Role == StaffRoles.Admin || a.Centres.Any(c => centresOfGroup.Contains(c))).Select(a => a.Email).ToList();
        return Page();
    }
}
