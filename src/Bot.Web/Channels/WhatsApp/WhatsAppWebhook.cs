using System.Globalization;
using Bot.Web.Privacy;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Security;
using Twilio.TwiML;

namespace Bot.Web.Channels.WhatsApp;

/// <summary>Checks X-Twilio-Signature against the public URL Twilio called, with the Auth Token or a webhook shared key.</summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    /// <param name="options">Twilio settings (Auth Token, shared keys).</param>
    /// <param name="url">The URL exactly as Twilio called it: Twilio:PublicBaseUrl + path + query.</param>
    /// <param name="form">Every POST parameter received.</param>
    /// <param name="signature">X-Twilio-Signature.</param>
    /// <param name="settings">X-Twilio-Webhooks-Signature-Settings (<c>key=…,algorithm=…</c>) when Twilio signed with a shared key.</param>
    public static bool IsValid(TwilioOptions options, string url, IDictionary<string, string> form, string? signature, string? settings)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        if (string.IsNullOrEmpty(settings)) return new RequestValidator(options.AuthToken).Validate(url, form, signature);
        var keyId = settings.Split(',').Select(p => p.Trim().Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "key")?[1];
        if (keyId is null || !options.WebhookSharedKeys.TryGetValue(keyId, out var secret)) return false;
        return new RequestValidator(secret).Validate(url, form, signature, RequestValidator.GetSignatureAlgorithm(settings));
    }
}

public static class WhatsAppWebhook
{
    public const string MessagesPath = "/api/whatsapp";
    public const string StatusPath = "/api/whatsapp/status";
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapWhatsApp(this IEndpointRouteBuilder app)
    {
        app.MapPost(MessagesPath, ReceiveMessage);
        app.MapPost(StatusPath, ReceiveStatus);
        return app;
    }

    /// <summary>
    /// An inbound WhatsApp message: signature checked first (403, nothing read further or stored), required fields
    /// (400), a redelivered MessageSid answered and not processed again; empty TwiML at once, the turn runs after.
    /// </summary>
    private static async Task<IResult> ReceiveMessage(HttpRequest request, IOptions<TwilioOptions> options, IServiceProvider services, CancellationToken ct)
    {
        var (form, refusal) = await ReadSignedFormAsync(request, options.Value, ct);
        if (refusal is not null) return refusal;
        if (WhatsAppMapping.ToInbound(form!, out var problem) is not { } inbound)
        {
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
        }
        await services.GetRequiredService<WhatsAppAdapter>().AcceptAsync(services.GetRequiredService<ChannelInbox>(), inbound, ct);
        return EmptyTwiml();
    }

