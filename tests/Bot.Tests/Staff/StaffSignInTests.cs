using System.Diagnostics;
using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Web.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Staff;

/// <summary>Sign-in tells nothing about which emails have accounts; signing out ends the session for every copy of its cookie.</summary>
public sealed class StaffSignInTests : IAsyncLifetime
{
    private const string Known = "known@example.org";
    private const string Unknown = "nobody@example.org";
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await BotHost.StartSqliteAsync(_data.Path, extra: new Dictionary<string, string?> { ["Staff:MaxFailedSignIns"] = "3" });
        await _host.AccountAsync(Known, StaffRoles.Staff, "konya");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = _host.BaseAddress };

    /// <summary>The sign-in page's answer to a wrong password: status and the message shown.</summary>
    private async Task<(HttpStatusCode, string)> WrongPasswordAsync(string email)
    {
        using var client = Browser();
        using var response = await StaffTestData.PostSignInAsync(client, email, "Wrong-password-123");
        var html = await response.Content.ReadAsStringAsync();
        var error = System.Text.RegularExpressions.Regex.Match(html, "id=\"login-error\">([^<]*)<").Groups[1].Value;
        return (response.StatusCode, error);
    }

    [Fact]
    public async Task An_unknown_email_gets_the_same_answers_as_a_real_account_including_the_lockout()
    {
        var known = new List<(HttpStatusCode, string)>();
        var unknown = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < 5; i++)
        {
            known.Add(await WrongPasswordAsync(Known));
            unknown.Add(await WrongPasswordAsync(Unknown));
        }
        Assert.Equal(known, unknown);
        Assert.Equal(HttpStatusCode.OK, known[0].Item1);
        Assert.NotEqual(known[0].Item2, known[2].Item2); // the third try locks, for both
        Assert.Equal(known[2], known[4]);
        Assert.All(known, k => Assert.NotEmpty(k.Item2));
        // Case and spaces do not make another email.
        Assert.Equal(known[4], await WrongPasswordAsync("  NOBODY@example.org "));
    }

    [Fact]
    public async Task Every_sign_in_attempt_costs_one_password_hash_whether_the_account_exists_is_locked_or_not()
    {
        var hasher = Assert.IsType<StaffPasswordHasher>(_host.Services.GetRequiredService<IPasswordHasher<StaffUser>>());
        foreach (var email in new[] { Known, Unknown, Known, Unknown, Known, Unknown, Known, Unknown })
        {
            // (From the third try on, both are locked.)
            var before = hasher.Verifications;
            await WrongPasswordAsync(email);
            Assert.Equal(1, hasher.Verifications - before);
        }
    }

    [Fact]
    public async Task A_wrong_password_takes_as_long_for_an_unknown_email_as_for_a_real_account()
    {
        await using var host = await BotHost.StartSqliteAsync(Path.Combine(_data.Path, "timing"), extra: new Dictionary<string, string?> { ["Staff:MaxFailedSignIns"] = "100" });
        await host.AccountAsync(Known, StaffRoles.Staff, "konya");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = host.BaseAddress };
        var form = await client.GetStringAsync("/staff/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        async Task<double> TimeAsync(string email)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email, ["Password"] = "Wrong-password-123", ["__RequestVerificationToken"] = token,
            }));
            await response.Content.ReadAsStringAsync();
            return watch.Elapsed.TotalMilliseconds;
        }

        await TimeAsync(Known);
        await TimeAsync(Unknown); // warm both paths
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            known.Add(await TimeAsync(Known));
            unknown.Add(await TimeAsync(Unknown));
        }
        var (k, u) = (Median(known), Median(unknown));
        // Hashing (PBKDF2, ~100 ms) dominates both; before, an unknown email answered in a few milliseconds (×20). The
        // factor leaves room for a loaded machine; the exact check is the count of hash verifications above.
        Assert.True(u > k / 4 && u < k * 4, $"median {k:F0} ms for a real account, {u:F0} ms for an unknown email");
    }

    [Fact]
    public async Task After_signing_out_the_old_session_cookie_opens_nothing()
    {
        var (client, cookies) = await _host.SignInAsync(Known);
        using (client)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff/people")).StatusCode);
            var session = Assert.Single(cookies.GetCookies(new Uri(_host.BaseAddress, "/staff")), c => c.Name == "seg_staff").Value;

            var token = await StaffTestData.FormTokenAsync(client, "/staff");
            using var signOut = await client.PostAsync("/staff/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

            // Someone who kept a copy of the cookie.
            using var copy = Browser();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/staff/people");
            request.Headers.Add("Cookie", "seg_staff=" + session);
            using var response = await copy.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/staff/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Signing_out_ends_only_that_session_and_a_password_reset_ends_them_all()
    {
        var (laptop, _) = await _host.SignInAsync(Known);
        var (phone, _) = await _host.SignInAsync(Known);
        using (laptop)
        using (phone)
        {
            var token = await StaffTestData.FormTokenAsync(laptop, "/staff");
            using (await laptop.PostAsync("/staff/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token })))
            {
            }
            Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/staff/people")).StatusCode);

            await using var scope = _host.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var user = (await users.FindByNameAsync(Known))!;
            await scope.ServiceProvider.GetRequiredService<StaffAccounts>().ResetPasswordAsync("admin", user.Id);
            Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/staff/people")).StatusCode);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
