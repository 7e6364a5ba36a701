using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Outbox;

/// <summary>
/// "Delete my data": messages still to send are not sent to someone who is gone (skipped, "gone"); sent ones keep
/// their status without the link to the person.
/// </summary>
public sealed class OutboxErasure : IPersonalDataEraser
{
    public async Task EraseAsync(BotDbContext db, string userId, CancellationToken ct)
    {
        await db.Outbox.Where(m => m.UserId == userId && (m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Retrying))
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.Status, OutboxStatus.Skipped).SetProperty(x => x.Error, "gone"), ct);
        await db.Outbox.Where(m => m.UserId == userId).ExecuteUpdateAsync(m => m.SetProperty(x => x.UserId, ""), ct);
    }
}
