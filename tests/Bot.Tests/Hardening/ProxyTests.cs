using System.Net;
using Bot.Tests.Infrastructure;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>Forwarded headers count only from the configured reverse proxy (secure cookies, per-client limits).</summary>
public sealed class ProxyTests
{
    private static async Task<HttpResponseMessage> GetAsync(BotHost host, string path, string? forwardedFor = null, string? proto = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (proto is not null) request.Headers.Add("X-Forwarded-Proto", proto);
        return await host.Client.SendAsync(request);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Https_at_the_proxy_makes_cookies_secure_only_when_the_proxy_is_known(bool proxyKnown, bool secure)
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: proxyKnown ? new Dictionary<string, string?> { ["Proxy:KnownProxies:0"] = "127.0.0.1" } : null);
        using var response = await GetAsync(host, "/staff/login", "203.0.113.7", "https");
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("seg_staff_csrf", StringComparison.Ordinal));
        Assert.Equal(secure, cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Behind_the_known_proxy_each_client_address_has_its_own_limit_and_a_forged_header_from_elsewhere_counts_for_nothing()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?>
        {
            ["Proxy:KnownProxies:0"] = "127.0.0.1", ["RateLimits:WebChatPerIpPerMinute"] = "2",
        });
        var a = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) a.Add((await GetAsync(host, "/api/webchat/messages?userId=" + BotHost.WebChatId("x"), "203.0.113.7")).StatusCode);
        var b = (await GetAsync(host, "/api/webchat/messages?userId=" + BotHost.WebChatId("y"), "198.51.100.9")).StatusCode;
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], a);
        Assert.Equal(HttpStatusCode.OK, b);

        using var direct = new TempFolder();
        await using var unproxied = await BotHost.StartSqliteAsync(direct.Path, extra: new Dictionary<string, string?> { ["RateLimits:WebChatPerIpPerMinute"] = "2" });
        var c = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) c.Add((await GetAsync(unproxied, "/api/webchat/messages?userId=" + BotHost.WebChatId("z"), "192.0.2." + i)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, c[2]); // changing X-Forwarded-For does not escape the limit
    }
}
