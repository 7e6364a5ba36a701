using Bot.Web.Feedback;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bot.Web.Staff.Pages;

public sealed class ConversationModel(QueueService queue, StaffUi text) : PageModel
{
    public IReadOnlyList<UnansweredQuestion> Messages { get; private set; } = [];
    public string? Message { get; private set; }
    public bool Open => Messages.Any(m => m.Reason != QueueReason.HandoverReply && QueueStatus.IsOpen(m.Status));

    public Task<IActionResult> OnGetAsync(string userId, CancellationToken ct) => LoadAsync(userId, ct);

    public async Task<IActionResult> OnPostReplyAsync(string userId, CancellationToken ct) =>
        await AfterAsync(userId, await queue.ReplyAsync(StaffScope.Of(User), userId, Request.Form["text"], ct), "conv.sent", ct);

    public async Task<IActionResult> OnPostHandBackAsync(string userId, CancellationToken ct) =>
        await AfterAsync(userId, await queue.HandBackAsync(StaffScope.Of(User), userId, ct), "conv.handed-back", ct);

    private async Task<IActionResult> AfterAsync(string userId, QueueResult result, string done, CancellationToken ct)
    {
        if (!result.Found) return NotFound();
        foreach (var (field, key) in result.Errors) ModelState.AddModelError(field, text["error." + key]);
        if (result.Succeeded) Message = text[done];
        return await LoadAsync(userId, ct);
    }

    private async Task<IActionResult> LoadAsync(string userId, CancellationToken ct)
    {
        Messages = await queue.ConversationAsync(StaffScope.Of(User), userId, ct);
        return Messages.Count == 0 ? NotFound() : Page();
    }
}
