namespace Bot.Web.Channels;

/// <summary>Values a channel puts in place of the person's words (Telegram's /stop, WhatsApp's STOP and START): the bot obeys them in any language.</summary>
public static class BotCommands
{
    /// <summary>Stop all announcements to this user (Telegram /stop; the WhatsApp opt-out words).</summary>
    public const string StopAnnouncements = "announcements:stop";

    /// <summary>Resume announcements after a stop (the WhatsApp opt-in words: START, BAŞLA, ابدأ…).</summary>
    public const string ResumeAnnouncements = "announcements:resume";

    /// <summary>True for a value a channel put in place of the user's words; the bot obeys it in any language.</summary>
    public static bool IsCommand(string? input) => input is StopAnnouncements or ResumeAnnouncements;
}
