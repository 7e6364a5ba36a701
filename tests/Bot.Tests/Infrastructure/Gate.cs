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

    public Task PassAsync(CancellationToken ct) => _open.Task.WaitAsync(ct);

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
