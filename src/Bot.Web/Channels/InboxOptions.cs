using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Channels;

/// <summary>The inbox that runs the turns of received channel updates (<see cref="ChannelInbox"/>).</summary>
public sealed class InboxOptions
{
    public const string Section = "Inbox";

    /// <summary>Senders whose turns run at once in this instance (turns mostly wait on the database and channel APIs).</summary>
    public int Parallelism { get; set; } = 32;

    /// <summary>
    /// How long a claimed turn is held without renewal (renewed every third of it while the turn runs). After a crash on
    /// PostgreSQL, another instance marks the cut turn interrupted once it runs out; on SQLite that happens at start.
    /// </summary>
    public int LeaseSeconds { get; set; } = 30;
}

internal sealed class InboxOptionsValidator : IValidateOptions<InboxOptions>
{
    public ValidateOptionsResult Validate(string? name, InboxOptions options)
    {
        var errors = new OptionErrors(InboxOptions.Section);
        errors.Require(options.Parallelism is >= 1 and <= 1024, "Parallelism", "must be between 1 and 1024.");
        errors.Require(options.LeaseSeconds is >= 3 and <= 3600, "LeaseSeconds", "must be between 3 and 3600.");
        return errors.Result();
    }
}
