using System.Net;
using Bot.Tests.Infrastructure;
using Xunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Staff;

/// <summary>
/// Every staff route has a policy: enumerated from the app's own endpoint table, so a new page or API endpoint
/// without one fails here. Anonymous requests to each are refused over real HTTP; forms need the anti-forgery token.
/// </summary>
public sealed class StaffAuthorizationTests : IAsyncLifetime
{
    /// <summary>The only staff routes anyone may open: signing in, the "no access" page and the language switch.</summary>
    private static readonly string[] Anonymous = ["staff/login", "staff/denied", "staff/lang"];

    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    private IReadOnlyList<RouteEndpoint> StaffEndpoints() => _host.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText is { } raw && (raw.TrimStart('/').StartsWith("staff", StringComparison.Ordinal)
            || raw.TrimStart('/').StartsWith("api/staff", StringComparison.Ordinal)))
        .ToList();

    [Fact]
    public void Every_staff_endpoint_has_an_authorization_policy_unless_it_is_listed_as_public()
    {
        var endpoints = StaffEndpoints();
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} staff endpoints found");
        var missing = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText!.TrimStart('/');
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null).ToList();
            if (Anonymous.Contains(route))
            {
                Assert.True(anonymous, $"{route} should be open to anonymous users");
                continue;
            }
            if (anonymous || policies.Count == 0) missing.Add(route);
            if (route.StartsWith("api/", StringComparison.Ordinal))
            {
                Assert.True(policies.All(p => p!.EndsWith("-api", StringComparison.Ordinal)), $"{route} must use an API-key policy, not the cookie");
            }
            if (route.StartsWith("staff/admin", StringComparison.Ordinal) || route.EndsWith("/address", StringComparison.Ordinal) || route.EndsWith("/audit", StringComparison.Ordinal))
            {
                Assert.Contains(policies, p => p!.Contains("admin", StringComparison.Ordinal));
            }
        }
        Assert.True(missing.Count == 0, "staff endpoints without a policy: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Anonymous_requests_to_every_staff_route_are_sent_to_sign_in_or_refused()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        foreach (var endpoint in StaffEndpoints())
        {
            var route = endpoint.RoutePattern.RawText!.TrimStart('/');
            if (Anonymous.Contains(route)) continue;
            var path = "/" + route.Replace("{id}", "x", StringComparison.Ordinal);
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m is "GET" or "POST"))
            {
                using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                if (route.StartsWith("api/", StringComparison.Ordinal))
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
                }
                else
                {
                    // A page: to the sign-in page (GET), or refused before the handler runs (a POST without token is 400).
                    Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"{method} {path}: {response.StatusCode}");
                    if (response.StatusCode == HttpStatusCode.Redirect) Assert.Contains("/staff/login", response.Headers.Location!.ToString());
                }
            }
        }
    }

    [Fact]
    public async Task A_sign_in_form_posted_without_the_anti_forgery_token_is_refused()
    {
        using var response = await _host.Client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "admin@example.org", ["Password"] = StaffTestData.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/staff")]
    [InlineData("//evil.example/staff")]
    [InlineData("/chat")]
    public async Task Sign_in_never_redirects_outside_the_dashboard(string returnUrl)
    {
        await _host.AccountAsync("admin@example.org", "admin");
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = _host.BaseAddress };
        var form = await client.GetStringAsync("/staff/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var response = await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "admin@example.org", ["Password"] = StaffTestData.Password, ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/staff", response.Headers.Location!.ToString());
        var cookie = Assert.Single(cookies.GetCookies(new Uri(_host.BaseAddress, "/staff")), c => c.Name == "seg_staff");
        Assert.True(cookie.HttpOnly);
    }
}

/// <summary>An idle dashboard session ends by itself (Staff:IdleTimeoutMinutes); activity keeps it alive.</summary>
public sealed class StaffSessionTests
{
    [Fact]
    public async Task A_session_idle_longer_than_the_timeout_is_signed_out_and_activity_keeps_it_alive()
    {
        using var data = new TempFolder();
        var clock = new ManualClock();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?> { ["Staff:IdleTimeoutMinutes"] = "30" }, clock: clock);
        await host.AccountAsync("staff@example.org", "staff", "konya");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = host.BaseAddress };
        var form = await client.GetStringAsync("/staff/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signIn = await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "staff@example.org", ["Password"] = StaffTestData.Password, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff")).StatusCode); // activity: the session slides on
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff")).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(31));
        using var idle = await client.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.Contains("/staff/login", idle.Headers.Location!.ToString());
    }
}
