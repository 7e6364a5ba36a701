namespace Bot.Tests.Infrastructure;

/// <summary>
/// Waiting on observable state instead of sleeping a fixed time: poll a condition until it holds or a deadline passes.
/// A test waits for what a user would notice (a reply sent, a row written, a page showing), never for "long enough".
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="done"/> holds; false when <paramref name="seconds"/> ran out first.</summary>
    public static async Task<bool> WaitAsync(Func<Task<bool>> done, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(Poll);
        }
        return true;
    }

    /// <inheritdoc cref="WaitAsync(Func{Task{bool}}, double)"/>
    public static Task<bool> WaitAsync(Func<bool> done, double seconds = 30) => WaitAsync(() => Task.FromResult(done()), seconds);

    /// <summary>Waits until <paramref name="done"/> holds, or throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, string what, double seconds = 30)
    {
        if (!await WaitAsync(done, seconds)) throw new TimeoutException($"Not within {seconds} s: {what}");
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, double)"/>
    public static Task UntilAsync(Func<bool> done, string what, double seconds = 30) => UntilAsync(() => Task.FromResult(done()), what, seconds);
}
