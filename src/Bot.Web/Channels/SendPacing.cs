using System.Threading.RateLimiting;

namespace Bot.Web.Channels;

/// <summary>A recipient the channel will not deliver to (blocked the bot, opted out, number gone).</summary>
public sealed class RecipientUnreachableException(string message, Exception inner, bool optedOut = false) : Exception(message, inner)
{
    /// <summary>True when the recipient opted out (STOP at the carrier, blocked the business): announcements are stopped too.</summary>
    public bool OptedOut { get; } = optedOut;
}

/// <summary>
/// What the channel senders share: a rate (token bucket, queued in order), a pause every send waits out when the
/// provider says "too many" (Telegram retry_after, Twilio 429/20429/63018), and exponential backoff with jitter.
/// </summary>
public sealed class SendPacing(TimeProvider clock) : IDisposable
{
    private long _pausedUntilTicks;
    private readonly List<IDisposable> _limiters = [];

    /// <summary>A token bucket of <paramref name="perSecond"/> sends a second (a burst of at most <paramref name="burst"/>), queueing excess in order.</summary>
    public TokenBucketRateLimiter Rate(double perSecond, int burst)
    {
        var limiter = new TokenBucketRateLimiter(BucketOptions(perSecond, burst));
        _limiters.Add(limiter);
        return limiter;
    }

    public static TokenBucketRateLimiterOptions BucketOptions(double perSecond, int burst)
    {
        // Whole tokens per period: n/s becomes n tokens a second; below 1/s, one token every 1/n seconds.
        var (tokens, period) = perSecond >= 1 ? ((int)perSecond, TimeSpan.FromSeconds(1)) : (1, TimeSpan.FromSeconds(1 / Math.Max(0.01, perSecond)));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }

    /// <summary>Holds every send for <paramref name="wait"/> (a longer pause already running is kept).</summary>
    public void PauseFor(TimeSpan wait)
    {
        var until = (clock.GetUtcNow() + wait).UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _pausedUntilTicks);
            if (seen >= until) return;
        }
        while (Interlocked.CompareExchange(ref _pausedUntilTicks, until, seen) != seen);
    }

    public async Task WaitWhilePausedAsync(CancellationToken ct)
    {
        var wait = new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero) - clock.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
    }

    /// <summary>Waits before attempt <paramref name="attempt"/> + 1: 200 ms doubling, plus up to 100 ms of jitter.</summary>
    public Task BackoffAsync(int attempt, CancellationToken ct) =>
        Task.Delay(Backoff(attempt), clock, ct);

    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds((200 * Math.Pow(2, Math.Min(attempt, 10) - 1)) + Random.Shared.Next(0, 100));

    public void Dispose()
    {
        foreach (var limiter in _limiters) limiter.Dispose();
    }
}
