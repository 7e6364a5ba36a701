using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Access;

public sealed class StaffOptions
{
    public const string Section = "Staff";

    /// <summary>A staff session without activity for this long is signed out (sliding cookie expiry).</summary>
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>Wrong passwords in a row before the account is locked for <see cref="LockoutMinutes"/>.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>The time zone "today" is counted in on the dashboard (IANA id).</summary>
    public string TimeZone { get; set; } = "Europe/Istanbul";
}

internal sealed class StaffOptionsValidator : IValidateOptions<StaffOptions>
{
    public ValidateOptionsResult Validate(string? name, StaffOptions options)
    {
        var errors = new OptionErrors(StaffOptions.Section);
        errors.Require(options.IdleTimeoutMinutes is >= 1 and <= 24 * 60, "IdleTimeoutMinutes", "must be between 1 and 1440.");
        errors.Require(options.MaxFailedSignIns is >= 1 and <= 100, "MaxFailedSignIns", "must be between 1 and 100.");
        errors.Require(options.LockoutMinutes is >= 1 and <= 24 * 60, "LockoutMinutes", "must be between 1 and 1440.");
        errors.Require(TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _), "TimeZone", $"'{options.TimeZone}' is not a known time zone id.");
        return errors.Result();
    }
}
