using System.Net.Sockets;
using System.Threading.RateLimiting;
using Bot.Web.Privacy;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace Bot.Web.Channels.WhatsApp;

/// <summary>
/// Every message to WhatsApp goes through here: at most Twilio:MessagesPerSecond; Twilio's "too many" answers
/// (HTTP 429, 20429, 63018) pause all sending with growing backoff and are retried; 5xx answers and refused
/// connections are retried with backoff (Twilio:MaxSendAttempts); opt-outs (21610, 63014) stop the recipient's
/// announcements and mark them unreachable, invalid numbers (63003, 21211, 21614) mark them unreachable; content and
/// configuration errors are not retried. A send whose outcome is unknown (a timeout, a connection dropped after the
/// request left) is never repeated blindly — Twilio has no idempotency key, and the message may have been created: a
/// reply is looked up in Twilio's message log at once (found: taken as sent; not found: sent again), an outbox send is
/// left to the outbox, which looks it up itself. The retries run in a Polly pipeline (Microsoft.Extensions.Resilience);
/// which failures are retried, and the look-up, are decided here.
/// </summary>
public sealed class WhatsAppSender : IDisposable
{
    /// <summary>The recipient opted out (21610 STOP at the carrier, 63014 blocked the business).</summary>
    public static readonly IReadOnlySet<int> OptOutCodes = new HashSet<int> { 21610, 63014 };

    /// <summary>The number cannot receive WhatsApp messages (63003), is invalid (21211) or not mobile (21614).</summary>
    public static readonly IReadOnlySet<int> InvalidRecipientCodes = new HashSet<int> { 63003, 21211, 21614 };

    /// <summary>Too many requests (20429) or the WhatsApp sender's rate exceeded (63018).</summary>
    public static readonly IReadOnlySet<int> SlowDownCodes = new HashSet<int> { 20429, 63018 };
    private readonly ITwilioRestClient _client;
    private readonly TwilioOptions _options;
    private readonly UserDirectory _users;
    private readonly DeliveryLog _deliveries;
    private readonly ILogger<WhatsAppSender> _logger;
    private readonly SendPacing _pacing;
    private readonly TimeProvider _clock;
    private readonly TokenBucketRateLimiter _rate;
    private readonly TokenBucketRateLimiter _spacing;
    private int _slowDowns;
    private readonly ResiliencePipeline _retries;

