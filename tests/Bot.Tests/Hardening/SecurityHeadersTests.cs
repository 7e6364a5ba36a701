using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Tests.Staff;
using Bot.Web.Staff;
using Microsoft.Playwright;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Hardening;

/// <summary>
/// The dashboard and the web chat page forbid framing, referrers and content sniffing, and allow only their own
/// styles (the dashboard runs no script at all; the chat page only its own, by nonce).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityHeadersTests(Browser browser) : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await BotHost.StartSqliteAsync(_data.Path);
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : "";

    private static void AssertCommon(HttpResponseMessage response, string where)
    {
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", where + ": X-Content-Type-Options");
        Assert.True(Header(response, "Referrer-Policy") == "no-referrer", where + ": Referrer-Policy");
        Assert.True(Header(response, "X-Frame-Options") == "DENY", where + ": X-Frame-Options");
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_pages_signed_in_or_not_carry_the_headers_and_allow_no_script()
    {
        var (client, _) = await _host.SignInAsync("admin@example.org");
        using (client)
        {
            foreach (var path in new[] { "/staff/login", "/staff", "/staff/people", "/staff/queue", "/staff/reports", "/staff/admin/users", "/staff/reports?handler=Csv" })
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
                AssertCommon(response, path);
                var policy = Header(response, "Content-Security-Policy");
                Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
                Assert.Contains("script-src 'none'", policy, StringComparison.Ordinal);
                Assert.Contains("form-action 'self'", policy, StringComparison.Ordinal);
                Assert.Contains("no-store", Header(response, "Cache-Control"), StringComparison.Ordinal);
                var html = await response.Content.ReadAsStringAsync();
                Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase); // nothing the policy would block
            }
        }
        using var anonymous = await _host.Client.GetAsync("/staff/people"); // sent to sign in: the redirect carries them too
        AssertCommon(anonymous, "redirect");
    }

    [Fact]
    public async Task The_chat_page_runs_only_its_own_script_and_the_api_is_not_sniffed_or_framed()
    {
        using var page = await _host.Client.GetAsync("/chat");
        AssertCommon(page, "/chat");
        var policy = Header(page, "Content-Security-Policy");
        var nonce = Regex.Match(policy, "script-src 'nonce-([A-Za-z0-9+/=]+)'").Groups[1].Value;
        Assert.True(nonce.Length >= 16, policy);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<style nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        using var again = await _host.Client.GetAsync("/chat");
        Assert.DoesNotContain(nonce, Header(again, "Content-Security-Policy"), StringComparison.Ordinal); // one per response

        using var api = await _host.Client.PostAsJsonAsync("/api/webchat/messages", new { userId = BotHost.WebChatId("headers"), text = "merhaba" });
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        AssertCommon(api, "/api/webchat/messages");
    }

    [BrowserFact]
    public async Task Under_the_policy_the_dashboard_keeps_its_styles_and_the_browser_reports_no_violation()
    {
        var page = await browser.NewPageAsync(_host.BaseAddress);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        await page.GotoAsync("/staff/login");
        await page.GetByLabel("E-posta").FillAsync("admin@example.org");
        await page.GetByLabel("Parola").FillAsync(StaffTestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Giriş yap" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await page.GotoAsync("/staff/reports");
        // The layout's own <style> applies: the header is the Red Crescent red.
        Assert.Equal("rgb(200, 16, 46)", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('header')).backgroundColor"));
        Assert.Empty(violations);
    }
}
