using Microsoft.Bot.Schema;

namespace Bot.Web.Channels.WhatsApp;

/// <summary>
/// The approved template a message falls back to when its recipient is outside the 24-hour customer-service window:
/// an announcement type (its ContentSid per language comes from Twilio:Templates) and the template's variables.
/// Attach it to a message that may go out late (an announcement, a staff answer); inside the window the message's
/// own text is sent instead.
/// </summary>
public sealed class WhatsAppTemplate
{
    public const string ContentType = "application/vnd.seg.whatsapp-template";
    public const string CourseAnnouncement = MessageTemplates.CourseAnnouncement;
    public const string StaffAnswer = MessageTemplates.StaffAnswer;

    public string Type { get; set; } = "";

    /// <summary>Placeholder number ("1", "2"…) → value; sent as ContentVariables.</summary>
    public Dictionary<string, string> Variables { get; set; } = [];

    public static void Attach(IMessageActivity activity, string type, IDictionary<string, string> variables)
    {
        activity.Attachments ??= [];
        activity.Attachments.Add(new Attachment { ContentType = ContentType, Content = new WhatsAppTemplate { Type = type, Variables = new(variables) } });
    }

    public static WhatsAppTemplate? From(IMessageActivity activity) =>
        activity.Attachments?.FirstOrDefault(a => a.ContentType == ContentType)?.Content as WhatsAppTemplate;
}

/// <summary>Free text to someone outside the 24-hour window, with no template to fall back to: refused before Twilio's 63016.</summary>
public sealed class OutsideServiceWindowException(DateTimeOffset lastInbound)
    : Exception("The recipient wrote last more than 24 hours ago: WhatsApp only accepts an approved template now. Attach a WhatsAppTemplate.")
{
    public DateTimeOffset LastInbound { get; } = lastInbound;
}

/// <summary>The day's budget of recipients reached outside their window (Twilio:DailyBusinessInitiatedLimit) is spent.</summary>
public sealed class BusinessInitiatedLimitException(DateTimeOffset retryAt)
    : Exception($"The daily budget of business-initiated WhatsApp conversations is spent; it frees up at {retryAt:u}.")
{
    public DateTimeOffset RetryAt { get; } = retryAt;
}

/// <summary>A message Twilio refuses for what it is (no template configured, body too long, unknown sender…): retrying cannot help.</summary>
public sealed class MessageRejectedException(string message, Exception? inner = null) : Exception(message, inner);
