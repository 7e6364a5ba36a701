using System.Diagnostics;

namespace Bot.Tests.Infrastructure;

/// <summary>
/// A provider's own rate limit, as a token bucket (<paramref name="perSecond"/> refilled continuously, at most
/// <paramref name="burst"/> at once): a fake API refuses a send beyond it with 429 and counts it.
/// </summary>
public sealed class ProviderLimit(double perSecond, double burst)
{
    private readonly Lock _lock = new();
    private readonly double _burst = burst;
    private double _tokens = burst;
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>Sends refused with 429 (too many, too fast).</summary>
    public int Refused { get; private set; }

    public bool TryTake()
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (Stopwatch.GetElapsedTime(_last, now).TotalSeconds * perSecond));
            _last = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }
            Refused++;
            return false;
        }
    }
}
