namespace Bot.Web;

/// <summary>
/// Every options class bound from configuration, with its section. Program registers them from this list,
/// and a test binds appsettings.example.json against it, so the example cannot drift from the code.
/// </summary>
public static class OptionsRegistry
{
    public static readonly IReadOnlyList<(string Section, Type Type)> All =
    [
        (Data.DatabaseOptions.Section, typeof(Data.DatabaseOptions)),
        (Privacy.SecurityOptions.Section, typeof(Privacy.SecurityOptions)),
        (Privacy.DataProtectionSettings.Section, typeof(Privacy.DataProtectionSettings)),
        (Localization.ContentOptions.Section, typeof(Localization.ContentOptions)),
        (Bot.Web.State.ConversationOptions.Section, typeof(Bot.Web.State.ConversationOptions)),
        (Knowledge.KnowledgeOptions.Section, typeof(Knowledge.KnowledgeOptions)),
        (Knowledge.CentresOptions.Section, typeof(Knowledge.CentresOptions)),
        (Channels.Telegram.TelegramOptions.Section, typeof(Channels.Telegram.TelegramOptions)),
        (Channels.WhatsApp.TwilioOptions.Section, typeof(Channels.WhatsApp.TwilioOptions)),
        (Access.StaffOptions.Section, typeof(Access.StaffOptions)),
        (Feedback.FeedbackOptions.Section, typeof(Feedback.FeedbackOptions)),
        (Operations.RateLimitOptions.Section, typeof(Operations.RateLimitOptions)),
        (Operations.MetricsOptions.Section, typeof(Operations.MetricsOptions)),
        (Operations.ProxyOptions.Section, typeof(Operations.ProxyOptions)),
        (Channels.InboxOptions.Section, typeof(Channels.InboxOptions)),
        (Outbox.OutboxOptions.Section, typeof(Outbox.OutboxOptions)),
    ];
}
