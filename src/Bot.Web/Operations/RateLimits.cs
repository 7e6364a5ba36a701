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

    /// <summary>Web chat requests per minute from one IP address (answered 429 with Retry-After beyond it).</summary>
    public int WebChatPerIpPerMinute { get; set; } = 120;

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
        errors.Require(options.WebChatPerIpPerMinute is >= 1 and <= 1_000_000, "WebChatPerIpPerMinute", "must be between 1 and 1000000.");
        errors.Require(options.SignInPerIpPerMinute is >= 1 and <= 100_000, "SignInPerIpPerMinute", "must be between 1 and 100000.");
        return errors.Result();
    }
}

/// <summary>
/// A token bucket per sender (channel + pseudonymous id): a person flooding the bot cannot starve everyone else's
/// turns. In memory, per instance (several instances each allow the rate: set it per instance).
/// </summary>
public sealed class SenderLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SenderLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
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
    public bool TryAcquire(string channel, string sender)
    {
        using var lease = _limiter.AttemptAcquire(channel + "/" + sender);
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
