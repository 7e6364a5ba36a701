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

    public static HttpClient ApiClient(this BotHost host, string key)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
