using System.Collections.Concurrent;
using System.Net;
using Bot.Tests.Outbox;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>
/// The real host with both channels against the fake APIs (<see cref="OutboxTestHost"/>), and short conversations
/// to drive through it: what a user says, and the replies they get when nothing fails (the control).
/// </summary>
public abstract class ChannelFaultHost : OutboxTestHost
{
    protected static readonly string[] TelegramScript = ["/start", "çalışma izni için hangi belgeler gerekiyor"];
    protected static readonly string[] WhatsAppScript = ["merhaba", "çalışma izni için hangi belgeler gerekiyor"];
    private long _update = 700_000;
    private int _sid = 700_000;

    protected ChannelFaultHost()
    {
        // The faults a test injects land on whichever sends come next, several possibly on one message: room enough in
        // the retry budget for all of them on one send, so that every failure here is one the product must survive.
        Settings["Telegram:MaxSendAttempts"] = "8";
        Settings["Twilio:MaxSendAttempts"] = "8";
    }

    /// <summary>The replies a Telegram user gets to the script when nothing fails.</summary>
    protected async Task<IReadOnlyList<string>> TelegramControlAsync(long chat)
    {
        await TelegramConversationAsync(chat, TelegramScript);
        Assert.True(await Webhooks.WaitAsync(AllHandledAsync));
        var expected = Telegram.TextsTo(chat);
        Assert.True(expected.Count >= 3, $"the script made {expected.Count} replies");
        return expected;
    }

    protected async Task<IReadOnlyList<string>> WhatsAppControlAsync(string phone)
    {
        await WhatsAppConversationAsync(phone, WhatsAppScript);
        Assert.True(await Webhooks.WaitAsync(AllHandledAsync));
        var expected = Twilio.Delivered(phone).Select(m => m.Body ?? "").ToList();
        Assert.True(expected.Count >= 2, $"the script made {expected.Count} replies");
        return expected;
    }

    protected async Task TelegramConversationAsync(long chat, IEnumerable<string> script)
    {
        foreach (var text in script) await TelegramSaysAsync(chat, text);
    }

    protected async Task WhatsAppConversationAsync(string phone, IEnumerable<string> script)
    {
        foreach (var text in script) await WhatsAppSaysAsync(phone, text);
    }

    protected async Task TelegramSaysAsync(long chat, string text) =>
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostTelegramAsync(Host.Client, NextTelegramText(chat, text)));

    protected async Task WhatsAppSaysAsync(string phone, string text) =>
        Assert.Equal(HttpStatusCode.OK, await Webhooks.PostWhatsAppAsync(Host.Client, NextWhatsAppText(phone, text)));

    /// <summary>A Telegram update with the next update_id.</summary>
    protected string NextTelegramText(long chat, string text) => Webhooks.TelegramText(Interlocked.Increment(ref _update), chat, text);

    /// <summary>A Twilio inbound form with the next MessageSid.</summary>
    protected Dictionary<string, string> NextWhatsAppText(string phone, string text) => Webhooks.WhatsAppText(Webhooks.Sid(Interlocked.Increment(ref _sid)), phone, text);

    protected void FailTelegram(int status, string body) =>
        Telegram.Failures.GetOrAdd("sendMessage", _ => new ConcurrentQueue<(int, string)>()).Enqueue((status, body));

    protected async Task<bool> AllHandledAsync()
    {
        await using var db = await Db();
        return await db.Inbound.AllAsync(u => u.Status == InboundStatus.Handled);
    }
}
