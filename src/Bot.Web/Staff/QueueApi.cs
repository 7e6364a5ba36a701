using System.Security.Claims;
using Bot.Web.Feedback;
using Bot.Web.Knowledge;
using Microsoft.AspNetCore.Http.HttpResults;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>The queue, handover conversations and reports in the staff API: the same services and scope rules as the pages.</summary>
public static class QueueApi
{
    public static void MapQueueApi(this WebApplication app)
    {
        var api = app.MapGroup(StaffSetup.ApiPrefix).RequireAuthorization(StaffPolicies.Api).CheckCentreQuery();

        api.MapGet("/queue", async Task<Results<Ok<IReadOnlyList<QueueGroup>>, ProblemHttpResult>> (ClaimsPrincipal user, QueueService queue,
            string? centre, string? category, string? type, string? language, string? status, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        {
            var scope = StaffScope.Of(user);
            if (category is not null && !QueueCategories.All.Contains(category)) return Bad("category", QueueCategories.All);
            if (type is not null && !QueueTypes.All.Contains(type)) return Bad("type", QueueTypes.All);
            if (status is not null && !QueueStatus.All.Contains(status)) return Bad("status", QueueStatus.All);
            if (language is not null && !Localization.Language.IsSupported(language)) return Bad("language", Localization.Language.All);
            return TypedResults.Ok(await queue.GroupsAsync(scope, new QueueFilter(centre, category, type, language, status, from, to), 500, ct));
        });
        api.MapGet("/queue/{groupId:long}", async Task<Results<Ok<GroupDetail>, NotFound>> (ClaimsPrincipal user, QueueService queue, long groupId, CancellationToken ct) =>
        {
            var items = await queue.ItemsAsync(StaffScope.Of(user), groupId, ct);
            return items.Count == 0 ? TypedResults.NotFound() : TypedResults.Ok(new GroupDetail(QueueGroup.Of(items.GroupBy(_ => groupId).Single()), items.Select(ItemView.Of).ToList()));
        });
        api.MapPost("/queue/{groupId:long}/answer", (ClaimsPrincipal user, QueueService queue, StaffText text, long groupId, AnswerRequest body, CancellationToken ct) =>
            Reply(queue.AnswerAsync(StaffScope.Of(user), groupId, body.Texts ?? new Dictionary<string, string>(), body.EntryId, ct), text));
        api.MapPost("/queue/{groupId:long}/dismiss", (ClaimsPrincipal user, QueueService queue, StaffText text, long groupId, DismissRequest body, CancellationToken ct) =>
            Reply(queue.DismissAsync(StaffScope.Of(user), groupId, body.Reason, ct), text));
        api.MapPost("/queue/{groupId:long}/assign", (ClaimsPrincipal user, QueueService queue, StaffText text, long groupId, AssignRequest body, CancellationToken ct) =>
            Reply(queue.AssignAsync(StaffScope.Of(user), groupId, body.To, ct), text));
        api.MapPost("/queue/{groupId:long}/note", (ClaimsPrincipal user, QueueService queue, StaffText text, long groupId, NoteRequest body, CancellationToken ct) =>
            Reply(queue.NoteAsync(StaffScope.Of(user), groupId, body.Note, ct), text));
        api.MapPost("/queue/{groupId:long}/classify", (ClaimsPrincipal user, QueueService queue, StaffText text, long groupId, ClassifyRequest body, CancellationToken ct) =>
            Reply(queue.ClassifyAsync(StaffScope.Of(user), groupId, body.Category, body.Type, ct), text));
        api.MapPost("/queue/{groupId:long}/teach", async Task<IResult> (ClaimsPrincipal user, QueueService queue, KnowledgeTeacher teacher, StaffText text,
            long groupId, TeachRequest body, CancellationToken ct) =>
        {
            var scope = StaffScope.Of(user);
            var items = await queue.ItemsAsync(scope, groupId, ct);
            if (items.Count == 0) return TypedResults.NotFound();
            var questions = items.Where(q => q.Text.Length > 0).Select(q => (q.Language, q.Text)).ToList();
            var result = body.NewEntry is { } n
                ? await teacher.CreateEntryAsync(scope.Actor, new NewEntry(n.Id, n.Category, new Dictionary<string, (string?, string?)>
                {
                    ["tr"] = (n.Tr?.Title, n.Tr?.Answer), ["ar"] = (n.Ar?.Title, n.Ar?.Answer),
                }), questions, ct)
                : await teacher.AddPhrasingsAsync(scope.Actor, body.EntryId ?? "", questions, ct);
            return result.Succeeded ? TypedResults.Ok(result.Effect) : Invalid(result.Errors, text);
        });

        api.MapGet("/conversations", async (ClaimsPrincipal user, QueueService queue, CancellationToken ct) =>
            TypedResults.Ok(await queue.ConversationsAsync(StaffScope.Of(user), ct)));
        api.MapGet("/conversations/{userId}", async Task<Results<Ok<List<ItemView>>, NotFound>> (ClaimsPrincipal user, QueueService queue, string userId, CancellationToken ct) =>
        {
            var messages = await queue.ConversationAsync(StaffScope.Of(user), userId, ct);
            return messages.Count == 0 ? TypedResults.NotFound() : TypedResults.Ok(messages.Select(ItemView.Of).ToList());
        });
        api.MapPost("/conversations/{userId}/reply", (ClaimsPrincipal user, QueueService queue, StaffText text, string userId, ReplyRequest body, CancellationToken ct) =>
            Reply(queue.ReplyAsync(StaffScope.Of(user), userId, body.Text, ct), text));
        api.MapPost("/conversations/{userId}/hand-back", (ClaimsPrincipal user, QueueService queue, StaffText text, string userId, CancellationToken ct) =>
            Reply(queue.HandBackAsync(StaffScope.Of(user), userId, ct), text));

        api.MapGet("/reports", async (ClaimsPrincipal user, QueueReports reports, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
            TypedResults.Ok(await reports.BuildAsync(StaffScope.Of(user), from, to, ct)));
        api.MapGet("/reports/items.csv", async (ClaimsPrincipal user, QueueReports reports, HttpResponse response, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        {
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = "attachment; filename=queue-items.csv";
            await using var writer = new StreamWriter(response.Body, new System.Text.UTF8Encoding(true));
            await reports.WriteCsvAsync(StaffScope.Of(user), from, to, writer, ct);
        });
    }

    private static ProblemHttpResult Bad(string field, IEnumerable<string> allowed) =>
        TypedResults.Problem($"Unknown {field}: one of {string.Join(", ", allowed)}.", statusCode: 400);

    private static async Task<IResult> Reply(Task<QueueResult> action, StaffText text)
    {
        var result = await action;
        if (!result.Found) return TypedResults.NotFound();
        if (result.Errors.Count > 0) return Invalid(result.Errors, text);
        return TypedResults.Ok(new { result.Queued, result.Total });
    }

    private static ValidationProblem Invalid(IReadOnlyDictionary<string, string> errors, StaffText text) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => new[] { text.Get(StaffText.English, "error." + e.Value) }));

    public sealed record AnswerRequest(Dictionary<string, string>? Texts, string? EntryId);
    public sealed record DismissRequest(string? Reason);
    public sealed record AssignRequest(string? To);
    public sealed record NoteRequest(string? Note);
    public sealed record ClassifyRequest(string? Category, string? Type);
    public sealed record ReplyRequest(string? Text);
    public sealed record TeachRequest(string? EntryId, NewEntryRequest? NewEntry);
    public sealed record NewEntryRequest(string? Id, string? Category, EntryText? Tr, EntryText? Ar);
    public sealed record EntryText(string? Title, string? Answer);
    public sealed record GroupDetail(QueueGroup Group, IReadOnlyList<ItemView> Items);

    /// <summary>An item as staff see it: the pseudonymous id only, never an address.</summary>
    public sealed record ItemView(long Id, DateTimeOffset CreatedAt, string? CentreId, string Channel, string Language, string Text, string Reason, string Category,
        string Type, string Status, IReadOnlyList<CandidateView> Candidates, string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt, string? Delivery,
        string? AssignedTo, string? Notes, string? DismissReason, string UserId)
    {
        public static ItemView Of(UnansweredQuestion q) => new(q.Id, q.CreatedAt, q.CentreId, q.Channel, q.Language, q.Text, q.Reason, q.Category, q.Type, q.Status,
            QueueService.CandidatesOf(q).Select(c => new CandidateView(c.Id, c.Confidence)).ToList(), q.Answer, q.AnsweredBy, q.AnsweredAt, q.Delivery,
            q.AssignedTo, q.Notes, q.DismissReason, q.UserId);
    }

    public sealed record CandidateView(string Id, double Confidence);
}
