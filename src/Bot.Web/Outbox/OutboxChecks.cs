namespace Bot.Web.Outbox;

/// <summary>Checks made just before sending a row of one kind (e.g. is the user still subscribed?): a reason to skip it, or null.</summary>
public interface IOutboxCheck
{
    string Kind { get; }

    Task<string?> SkipReasonAsync(OutboxMessage row, CancellationToken ct);
}

/// <summary>
/// Told whenever a row of one kind changes status (sent, failed, delivered, read, uncertain…): a feature that enqueued
/// it keeps what staff see in step (a staff answer's delivery column).
/// </summary>
public interface IOutboxObserver
{
    string Kind { get; }

    Task StatusChangedAsync(OutboxMessage row, OutboxStatus status, string? error, CancellationToken ct);
}
