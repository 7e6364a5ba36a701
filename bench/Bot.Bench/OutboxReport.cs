using System.Diagnostics;
using Bot.Web.Channels.Telegram;
using Bot.Web.Outbox;

namespace Bot.Bench;

/// <summary>What the outbox benchmarks print: the figures the README quotes.</summary>
public static class Report
{
    public static void Broadcast(List<OutboxBench.Sample> samples, int total, OutboxBench.World world)
    {
        var last = samples[^1];
        Console.WriteLine($"{last.Done}/{total} sent in {last.At.TotalSeconds:0} s: {last.Done / last.At.TotalSeconds:0} messages/s overall;"
            + $" Telegram {TelegramRate(world):0}/s, WhatsApp {WhatsAppRate(world):0}/s; publishing {world.PublishTime.TotalSeconds:0.0} s;"
            + $" app CPU {last.CpuSeconds * 1000 / Math.Max(1, last.Done):0.0} ms per message");
        Console.WriteLine("| progress | messages/s in this tenth | app RSS (MB) |");
        Console.WriteLine("|---|---|---|");
        var previous = new OutboxBench.Sample(TimeSpan.Zero, 0, [0], 0, 0);
        for (var tenth = 1; tenth <= 10; tenth++)
        {
            var at = samples.FirstOrDefault(s => s.Done >= total * tenth / 10) ?? last;
            var rate = (at.Done - previous.Done) / Math.Max(0.001, (at.At - previous.At).TotalSeconds);
            Console.WriteLine($"| {tenth * 10} % | {rate:0} | {at.RssMb[0]:0} |");
            previous = at;
        }
        Console.WriteLine($"peak RSS {samples.Max(s => s.RssMb[0]):0} MB");
    }

    public static void Realistic(OutboxBench.World world, int telegram, int whatsApp)
    {
        var (t, w) = (TelegramRate(world), WhatsAppRate(world));
        Console.WriteLine("| channel | messages | configured /s | achieved /s | achieved / configured | 429 answered by the fake |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| Telegram | {world.Telegram.Received.Count}/{telegram} | 30 | {t:0.00} | {t / 30:P1} | {world.Telegram.Limit!.Refused} |");
        Console.WriteLine($"| WhatsApp | {world.Twilio.Delivered().Count}/{whatsApp} | 10 | {w:0.00} | {w / 10:P1} | {world.Twilio.Limit!.Refused} |");
    }

    public static void TwoInstances(List<OutboxBench.Sample> samples, OutboxBench.World world, int rows)
    {
        var telegram = world.Telegram.Received.ToList();
        var whatsApp = world.Twilio.Delivered().Select(m => m.Fields["To"]).ToList();
        var twice = (telegram.Count - telegram.Distinct().Count()) + (whatsApp.Count - whatsApp.Distinct().Count());
        var last = samples[^1];
        Console.WriteLine($"{last.Done}/{rows} rows done in {last.At.TotalSeconds:0} s by {last.Claimers} dispatcher instances seen holding rows;"
            + $" received {telegram.Count + whatsApp.Count}, distinct recipients {telegram.Distinct().Count() + whatsApp.Distinct().Count()}, duplicates {twice};"
            + $" peak RSS {string.Join(" / ", Enumerable.Range(0, last.RssMb.Count).Select(i => samples.Max(s => s.RssMb[i]).ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} MB");
    }

    public static void CrashRound(int round, (int Telegram, int WhatsApp) killed, OutboxBench.World world, int perChannel,
        Dictionary<(string Channel, OutboxStatus Status), int> counts)
    {
        var telegram = world.Telegram.Received.ToList();
        var whatsApp = world.Twilio.Delivered().Select(m => m.Fields["To"]).ToList();
        var notReceived = perChannel - telegram.Distinct().Count();
        var uncertain = counts.GetValueOrDefault((TelegramAdapter.ChannelId, OutboxStatus.Ambiguous));
        var settled = counts.Where(c => c.Key.Channel == TelegramAdapter.ChannelId && c.Key.Status is OutboxStatus.Sent or OutboxStatus.Delivered or OutboxStatus.Read or OutboxStatus.Ambiguous).Sum(c => c.Value);
        // Silently lost: a recipient who got nothing while no uncertain row accounts for it (a row is "sent" only when
        // Telegram answered OK, so every row not received must be among the uncertain ones, reported to staff).
        Console.WriteLine($"| {round} | {killed.Telegram} / {killed.WhatsApp} | {notReceived} | {uncertain} | {Math.Max(0, notReceived - uncertain)} | {perChannel - settled}"
            + $" | {telegram.Count - telegram.Distinct().Count()} | {perChannel - whatsApp.Distinct().Count()} | {whatsApp.Count - whatsApp.Distinct().Count()} |");
    }

    private static double TelegramRate(OutboxBench.World world)
    {
        var (first, last) = world.Telegram.ReceivedTimes;
        var seconds = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        return seconds > 0 ? (world.Telegram.Received.Count - 1) / seconds : 0;
    }

    private static double WhatsAppRate(OutboxBench.World world)
    {
        var sent = world.Twilio.Delivered();
        if (sent.Count < 2) return 0;
        var seconds = (sent.Max(m => m.CreatedAt) - sent.Min(m => m.CreatedAt)).TotalSeconds;
        return seconds > 0 ? (sent.Count - 1) / seconds : 0;
    }
}
