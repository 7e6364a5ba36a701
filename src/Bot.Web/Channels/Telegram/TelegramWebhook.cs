using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Bot.Web.Channels.Telegram;

public static class TelegramWebhook
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    private const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapTelegram(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/telegram", Receive);
        return app;
    }

    /// <summary>
    /// The webhook: the secret header compared in constant time (401), the body read up to 1 MiB counted on the bytes
    /// read (413), then parsed with the library's JSON options. What cannot be an update at all (not JSON, not an
    /// object, no positive update_id) is refused (400); an update the library cannot read (a date out of range, a
    /// field of an unexpected type) is answered 200 and ignored with a log line — it came with the secret, so from
    /// Telegram, which would redeliver it for a day otherwise. Updates the bot ignores are answered 200 and dropped, a
    /// redelivered update_id is answered 200 and not processed again. Turns run after the answer (Telegram retries
    /// slow webhooks).
    /// </summary>
    private static async Task<IResult> Receive(HttpRequest request, IOptions<TelegramOptions> options, IServiceProvider services,
        ILoggerFactory logs, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.Enabled || settings.Mode != TelegramMode.Webhook) return TypedResults.NotFound();
        var given = request.Headers[SecretHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(settings.WebhookSecret)))
        {
            return TypedResults.Problem("Missing or wrong secret token.", statusCode: StatusCodes.Status401Unauthorized);
        }
        var (bytes, refusal) = await InboundBody.ReadAsync(request, MaxBodyBytes, ct);
        if (refusal is not null) return refusal;
        if (UpdateIdOf(bytes!) is not { } updateId)
        {
            return TypedResults.Problem("The body is not a Telegram update.", statusCode: StatusCodes.Status400BadRequest);
        }
        Update? update;
        try
        {
            update = JsonSerializer.Deserialize<Update>(bytes, JsonBotAPI.Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or OverflowException or InvalidOperationException or NotSupportedException)
        {
            // ArgumentOutOfRangeException from the library's date converter ("date": 99999999999999), invalid UTF-8 or
            // a lone surrogate in a string (InvalidOperationException), a value of the wrong type (JsonException).
            logs.CreateLogger("Bot.Telegram").LogWarning("Telegram update {UpdateId} could not be read ({Error}): answered 200 and ignored",
                updateId, e.GetType().Name);
            return TypedResults.Ok();
        }
        if (update is null || update.Id != updateId) return TypedResults.Problem("The body is not a Telegram update.", statusCode: StatusCodes.Status400BadRequest);
        if (TelegramMapping.ToInbound(update) is null) return TypedResults.Ok(); // a kind of update the bot does not handle
        await services.GetRequiredService<TelegramAdapter>().AcceptAsync(services.GetRequiredService<ChannelInbox>(), update, Encoding.UTF8.GetString(bytes!), ct);
        return TypedResults.Ok();
    }

    /// <summary>The update_id of a JSON object that has a positive one; null for anything else (not JSON, not an object).</summary>
    private static long? UpdateIdOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("update_id", out var id) && id.ValueKind == JsonValueKind.Number
                && id.TryGetInt64(out var value) && value > 0 && value <= int.MaxValue
                    ? value
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public static class TelegramSetup
{
    public static IServiceCollection AddTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        services.AddSingleton<Operations.IProductionCheck, TelegramProductionCheck>();
        var settings = configuration.GetSection(TelegramOptions.Section).Get<TelegramOptions>() ?? new();
        if (!settings.Enabled) return services;
        services.AddHttpClient("telegram", c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<ITelegramBotClient>(sp => new TelegramBotClient(
            new TelegramBotClientOptions(settings.BotToken, settings.ApiBaseUrl.TrimEnd('/')) { RetryThreshold = 0 },
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("telegram")));
        services.AddSingleton<TelegramSender>();
        services.AddSingleton<TelegramAdapter>();
        services.AddSingleton<IInboundProcessor>(sp => sp.GetRequiredService<TelegramAdapter>());
        services.AddSingleton<IChannelSender, TelegramChannelSender>();
        services.AddChannelInbox();
        if (settings.Mode == TelegramMode.Polling) services.AddHostedService<TelegramPolling>();
        return services;
    }
}
