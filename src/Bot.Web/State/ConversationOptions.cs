using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.State;

public sealed class ConversationOptions
{
    public const string Section = "Conversation";

    /// <summary>Longest inbound text accepted (characters); longer messages are refused with a clear error.</summary>
    public int MaxTextLength { get; set; } = 4096;

    /// <summary>For how long after an answer a short question ("ne kadar?", "وين؟") is read as a follow-up to it (minutes; 0: never).</summary>
    public int FollowUpMinutes { get; set; } = 10;

    /// <summary>
    /// For how long a centre named in the conversation ("hatay merkez adresi") is used for the next answers and dialogs
    /// when the person has not let the bot store it in their profile (hours of silence; 0: not at all).
    /// </summary>
    public int CentreMemoryHours { get; set; } = 24;
}

internal sealed class ConversationOptionsValidator : IValidateOptions<ConversationOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationOptions options)
    {
        var errors = new OptionErrors(ConversationOptions.Section);
        errors.Require(options.MaxTextLength is >= 16 and <= 65536, "MaxTextLength", "must be between 16 and 65536.");
        errors.Require(options.FollowUpMinutes is >= 0 and <= 1440, "FollowUpMinutes", "must be between 0 and 1440.");
        errors.Require(options.CentreMemoryHours is >= 0 and <= 720, "CentreMemoryHours", "must be between 0 and 720.");
        return errors.Result();
    }
}
