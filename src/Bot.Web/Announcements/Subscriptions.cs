using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Announcements;

/// <summary>Course topics: what a course is about, and what a user can subscribe to.</summary>
public static class Topics
{
    public const string Vocational = "vocational";
    public const string Turkish = "turkish";
    public const string HomeProduction = "home-production";
    public const string Entrepreneurship = "entrepreneurship";
    public const string DigitalMarketing = "digital-marketing";
    public const string Agriculture = "agriculture";
    public const string SocialSkills = "social-skills";
    public const string Other = "other";

    /// <summary>"all" in the subscribe dialog: every topic.</summary>
    public const string AllTopics = "all";

    public static readonly IReadOnlyList<string> All = [Vocational, Turkish, HomeProduction, Entrepreneurship, DigitalMarketing, Agriculture, SocialSkills, Other];

    /// <summary>The text key of a topic's name.</summary>
    public static string TextKey(string topic) => "topic." + topic.Replace('-', '_');
}

/// <summary>One user's subscription to one centre's announcements on one topic, with how and when they consented.</summary>
public sealed class Subscription
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string Channel { get; set; }
    public required string CentreId { get; set; }
    public required string Topic { get; set; }

    /// <summary>The language announcements are sent in.</summary>
    public required string Language { get; set; }

    public DateTimeOffset ConsentAt { get; set; }

    /// <summary>How consent was given, e.g. <c>whatsapp:dialog:subscribe</c>.</summary>
    public required string ConsentMethod { get; set; }
}

public sealed class SubscriptionStore(IDbContextFactory<BotDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<Subscription>> OfAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Subscriptions.AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.Id).ToListAsync(ct);
    }

    /// <summary>Subscribes to <paramref name="topic"/> ("all": every topic) at a centre; an existing one is updated (language, consent time).</summary>
    public async Task SubscribeAsync(string userId, string channel, string centreId, string topic, string language, string method, CancellationToken ct)
    {
        var topics = topic == Topics.AllTopics ? Topics.All : [topic];
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.Subscriptions.Where(s => s.UserId == userId && s.CentreId == centreId).ToListAsync(ct);
        foreach (var t in topics)
        {
            var row = existing.FirstOrDefault(s => s.Topic == t);
            if (row is null)
            {
                db.Subscriptions.Add(new Subscription
                {
                    UserId = userId, Channel = channel, CentreId = centreId, Topic = t, Language = language, ConsentAt = now, ConsentMethod = method,
                });
            }
            else
            {
                row.Language = language;
                row.ConsentAt = now;
                row.ConsentMethod = method;
            }
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task<int> UnsubscribeAsync(string userId, long? id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Subscriptions.Where(s => s.UserId == userId && (id == null || s.Id == id)).ExecuteDeleteAsync(ct);
    }
}
