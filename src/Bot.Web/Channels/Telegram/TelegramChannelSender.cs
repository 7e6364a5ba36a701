using System.Globalization;
using Bot.Web.Privacy;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Bot.Web.Channels.Telegram;

/// <summary>
/// Telegram's way out for messages the bot starts itself: straight through <see cref="TelegramSender"/> (its limits and
/// retries), no turn. The Bot API has no idempotency key and no way to list sent messages, so a send whose outcome is
/// unknown (a timeout, or the process died between "sending" and the answer) is never repeated: at most once,
/// reported as ambiguous.
/// </summary>
public sealed class TelegramChannelSender(ITelegramBotClient client, TelegramSender sender, UserDirectory users, TimeProvider clock) : IChannelSender
{
    public string Channel => TelegramAdapter.ChannelId;

    public bool CanResolve => false;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, Func<CancellationToken, Task> beforeAttempt, CancellationToken ct)
    {
        try
        {
            if (await users.AddressOfAsync(message.UserId, ct) is not { } address) return new SendOutcome.Failed("no-address");
            var chatId = long.Parse(address, CultureInfo.InvariantCulture);
            string? last = null;
            foreach (var part in TelegramMapping.Split(message.Text))
            {
                var sent = await sender.SendAsync(chatId, message.UserId, c => client.SendMessage(chatId, part, cancellationToken: c), ct, beforeAttempt);
                last = sent.Id.ToString(CultureInfo.InvariantCulture);
            }
            return new SendOutcome.Sent(last);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Classify(e);
        }
    }

    public Task<SendOutcome> ResolveAsync(OutgoingMessage message, DateTimeOffset sendingAt, CancellationToken ct) =>
        Task.FromResult<SendOutcome>(new SendOutcome.Unknown("interrupted"));

    private SendOutcome Classify(Exception e) => e switch
    {
        SendAbandonedException => new SendOutcome.Lost(),
        RecipientUnknownException => new SendOutcome.Failed("no-address"),
        _ when SendHooks.NeverLeft(e) => new SendOutcome.Retry("connection"),
        RecipientUnreachableException { InnerException: ApiRequestException { ErrorCode: 403 } } => new SendOutcome.Failed("blocked"),
        RecipientUnreachableException => new SendOutcome.Failed("chat-not-found"),
        ApiRequestException { ErrorCode: 429 } api => new SendOutcome.Retry("rate-limited", clock.GetUtcNow().AddSeconds(Math.Max(1, api.Parameters?.RetryAfter ?? 1))),
        ApiRequestException { ErrorCode: >= 500 } api => new SendOutcome.Retry($"http-{api.ErrorCode}"),
        ApiRequestException api => new SendOutcome.Failed($"rejected-{api.ErrorCode}"),
        _ => new SendOutcome.Unknown("no-answer"),
    };
}
