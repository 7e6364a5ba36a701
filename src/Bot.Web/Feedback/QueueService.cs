using System.Text.Json;
using Bot.Web.Data;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Bot.Web.Access;

namespace Bot.Web.Feedback;

/// <summary>
/// The staff queue: groups of similar questions and feedback (any language), filtered and scoped to the staff
/// member's centres; answering a group sends the answer to every asker through their own channel; dismiss, assign,
/// notes, category/type corrections; handover conversations (reply, hand back to the bot). Every action is audited.
/// </summary>
public sealed class QueueService(
    IDbContextFactory<BotDbContext> dbFactory,
    KnowledgeService knowledge,
    AnswerRenderer answers,
    CentreDirectory centres,
    BotContent content,
    Outbox.OutboxStore outbox,
    IServiceProvider services,
    StaffAudit audit,
    TimeProvider clock)
{
    public const int MaxAnswerLength = 1500;

    /// <summary>Queue items visible to <paramref name="scope"/>: their centre's staff and admins (no centre: admins only).</summary>
    private static IQueryable<UnansweredQuestion> Visible(BotDbContext db, StaffScope scope)
    {
        var query = db.Unanswered.AsNoTracking();
        if (scope.IsAdmin) return query;
        var mine = scope.Centres.ToList();
        return query.Where(q => q.CentreId != null && mine.Contains(q.CentreId));
    }

    private static IQueryable<UnansweredQuestion> Queue(BotDbContext db, StaffScope scope) =>
        Visible(db, scope).Where(q => !QueueReason.Conversation.Contains(q.Reason));

    public async Task<IReadOnlyList<QueueGroup>> GroupsAsync(StaffScope scope, QueueFilter filter, int take = 200, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Queue(db, scope);
        if (!string.IsNullOrEmpty(filter.Centre)) query = query.Where(q => q.CentreId == filter.Centre);
        if (!string.IsNullOrEmpty(filter.Category)) query = query.Where(q => q.Category == filter.Category);
        if (!string.IsNullOrEmpty(filter.Type)) query = query.Where(q => q.Type == filter.Type);
        if (!string.IsNullOrEmpty(filter.Language)) query = query.Where(q => q.Language == filter.Language);
        if (!string.IsNullOrEmpty(filter.Status)) query = query.Where(q => q.Status == filter.Status);
        if (filter.From is { } from) query = query.Where(q => q.CreatedAt >= from);
        if (filter.To is { } to) query = query.Where(q => q.CreatedAt < to);
        var items = await query.OrderByDescending(q => q.Id).Take(5000).ToListAsync(ct);
        return items.GroupBy(q => q.GroupId ?? q.Id).Select(QueueGroup.Of)
            .OrderByDescending(g => QueueStatus.IsOpen(g.Status)).ThenByDescending(g => g.Size).ThenByDescending(g => g.LastAt).Take(take).ToList();
    }

    /// <summary>The visible items of one group (none: the group does not exist for this scope → 404).</summary>
    public async Task<IReadOnlyList<UnansweredQuestion>> ItemsAsync(StaffScope scope, long groupId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Queue(db, scope).Where(q => q.GroupId == groupId || (q.GroupId == null && q.Id == groupId)).OrderBy(q => q.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Answers every open item of the group in its asker's language: staff's text for that language, or a knowledge
    /// entry rendered in it. Sent through each asker's channel (a WhatsApp template outside the 24-hour window);
    /// delivery is recorded per item and the items become answered. Errors (field → text key) when input is missing.
    /// </summary>
    public async Task<QueueResult> AnswerAsync(StaffScope scope, long groupId, IReadOnlyDictionary<string, string> texts, string? entryId, CancellationToken ct = default)
    {
        var items = (await ItemsAsync(scope, groupId, ct)).Where(q => QueueStatus.IsOpen(q.Status)).ToList();
        if (items.Count == 0) return QueueResult.NotFound;
        KbEntry? entry = null;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(entryId) && !knowledge.Current.Knowledge.ById.TryGetValue(entryId, out entry)) errors["entryId"] = "queue.entry-unknown";
        if (entry is null)
        {
            foreach (var language in items.Select(i => i.Language).Distinct())
            {
                var text = texts.GetValueOrDefault(language)?.Trim() ?? "";
                if (text.Length == 0) errors["text-" + language] = "queue.answer-required";
                else if (text.Length > MaxAnswerLength) errors["text-" + language] = "queue.answer-too-long";
            }
        }
        if (errors.Count > 0) return QueueResult.Invalid(errors);

        var queued = 0;
        var rows = new List<Outbox.OutboxMessage>();
        foreach (var item in items)
        {
            var answerText = entry is null
                ? texts[item.Language].Trim()
                : (await answers.RenderAsync(entry, item.Language, centres.ById(item.CentreId), ct)).Text;
            var message = content.Texts.Get(item.Language, TextKeys.StaffAnswerIntro, ("question", Shorten(item.Text))) + "\n\n" + answerText;
            var anonymous = item.UserId == FeedbackRecorder.AnonymousUser;
            if (!anonymous)
            {
                rows.Add(QueueDelivery.Row(QueueDelivery.AnswerKind, item.Id, item.UserId, item.Channel, item.Language, message,
                    StaffAnswerTemplate(item.Text, answerText), clock.GetUtcNow()));
                queued++;
            }
            await UpdateAsync(item.Id, q =>
            {
                q.Status = QueueStatus.Answered;
                q.Answer = answerText;
                q.AnswerEntryId = entry?.Id;
                q.AnsweredBy = scope.Actor;
                q.AnsweredAt = clock.GetUtcNow();
                q.Delivery = anonymous ? QueueDelivery.AskerDeleted : QueueDelivery.Queued;
            }, ct);
        }
        await EnqueueAsync(rows, ct);
        await audit.WriteAsync(scope.Actor, "queue-answered", $"group {groupId}", $"{items.Count} asker(s), {queued} queued to send" + (entry is null ? "" : $"; entry {entry.Id}"), ct);
        return QueueResult.Done(queued, items.Count);
    }

    public Task<QueueResult> DismissAsync(StaffScope scope, long groupId, string? reason, CancellationToken ct = default) =>
        string.IsNullOrWhiteSpace(reason) || reason.Length > 500
            ? Task.FromResult(QueueResult.Invalid(new() { ["reason"] = "queue.reason-required" }))
            : ChangeGroupAsync(scope, groupId, "queue-dismissed", reason.Trim(), q =>
            {
                if (!QueueStatus.IsOpen(q.Status)) return;
                q.Status = QueueStatus.Dismissed;
                q.DismissReason = reason.Trim();
            }, ct);

    public Task<QueueResult> AssignAsync(StaffScope scope, long groupId, string? to, CancellationToken ct = default) =>
        ChangeGroupAsync(scope, groupId, "queue-assigned", to ?? "", q =>
        {
            q.AssignedTo = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
            if (q.Status == QueueStatus.New && q.AssignedTo is not null) q.Status = QueueStatus.InProgress;
        }, ct);

    public Task<QueueResult> NoteAsync(StaffScope scope, long groupId, string? note, CancellationToken ct = default) =>
        (note?.Length ?? 0) > 2000
            ? Task.FromResult(QueueResult.Invalid(new() { ["note"] = "queue.note-too-long" }))
            : ChangeGroupAsync(scope, groupId, "queue-noted", "", q => q.Notes = string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct);

    /// <summary>Staff correct the automatic category and type of a group.</summary>
    public Task<QueueResult> ClassifyAsync(StaffScope scope, long groupId, string? category, string? type, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (category is null || !QueueCategories.All.Contains(category)) errors["category"] = "queue.category-invalid";
        if (type is null || !QueueTypes.All.Contains(type)) errors["type"] = "queue.type-invalid";
        if (errors.Count > 0) return Task.FromResult(QueueResult.Invalid(errors));
        return ChangeGroupAsync(scope, groupId, "queue-classified", $"{category}/{type}", q =>
        {
            q.Category = category!;
            q.Type = type!;
        }, ct);
    }

    private async Task<QueueResult> ChangeGroupAsync(StaffScope scope, long groupId, string action, string details, Action<UnansweredQuestion> change, CancellationToken ct)
    {
        var items = await ItemsAsync(scope, groupId, ct);
        if (items.Count == 0) return QueueResult.NotFound;
        foreach (var item in items) await UpdateAsync(item.Id, change, ct);
        await audit.WriteAsync(scope.Actor, action, $"group {groupId}", details, ct);
        return QueueResult.Done(0, items.Count);
    }

    private async Task UpdateAsync(long id, Action<UnansweredQuestion> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.Unanswered.FirstAsync(q => q.Id == id, ct);
        change(item);
        item.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    // ---- handover conversations ----

    /// <summary>People who asked to talk to staff (newest first), in scope: their latest message and whether staff still have them.</summary>
    public async Task<IReadOnlyList<HandoverRow>> ConversationsAsync(StaffScope scope, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var items = await Visible(db, scope).Where(q => QueueReason.Conversation.Contains(q.Reason) && q.UserId != FeedbackRecorder.AnonymousUser)
            .OrderByDescending(q => q.Id).Take(2000).ToListAsync(ct);
        // The centre is the latest one the person gave (a message written while waiting may carry none): the same for an
        // admin, who sees every item, as for the centre's staff, who see only the centre's.
        return items.GroupBy(q => q.UserId).Select(g => new HandoverRow(g.Key, g.First().Channel, g.First().Language, g.Select(q => q.CentreId).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            g.Where(q => q.Reason != QueueReason.HandoverReply).Select(q => q.Text).FirstOrDefault() ?? "", g.Max(q => q.CreatedAt),
            g.Any(q => q.Reason != QueueReason.HandoverReply && QueueStatus.IsOpen(q.Status)))).ToList();
    }

    /// <summary>One person's handover conversation (their messages and staff's replies, oldest first); empty when out of scope.</summary>
    public async Task<IReadOnlyList<UnansweredQuestion>> ConversationAsync(StaffScope scope, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, scope).Where(q => q.UserId == userId && QueueReason.Conversation.Contains(q.Reason)).OrderBy(q => q.Id).ToListAsync(ct);
    }

    /// <summary>Staff write to the person through the bot's channel; the reply is kept in the conversation.</summary>
    public async Task<QueueResult> ReplyAsync(StaffScope scope, string userId, string? text, CancellationToken ct = default)
    {
        var conversation = await ConversationAsync(scope, userId, ct);
        if (conversation.Count == 0) return QueueResult.NotFound;
        text = text?.Trim() ?? "";
        if (text.Length == 0 || text.Length > MaxAnswerLength) return QueueResult.Invalid(new() { ["text"] = text.Length == 0 ? "queue.answer-required" : "queue.answer-too-long" });
        var last = conversation[^1];
        long replyId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var now = clock.GetUtcNow();
            var reply = new UnansweredQuestion
            {
                UserId = userId, Channel = last.Channel, Language = last.Language, Text = text, Reason = QueueReason.HandoverReply, CentreId = last.CentreId,
                CreatedAt = now, UpdatedAt = now, Status = QueueStatus.Answered, AnsweredBy = scope.Actor, AnsweredAt = now, Delivery = QueueDelivery.Queued,
                Category = last.Category, Type = QueueTypes.Question,
            };
            db.Unanswered.Add(reply);
            await db.SaveChangesAsync(ct);
            replyId = reply.Id;
            await db.Unanswered.Where(q => q.UserId == userId && (q.Reason == QueueReason.Handover || q.Reason == QueueReason.HandoverMessage) && q.Status == QueueStatus.New)
                .ExecuteUpdateAsync(q => q.SetProperty(x => x.Status, QueueStatus.InProgress).SetProperty(x => x.UpdatedAt, now), ct);
        }
        await EnqueueAsync([QueueDelivery.Row(QueueDelivery.ReplyKind, replyId, userId, last.Channel, last.Language, text,
            StaffAnswerTemplate(conversation[0].Text, text), clock.GetUtcNow())], ct);
        await audit.WriteAsync(scope.Actor, "handover-replied", $"person {userId}", QueueDelivery.Queued, ct);
        return QueueResult.Done(1, 1);
    }

    /// <summary>Ends the handover: the bot answers again (the person is told so), and the conversation's messages are closed.</summary>
    public async Task<QueueResult> HandBackAsync(StaffScope scope, string userId, CancellationToken ct = default)
    {
        var conversation = await ConversationAsync(scope, userId, ct);
        if (conversation.Count == 0) return QueueResult.NotFound;
        var last = conversation[^1];
        var now = clock.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // The bot takes the conversation back at the person's next message (FeedbackRecorder.HandedBackAsync).
            await db.Unanswered.Where(q => q.UserId == userId && (q.Reason == QueueReason.Handover || q.Reason == QueueReason.HandoverMessage) && (q.Status == QueueStatus.New || q.Status == QueueStatus.InProgress))
                .ExecuteUpdateAsync(q => q.SetProperty(x => x.Status, QueueStatus.Answered).SetProperty(x => x.AnsweredAt, now).SetProperty(x => x.AnsweredBy, scope.Actor).SetProperty(x => x.UpdatedAt, now), ct);
        }
        await EnqueueAsync([QueueDelivery.Row(QueueDelivery.EndedKind, 0, userId, last.Channel, last.Language,
            content.Texts.Get(last.Language, TextKeys.HandoverEnded), null, now)], ct);
        await audit.WriteAsync(scope.Actor, "handover-ended", $"person {userId}", QueueDelivery.Queued, ct);
        return QueueResult.Done(1, 1);
    }

    /// <summary>The WhatsApp template a staff answer falls back to outside the 24-hour window: 1 = the question, 2 = the answer.</summary>
    private static (string Type, Dictionary<string, string> Variables) StaffAnswerTemplate(string question, string answer) =>
        (Channels.MessageTemplates.StaffAnswer, new Dictionary<string, string> { ["1"] = Shorten(question), ["2"] = Shorten(answer, 900) });

    /// <summary>Rows go out through the outbox (paced, retried, status kept per recipient); the dispatcher is woken at once.</summary>
    private async Task EnqueueAsync(IReadOnlyCollection<Outbox.OutboxMessage> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await outbox.EnqueueAsync(rows, ct);
        services.GetService<Outbox.OutboxDispatcher>()?.Wake();
    }

    private static string Shorten(string text, int max = 120) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>The bot's candidates stored with an item.</summary>
    public static IReadOnlyList<(string Id, double Confidence)> CandidatesOf(UnansweredQuestion item)
    {
        using var doc = JsonDocument.Parse(item.CandidatesJson);
        return doc.RootElement.EnumerateArray().Select(c => (c.GetProperty("id").GetString() ?? "", c.GetProperty("confidence").GetDouble())).ToList();
    }
}

