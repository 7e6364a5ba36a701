using System.Diagnostics.Metrics;
using System.Net;
using Bot.Web.Data;
using Bot.Web.Localization;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// The per-sender message limit of the channels behind the inbox (Telegram, WhatsApp): redeliveries of one update use
/// none of the allowance; the messages over it are dropped, logged without a number or a word of them, counted, and
/// the person is told once per flood, in their language, to slow down.
/// </summary>
public sealed class FloodTests : InboundTestHost
{
    public FloodTests()
    {
        Settings["RateLimits:MessagesPerSenderPerMinute"] = "6"; // one more every 10 s
        Settings["RateLimits:SenderBurst"] = "3";
    }

    private string SlowDown(string language) => Host.Services.GetRequiredService<BotContent>().Texts.Get(language, TextKeys.FloodSlowDown);

    [Fact]
    public async Task The_same_update_delivered_twenty_times_uses_one_message_of_the_allowance()
    {
        const long chat = 71001;
        var update = Webhooks.TelegramText(710001, chat, "merhaba");
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(Host.Client, update));
        await Telegram.WaitForAsync(api => api.Sent("sendMessage", chat).Count > 0);
        // The first turn is over (it may say more than one thing): what follows is the second message's answer.
        Assert.True(await Webhooks.TurnsOverAsync(Host.Services, rows: 1), "the first turn did not end");
        var before = Telegram.Sent("sendMessage", chat).Count;

        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(Host.Client, Webhooks.TelegramText(710002, chat, "çalışma izni için hangi belgeler gerekiyor")));
        await Telegram.WaitForAsync(api => api.Sent("sendMessage", chat).Count > before);
        Assert.True(await Webhooks.TurnsOverAsync(Host.Services, rows: 2), "the second turn did not end");
        Assert.Contains(Telegram.Sent("sendMessage", chat).Skip(before), m => m.GetProperty("text").GetString()!.Contains("belge", StringComparison.OrdinalIgnoreCase));
        var rows = await InboxAsync();
        Assert.Equal(2, rows.Count);
        Assert.DoesNotContain(rows, r => r.Status == InboundStatus.Dropped);
    }

    [Fact]
    public async Task A_Telegram_flood_is_dropped_beyond_the_burst_and_the_person_is_told_once_in_their_language()
    {
        const long chat = 72001;
        using var dropped = new DropCounter("telegram");
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(Host.Client, Webhooks.TelegramText(720001 + i, chat, "مرحبا " + i, language: "ar")));
        }
        var notice = SlowDown(Language.Arabic);
        await Telegram.WaitForAsync(api => api.Sent("sendMessage", chat).Any(m => m.GetProperty("text").GetString() == notice));
        // More while the flood goes on: dropped as well, and not told again.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(Host.Client, Webhooks.TelegramText(720101 + i, chat, "مرحبا " + i, language: "ar")));
        }
        // All 17 stored and no turn waiting or running: what the bot will ever say about them has been sent.
        Assert.True(await Webhooks.TurnsOverAsync(Host.Services, rows: 17), "turns still running after the flood");

        var texts = Telegram.Sent("sendMessage", chat).Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Single(texts, t => t == notice);
        Assert.Equal(notice, texts[^1]); // after the answers to the messages let through
        var rows = (await InboxAsync()).Where(r => r.ExternalId.StartsWith("7201", StringComparison.Ordinal) || r.ExternalId.StartsWith("7200", StringComparison.Ordinal)).ToList();
        Assert.Equal(17, rows.Count);
        var answered = rows.Count(r => r.Status == InboundStatus.Handled) - 1; // one handled row is the notice's
        Assert.InRange(answered, 3, 5); // the burst (and what refilled meanwhile)
        Assert.Equal(17 - answered - 1, rows.Count(r => r.Status == InboundStatus.Dropped));
        Assert.All(rows, r => Assert.Null(r.Payload));
        Assert.True(dropped.Count >= 17 - answered, $"segbot.inbound.dropped counted {dropped.Count}");

        var lines = Logs.Entries.Where(e => e.Message.Contains("over the message rate limit", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(17 - answered, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.DoesNotContain("72001", l, StringComparison.Ordinal); // no chat id
            Assert.DoesNotContain("مرحبا", l, StringComparison.Ordinal); // no text
        });
    }

    [Fact]
    public async Task A_WhatsApp_flood_is_told_once_to_slow_down_in_Turkish()
    {
        const string phone = "+905320007301";
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(Host.Client, Webhooks.WhatsAppText(Webhooks.Sid(730001 + i), phone, "merhaba, kurs var mı " + i)));
        }
        var notice = SlowDown(Language.Turkish);
        await Twilio.WaitForAsync(api => api.Delivered(phone).Any(m => m.Body == notice));
        // All 10 stored and no turn waiting or running: a second notice would have been sent by now.
        Assert.True(await Webhooks.TurnsOverAsync(Host.Services, rows: 10), "turns still running after the flood");
        Assert.Single(Twilio.Delivered(phone), m => m.Body == notice);
        Assert.All(Logs.Entries.Where(e => e.Message.Contains("over the message rate limit", StringComparison.Ordinal)),
            e => Assert.DoesNotContain("5320007301", e.Message, StringComparison.Ordinal));
    }

    /// <summary>Counts segbot.inbound.dropped for one channel while the test runs (other tests may add to it too).</summary>
    private sealed class DropCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public DropCounter(string channel)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Bot.Web.Operations.BotMetrics.MeterName && instrument.Name == "segbot.inbound.dropped") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "channel" && (string?)tag.Value == channel) Interlocked.Add(ref _count, value);
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
