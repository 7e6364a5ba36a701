using System.Text.Json;
using Bot.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Bot.Schema;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Channels.WebChat;

/// <summary>
/// Messages waiting for a web chat user (see <see cref="WebChatMail"/>), kept encrypted and deleted once taken. A
/// message the bot started itself carries its reference: once the browser has taken it, it is reported delivered
/// (<see cref="IDeliveryReports"/>), so that staff see "delivered" rather than "waiting".
/// </summary>
public sealed class WebChatMailbox(
    IDbContextFactory<BotDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    IEnumerable<IDeliveryReports> reports,
    TimeProvider clock,
    ILogger<WebChatMailbox> logger)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Bot.WebChatMailbox.v1");

    /// <param name="userId">The pseudonymous web chat user.</param>
    /// <param name="activities">The messages.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="reference">The reference of a message the bot started itself, reported delivered once taken.</param>
    public async Task PutAsync(string userId, IEnumerable<Activity> activities, CancellationToken ct, string? reference = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var activity in activities)
        {
            var stored = new StoredMessage(activity.Text ?? "", activity.Locale,
                activity.SuggestedActions?.Actions?.Select(a => new StoredButton(a.Title, a.Value?.ToString() ?? a.Title)).ToList() ?? [], reference);
            db.WebChatMailbox.Add(new WebChatMail { UserId = userId, ProtectedActivity = _protector.Protect(JsonSerializer.Serialize(stored)), CreatedAt = clock.GetUtcNow() });
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<Activity>> TakeAsync(string userId, CancellationToken ct)
    {
        List<StoredMessage> taken;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var mail = await db.WebChatMailbox.Where(m => m.UserId == userId).OrderBy(m => m.Id).ToListAsync(ct);
            if (mail.Count == 0) return [];
            db.WebChatMailbox.RemoveRange(mail);
            await db.SaveChangesAsync(ct);
            taken = mail.Select(m => JsonSerializer.Deserialize<StoredMessage>(_protector.Unprotect(m.ProtectedActivity))!).ToList();
        }
        foreach (var reference in taken.Select(m => m.Reference).OfType<string>().Distinct())
        {
            foreach (var report in reports)
            {
                try
                {
                    await report.ReportedAsync(WebChatAdapter.ChannelId, reference, "delivered", null, CancellationToken.None);
                }
                catch (Exception e)
                {
                    // The person has the message; only the status staff see lags ("sent" instead of "delivered").
                    logger.LogWarning(e, "A web chat message was taken but could not be reported delivered");
                }
            }
        }
        return taken.Select(m => new Activity
        {
            Type = ActivityTypes.Message,
            Id = Guid.NewGuid().ToString("N"),
            Text = m.Text,
            Locale = m.Locale,
            SuggestedActions = m.Buttons.Count == 0 ? null : new SuggestedActions
            {
                Actions = m.Buttons.Select(b => new CardAction(ActionTypes.ImBack, b.Title, value: b.Value)).ToList(),
            },
        }).ToList();
    }

    private sealed record StoredMessage(string Text, string? Locale, List<StoredButton> Buttons, string? Reference = null);

    private sealed record StoredButton(string Title, string Value);
}

/// <summary>"Delete my data": the messages waiting in the person's web chat mailbox go.</summary>
public sealed class WebChatMailboxErasure : Privacy.IPersonalDataEraser
{
    public Task EraseAsync(Data.BotDbContext db, string userId, CancellationToken ct) =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteDeleteAsync(db.WebChatMailbox.Where(m => m.UserId == userId), ct);
}