    public WhatsAppSender(ITwilioRestClient client, IOptions<TwilioOptions> options, UserDirectory users, DeliveryLog deliveries,
        TimeProvider clock, ILogger<WhatsAppSender> logger)
    {
        _client = client;
        _options = options.Value;
        _users = users;
        _deliveries = deliveries;
        _logger = logger;
        _clock = clock;
        _pacing = new SendPacing(clock);
        _rate = _pacing.Rate(_options.MessagesPerSecond, SendPacing.ProviderBurst(_options.MessagesPerSecond));
        _spacing = _pacing.Rate(_options.MessagesPerSecond, SendPacing.ProviderBurst(_options.MessagesPerSecond));
        _retries = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxSendAttempts + 1,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    ApiException e when e.Status == 429 || SlowDownCodes.Contains(e.Code) => args.AttemptNumber + 1 < _options.MaxSendAttempts + 2,
                    NotInTwilioLogException => true,
                    { } e => args.AttemptNumber + 1 < _options.MaxSendAttempts && IsRetryable(e, args.Context.CancellationToken),
                    null => false,
                }),
                // Slowing down pauses all sending (the next attempt waits for it); a message not in Twilio's log goes again at once.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Exception is { } failed && IsRetryable(failed, default)
                    ? SendPacing.Backoff(args.AttemptNumber + 1)
                    : TimeSpan.Zero),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } e && IsRetryable(e, default))
                    {
                        Operations.BotMetrics.ChannelError(WhatsAppAdapter.ChannelId, "transient");
                        _logger.LogWarning("WhatsApp send failed ({Error}); retry {Attempt} after a backoff", Describe(e), args.AttemptNumber + 1);
                    }
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>A reply whose outcome was unknown is not in Twilio's log: it did not arrive, and is sent again.</summary>
    private sealed class NotInTwilioLogException(Exception inner) : Exception("Not in Twilio's message log.", inner);

    /// <summary>The status callback URL every message carries (Twilio:PublicBaseUrl + /api/whatsapp/status).</summary>
    public Uri StatusCallback => new(_options.PublicUrl(WhatsAppWebhook.StatusPath));

    /// <summary>Sends one message to <paramref name="address"/> (+90…) and records it for status callbacks.</summary>
    /// <param name="userId">The pseudonymous recipient.</param>
    /// <param name="address">The recipient's number.</param>
    /// <param name="content">Fills in the body or the template.</param>
    /// <param name="template">The template type when a template is sent (recorded with the message).</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="beforeAttempt">For a send the bot starts itself (<see cref="SendHooks"/>): run just before each attempt, after the rate limit.</param>
    public async Task<MessageResource> SendAsync(string userId, string address, Action<CreateMessageOptions> content, string? template, CancellationToken ct,
        Func<CancellationToken, Task>? beforeAttempt = null)
    {
        var message = new CreateMessageOptions(new Twilio.Types.PhoneNumber(WhatsAppMapping.ToTwilioAddress(address)))
        {
            From = new Twilio.Types.PhoneNumber(_options.WhatsAppFrom),
            StatusCallback = StatusCallback,
        };
        content(message);
        var attempt = 0;
        return await _retries.ExecuteAsync(async c =>
        {
            attempt++;
            await _pacing.WaitWhilePausedAsync(c);
            using var lease = await _rate.AcquireAsync(1, c);
            var started = _clock.GetUtcNow();
            try
            {
                await SendPacing.BeforeAttemptAsync(beforeAttempt, _spacing, c);
                var sent = await MessageResource.CreateAsync(message, _client);
                Interlocked.Exchange(ref _slowDowns, 0);
                Operations.BotMetrics.MessageSent(WhatsAppAdapter.ChannelId);
                await _deliveries.RecordAsync(WhatsAppAdapter.ChannelId, sent.Sid, sent.Status?.ToString() ?? "queued", sent.ErrorCode, userId, template, c);
                return sent;
            }
            catch (ApiException e) when (e.Status == 429 || SlowDownCodes.Contains(e.Code))
            {
                SlowDown(e.Code);
                Operations.BotMetrics.ChannelError(WhatsAppAdapter.ChannelId, "rate-limited");
                throw;
            }
            catch (ApiException e) when (OptOutCodes.Contains(e.Code))
            {
                Operations.BotMetrics.ChannelError(WhatsAppAdapter.ChannelId, "opted-out");
                await _users.SetAnnouncementsStoppedAsync(userId, true, c);
                await _users.MarkUnreachableAsync(userId, c);
                _logger.LogInformation("WhatsApp recipient opted out (code {Code}): announcements stopped, not retried", e.Code);
                throw new RecipientUnreachableException("The recipient opted out of WhatsApp messages from this sender.", e, optedOut: true);
            }
            catch (ApiException e) when (InvalidRecipientCodes.Contains(e.Code))
            {
                Operations.BotMetrics.ChannelError(WhatsAppAdapter.ChannelId, "unreachable");
                await _users.MarkUnreachableAsync(userId, c);
                _logger.LogInformation("WhatsApp recipient unreachable (code {Code}); marked and not retried", e.Code);
                throw new RecipientUnreachableException("WhatsApp cannot deliver to this number.", e);
            }
            catch (ApiException e) when (e.Code == 63016)
            {
                throw new OutsideServiceWindowException(DateTimeOffset.MinValue);
            }
            catch (Exception e) when (beforeAttempt is null && OutcomeUnknown(e, c) && attempt < _options.MaxSendAttempts)
            {
                Operations.BotMetrics.ChannelError(WhatsAppAdapter.ChannelId, "no-answer");
                var found = await LookUpAfterUnknownOutcomeAsync(e, address, started, message.Body, c);
                if (found is not null)
                {
                    _logger.LogWarning("WhatsApp send's answer was lost ({Error}); found in Twilio's log, not sent again", Describe(e));
                    await _deliveries.RecordAsync(WhatsAppAdapter.ChannelId, found.Sid, found.Status?.ToString() ?? "queued", found.ErrorCode, userId, template, c);
                    return found;
                }
                _logger.LogWarning("WhatsApp send's answer was lost ({Error}); not in Twilio's log, sending again", Describe(e));
                throw new NotInTwilioLogException(e);
            }
            catch (ApiException e) when (e.Status is >= 400 and < 500)
            {
                Operations.BotMetrics.ChannelError(WhatsAppAdapter.ChannelId, "rejected");
                _logger.LogError("Twilio refused a WhatsApp message (code {Code}, HTTP {Status}); not retried", e.Code, e.Status);
                throw new MessageRejectedException($"Twilio refused the message (code {e.Code}).", e);
            }
        }, ct);
    }

    /// <summary>
    /// Twilio has no idempotency key: after a send whose outcome is unknown (a timeout, a crash mid-send), Twilio's own
    /// message log says whether it exists. Returns the SID of a message from our sender to <paramref name="address"/>
    /// created since <paramref name="since"/> (with the same body when Twilio shows one), or null when there is none.
    /// </summary>
    public async Task<string?> FindSentAsync(string address, DateTimeOffset since, string? body, CancellationToken ct) =>
        (await FindSentMessagesAsync(address, since, ct)).OrderByDescending(m => body is not null && m.Body == body).Select(m => m.Sid).FirstOrDefault();

    /// <summary>
    /// After a reply's unknown outcome: the message in Twilio's log from our sender to <paramref name="address"/>, created
    /// since just before the attempt, with the same body when it has one, and not one this app recorded as its own send
    /// already (an earlier, identical reply). Null when there is none: safe to send again. When the log cannot be read,
    /// the send's own failure is thrown (its outcome stays unknown: not repeated).
    /// </summary>
    private async Task<MessageResource?> LookUpAfterUnknownOutcomeAsync(Exception failure, string address, DateTimeOffset started, string? body, CancellationToken ct)
    {
        try
        {
            foreach (var candidate in await FindSentMessagesAsync(address, started - LookupMargin, ct))
            {
                if (body is not null && candidate.Body != body) continue;
                var known = await _deliveries.FindAsync(WhatsAppAdapter.ChannelId, candidate.Sid, ct);
                if (known is null || known.UserId.Length == 0) return candidate;
            }
            return null;
        }
        catch (Exception e) when (e is ApiException or ApiConnectionException or HttpRequestException)
        {
            _logger.LogWarning("Twilio's message log could not be read ({Error})", Describe(e));
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }
    }

    /// <summary>Twilio's times have whole seconds, and its clock is not ours: a message created this much before the attempt counts.</summary>
    private static readonly TimeSpan LookupMargin = TimeSpan.FromSeconds(5);

    /// <summary>Messages from our sender to <paramref name="address"/> created since <paramref name="since"/>, newest first.</summary>
    private async Task<List<MessageResource>> FindSentMessagesAsync(string address, DateTimeOffset since, CancellationToken ct)
    {
        var options = new ReadMessageOptions
        {
            To = new Twilio.Types.PhoneNumber(WhatsAppMapping.ToTwilioAddress(address)),
            From = new Twilio.Types.PhoneNumber(_options.WhatsAppFrom),
            PageSize = 20,
            Limit = 20,
        };
        await _pacing.WaitWhilePausedAsync(ct);
        return (await MessageResource.ReadAsync(options, _client))
            .Where(m => m.DateCreated is { } created && new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) >= since)
            .ToList();
    }

    /// <summary>Pauses all sending, longer each time Twilio asks again without a success in between (1 s doubling to 60 s).</summary>
    public void SlowDown(int code)
    {
        var slowDowns = Interlocked.Increment(ref _slowDowns);
        var wait = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, slowDowns - 1)));
        _pacing.PauseFor(wait);
        _logger.LogWarning("Twilio asks to slow down (code {Code}): all WhatsApp sending paused for {Seconds} s", code, wait.TotalSeconds);
    }

    /// <summary>Retried: Twilio 5xx answers and connections that never reached Twilio. Not a timeout (the message may exist).</summary>
    private static bool IsRetryable(Exception e, CancellationToken ct) => e switch
    {
        ApiException api => api.Status >= 500,
        ApiConnectionException connection => !ct.IsCancellationRequested && connection.InnerException is HttpRequestException { InnerException: SocketException },
        HttpRequestException { InnerException: SocketException } => true,
        _ => false,
    };

    /// <summary>The request may have reached Twilio and the message may exist: a timeout, or a connection dropped after it left.</summary>
    private static bool OutcomeUnknown(Exception e, CancellationToken ct) => e switch
    {
        ApiException => false,
        _ when SendHooks.NeverLeft(e) => false,
        ApiConnectionException or HttpRequestException => !ct.IsCancellationRequested && !IsRetryable(e, ct),
        TaskCanceledException or TimeoutException => !ct.IsCancellationRequested,
        _ => false,
    };

    private static string Describe(Exception e) => e is ApiException api ? $"HTTP {api.Status}, code {api.Code}" : e.GetType().Name;

    public void Dispose() => _pacing.Dispose();
}
