namespace Bot.Web.Channels.WebChat;

/// <summary>
/// A message for a web chat user that the bot sends on its own (a staff answer): the web chat has no push, so it waits
/// here until the browser asks (its next message, or the page's periodic check), then it is deleted.
/// </summary>
public sealed class WebChatMail
{
    public long Id { get; set; }
    public required string UserId { get; set; }

    /// <summary>The message as JSON (text, locale, buttons), protected with Data Protection.</summary>
    public required string ProtectedActivity { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
