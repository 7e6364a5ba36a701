using System.Text.Json;
using Bot.Web.Data;
using Bot.Web.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Feedback;

/// <summary>
/// Staff answers, staff's replies in a handover and the "handover ended" notice are outbox rows like announcements:
/// sent through the person's channel by the dispatcher (paced, retried, a WhatsApp template outside the 24-hour
/// window), never synchronously from the staff request. The item's delivery column follows the row
/// (<see cref="IOutboxObserver"/>): queued, sent, waiting (web chat, not yet opened), delivered (WhatsApp's report, or
/// the web chat once the browser fetched it), read, failed: reason, uncertain: reason.
/// </summary>
public static class QueueDelivery
{
    public const string AnswerKind = "staff-answer";
    public const string ReplyKind = "handover-reply";
    public const string EndedKind = "handover-ended";

    public const string Queued = "queued";
    public const string AskerDeleted = "not sent: asker deleted their data";

    /// <summary>The web chat's "sent": in the person's mailbox until the chat is next opened.</summary>
    private const string WebChat = "webchat";

    public static OutboxMessage Row(string kind, long referenceId, string userId, string channel, string language, string text,
        (string Type, Dictionary<string, string> Variables)? template, DateTimeOffset now) => new()
    {
        Kind = kind,
        ReferenceId = referenceId,
        UserId = userId,
        Channel = channel,
        Language = language,
        Text = text,
        TemplateType = template?.Type,
        TemplateVariables = template is { } t ? JsonSerializer.Serialize(t.Variables) : null,
        Status = OutboxStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>What staff see for a row in <paramref name="status"/>.</summary>
    public static string Describe(string channel, OutboxStatus status, string? error) => status switch
    {
        OutboxStatus.Pending or OutboxStatus.Sending => error is null ? Queued : $"{Queued}: {error}",
        OutboxStatus.Retrying => $"retrying: {error}",
        OutboxStatus.Sent => channel == WebChat ? "waiting" : "sent",
        OutboxStatus.Delivered => "delivered",
        OutboxStatus.Read => "read",
        OutboxStatus.Failed => $"failed: {error}",
        OutboxStatus.Ambiguous => $"uncertain: {error}",
        OutboxStatus.Skipped => $"not sent: {error}",
        OutboxStatus.Cancelled => "cancelled",
        _ => status.ToString(),
    };
}

/// <summary>Keeps a queue item's delivery column in step with the outbox row that carries its answer or reply.</summary>
public sealed class QueueDeliveryObserver(string kind, IDbContextFactory<BotDbContext> dbFactory, TimeProvider clock) : IOutboxObserver
{
    public string Kind => kind;

    public async Task StatusChangedAsync(OutboxMessage row, OutboxStatus status, string? error, CancellationToken ct)
    {
        var delivery = QueueDelivery.Describe(row.Channel, status, error);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Unanswered.Where(q => q.Id == row.ReferenceId && q.UserId == row.UserId)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.Delivery, delivery).SetProperty(x => x.UpdatedAt, now), ct);
    }
}
