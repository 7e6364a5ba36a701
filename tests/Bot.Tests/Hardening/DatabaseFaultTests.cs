using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// SQLite busy: another connection holds the write lock on the bot's file for a few seconds (a backup, a migration, an
/// operator's sqlite3 session) while users write on both channels. Every webhook is either accepted or answered with a
/// status Telegram and Twilio retry (then redelivered, as they would); none is lost, and each is answered exactly once
/// after the lock is released.
/// </summary>
public sealed class DatabaseFaultTests : ChannelFaultHost
{
    [Fact]
    public async Task Webhooks_arriving_while_another_connection_holds_the_SQLite_write_lock_are_answered_once_after_it_is_released()
    {
        var expectedTelegram = await TelegramControlAsync(4300);
        var expectedWhatsApp = await WhatsAppControlAsync("+905330000300");
        long[] chats = [4301, 4302, 4303, 4304];
        string[] phones = ["+905330000301", "+905330000302", "+905330000303"];
        var telegramBodies = chats.Select(c => (Chat: c, Bodies: TelegramScript.Select(t => NextTelegramText(c, t)).ToList())).ToList();
        var whatsAppForms = phones.Select(p => (Phone: p, Forms: WhatsAppScript.Select(t => NextWhatsAppText(p, t)).ToList())).ToList();

        await using (var locker = new SqliteConnection($"Data Source={Path.Combine(Data.Path, "bot.db")};Pooling=false"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;"; // the write lock, held until the rollback below
                await begin.ExecuteNonQueryAsync();
            }
            // Each user's messages in order, as the channels deliver them; all users at once, while the lock is held.
            var deliveries = telegramBodies.Select(u => DeliverInOrderAsync(u.Bodies, b => Webhooks.PostTelegramAsync(Host.Client, b)))
                .Concat(whatsAppForms.Select(u => DeliverInOrderAsync(u.Forms, f => Webhooks.PostWhatsAppAsync(Host.Client, f))))
                .ToList();
            // Meanwhile a bot on another database file (another test, a tool) is not held up by this file's lock.
            using var otherData = new TempFolder();
            await using (var other = await BotHost.StartSqliteAsync(otherData.Path))
            {
                var answer = await other.SayAsync("web-other-file", "çalışma izni için hangi belgeler gerekiyor");
                Assert.NotEmpty(answer);
                Assert.Equal(0, SqliteWriteGate.Instance.TimedOut(Path.Combine(otherData.Path, "bot.db")));
            }
            await Task.Delay(TimeSpan.FromSeconds(3)); // the fault itself: the lock is held this long
            Assert.DoesNotContain(Telegram.Accepted, a => chats.Contains(a.Chat)); // the lock is real: nothing was processed meanwhile
            // Writers queued behind the stuck one do not wait forever: they are let through to SQLite's own busy
            // handling after a second, and the operator is told why the bot is slow (a warning, the file's name only).
            Assert.True(SqliteWriteGate.Instance.TimedOut(Path.Combine(Data.Path, "bot.db")) > 0);
            Assert.Contains(Logs.Entries, e => e.Level == LogLevel.Warning && e.Category.EndsWith(nameof(SqliteWriteGate), StringComparison.Ordinal)
                && e.Message.Contains("bot.db", StringComparison.Ordinal) && !e.Message.Contains(Data.Path, StringComparison.Ordinal));
            await using (var rollback = locker.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                await rollback.ExecuteNonQueryAsync();
            }
            await Task.WhenAll(deliveries);
        }

        Assert.True(await Webhooks.WaitAsync(AllHandledAsync), "turns still running 30 s after the lock was released");
        Assert.All(chats, chat => Assert.Equal(expectedTelegram, Telegram.TextsTo(chat)));
        Assert.All(phones, phone => Assert.Equal(expectedWhatsApp, Twilio.Delivered(phone).Select(m => m.Body ?? "").ToList()));
    }

    /// <summary>
    /// Posts each payload until it is accepted (200), the way Telegram and Twilio redeliver a webhook answered with an
    /// error; any other answer than 200 must be one they retry (5xx, 429), since anything else drops the message.
    /// </summary>
    private static async Task DeliverInOrderAsync<T>(IEnumerable<T> payloads, Func<T, Task<HttpStatusCode>> post)
    {
        foreach (var payload in payloads)
        {
            for (var attempt = 1; ; attempt++)
            {
                var status = await post(payload);
                if (status == HttpStatusCode.OK) break;
                Assert.True((int)status >= 500 || status == HttpStatusCode.TooManyRequests, $"answered {(int)status}: the channel would not redeliver");
                Assert.True(attempt < 20, "still refused after 20 redeliveries");
                await Task.Delay(500); // deliberate: the pace at which the channel redelivers, not a wait for state
            }
        }
    }
}
