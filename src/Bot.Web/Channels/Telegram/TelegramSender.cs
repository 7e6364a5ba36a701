using System.Threading.RateLimiting;
using Bot.Web.Privacy;
using Microsoft.Extensions.Options;
using Telegram.Bot.Exceptions;

namespace Bot.Web.Channels.Telegram;

/// <summary>A recipient Telegram will not deliver to (blocked the bot, or the chat no longer exists).</summary>
public sealed class RecipientUnreachableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Every Bot API call goes through here: a token bucket for the whole bot (Telegram:MessagesPerSecond, ~30/s) and one
/// per chat (Telegram:PerChatMessagesPerSecond with a small burst); a 429 pauses all sending for its retry_after;
/// 5xx answers and timeouts are retried with exponential backoff and jitter (Telegram:MaxSendAttempts); 403 and
/// "chat not found" mark the recipient unreachable and are not retried.
/// </summary>
public sealed class TelegramSender : IDisposable
{
    private readonly TokenBucketRateLimiter _global;
    private readonly PartitionedRateLimiter<long> _perChat;
    private readonly UserDirectory _users;
    private readonly TelegramOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<TelegramSender> _logger;
    private long _pausedUntilTicks;

    public TelegramSender(UserDirectory users, IOptions<TelegramOptions> options, TimeProvider clock, ILogger<TelegramSender> logger)
    {
        _users = users;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _global = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, _options.MessagesPerSecond),
            TokensPerPeriod = Math.Max(1, _options.MessagesPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        _perChat = PartitionedRateLimiter.Create<long, long>(chat => RateLimitPartition.GetTokenBucketLimiter(chat, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, _options.PerChatBurst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1.0 / Math.Max(0.01, _options.PerChatMessagesPerSecond)),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
    }

    public async Task<T> SendAsync<T>(long chatId, string? userId, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await WaitWhilePausedAsync(ct);
            using (await _perChat.AcquireAsync(chatId, 1, ct))
            using (await _global.AcquireAsync(1, ct))
            {
                try
                {
                    return await call(ct);
                }
                catch (ApiRequestException e) when (e.ErrorCode == 429)
                {
                    var wait = TimeSpan.FromSeconds(Math.Max(1, e.Parameters?.RetryAfter ?? 1));
                    Interlocked.Exchange(ref _pausedUntilTicks, (_clock.GetUtcNow() + wait).UtcTicks);
                    _logger.LogWarning("Telegram flood control: all sending paused for {Seconds} s", wait.TotalSeconds);
                    if (attempt >= _options.MaxSendAttempts + 2) throw; // 429s are never our last word for long
                }
                catch (ApiRequestException e) when (e.ErrorCode == 403 || (e.ErrorCode == 400 && e.Message.Contains("chat not found", StringComparison.OrdinalIgnoreCase)))
                {
                    if (userId is not null) await _users.MarkUnreachableAsync(userId, ct);
                    _logger.LogInformation("Telegram recipient unreachable ({Code}); marked and not retried", e.ErrorCode);
                    throw new RecipientUnreachableException("Telegram will not deliver to this chat.", e);
                }
                catch (Exception e) when (IsTransient(e, ct) && attempt < _options.MaxSendAttempts)
                {
                    var backoff = TimeSpan.FromMilliseconds((200 * Math.Pow(2, attempt - 1)) + Random.Shared.Next(0, 100));
                    _logger.LogWarning("Telegram call failed ({Error}); retry {Attempt} in {Delay} ms", e.GetType().Name, attempt, (int)backoff.TotalMilliseconds);
                    await Task.Delay(backoff, _clock, ct);
                }
            }
        }
    }

    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        ApiRequestException api => api.ErrorCode >= 500,
        RequestException or HttpRequestException => true,
        TaskCanceledException or TimeoutException => !ct.IsCancellationRequested,
        _ => false,
    };

    private async Task WaitWhilePausedAsync(CancellationToken ct)
    {
        var until = new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero);
        var wait = until - _clock.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _clock, ct);
    }

    public void Dispose()
    {
        _global.Dispose();
        _perChat.Dispose();
    }
}
