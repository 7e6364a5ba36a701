using Bot.Web.State;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Bot.Web.Channels.WebChat;

public static class WebChatApi
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxUserIdLength = 128;
    public const int MaxValueLength = 256;

    public static IEndpointRouteBuilder MapWebChat(this IEndpointRouteBuilder app)
    {
        app.MapGet("/chat", ChatPage.Serve);
        app.MapPost("/api/webchat/messages", PostMessage).RequireRateLimiting(Operations.RateLimitSetup.WebChatPolicy);
        app.MapGet("/api/webchat/messages", async Task<IResult> (string? userId, HttpResponse response, WebChatAdapter adapter, CancellationToken ct) =>
        {
            if (!WebChatIds.IsValid(userId)) return Problem(WebChatIds.Rule); // the id is the only key to this person's answers
            if (await adapter.RetryAfterAsync(userId!, message: false, ct) is { } wait) return TooMany(response, wait, "Too many requests from this user: wait and ask again.");
            var pending = await adapter.PendingAsync(userId, ct);
            return TypedResults.Ok(new { replies = pending.Select(WebChatMapping.ToReply).ToList() });
        }).RequireRateLimiting(Operations.RateLimitSetup.WebChatPolicy);
        return app;
    }

    /// <summary>
    /// One turn: <c>{"userId":"…","text":"…"}</c> or <c>{"userId":"…","value":"…"}</c> (a button) →
    /// <c>{"replies":[{"text","locale","direction","suggestedActions":[{"title","value"}]}]}</c>.
    /// Anything malformed is refused with a JSON problem body before anything is stored.
    /// </summary>
    private static async Task<IResult> PostMessage(HttpRequest request, WebChatAdapter adapter, IOptions<ConversationOptions> options, CancellationToken ct)
    {
        var (inbound, problem) = await ParseAsync(request, options.Value.MaxTextLength, ct);
        if (problem is not null) return problem;
        if (await adapter.RetryAfterAsync(inbound!.UserId, message: true, ct) is { } wait)
        {
            return TooMany(request.HttpContext.Response, wait, "Too many messages: wait a few seconds and write again.");
        }
        var replies = await adapter.ProcessAsync(inbound, ct);
        return TypedResults.Ok(new { replies = replies.Select(WebChatMapping.ToReply).ToList() });
    }

    internal static async Task<(WebChatInbound?, IResult?)> ParseAsync(HttpRequest request, int maxTextLength, CancellationToken ct)
    {
        var (body, refusal) = await Channels.InboundBody.ReadAsync(request, MaxBodyBytes, ct, NotAccepted);
        if (refusal is not null) return (null, refusal);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            return (null, Problem("The body must be a JSON object such as {\"userId\":\"…\",\"text\":\"…\"}."));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Problem("The body must be a JSON object such as {\"userId\":\"…\",\"text\":\"…\"}."));
            }
            var errors = new Dictionary<string, string[]>();
            var userId = ReadString(document.RootElement, "userId", errors);
            var text = ReadString(document.RootElement, "text", errors);
            var value = ReadString(document.RootElement, "value", errors);

            if (string.IsNullOrWhiteSpace(userId)) errors.TryAdd("userId", ["userId is required."]);
            else if (userId.Length > MaxUserIdLength) errors.TryAdd("userId", [$"userId must be at most {MaxUserIdLength} characters."]);
            else if (!WebChatIds.IsValid(userId)) errors.TryAdd("userId", [WebChatIds.Rule]);
            if (string.IsNullOrWhiteSpace(text) && string.IsNullOrWhiteSpace(value))
            {
                errors.TryAdd("text", ["text (or value, for a button) is required."]);
            }
            if (text is not null && text.Length > maxTextLength)
            {
                errors.TryAdd("text", [$"text must be at most {maxTextLength} characters (got {text.Length})."]);
            }
            if (value is not null && value.Length > MaxValueLength)
            {
                errors.TryAdd("value", [$"value must be at most {MaxValueLength} characters."]);
            }
            if (errors.Count > 0) return (null, TypedResults.ValidationProblem(errors, title: "The message was not accepted."));
            return (new WebChatInbound(userId!, string.IsNullOrWhiteSpace(text) ? null : text, string.IsNullOrWhiteSpace(value) ? null : value), null);
        }
    }

    private static string? ReadString(JsonElement root, string name, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.String)
        {
            errors.TryAdd(name, [$"{name} must be a string."]);
            return null;
        }
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            // The parser checks a string's bytes only when it is read: invalid UTF-8, or an escaped lone surrogate ("\udfff").
            errors.TryAdd(name, [$"{name} must be valid Unicode text (UTF-8, without lone surrogates)."]);
            return null;
        }
    }

    private const string NotAccepted = "The message was not accepted.";

    /// <summary>429 for this user only, with Retry-After in whole seconds (at least 1). The page shows its own localized notice.</summary>
    private static IResult TooMany(HttpResponse response, TimeSpan wait, string detail)
    {
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
    }

    private static IResult Problem(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: NotAccepted);
}
