using System.Net;
using System.Text;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.Telegram;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.Telegram;

public sealed class TelegramUserStateTests : TelegramTestHost
{
    private async Task PostFixtureAsync(string fixture) => Assert.Equal(HttpStatusCode.OK, await PostAsync(Fixture(fixture)));

    private async Task<BotUser?> UserAsync(long chat)
    {
        var id = await Host.Services.GetRequiredService<Bot.Web.Privacy.UserDirectory>().IdOfAsync(TelegramAdapter.ChannelId, chat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        return await db.BotUsers.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id);
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        await Infrastructure.Eventually.WaitAsync(async () => done(value = await read()), seconds: 10);
        return value;
    }

    [Fact]
    public async Task Blocking_the_bot_pauses_delivery_and_unblocking_resumes_it()
    {
        await PostFixtureAsync("blocked.json");
        var blocked = await Eventually(() => UserAsync(1010), u => u?.UnreachableSince is not null);
        Assert.NotNull(blocked?.UnreachableSince);
        await PostFixtureAsync("unblocked.json");
        var unblocked = await Eventually(() => UserAsync(1010), u => u?.UnreachableSince is null);
        Assert.Null(unblocked!.UnreachableSince);
        Assert.Empty(Api.Sent("sendMessage", 1010)); // membership changes are not conversations
    }

    [Fact]
    public async Task Stop_stops_all_announcements_and_confirms_in_the_users_language()
    {
        await PostFixtureAsync("stop.json");
        await Api.WaitForAsync(api => api.Sent("sendMessage", 1012).Count > 0);
        Assert.StartsWith("Tamam, artık size duyuru göndermeyeceğiz", Api.Sent("sendMessage", 1012)[^1].GetProperty("text").GetString(), StringComparison.Ordinal);
        var user = await Eventually(() => UserAsync(1012), u => u?.AnnouncementsStoppedAt is not null);
        Assert.NotNull(user!.AnnouncementsStoppedAt);
    }

    [Fact]
    public async Task The_bot_token_and_chat_ids_never_reach_theLogs()
    {
        await PostFixtureAsync("stop.json");
        await Api.WaitForAsync(api => api.Sent("sendMessage", 1012).Count > 0);
        Assert.NotEmpty(Logs.Entries);
        Assert.All(Logs.Entries, e =>
        {
            Assert.DoesNotContain("TESTTOKEN", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeTelegramApi.Token, e.Exception?.ToString() ?? "", StringComparison.Ordinal);
        });
        Assert.All(Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information),
            e => Assert.DoesNotContain("1012", e.Message, StringComparison.Ordinal));
    }
}
