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
    /// The webhook: the secret header compared in constant time (401), the body parsed with the library's JSON
    /// options (400 when malformed), updates the bot ignores answered 200 and dropped, a redelivered update_id
    /// answered 200 and not processed again. Turns run after the answer (Telegram retries slow webhooks).
    /// </summary>
    private static async Task<IResult> Receive(HttpRequest request, IOptions<TelegramOptions> options, IServiceProvider services, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.Enabled || settings.Mode != TelegramMode.Webhook) return TypedResults.NotFound();
        var given = request.Headers[SecretHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(settings.WebhookSecret)))
        {
            return TypedResults.Problem("Missing or wrong secret token.", statusCode: StatusCodes.Status401Unauthorized);
        }
        if (request.ContentLength > MaxBodyBytes) return TypedResults.Problem("Body too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(ct);
        }
        Update? update;
        try
        {
            update = JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options);
        }
        catch (JsonException)
        {
            update = null;
        }
        if (update is null || update.Id <= 0)
        {
            return TypedResults.Problem("The body is not a Telegram update.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (TelegramMapping.ToInbound(update) is null) return TypedResults.Ok(); // a kind of update the bot does not handle
        await services.GetRequiredService<TelegramAdapter>().AcceptAsync(services.GetRequiredService<ChannelInbox>(), update, body, ct);
        return TypedResults.Ok();
    }
}

public static class TelegramSetup
{
    public static IServiceCollection AddTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        var settings = configuration.GetSection(TelegramOptions.Section).Get<TelegramOptions>() ?? new();
        if (!settings.Enabled) return services;
        services.AddHttpClient("telegram", c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<ITelegramBotClient>(sp => new TelegramBotClient(
            new TelegramBotClientOptions(settings.BotToken, settings.ApiBaseUrl.TrimEnd('/')) { RetryThreshold = 0 },
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("telegram")));
        services.AddSingleton<TelegramSender>();
        services.AddSingleton<TelegramAdapter>();
        services.AddSingleton<IInboundProcessor>(sp => sp.GetRequiredService<TelegramAdapter>());
        services.AddChannelInbox();
        if (settings.Mode == TelegramMode.Polling) services.AddHostedService<TelegramPolling>();
        return services;
    }
}
