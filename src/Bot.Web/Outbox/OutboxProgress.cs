namespace Bot.Web.Outbox;

/// <summary>
/// How far a broadcast has come: rows per status, the send rate over the last five minutes, and when it should be
/// done at that rate (later when rows wait for a retry or for WhatsApp's daily budget).
/// </summary>
public sealed record OutboxProgress(IReadOnlyDictionary<OutboxStatus, int> Counts, double PerMinute, DateTimeOffset? EstimatedFinish)
{
    public static readonly OutboxProgress None = new(new Dictionary<OutboxStatus, int>(), 0, null);

    public int Total => Counts.Values.Sum();

    /// <summary>Still to go: pending, being sent, waiting for a retry.</summary>
    public int Open => Of(OutboxStatuses.Open);

    /// <summary>Accepted by the channel (delivered and read included).</summary>
    public int Sent => Of(OutboxStatuses.Accepted);

    /// <summary>Reported delivered (read included): WhatsApp only, Telegram does not report delivery.</summary>
    public int Delivered => Of([OutboxStatus.Delivered, OutboxStatus.Read]);

    public int Read => Of([OutboxStatus.Read]);
    public int Failed => Of([OutboxStatus.Failed]);
    public int Ambiguous => Of([OutboxStatus.Ambiguous]);
    public int Skipped => Of([OutboxStatus.Skipped]);
    public int Cancelled => Of([OutboxStatus.Cancelled]);

    private int Of(IEnumerable<OutboxStatus> statuses) => statuses.Sum(s => Counts.GetValueOrDefault(s));
}
