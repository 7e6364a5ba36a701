using Microsoft.Extensions.Options;

namespace Bot.Web.Configuration;

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
        (Conversation.ConversationOptions.Section, typeof(Conversation.ConversationOptions)),
        (Knowledge.KnowledgeOptions.Section, typeof(Knowledge.KnowledgeOptions)),
        (Knowledge.CentresOptions.Section, typeof(Knowledge.CentresOptions)),
        (Channels.Telegram.TelegramOptions.Section, typeof(Channels.Telegram.TelegramOptions)),
        (Channels.WhatsApp.TwilioOptions.Section, typeof(Channels.WhatsApp.TwilioOptions)),
        (Staff.StaffOptions.Section, typeof(Staff.StaffOptions)),
        (Feedback.FeedbackOptions.Section, typeof(Feedback.FeedbackOptions)),
        (Operations.RateLimitOptions.Section, typeof(Operations.RateLimitOptions)),
        (Operations.MetricsOptions.Section, typeof(Operations.MetricsOptions)),
        (Operations.ProxyOptions.Section, typeof(Operations.ProxyOptions)),
        (Channels.InboxOptions.Section, typeof(Channels.InboxOptions)),
        (Outbox.OutboxOptions.Section, typeof(Outbox.OutboxOptions)),
    ];

    /// <summary>Binds a section strictly (an unknown key is an error naming it) and validates it at start-up.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        return services.AddOptions<T>()
            .BindConfiguration(section, o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
    }
}

/// <summary>Collects validation failures that name the configuration key they concern.</summary>
public sealed class OptionErrors(string section)
{
    private readonly List<string> _errors = [];

    public void Add(string key, string message) => _errors.Add($"{section}:{key} {message}");

    public void Require(bool condition, string key, string message)
    {
        if (!condition) Add(key, message);
    }

    public ValidateOptionsResult Result() =>
        _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);
}
