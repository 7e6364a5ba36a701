using System.Threading.RateLimiting;
using Bot.Web.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bot.Web.Operations;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Messages one person (one sender on one channel) may send per minute; the rest are dropped, not answered.</summary>
    public int MessagesPerSenderPerMinute { get; set; } = 30;

    /// <summary>How many of those may come at once (a burst of quick messages is normal on a phone).</summary>
    public int SenderBurst { get; set; } = 10;

    /// <summary>
    /// Web chat requests (messages and the page's checks for staff answers, every 20 s) per minute from one browser's
    /// user id; beyond it 429 with Retry-After, for that user only.
    /// </summary>
    public int WebChatPerUserPerMinute { get; set; } = 60;

    /// <summary>
    /// Web chat requests per minute from one IP address, all users together (429 with Retry-After beyond it): a loose cap
    /// against one machine making up user ids, high enough for a community centre's many phones behind one address.
    /// </summary>
    public int WebChatPerIpPerMinute { get; set; } = 1200;

    /// <summary>Staff sign-in attempts per minute from one IP address (on top of the per-account lockout).</summary>
    public int SignInPerIpPerMinute { get; set; } = 20;
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new OptionErrors(RateLimitOptions.Section);
        errors.Require(options.MessagesPerSenderPerMinute is >= 1 and <= 100_000, "MessagesPerSenderPerMinute", "must be between 1 and 100000.");
        errors.Require(options.SenderBurst is >= 1 and <= 100_000, "SenderBurst", "must be between 1 and 100000.");
        errors.Require(options.WebChatPerUserPerMinute is >= 1 and <= 100_000, "WebChatPerUserPerMinute", "must be between 1 and 100000.");
        errors.Require(options.WebChatPerIpPerMinute is >= 1 and <= 1_000_000, "WebChatPerIpPerMinute", "must be between 1 and 1000000.");
        errors.Require(options.SignInPerIpPerMinute is >= 1 and <= 100_000, "SignInPerIpPerMinute", "must be between 1 and 100000.");
        return errors.Result();
    }
}

/// <summary>What becomes of one message from a sender (see <see cref="SenderLimiter.Admit"/>).</summary>
public enum SenderAdmission
{
    /// <summary>Within the sender's allowance: answered.</summary>
    Allowed,
    /// <summary>Over it: dropped, not answered.</summary>
    Dropped,
    /// <summary>Over it, and the first of this flood: dropped, and the sender is told once to slow down.</summary>
    DroppedFirst,
}

/// <summary>
/// A token bucket per sender (channel + pseudonymous id): a person flooding the bot cannot starve everyone else's
/// turns. In memory, per instance (several instances each allow the rate: set it per instance).
/// </summary>
public sealed class SenderLimiter : IDisposable
{
    /// <summary>A flood ends once its sender has gone this long without a dropped message: the next drop starts a new one.</summary>
    public static readonly TimeSpan FloodWindow = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeProvider _clock;
    /// <summary>Per flooding sender, when its last message was dropped (timestamps of <see cref="_clock"/>).</summary>
    private readonly Dictionary<string, long> _lastDrop = new(StringComparer.Ordinal);
    private int _pruneAt = 10_000;

    public SenderLimiter(IOptions<RateLimitOptions> options, TimeProvider clock)
    {
        var o = options.Value;
        _clock = clock;
        _limiter = PartitionedRateLimiter.Create<string, string>(sender => RateLimitPartition.GetTokenBucketLimiter(sender, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.SenderBurst,
            TokensPerPeriod = Math.Max(1, o.MessagesPerSenderPerMinute / 6),
            ReplenishmentPeriod = TimeSpan.FromSeconds(10),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>True when the sender may send one more message now.</summary>
    public bool TryAcquire(string channel, string sender) => TryAcquire(channel, sender, out _);

    /// <summary>True when the sender may send one more message now; otherwise how long until the next one is allowed.</summary>
    public bool TryAcquire(string channel, string sender, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(channel + "/" + sender);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10);
        return lease.IsAcquired;
    }

    /// <summary>
    /// Takes one message of the sender's allowance; over it, says whether this drop starts a flood (the sender has not
    /// had a message dropped for <see cref="FloodWindow"/>): that one is when the sender is told to slow down.
    /// </summary>
    public SenderAdmission Admit(string channel, string sender)
    {
        if (TryAcquire(channel, sender)) return SenderAdmission.Allowed;
        var key = channel + "/" + sender;
        var now = _clock.GetTimestamp();
        lock (_lastDrop)
        {
            var first = !_lastDrop.TryGetValue(key, out var last) || _clock.GetElapsedTime(last, now) >= FloodWindow;
            _lastDrop[key] = now;
            if (_lastDrop.Count > _pruneAt)
            {
                // Floods that are over are forgotten (a bounded memory whatever the number of senders).
                foreach (var (k, at) in _lastDrop.ToList())
                {
                    if (_clock.GetElapsedTime(at, now) >= FloodWindow) _lastDrop.Remove(k);
                }
                _pruneAt = Math.Max(10_000, _lastDrop.Count * 2);
            }
            return first ? SenderAdmission.DroppedFirst : SenderAdmission.Dropped;
        }
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// The web chat's per-user limit (<see cref="RateLimitOptions.WebChatPerUserPerMinute"/>): a fixed one-minute window per
/// pseudonymous user id, so that one person flooding is refused alone, not everyone behind the same address.
/// </summary>
public sealed class WebChatUserLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public WebChatUserLimiter(IOptions<RateLimitOptions> options)
    {
        var perMinute = options.Value.WebChatPerUserPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        }));
    }

    /// <summary>True when the user may make one more request now; otherwise how long until the window opens again.</summary>
    public bool TryAcquire(string userId, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

public static class RateLimitSetup
{
    public const string WebChatPolicy = "webchat";
    public const string SignInPolicy = "staff-sign-in";

    public static IServiceCollection AddBotRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<SenderLimiter>();
        services.AddSingleton<WebChatUserLimiter>();
        var o = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.Response.WriteAsJsonAsync(new
                {
                    type = "https://tools.ietf.org/html/rfc6585#section-4", title = "Too many requests", status = 429,
                    detail = "Too many requests from this address: wait a minute and try again.",
                }, ct);
            };
            limiter.AddPolicy(WebChatPolicy, context => PerIp(context, o.WebChatPerIpPerMinute));
            limiter.AddPolicy(SignInPolicy, context => PerIp(context, o.SignInPerIpPerMinute));
        });
        return services;
    }

    /// <summary>A fixed one-minute window per client address (behind the reverse proxy: the forwarded address).</summary>
    private static RateLimitPartition<string> PerIp(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        });
}
