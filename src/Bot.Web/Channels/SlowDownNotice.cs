using Microsoft.Bot.Schema;

namespace Bot.Web.Channels;

/// <summary>
/// The first message of a flood (see <see cref="Operations.SenderLimiter.Admit"/>) is not answered: it is kept in the
/// inbox as a turn whose only reply is the notice to slow down. Its stored payload is marked, and the channel turns it
/// into the <see cref="EventName"/> event instead of a message (the bot answers the event with the notice alone, in the
/// person's language). Being an inbox turn, it comes after the answers to the messages let through, in order, and
/// is retried and recovered after a crash like any turn.
/// </summary>
public static class SlowDownNotice
{
    public const string EventName = "inbox/slow-down";
    private const string Marker = "slow-down\n"; // a payload is a JSON object otherwise: it never starts so

    public static string Mark(string payload) => Marker + payload;

    /// <summary>True (and the update's own payload) when <paramref name="payload"/> was marked.</summary>
    public static bool IsMarked(string payload, out string update)
    {
        var marked = payload.StartsWith(Marker, StringComparison.Ordinal);
        update = marked ? payload[Marker.Length..] : payload;
        return marked;
    }

    /// <summary>The message becomes the slow-down event; its text and locale stay as hints of the person's language.</summary>
    public static void Apply(Activity activity)
    {
        activity.Type = ActivityTypes.Event;
        activity.Name = EventName;
        activity.Value = null;
    }
}
