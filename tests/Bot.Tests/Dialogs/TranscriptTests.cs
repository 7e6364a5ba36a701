using Bot.Tests.Infrastructure;
using Bot.Web.Announcements;
using Bot.Web.Channels.WebChat;
using Bot.Web.Data;
using Bot.Web.Feedback;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Dialogs;

/// <summary>
/// Transcript tests: each file in transcripts/ is one conversation through the real host (web chat API, real
/// SQLite file), with what the user writes and what the bot's replies must say. Syntax (one per line):
/// <code>
/// &gt; text            the user writes text
/// &gt;&gt; value          the user presses the button with this value
/// &lt; words           a reply of this turn contains the words
/// &lt;! words          no reply of this turn contains the words
/// &lt;# n              the turn got exactly n replies
/// &lt;buttons a | b    the last reply's buttons, in order
/// ~ restart          the host restarts (same database); the conversation goes on
/// @ subscriptions n  the user has n subscriptions        @ consent yes|no
/// @ queue reason n   n staff-queue items of that reason  @ announcements stopped|active
/// @ user gone        nothing is stored about the user any more
/// </code>
/// </summary>
public sealed class TranscriptTests
{
    private static readonly string Folder = Repo.PathOf("tests", "Bot.Tests", "Dialogs", "transcripts");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.txt").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Transcript(string file)
    {
        using var data = new TempFolder();
        var host = await BotHost.StartSqliteAsync(data.Path);
        var user = "t-" + Path.GetFileNameWithoutExtension(file);
        IReadOnlyList<BotHost.Reply> replies = [];
        var lineNo = 0;
        try
        {
            foreach (var raw in File.ReadAllLines(Path.Combine(Folder, file)))
            {
                lineNo++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var where = $"{file}:{lineNo} ({line})";
                if (line.StartsWith(">>", StringComparison.Ordinal)) replies = await host.SayAsync(user, value: line[2..].Trim());
                else if (line.StartsWith('>')) replies = await host.SayAsync(user, line[1..].Trim());
                else if (line.StartsWith("<!", StringComparison.Ordinal))
                {
                    Assert.False(replies.Any(r => r.Text.Contains(line[2..].Trim(), StringComparison.Ordinal)), $"{where}: found in {Show(replies)}");
                }
                else if (line.StartsWith("<#", StringComparison.Ordinal))
                {
                    Assert.True(int.Parse(line[2..].Trim(), System.Globalization.CultureInfo.InvariantCulture) == replies.Count, $"{where}: got {Show(replies)}");
                }
                else if (line.StartsWith("<buttons", StringComparison.Ordinal))
                {
                    var expected = line["<buttons".Length..].Split('|', StringSplitOptions.TrimEntries);
                    var actual = replies.Count == 0 ? [] : replies[^1].SuggestedActions.Select(b => b.Title).ToArray();
                    Assert.True(expected.SequenceEqual(actual), $"{where}: buttons were [{string.Join(" | ", actual)}]");
                }
                else if (line.StartsWith('<'))
                {
                    Assert.True(replies.Any(r => r.Text.Contains(line[1..].Trim(), StringComparison.Ordinal)), $"{where}: not in {Show(replies)}");
                }
                else if (line == "~ restart")
                {
                    await host.DisposeAsync();
                    host = await BotHost.StartSqliteAsync(data.Path);
                }
                else if (line.StartsWith('@')) await CheckAsync(host, user, line[1..].Trim(), where);
                else throw new InvalidOperationException($"{where}: unknown line");
            }
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task CheckAsync(BotHost host, string user, string check, string where)
    {
        var userId = await host.Services.GetRequiredService<UserDirectory>().IdOfAsync(WebChatAdapter.ChannelId, BotHost.WebChatId(user));
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var parts = check.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (parts[0])
        {
            case "subscriptions":
                Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) == await db.Set<Subscription>().CountAsync(s => s.UserId == userId), where);
                break;
            case "consent":
                var consent = await db.BotUsers.Where(u => u.Id == userId).Select(u => u.ConsentAt).SingleAsync();
                Assert.True((parts[1] == "yes") == (consent is not null), where);
                break;
            case "queue":
                var owner = parts.Length > 3 && parts[3] == "anonymous" ? FeedbackRecorder.AnonymousUser : userId;
                var count = await db.Unanswered.CountAsync(q => q.UserId == owner && q.Reason == parts[1]);
                Assert.True(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) == count, $"{where}: {count} found");
                break;
            case "announcements":
                var stopped = await db.BotUsers.Where(u => u.Id == userId).Select(u => u.AnnouncementsStoppedAt).SingleAsync();
                Assert.True((parts[1] == "stopped") == (stopped is not null), where);
                break;
            case "user":
                Assert.False(await db.BotUsers.AnyAsync(u => u.Id == userId), $"{where}: the user row is still there");
                Assert.False(await db.State.AnyAsync(s => s.Key.Contains(userId)), $"{where}: state is still there");
                Assert.False(await db.Set<Subscription>().AnyAsync(s => s.UserId == userId), $"{where}: subscriptions are still there");
                Assert.False(await db.Unanswered.AnyAsync(q => q.UserId == userId), $"{where}: queue items still name the user");
                break;
            default:
                throw new InvalidOperationException($"{where}: unknown check");
        }
    }

    private static string Show(IReadOnlyList<BotHost.Reply> replies) => "[" + string.Join(" ‖ ", replies.Select(r => r.Text)) + "]";
}
