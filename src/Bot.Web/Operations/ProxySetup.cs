using System.Net;
using Bot.Web.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Bot.Web.Operations;

public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>
    /// Addresses of the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (client address for the
    /// rate limits, https for secure cookies). Empty: the headers are ignored (no one can fake their address).
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];
}

internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var errors = new OptionErrors(ProxyOptions.Section);
        foreach (var proxy in options.KnownProxies)
        {
            errors.Require(IPAddress.TryParse(proxy, out _), "KnownProxies", $"'{proxy}' is not an IP address.");
        }
        return errors.Result();
    }
}

public static class ProxySetup
{
    public static IServiceCollection AddBotProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ProxyOptions>(ProxyOptions.Section);
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        var proxies = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>()?.KnownProxies ?? [];
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var proxy in proxies) if (IPAddress.TryParse(proxy, out var ip)) o.KnownProxies.Add(ip);
        });
        return services;
    }

    /// <summary>
    /// Believes forwarded headers only from the configured proxies (first in the pipeline). Without any, the middleware
    /// is not used at all: with empty lists it would believe every sender.
    /// </summary>
    public static WebApplication UseBotProxy(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.KnownProxies.Count > 0) app.UseForwardedHeaders();
        return app;
    }
}
