using Bot.Tests.Infrastructure;
using Xunit;
using Bot.Web.Privacy;
using Bot.Web.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Staff;

/// <summary>Staff accounts, API keys and people for the staff tests, made through the app's own services on a real host.</summary>
public static class StaffTestData
{
    public const string Password = "Correct-Horse-42";

    /// <summary>An account with a known password (no forced change), of <paramref name="role"/> and <paramref name="centres"/>.</summary>
    public static async Task<string> AccountAsync(this BotHost host, string email, string role, params string[] centres)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<StaffAccounts>().CreateAsync("test", email, email, role, centres, Password);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors));
        return email;
    }

    /// <summary>An API key (bearer token) of <paramref name="role"/> and <paramref name="centres"/>.</summary>
    public static async Task<string> ApiKeyAsync(this BotHost host, string name, string role, params string[] centres)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<StaffAccounts>().CreateApiKeyAsync("test", name, role, centres);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors));
        return result.Secret!;
    }

    /// <summary>A person who wrote on <paramref name="channel"/> from <paramref name="address"/> and chose <paramref name="centre"/>.</summary>
    public static async Task<string> PersonAsync(this BotHost host, string channel, string address, string? centre)
    {
        var users = host.Services.GetRequiredService<UserDirectory>();
        var id = await users.TouchAsync(channel, address);
        if (centre is not null) await users.SetCentreAsync(id, centre);
        return id;
    }

    /// <summary>A browser-like client (cookies, no redirects followed) signed in to the dashboard as <paramref name="email"/>.</summary>
    public static async Task<(HttpClient Client, System.Net.CookieContainer Cookies)> SignInAsync(this BotHost host, string email, string password = Password)
    {
        var cookies = new System.Net.CookieContainer();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = host.BaseAddress };
        using var response = await PostSignInAsync(client, email, password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return (client, cookies);
    }

    /// <summary>Posts the sign-in form (with its anti-forgery token) as a browser would.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/staff/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        return await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The anti-forgery token of a dashboard page's form.</summary>
    public static async Task<string> FormTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        return token;
    }

    public static HttpClient ApiClient(this BotHost host, string key)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
