using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace Bot.Web.Channels.WebChat;

/// <summary>
/// The web chat's way out for messages the bot starts itself: it cannot be reached while the page is closed, so the
/// message waits in the person's web-chat mailbox (encrypted) and is shown the next time the chat asks; it is then
/// reported delivered. A message left in "sending" by a crash cannot be checked afterwards: reported as uncertain.
/// </summary>
public sealed class WebChatChannelSender(WebChatMailbox mailbox) : IChannelSender
{
    public string Channel => WebChatAdapter.ChannelId;

    public bool CanResolve => false;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, Func<CancellationToken, Task> beforeAttempt, CancellationToken ct)
    {
        try
        {
            await beforeAttempt(ct);
        }
        catch (SendAbandonedException)
        {
            return new SendOutcome.Lost();
        }
        var activity = (Activity)MessageFactory.Text(message.Text);
        activity.Locale = message.Language;
        await mailbox.PutAsync(message.UserId, [activity], ct, message.Reference);
        return new SendOutcome.Sent(message.Reference);
    }

    public Task<SendOutcome> ResolveAsync(OutgoingMessage message, DateTimeOffset sendingAt, CancellationToken ct) =>
        Task.FromResult<SendOutcome>(new SendOutcome.Unknown("interrupted"));
}
