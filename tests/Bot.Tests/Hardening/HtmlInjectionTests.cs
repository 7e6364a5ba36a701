using System.Net;
using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Tests.Staff;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>What people write is shown to staff as text, never as markup.</summary>
public sealed class HtmlInjectionTests
{
    [Fact]
    public async Task A_message_with_markup_is_shown_encoded_on_the_staff_pages()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path);
        await host.AccountAsync("admin@example.org", "admin");
        const string hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> uzay mekiği bileti";
        await host.SayAsync("web-hostile", hostile);

        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = host.BaseAddress };
        var form = await client.GetStringAsync("/staff/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signIn = await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "admin@example.org", ["Password"] = StaffTestData.Password, ["__RequestVerificationToken"] = token,
        }));
        foreach (var page in new[] { "/staff", "/staff/queue" })
        {
            string html = "";
            for (var i = 0; i < 20 && !html.Contains("uzay", StringComparison.Ordinal); i++)
            {
                html = await client.GetStringAsync(page);
                if (!html.Contains("uzay", StringComparison.Ordinal)) await Task.Delay(200);
            }
            Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        }
    }
}
