using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Channels;

/// <summary>
/// The replies of one stored inbound update's turn, counted as they are confirmed sent (recorded in
/// <c>inbound_updates.RepliesSent</c>). A turn's state is saved only at its end, so a turn run again after a crash or a
/// failed send says the same things again: the replies already confirmed are skipped, and only a send whose outcome
/// was unknown when the turn stopped may arrive twice. The inbox sets <see cref="Current"/> around the turn; the
/// channel adapters' turns pick it up (<see cref="Attach"/>).
/// </summary>
public sealed class InboundReplies(long inboundId, int alreadySent, Func<long, int, Task> recordSent)
{
    private static readonly AsyncLocal<InboundReplies?> Ambient = new();
    private readonly int _alreadySent = alreadySent;
    private int _next;

    /// <summary>The inbound update whose turn runs in this flow, if any.</summary>
    public static InboundReplies? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    public long InboundId { get; } = inboundId;

    /// <summary>Replies confirmed sent so far (including those of earlier runs).</summary>
    public int Sent { get; private set; } = alreadySent;

    /// <summary>Skipped because an earlier run of the same turn had sent them.</summary>
    public int Skipped { get; private set; }

    /// <summary>Counts this turn's reply messages, skipping those an earlier run sent and recording each one sent.</summary>
    public void Attach(ITurnContext turn) => turn.OnSendActivities(async (_, activities, next) =>
    {
        var skipped = new List<ResourceResponse>();
        var sending = 0;
        foreach (var activity in activities.ToList())
        {
            if (activity.Type != ActivityTypes.Message) continue;
            if (_next++ < _alreadySent)
            {
                activities.Remove(activity);
                skipped.Add(new ResourceResponse("already-sent"));
                Skipped++;
            }
            else
            {
                sending++;
            }
        }
        if (activities.Count == 0) return [.. skipped];
        var responses = await next();
        if (sending > 0)
        {
            // Confirmed: an adapter returns normally only once its messages went out (or were taken as sent when
            // their outcome could not be known); a failure throws and the turn is run again later.
            Sent = _next;
            await recordSent(InboundId, Sent);
        }
        return [.. skipped, .. responses];
    });
}

/// <summary>A reply could not be delivered after the sender's retries: the turn fails and the inbox runs it again later.</summary>
public sealed class ReplyNotSentException(string message, Exception? inner = null) : Exception(message, inner);
