using System.Text.Json;
using Bot.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Bot.Schema;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Feedback;

/// <summary>Messages waiting for a web chat user (see <see cref="WebChatMail"/>), kept encrypted and deleted once taken.</summary>
public sealed class WebChatMailbox(IDbContextFactory<BotDbContext> dbFactory, IDataProtectionProvider dataProtection, TimeProvider clock)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Bot.WebChatMailbox.v1");

    public async Task PutAsync(string userId, IEnumerable<Activity> activities, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var activity in activities)
        {
            var stored = new StoredMessage(activity.Text ?? "", activity.Locale,
                activity.SuggestedActions?.Actions?.Select(a => new StoredButton(a.Title, a.Value?.ToString() ?? a.Title)).ToList() ?? []);
            db.WebChatMailbox.Add(new WebChatMail { UserId = userId, ProtectedActivity = _protector.Protect(JsonSerializer.Serialize(stored)), CreatedAt = clock.GetUtcNow() });
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<Activity>> TakeAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mail = await db.WebChatMailbox.Where(m => m.UserId == userId).OrderBy(m => m.Id).ToListAsync(ct);
        if (mail.Count == 0) return [];
        db.WebChatMailbox.RemoveRange(mail);
        await db.SaveChangesAsync(ct);
        return mail.Select(m => JsonSerializer.Deserialize<StoredMessage>(_protector.Unprotect(m.ProtectedActivity))!).Select(m => new Activity
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

    private sealed record StoredMessage(string Text, string? Locale, List<StoredButton> Buttons);

    private sealed record StoredButton(string Title, string Value);
}
