using System.Threading.RateLimiting;
using Bot.Web.Privacy;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Telegram.Bot.Exceptions;

namespace Bot.Web.Channels.Telegram;

/// <summary>
/// Every Bot API call goes through here: a token bucket for the whole bot (Telegram:MessagesPerSecond, ~30/s) and one
/// per chat (Telegram:PerChatMessagesPerSecond with a small burst); a 429 pauses all sending for its retry_after;
/// 5xx answers and refused connections are retried with exponential backoff and jitter (Telegram:MaxSendAttempts) —
/// the retries are a Polly pipeline (Microsoft.Extensions.Resilience); which failures are retried is decided here;
/// 403 and "chat not found" mark the recipient unreachable and are not retried. A call whose outcome is unknown (a
/// timeout, a connection dropped after the request left) is repeated only when repeating it is harmless (typing,
/// answering a callback query): Telegram has no idempotency key, and a message sent again would arrive twice.
/// </summary>
public sealed class TelegramSender : IDisposable
{
    private readonly TokenBucketRateLimiter _global;
    private readonly TokenBucketRateLimiter _spacing;
    private readonly PartitionedRateLimiter<long> _perChat;
    private readonly UserDirectory _users;
    private readonly TelegramOptions _options;
    private readonly SendPacing _pacing;
    private readonly ILogger<TelegramSender> _logger;

    /// <summary>Retries for a call that must not arrive twice (a message), and for one that may (typing, a callback answer).</summary>
    private readonly ResiliencePipeline _once;
    private readonly ResiliencePipeline _repeatable;

    public TelegramSender(UserDirectory users, IOptions<TelegramOptions> options, TimeProvider clock, ILogger<TelegramSender> logger)
    {
        _users = users;
        _options = options.Value;
        _logger = logger;
        _pacing = new SendPacing(clock);
        _global = _pacing.Rate(_options.MessagesPerSecond, SendPacing.ProviderBurst(_options.MessagesPerSecond));
        _spacing = _pacing.Rate(_options.MessagesPerSecond, SendPacing.ProviderBurst(_options.MessagesPerSecond));
        _perChat = PartitionedRateLimiter.Create<long, long>(chat => RateLimitPartition.GetTokenBucketLimiter(chat,
            _ => SendPacing.BucketOptions(_options.PerChatMessagesPerSecond, _options.PerChatBurst)));
        _once = Retries(clock, retryUnknownOutcome: false);
        _repeatable = Retries(clock, retryUnknownOutcome: true);
    }

    /// <summary>
    /// 429: all sending paused for its retry_after (the next attempt waits for the pause, not for a backoff), up to
    /// MaxSendAttempts + 2 attempts. 5xx, a refused connection (and, for a repeatable call, an unknown outcome): a
    /// backoff doubling from 200 ms with jitter, up to MaxSendAttempts attempts.
    /// </summary>
    private ResiliencePipeline Retries(TimeProvider clock, bool retryUnknownOutcome) => new ResiliencePipelineBuilder { TimeProvider = clock }
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = _options.MaxSendAttempts + 1,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && (e is ApiRequestException { ErrorCode: 429 }
                ? args.AttemptNumber + 1 < _options.MaxSendAttempts + 2
                : args.AttemptNumber + 1 < _options.MaxSendAttempts && IsTransient(e, retryUnknownOutcome, args.Context.CancellationToken))),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Exception is ApiRequestException { ErrorCode: 429 }
                ? TimeSpan.Zero
                : SendPacing.Backoff(args.AttemptNumber + 1)),
            OnRetry = args =>
            {
                if (args.Outcome.Exception is ApiRequestException { ErrorCode: 429 } limited)
                {
                    var wait = TimeSpan.FromSeconds(Math.Max(1, limited.Parameters?.RetryAfter ?? 1));
                    _pacing.PauseFor(wait);
                    Operations.BotMetrics.ChannelError(TelegramAdapter.ChannelId, "rate-limited");
                    _logger.LogWarning("Telegram flood control: all sending paused for {Seconds} s", wait.TotalSeconds);
                }
                else
                {
                    Operations.BotMetrics.ChannelError(TelegramAdapter.ChannelId, "transient");
                    _logger.LogWarning("Telegram call failed ({Error}); retry {Attempt} after a backoff", args.Outcome.Exception?.GetType().Name, args.AttemptNumber + 1);
                }
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <param name="chatId">The chat (its own rate).</param>
    /// <param name="userId">The pseudonymous recipient, marked unreachable when Telegram refuses the chat.</param>
    /// <param name="call">The Bot API call.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="beforeAttempt">
    /// For a send the bot starts itself (<see cref="SendHooks"/>): run just before each attempt, after the limits; a
    /// timeout is then not retried (the message may have been sent), only failures that certainly sent nothing.
    /// </param>
    /// <param name="repeatable">
    /// True for a call that does no harm when it arrives twice (typing, answering a callback query): repeated also when
    /// its outcome is unknown. A message is not (see <see cref="OutcomeUnknown"/>).
    /// </param>
    public async Task<T> SendAsync<T>(long chatId, string? userId, Func<CancellationToken, Task<T>> call, CancellationToken ct,
        Func<CancellationToken, Task>? beforeAttempt = null, bool repeatable = false)
    {
        var pipeline = repeatable && beforeAttempt is null ? _repeatable : _once;
        return await pipeline.ExecuteAsync(async c =>
        {
            await _pacing.WaitWhilePausedAsync(c);
            using (await _perChat.AcquireAsync(chatId, 1, c))
            using (await _global.AcquireAsync(1, c))
            {
                try
                {
                    await SendPacing.BeforeAttemptAsync(beforeAttempt, _spacing, c);
                    var result = await call(c);
                    Operations.BotMetrics.MessageSent(TelegramAdapter.ChannelId);
                    return result;
                }
                catch (ApiRequestException e) when (e.ErrorCode == 403 || (e.ErrorCode == 400 && e.Message.Contains("chat not found", StringComparison.OrdinalIgnoreCase)))
                {
                    Operations.BotMetrics.ChannelError(TelegramAdapter.ChannelId, "unreachable");
                    if (userId is not null) await _users.MarkUnreachableAsync(userId, c);
                    _logger.LogInformation("Telegram recipient unreachable ({Code}); marked and not retried", e.ErrorCode);
                    throw new RecipientUnreachableException("Telegram will not deliver to this chat.", e);
                }
            }
        }, ct);
    }

    /// <summary>
    /// True when the call may or may not have reached Telegram (timed out, or the connection dropped after the request
    /// left): a message is then taken as sent, never sent again.
    /// </summary>
    public static bool OutcomeUnknown(Exception e, CancellationToken ct) => e switch
    {
        ApiRequestException => false,
        _ when SendHooks.NeverLeft(e) => false,
        RequestException or HttpRequestException => true,
        TaskCanceledException or TimeoutException => !ct.IsCancellationRequested,
        _ => false,
    };

    private static bool IsTransient(Exception e, bool retryUnknownOutcome, CancellationToken ct) => e switch
    {
        ApiRequestException api => api.ErrorCode >= 500,
        _ when SendHooks.NeverLeft(e) => true,
        RequestException or HttpRequestException => retryUnknownOutcome,
        TaskCanceledException or TimeoutException => retryUnknownOutcome && !ct.IsCancellationRequested,
        _ => false,
    };

    public void Dispose()
    {
        _pacing.Dispose();
        _perChat.Dispose();
    }
}
