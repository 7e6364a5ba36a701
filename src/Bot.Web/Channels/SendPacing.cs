using System.Threading.RateLimiting;

namespace Bot.Web.Channels;

/// <summary>A recipient the channel will not deliver to (blocked the bot, opted out, number gone).</summary>
public sealed class RecipientUnreachableException(string message, Exception inner, bool optedOut = false) : Exception(message, inner)
{
    /// <summary>True when the recipient opted out (STOP at the carrier, blocked the business): announcements are stopped too.</summary>
    public bool OptedOut { get; } = optedOut;
}

/// <summary>No address is known for the user (never wrote on this channel, or deleted their data).</summary>
public sealed class RecipientUnknownException(string message) : InvalidOperationException(message);

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
        // Refilled in small steps (about every 50 ms, whole tokens), not once a second: a once-a-second refill lets a
        // full bucket and the next refill go out back to back, twice the rate for a moment, which a provider counting
        // over a short window answers with 429. Below 1/s: one token every 1/n seconds.
        var tokens = Step(perSecond);
        var period = TimeSpan.FromSeconds(tokens / Math.Max(0.01, perSecond));
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

    /// <summary>
    /// The burst a provider-wide limiter allows: a quarter of a second's worth, and at least a reply of three messages
    /// (never more than a second's worth). A provider tolerating about a second's worth at once then keeps most of it in
    /// reserve for requests that arrive bunched up (a pause on the way), instead of answering them with 429.
    /// </summary>
    public static int ProviderBurst(double perSecond) =>
        Math.Max(Step(perSecond), Math.Max(Math.Min(3, (int)Math.Ceiling(perSecond)), (int)(perSecond / 4)));

    /// <summary>Tokens added per refill: about 50 ms worth, at least one.</summary>
    private static int Step(double perSecond) => Math.Max(1, (int)Math.Round(perSecond * 0.05));

    /// <summary>
    /// Waits for a token of <paramref name="spacing"/> (a second limiter of the same rate) and then runs an outbox
    /// send's hook (it commits "sending"), after which the request leaves at once. The token comes first so that a row
    /// marked "sending" never waits for the rate: a crash between the mark and the request is what makes a Telegram
    /// row "ambiguous" without having arrived, and that window is now only the commit's return (measured by
    /// <c>bench … outbox crash</c>). Sends that waited for one slow commit may leave together; the fakes enforcing the
    /// providers' rates answered no 429 at the configured rates (<c>bench … outbox realistic</c>).
    /// </summary>
    public static async Task BeforeAttemptAsync(Func<CancellationToken, Task>? beforeAttempt, RateLimiter spacing, CancellationToken ct)
    {
        if (beforeAttempt is null) return;
        using var spaced = await spacing.AcquireAsync(1, ct);
        await beforeAttempt(ct);
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

/// <summary>
/// What a send the bot starts itself (the outbox) asks of the channel: a hook run just before each attempt's request
/// leaves — after the rate limits let it through, so the caller can record "sending" at the last moment — and no
/// repeat of an attempt whose outcome is unknown (a timeout after the request left: the message may exist).
/// </summary>
public static class SendHooks
{
    public const string BeforeAttemptKey = "Bot.BeforeAttempt";

    /// <summary>The hook an outbox send put in the turn state, if any.</summary>
    public static Func<CancellationToken, Task>? BeforeAttempt(Microsoft.Bot.Builder.ITurnContext turn) =>
        turn.TurnState.TryGetValue(BeforeAttemptKey, out var hook) ? hook as Func<CancellationToken, Task> : null;

    /// <summary>True when the request certainly never reached the provider (the connection could not be opened): safe to repeat.</summary>
    public static bool NeverLeft(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }) return true;
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }) return true;
        }
        return false;
    }
}
