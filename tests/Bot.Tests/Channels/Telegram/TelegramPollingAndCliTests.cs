using System.Text.Json;
using Bot.Tests.Infrastructure;
using Bot.Web.Cli;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Bot.Tests.Channels.Telegram;

public sealed class TelegramPollingTests
{
    private static Dictionary<string, string?> Settings(FakeTelegramApi api) => new()
    {
        ["Telegram:BotToken"] = FakeTelegramApi.Token,
        ["Telegram:Mode"] = "Polling",
        ["Telegram:ApiBaseUrl"] = api.BaseUrl,
    };

    [Fact]
    public async Task Polling_receives_and_answers_and_resumes_after_the_last_update_on_restart()
    {
        await using var api = await FakeTelegramApi.StartAsync();
        using var data = new TempFolder();
        var fixture = Bot.Tests.Hardening.Webhooks.TelegramFixture("text-tr.json");
        api.Updates.Enqueue(JsonDocument.Parse(fixture).RootElement.Clone());

        await using (await BotHost.StartSqliteAsync(data.Path, extra: Settings(api)))
        {
            await api.WaitForAsync(a => a.Sent("sendMessage", 1001).Count >= 1);
            Assert.Single(api.Sent("sendMessage", 1001)); // the answer, with the introduction after it
            var first = api.Sent("getUpdates")[0];
            Assert.Equal(["message", "callback_query", "my_chat_member"], first.GetProperty("allowed_updates").EnumerateArray().Select(e => e.GetString()));
        }

        var callsBefore = api.Calls.Count;
        await using (await BotHost.StartSqliteAsync(data.Path, extra: Settings(api)))
        {
            await api.WaitForAsync(a => a.Calls.Skip(callsBefore).Any(c => c.Method == "getUpdates"));
            var resumed = api.Calls.Skip(callsBefore).First(c => c.Method == "getUpdates").Body;
            Assert.Equal(5002, resumed.GetProperty("offset").GetInt64()); // after the update already handled
            Assert.Single(api.Sent("sendMessage", 1001)); // not answered twice
        }
    }

    [Fact]
    public async Task The_webhook_endpoint_is_off_in_polling_mode()
    {
        await using var api = await FakeTelegramApi.StartAsync();
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: Settings(api));
        using var response = await host.Client.PostAsync("/api/telegram", new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class TelegramCliTests
{
    [Fact]
    public async Task Set_webhook_registers_url_secret_and_allowed_updates_and_delete_webhook_removes_it()
    {
        await using var api = await FakeTelegramApi.StartAsync();
        using var data = new TempFolder();
        var settings = new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = data.Path,
            ["Content:Root"] = Repo.Root,
            ["Telegram:BotToken"] = FakeTelegramApi.Token,
            ["Telegram:WebhookSecret"] = "cli-secret",
            ["Telegram:WebhookUrl"] = "https://bot.example.org/api/telegram",
            ["Telegram:ApiBaseUrl"] = api.BaseUrl,
        };
        Assert.Equal(0, await CommandLine.RunAsync(["telegram", "set-webhook"], b => b.Configuration.AddInMemoryCollection(settings)));
        var call = Assert.Single(api.Sent("setWebhook"));
        Assert.Equal("https://bot.example.org/api/telegram", call.GetProperty("url").GetString());
        Assert.Equal("cli-secret", call.GetProperty("secret_token").GetString());
        Assert.Equal(3, call.GetProperty("allowed_updates").GetArrayLength());

        Assert.Equal(0, await CommandLine.RunAsync(["telegram", "delete-webhook"], b => b.Configuration.AddInMemoryCollection(settings)));
        Assert.Single(api.Sent("deleteWebhook"));
    }
}