    /// <summary>A delivery report: recorded per MessageSid without ever moving a message back; opt-out and bad-number errors mark the recipient.</summary>
    private static async Task<IResult> ReceiveStatus(HttpRequest request, IOptions<TwilioOptions> options, IServiceProvider services,
        UserDirectory users, ILoggerFactory logs, CancellationToken ct)
    {
        var (form, refusal) = await ReadSignedFormAsync(request, options.Value, ct);
        if (refusal is not null) return refusal;
        // Registered only while the channel is on (checked above).
        var deliveries = services.GetRequiredService<DeliveryLog>();
        var sender = services.GetRequiredService<WhatsAppSender>();
        var fields = form!;
        var sid = fields.GetValueOrDefault("MessageSid") ?? "";
        var status = fields.GetValueOrDefault("MessageStatus") ?? "";
        if (sid.Length is < 10 or > 64 || DeliveryLog.Rank(status) == 0)
        {
            return TypedResults.Problem("MessageSid and a known MessageStatus are required.", statusCode: StatusCodes.Status400BadRequest);
        }
        int? error = int.TryParse(fields.GetValueOrDefault("ErrorCode"), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
        var (userId, changed) = await deliveries.RecordAsync(WhatsAppAdapter.ChannelId, sid, status, error, ct: ct);
        if (changed && error is { } slow && WhatsAppSender.SlowDownCodes.Contains(slow)) sender.SlowDown(slow);
        if (changed && error is { } e && userId.Length > 0)
        {
            if (WhatsAppSender.OptOutCodes.Contains(e)) await users.SetAnnouncementsStoppedAsync(userId, true, ct);
            if (WhatsAppSender.OptOutCodes.Contains(e) || WhatsAppSender.InvalidRecipientCodes.Contains(e)) await users.MarkUnreachableAsync(userId, ct);
            logs.CreateLogger("Bot.WhatsApp").LogInformation("WhatsApp message {Status} with error {Code}", status, e);
        }
        return EmptyTwiml();
    }

    /// <summary>
    /// The POSTed form when its signature is valid for our public URL; otherwise the answer to give: 403 (no signature,
    /// not a form, wrong signature), 413 (over 64 KiB read), 400 (a form that cannot be parsed, e.g. a broken multipart body).
    /// </summary>
    private static async Task<(Dictionary<string, string>? Form, IResult? Refusal)> ReadSignedFormAsync(HttpRequest request, TwilioOptions options, CancellationToken ct)
    {
        if (!options.Enabled) return (null, TypedResults.NotFound());
        var signature = request.Headers[TwilioSignature.Header].ToString();
        if (signature.Length == 0) return (null, Forbidden());
        if (!request.HasFormContentType) return (null, Forbidden()); // Twilio signs form posts; anything else is not from Twilio
        // The limit counts the bytes read (a chunked body has no Content-Length); the form is then parsed from them.
        var (body, refusal) = await InboundBody.ReadAsync(request, MaxBodyBytes, ct);
        if (refusal is not null) return (null, refusal);
        request.Body = new MemoryStream(body!, writable: false);
        Dictionary<string, string> form;
        try
        {
            var raw = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions
            {
                ValueLengthLimit = MaxBodyBytes, MultipartBodyLengthLimit = MaxBodyBytes, MultipartHeadersLengthLimit = 16 * 1024,
            }, ct);
            form = raw.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // A multipart body cut short ("Unexpected end of Stream"), a broken boundary, too many fields: not a form.
            return (null, TypedResults.Problem("The body is not a valid form (Twilio posts application/x-www-form-urlencoded).",
                statusCode: StatusCodes.Status400BadRequest));
        }
        // The URL Twilio called, from configuration: behind a proxy the request's own scheme and host differ.
        var url = options.PublicUrl(request.Path + request.QueryString);
        var valid = TwilioSignature.IsValid(options, url, form, signature, request.Headers[RequestValidator.SignatureSettingsHeader].ToString());
        return valid ? (form, null) : (null, Forbidden());
    }

    private static IResult Forbidden() => TypedResults.Problem("Missing or invalid Twilio signature.", statusCode: StatusCodes.Status403Forbidden);

    private static IResult EmptyTwiml() => TypedResults.Text(new MessagingResponse().ToString(), "text/xml");
}

public static class WhatsAppSetup
{
    public static IServiceCollection AddWhatsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();
        services.AddSingleton<Operations.IProductionCheck, TwilioProductionCheck>();
        var settings = configuration.GetSection(TwilioOptions.Section).Get<TwilioOptions>() ?? new();
        if (!settings.Enabled) return services;
        var api = new Uri(settings.ApiBaseUrl);
        services.AddHttpClient("twilio", c => c.Timeout = TimeSpan.FromSeconds(15))
            .AddHttpMessageHandler(() => new TwilioBaseUrlHandler(api));
        services.AddSingleton<ITwilioRestClient>(sp => new TwilioRestClient(settings.AccountSid, settings.AuthToken, settings.AccountSid, null,
            new Twilio.Http.SystemNetHttpClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient("twilio"))));
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<WhatsAppSender>();
        services.AddSingleton<WhatsAppAdapter>();
        services.AddSingleton<IInboundProcessor>(sp => sp.GetRequiredService<WhatsAppAdapter>());
        services.AddSingleton<IChannelSender, WhatsAppChannelSender>();
        services.AddChannelInbox();
        return services;
    }

    /// <summary>Sends the SDK's requests (always to https://*.twilio.com) to Twilio:ApiBaseUrl instead, when that is set elsewhere.</summary>
    private sealed class TwilioBaseUrlHandler(Uri api) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && !uri.Host.Equals(api.Host, StringComparison.OrdinalIgnoreCase))
            {
                request.RequestUri = new UriBuilder(uri) { Scheme = api.Scheme, Host = api.Host, Port = api.Port }.Uri;
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
