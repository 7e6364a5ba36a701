using System.Net;
using System.Text;
using System.Text.Json;
using System.Net.Http.Json;
using Bot.Tests.Infrastructure;
using Bot.Tests.Staff;
using Bot.Web.Staff;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Channels.WebChat;

public sealed class WebChatApiTests : IAsyncLifetime
{
    /// <summary>A user id the app accepts (a browser's random id).</summary>
    private const string ValidId = "w-Qm9uIGpvdXIgbGUgbW9uZGU";

    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests => new()
    {
        { "malformed JSON", "{\"userId\": \"a\", \"text\": ", HttpStatusCode.BadRequest, "JSON object" },
        { "not an object", "[\"hello\"]", HttpStatusCode.BadRequest, "JSON object" },
        { "empty body", "", HttpStatusCode.BadRequest, "JSON object" },
        { "missing userId", "{\"text\":\"merhaba\"}", HttpStatusCode.BadRequest, "userId is required" },
        { "missing text", "{\"userId\":\"" + ValidId + "\"}", HttpStatusCode.BadRequest, "text (or value, for a button) is required" },
        { "blank text", "{\"userId\":\"" + ValidId + "\",\"text\":\"   \"}", HttpStatusCode.BadRequest, "is required" },
        { "text is a number", "{\"userId\":\"" + ValidId + "\",\"text\":42}", HttpStatusCode.BadRequest, "text must be a string" },
        { "text too long", $"{{\"userId\":\"{ValidId}\",\"text\":\"{new string('a', 4097)}\"}}", HttpStatusCode.BadRequest, "at most 4096 characters" },
        { "userId too long", $"{{\"userId\":\"{new string('u', 129)}\",\"text\":\"hi\"}}", HttpStatusCode.BadRequest, "at most 128 characters" },
        { "body too large", $"{{\"userId\":\"{ValidId}\",\"text\":\"{new string('a', 70_000)}\"}}", HttpStatusCode.RequestEntityTooLarge, "at most 65536 bytes" },
        { "deeply nested", "{\"userId\":\"" + ValidId + "\",\"text\":\"x\",\"extra\":" + new string('[', 50) + new string(']', 50) + "}", HttpStatusCode.BadRequest, "JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_JSON_problem_and_nothing_is_stored(string row, string body, HttpStatusCode status, string detail)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _host.Client.PostAsync("/api/webchat/messages", content);
        Assert.True(status == response.StatusCode, $"{row}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains(detail, problem, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(problem);
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());

        var factory = _host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(0, await db.BotUsers.CountAsync());
        Assert.Equal(0, await db.State.CountAsync());
    }

    [Theory]
    [InlineData("u-1")]
    [InlineData("user-42")]
    [InlineData("web-1234567890")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abababababababababababababab")]
    [InlineData("a long id with spaces in it, long")]
    public async Task Short_or_guessable_user_ids_are_refused_on_both_endpoints_and_nothing_is_stored(string id)
    {
        using var post = await _host.Client.PostAsJsonAsync("/api/webchat/messages", new { userId = id, text = "merhaba" });
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("random id", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var get = await _host.Client.GetAsync("/api/webchat/messages?userId=" + Uri.EscapeDataString(id));
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Contains("random id", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var factory = _host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(0, await db.BotUsers.CountAsync());
    }

    [Fact]
    public async Task Staff_see_a_web_chat_id_masked_like_a_phone_number()
    {
        var id = BotHost.WebChatId("masked-user");
        await _host.SayAsync(id, "merhaba");
        using var admin = _host.ApiClient(await _host.ApiKeyAsync("people", StaffRoles.Admin));
        var people = await admin.GetStringAsync("/api/staff/people");
        Assert.DoesNotContain(id[..^2], people, StringComparison.Ordinal);
        Assert.DoesNotContain(id[2..12], people, StringComparison.Ordinal);
        Assert.Contains(new string('*', id.Length - 4) + id[^2..], people, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_of_exactly_the_limit_is_accepted()
    {
        var replies = await _host.SayAsync("long-but-ok", "merhaba " + new string('a', 4096 - 8));
        Assert.NotEmpty(replies);
    }

    [Fact]
    public async Task A_button_value_is_a_turn_like_typed_text()
    {
        var replies = await _host.SayAsync("button-user", value: "lang:tr");
        Assert.Equal("Tamam, Türkçe devam ediyoruz.", replies[0].Text);
    }

    [Fact]
    public async Task The_chat_page_is_self_contained_and_localised()
    {
        using var response = await _host.Client.GetAsync("/chat");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("/api/webchat/messages", html, StringComparison.Ordinal);
        Assert.Contains("data-lang=\"ar\"", html, StringComparison.Ordinal);
        // The labels come from localization/ (JSON-escaped inside the page).
        var ui = html[(html.IndexOf("const ui = ", StringComparison.Ordinal) + 11)..];
        ui = ui[..ui.IndexOf(";\n", StringComparison.Ordinal)];
        using var labels = JsonDocument.Parse(ui);
        Assert.Equal("Gönder", labels.RootElement.GetProperty("tr").GetProperty("send").GetString());
        Assert.Equal("إرسال", labels.RootElement.GetProperty("ar").GetProperty("send").GetString());
    }
}
