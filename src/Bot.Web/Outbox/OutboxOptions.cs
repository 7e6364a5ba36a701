using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Outbox;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Run the dispatcher in this instance (every instance sharing PostgreSQL may; rows are claimed, never sent twice).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Rows one channel's dispatcher holds claimed at a time (queued in memory, their leases renewed).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Sends in flight at once per channel (the channel's own rate limits still apply).</summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>How long a claim lasts without renewal: after a crash, others take the instance's rows over once it runs out.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Attempts before a retryable failure (rate limit, server error, connection) becomes final.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First wait before a retry; doubled per attempt (up to an hour), with up to 20 % jitter.</summary>
    public double RetryBaseSeconds { get; set; } = 30;

    /// <summary>How often the dispatcher looks for due rows and scheduled announcements when nothing woke it.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>After a WhatsApp send with an unknown outcome (timeout), how long to wait before looking it up in Twilio's message log.</summary>
    public int ResolveAfterSeconds { get; set; } = 30;
}

internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var errors = new OptionErrors(OutboxOptions.Section);
        errors.Require(options.BatchSize is >= 1 and <= 10_000, "BatchSize", "must be between 1 and 10000.");
        errors.Require(options.MaxInFlight is >= 1 and <= 256, "MaxInFlight", "must be between 1 and 256.");
        errors.Require(options.LeaseSeconds is >= 2 and <= 3600, "LeaseSeconds", "must be between 2 and 3600.");
        errors.Require(options.MaxAttempts is >= 1 and <= 50, "MaxAttempts", "must be between 1 and 50.");
        errors.Require(options.RetryBaseSeconds is >= 0.01 and <= 3600, "RetryBaseSeconds", "must be between 0.01 and 3600.");
        errors.Require(options.PollMilliseconds is >= 10 and <= 60_000, "PollMilliseconds", "must be between 10 and 60000.");
        errors.Require(options.ResolveAfterSeconds is >= 0 and <= 3600, "ResolveAfterSeconds", "must be between 0 and 3600.");
        return errors.Result();
    }
}
