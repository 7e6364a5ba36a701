using Bot.Web.Channels;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Announcements;

/// <summary>
/// One recipient of an announcement: the user, their channel, the language they subscribed in, and whether they are
/// outside WhatsApp's 24-hour window (they get the approved template instead of the text).
/// </summary>
public sealed record Recipient(string UserId, string Channel, string Language, bool OutsideWindow = false);

/// <summary>How an announcement's audience came together: who is left out and why, who gets a WhatsApp template.</summary>
public sealed class AudienceCounts
{
    /// <summary>Subscribers who stopped all announcements (STOP, /stop, opted out at the carrier).</summary>
    public int Stopped { get; set; }

    /// <summary>Subscribers the channel cannot reach (blocked the bot, number gone).</summary>
    public int Unreachable { get; set; }

    /// <summary>Subscribers on a channel that is off, or that cannot carry messages the bot starts (web chat).</summary>
    public int NoChannel { get; set; }

    /// <summary>Subscribers whose stored answers show they do not fit the course (left out when "only those eligible").</summary>
    public int NotEligible { get; set; }

    /// <summary>Recipients who never gave their status or age: they may or may not fit, and are included.</summary>
    public int EligibilityUnknown { get; set; }

    /// <summary>WhatsApp recipients outside the 24-hour window: they get the approved template (and count against the day's budget).</summary>
    public int OutsideWindow { get; set; }
}

/// <summary>
/// Who an announcement reaches: subscribers of the targeted centres and topics, in the targeted languages, each once
/// (in the language of their first matching subscription), leaving out those who stopped announcements, are
/// unreachable, are on a channel that cannot carry it, and — when asked — those known not to fit the course.
/// </summary>
public static class Audience
{
    public static async Task<List<Recipient>> ComputeAsync(BotDbContext db, Announcement announcement, Course course, IReadOnlyDictionary<string, IChannelSender> channels,
        DateOnly today, DateTimeOffset now, AudienceCounts counts, CancellationToken ct)
    {
        var (centres, topics, languages) = (announcement.CentreList.ToList(), announcement.TopicList.ToList(), announcement.LanguageList.ToList());
        var rows = await (from s in db.Subscriptions.AsNoTracking()
                          join u in db.BotUsers.AsNoTracking() on s.UserId equals u.Id
                          where centres.Contains(s.CentreId) && topics.Contains(s.Topic) && languages.Contains(s.Language)
                          orderby s.Id
                          select new Subscriber(u.Id, u.Channel, s.Language, u.AnnouncementsStoppedAt != null, u.UnreachableSince != null,
                              u.LegalStatus, u.BirthYear, u.LastSeenAt)).ToListAsync(ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var recipients = new List<Recipient>();
        foreach (var row in rows.Where(r => seen.Add(r.UserId)))
        {
            if (Include(row, announcement.EligibleOnly, course, channels, today, now, counts))
            {
                recipients.Add(new Recipient(row.UserId, row.Channel, row.Language, OutsideWindow(row, channels, now)));
            }
        }
        return recipients;
    }

    private static bool Include(Subscriber row, bool eligibleOnly, Course course, IReadOnlyDictionary<string, IChannelSender> channels, DateOnly today, DateTimeOffset now, AudienceCounts counts)
    {
        if (row.Stopped) return Count(() => counts.Stopped++);
        if (row.Unreachable) return Count(() => counts.Unreachable++);
        if (!channels.ContainsKey(row.Channel)) return Count(() => counts.NoChannel++);
        var fits = course.Admits(row.LegalStatus, row.BirthYear is { } year ? today.Year - year : null);
        if (fits == false)
        {
            counts.NotEligible++;
            if (eligibleOnly) return false;
        }
        if (fits is null) counts.EligibilityUnknown++;
        if (OutsideWindow(row, channels, now)) counts.OutsideWindow++;
        return true;
    }

    private static bool OutsideWindow(Subscriber row, IReadOnlyDictionary<string, IChannelSender> channels, DateTimeOffset now) =>
        channels.TryGetValue(row.Channel, out var sender) && sender is IChannelWindow window && window.OutsideWindow(row.LastSeenAt, now);

    private static bool Count(Action count)
    {
        count();
        return false;
    }

    private sealed record Subscriber(string UserId, string Channel, string Language, bool Stopped, bool Unreachable, string? LegalStatus,
        int? BirthYear, DateTimeOffset LastSeenAt);
}
