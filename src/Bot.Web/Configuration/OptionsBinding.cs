using Microsoft.Extensions.Options;

namespace Bot.Web.Configuration;

/// <summary>Registers options classes: strictly bound and validated at start-up.</summary>
public static class OptionsBinding
{
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
