using Bot.Web.Channels;
using System.Globalization;
using System.Text;
using Bot.Web.Localization;
using Microsoft.Bot.Schema;

namespace Bot.Web.Channels.WhatsApp;

/// <summary>A WhatsApp message as the bot keeps it until its turn has run: only what the turn needs.</summary>
/// <param name="MessageSid">Twilio's id of the message (SM…/MM…), the dedupe key.</param>
/// <param name="Address">The sender's number, <c>+90…</c> (Twilio's From without <c>whatsapp:</c>).</param>
/// <param name="Text">Body, or the payload of a pressed quick-reply button.</param>
/// <param name="MediaTypes">Content types of attached media (the media themselves are not fetched).</param>
public sealed record WhatsAppInbound(string MessageSid, string Address, string Text, IReadOnlyList<string> MediaTypes);

/// <summary>Pure translation between Twilio's form fields and Bot Builder activities, and WhatsApp's text-only rendering.</summary>
public static class WhatsAppMapping
{
    public const int MaxMessageLength = 1600;
    private const string AddressPrefix = "whatsapp:";

    /// <summary>The inbound message in Twilio's webhook form, or null with the reason when required fields are missing.</summary>
    public static WhatsAppInbound? ToInbound(IReadOnlyDictionary<string, string> form, out string? problem)
    {
        var sid = form.GetValueOrDefault("MessageSid") ?? "";
        var from = form.GetValueOrDefault("From") ?? "";
        problem = null;
        if (sid.Length is < 10 or > 64 || !(sid.StartsWith("SM", StringComparison.Ordinal) || sid.StartsWith("MM", StringComparison.Ordinal)))
        {
            problem = "MessageSid is missing or not a Twilio message id.";
        }
        else if (!from.StartsWith(AddressPrefix + "+", StringComparison.Ordinal) || from.Length > AddressPrefix.Length + 16)
        {
            problem = "From is missing or not a WhatsApp address (whatsapp:+…).";
        }
        if (problem is not null) return null;
        var count = int.TryParse(form.GetValueOrDefault("NumMedia"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 0, 10) : 0;
        var media = Enumerable.Range(0, count).Select(i => form.GetValueOrDefault($"MediaContentType{i}") ?? "application/octet-stream").ToList();
        var button = form.GetValueOrDefault("ButtonPayload");
        var text = string.IsNullOrWhiteSpace(button) ? form.GetValueOrDefault("Body") ?? "" : button;
        return new WhatsAppInbound(sid, from[AddressPrefix.Length..], text.Trim(), media);
    }

    public static string ToTwilioAddress(string address) => AddressPrefix + address;

    public static Activity ToActivity(WhatsAppInbound inbound, string userId, DateTimeOffset now) => new()
    {
        Type = ActivityTypes.Message,
        Id = inbound.MessageSid,
        ChannelId = WhatsAppAdapter.ChannelId,
        Conversation = new ConversationAccount(id: userId),
        From = new ChannelAccount(id: userId),
        Recipient = new ChannelAccount(id: "bot"),
        Text = inbound.Text,
        Timestamp = now,
        // Only what the media are, never where: Twilio's media URLs need the account's credentials and hold personal data.
        Attachments = inbound.MediaTypes.Select(t => new Attachment { ContentType = t }).ToList(),
    };

    /// <summary>
    /// A message as WhatsApp text: its suggested actions become a numbered list under a hint ("1. …"), which the
    /// user answers with the number (<see cref="ResolveChoice"/>).
    /// </summary>
    public static string Render(IMessageActivity activity, string hint)
    {
        var text = activity.Text ?? "";
        var choices = Choices(activity);
        if (choices.Count == 0) return text;
        var sb = new StringBuilder(text.TrimEnd());
        if (sb.Length > 0) sb.Append("\n\n");
        sb.Append(hint).Append(':');
        for (var i = 0; i < choices.Count; i++) sb.Append('\n').Append(i + 1).Append(". ").Append(choices[i].Title);
        return sb.ToString();
    }

    /// <summary>The hint above a numbered list: in the message's language, or in every language for a message written in all of them.</summary>
    public static string Hint(IActivity activity, string language, Localization.TextCatalog texts) =>
        Localization.Language.IsInAllLanguages(activity)
            ? AllHints(texts)
            : texts.Get(language, Localization.TextKeys.ChoiceHint);

    /// <summary>The hint in every language, as one line.</summary>
    public static string AllHints(Localization.TextCatalog texts) =>
        string.Join(" / ", Localization.Language.All.Select(l => texts.Get(l, Localization.TextKeys.ChoiceHint)));

    /// <summary>The suggested actions of a message, in order, as (title, value) choices.</summary>
    public static List<NumberedChoice> Choices(IMessageActivity activity) =>
        activity.SuggestedActions?.Actions?
            .Select(a => new NumberedChoice { Title = a.Title ?? "", Value = a.Value?.ToString() ?? a.Title ?? "" })
            .Where(c => c.Value.Length > 0)
            .ToList() ?? [];

    /// <summary>
    /// The value of the choice a reply picks: its number in any digits the user may type (1, ١, ۱) with optional
    /// punctuation ("2.", "(3)"), or the choice's own text; null when the reply is not a choice.
    /// </summary>
    public static string? ResolveChoice(string text, IReadOnlyList<NumberedChoice> choices)
    {
        if (choices.Count == 0) return null;
        if (ChoiceNumber.Parse(text) is { } n) return n >= 1 && n <= choices.Count ? choices[n - 1].Value : null;
        var folded = OptOutWords.Normalize(text);
        return folded.Length == 0 ? null : choices.FirstOrDefault(c => OptOutWords.Normalize(c.Title) == folded)?.Value;
    }

    /// <summary>Splits a text into WhatsApp messages of at most 1,600 characters.</summary>
    public static IReadOnlyList<string> Split(string text) => TextSplitter.Split(text, MaxMessageLength);
}