public sealed record QueueFilter(string? Centre = null, string? Category = null, string? Type = null, string? Language = null, string? Status = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A group of similar items as staff see it in the list.</summary>
public sealed record QueueGroup(long Id, string Lead, string LeadLanguage, int Size, IReadOnlyList<string> Languages, IReadOnlyList<string> Centres,
    IReadOnlyList<string> Channels, DateTimeOffset FirstAt, DateTimeOffset LastAt, string Category, string Type, string Status, string? AssignedTo)
{
    public static QueueGroup Of(IGrouping<long, UnansweredQuestion> items)
    {
        var ordered = items.OrderBy(q => q.Id).ToList();
        var lead = ordered[0];
        var status = ordered.Any(q => q.Status == QueueStatus.New) ? QueueStatus.New
            : ordered.Any(q => q.Status == QueueStatus.InProgress) ? QueueStatus.InProgress
            : ordered.Any(q => q.Status == QueueStatus.Answered) ? QueueStatus.Answered : QueueStatus.Dismissed;
        return new QueueGroup(items.Key, lead.Text, lead.Language, ordered.Count, ordered.Select(q => q.Language).Distinct().Order().ToList(),
            ordered.Select(q => q.CentreId ?? "").Distinct().Order().ToList(), ordered.Select(q => q.Channel).Distinct().Order().ToList(),
            ordered[0].CreatedAt, ordered.Max(q => q.CreatedAt), lead.Category, lead.Type, status, ordered.Select(q => q.AssignedTo).FirstOrDefault(a => a is not null));
    }
}

public sealed record HandoverRow(string UserId, string Channel, string Language, string? CentreId, string LastMessage, DateTimeOffset LastAt, bool Open);

/// <summary>The outcome of a queue action: not found (out of scope), invalid (field → text key), or done (queued to send, of total).</summary>
public sealed record QueueResult(bool Found, IReadOnlyDictionary<string, string> Errors, int Queued, int Total)
{
    public static readonly QueueResult NotFound = new(false, new Dictionary<string, string>(), 0, 0);
    public static QueueResult Invalid(Dictionary<string, string> errors) => new(true, errors, 0, 0);
    public static QueueResult Done(int queued, int total) => new(true, new Dictionary<string, string>(), queued, total);
    public bool Succeeded => Found && Errors.Count == 0;
}
