using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Tests.Infrastructure;
using Xunit;
using Bot.Web.Staff;
using Microsoft.Extensions.DependencyInjection;
using Bot.Web.Access;

namespace Bot.Tests.Staff;

/// <summary>The staff API over real HTTP: bearer keys, centre scopes (403/404), masking, audited address access.</summary>
public sealed class StaffApiTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer nonsense")]
    [InlineData("Bearer seg_000000000000_deadbeef")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Without_a_valid_key_the_api_answers_401(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/staff/people");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var key = await _host.ApiKeyAsync("robot", StaffRoles.Staff, "adana");
        using var client = _host.ApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/staff/me")).StatusCode);
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var id = key.Split('_')[1];
            Assert.True(await scope.ServiceProvider.GetRequiredService<StaffAccounts>().RevokeApiKeyAsync("test", id));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/staff/me")).StatusCode);
    }

    [Fact]
    public async Task A_staff_key_sees_only_its_centres_people_with_masked_numbers()
    {
        var adana = await _host.PersonAsync("whatsapp", "whatsapp:+905321234534", "adana");
        var hatay = await _host.PersonAsync("whatsapp", "whatsapp:+905329876512", "hatay");
        var nowhere = await _host.PersonAsync("telegram", "123456789", null);
        using var client = _host.ApiClient(await _host.ApiKeyAsync("adana robot", StaffRoles.Staff, "adana"));

        var me = await client.GetFromJsonAsync<JsonElement>("/api/staff/me");
        Assert.Equal("staff", me.GetProperty("role").GetString());
        Assert.Equal(["adana"], me.GetProperty("centres").EnumerateArray().Select(c => c.GetString()!).ToArray());

        var people = await client.GetFromJsonAsync<JsonElement>("/api/staff/people");
        var person = Assert.Single(people.EnumerateArray());
        Assert.Equal(adana, person.GetProperty("id").GetString());
        Assert.Equal("whatsapp:+90 5** *** ** 34".Replace(" ", ""), person.GetProperty("maskedAddress").GetString()!.Replace(" ", ""));
        Assert.DoesNotContain("5321234534", people.GetRawText());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/staff/people/{adana}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/staff/people/{hatay}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/staff/people/{nowhere}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/staff/people?centre=hatay")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/staff/today?centre=hatay")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/staff/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/staff/people/{adana}/address", new { reason = "x" })).StatusCode);

        var today = await client.GetFromJsonAsync<JsonElement>("/api/staff/today");
        Assert.Equal(["adana"], today.EnumerateArray().Select(r => r.GetProperty("centreId").GetString()!).ToArray());
    }

    [Fact]
    public async Task An_admin_sees_every_centre_and_a_full_number_only_with_a_reason_that_is_audited()
    {
        var adana = await _host.PersonAsync("whatsapp", "whatsapp:+905321234534", "adana");
        await _host.PersonAsync("whatsapp", "whatsapp:+905329876512", "hatay");
        using var client = _host.ApiClient(await _host.ApiKeyAsync("admin robot", StaffRoles.Admin));

        var people = await client.GetFromJsonAsync<JsonElement>("/api/staff/people");
        Assert.Equal(2, people.GetArrayLength());
        Assert.DoesNotContain("1234534", people.GetRawText());

        using var noReason = await client.PostAsJsonAsync($"/api/staff/people/{adana}/address", new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", await noReason.Content.ReadAsStringAsync());

        var revealed = await client.PostAsJsonAsync($"/api/staff/people/{adana}/address", new { reason = "call back about a complaint" });
        Assert.Equal("whatsapp:+905321234534", (await revealed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("address").GetString());

        var audit = await client.GetFromJsonAsync<JsonElement>("/api/staff/audit?action=address-revealed");
        var entry = Assert.Single(audit.EnumerateArray());
        Assert.StartsWith("api-key:admin robot", entry.GetProperty("actor").GetString());
        Assert.Contains(adana, entry.GetProperty("target").GetString());
        Assert.Equal("call back about a complaint", entry.GetProperty("details").GetString());
        Assert.DoesNotContain("1234534", audit.GetRawText());
    }

    [Fact]
    public async Task Todays_numbers_count_questions_answered_and_waiting_per_centre()
    {
        using var client = _host.ApiClient(await _host.ApiKeyAsync("admin robot", StaffRoles.Admin));
        await _host.SayAsync("web-1", "çalışma izni için hangi belgeler gerekiyor gaziantep");
        await _host.SayAsync("web-2", "uzay mekiğine nasıl bilet alırım gaziantep");

        var rows = await client.GetFromJsonAsync<JsonElement>("/api/staff/today");
        var gaziantep = rows.EnumerateArray().Single(r => r.GetProperty("centreId").GetString() == "gaziantep");
        Assert.Equal(2, gaziantep.GetProperty("questions").GetInt32());
        Assert.Equal(1, gaziantep.GetProperty("answered").GetInt32());
        Assert.Equal(1, gaziantep.GetProperty("unansweredWaiting").GetInt32());
        Assert.Equal(16 + 1, rows.GetArrayLength()); // every centre and the row for "no centre"
    }
}
