namespace Bot.Tests.Infrastructure;

/// <summary>A gate a fake API's answers wait at while it is closed (open by default).</summary>
public sealed class Gate
{
    private volatile TaskCompletionSource _open = Opened();

    public void Close()
    {
        if (_open.Task.IsCompleted) _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open() => _open.TrySetResult();

    /// <summary>Calls held at the gate right now (requests in flight).</summary>
    public int Waiting => _waiting;

    private int _waiting;

    public async Task PassAsync(CancellationToken ct)
    {
        var open = _open.Task;
        if (open.IsCompleted) return;
        Interlocked.Increment(ref _waiting);
        try
        {
            await open.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
