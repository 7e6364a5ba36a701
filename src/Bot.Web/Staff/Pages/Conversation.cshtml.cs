using Bot.Web.Feedback;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Bot.Web.Access;

namespace Bot.Web.Staff.Pages;

public sealed class ConversationModel(QueueService queue, Bot.Web.Knowledge.CentreDirectory centres, StaffUi text) : PageModel
{
    public IReadOnlyList<UnansweredQuestion> Messages { get; private set; } = [];
    /// <summary>The reply typed, kept when it was refused.</summary>
    public string Reply { get; private set; } = "";
    /// <summary>The person's language: that of their latest message.</summary>
    public string? Language => Messages.LastOrDefault(m => m.Reason != QueueReason.HandoverReply)?.Language;

    /// <summary>The centre the person chose (the latest one given), the same for an admin and for that centre's staff.</summary>
    public string? CentreId => Messages.Select(m => m.CentreId).LastOrDefault(c => !string.IsNullOrEmpty(c));

    public string CentreName(string? id) => centres.ById(id)?.Name(StaffText.ContentLanguageOf(HttpContext)) ?? text["common.no-centre"];

    public bool Open => Messages.Any(m => m.Reason != QueueReason.HandoverReply && QueueStatus.IsOpen(m.Status));

    public Task<IActionResult> OnGetAsync(string userId, CancellationToken ct) => LoadAsync(userId, ct);

    public async Task<IActionResult> OnPostReplyAsync(string userId, CancellationToken ct)
    {
        Reply = Request.Form["text"].ToString();
        return await AfterAsync(userId, await queue.ReplyAsync(StaffScope.Of(User), userId, Reply, ct), "conv.sent", ct);
    }

    public async Task<IActionResult> OnPostHandBackAsync(string userId, CancellationToken ct) =>
        await AfterAsync(userId, await queue.HandBackAsync(StaffScope.Of(User), userId, ct), "conv.handed-back", ct);

    private async Task<IActionResult> AfterAsync(string userId, QueueResult result, string done, CancellationToken ct)
    {
        if (!result.Found) return NotFound();
        if (result.Succeeded) return this.Done(text[done]);
        foreach (var (_, key) in result.Errors) ModelState.AddModelError("reply", text["error." + key]);
        return await LoadAsync(userId, ct);
    }

    private async Task<IActionResult> LoadAsync(string userId, CancellationToken ct)
    {
        Messages = await queue.ConversationAsync(StaffScope.Of(User), userId, ct);
        return Messages.Count == 0 ? NotFound() : Page();
    }
}
