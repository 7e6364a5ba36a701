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

    /// <summary>
    /// An update the Bot API library cannot read (a date out of range) in a getUpdates batch used to fail the whole
    /// batch at every poll, forever: no Telegram user was answered again. It is skipped (logged with its id), like the
    /// webhook answers 200 and ignores it, and the updates around it are handled.
    /// </summary>
    [Fact]
    public async Task An_unreadable_update_in_a_polled_batch_is_skipped_and_the_next_one_is_answered()
    {
        await using var api = await FakeTelegramApi.StartAsync();
        using var data = new TempFolder();
        api.Updates.Enqueue(JsonDocument.Parse("""{"update_id":5001,"message":{"message_id":10,"date":99999999999999,"chat":{"id":1002,"type":"private"},"text":"x"}}""").RootElement.Clone());
        var fixture = Bot.Tests.Hardening.Webhooks.TelegramFixture("text-tr.json").Replace("\"update_id\":5001", "\"update_id\":5002", StringComparison.Ordinal);
        api.Updates.Enqueue(JsonDocument.Parse(fixture).RootElement.Clone());

        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: Settings(api));
        Assert.True(await api.WaitForAsync(a => a.Sent("sendMessage", 1001).Count >= 1));
        Assert.Empty(api.Sent("sendMessage", 1002));
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(() => Task.FromResult(
            api.Sent("getUpdates").Any(c => c.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number && o.GetInt64() == 5003))));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("5001", StringComparison.Ordinal) && e.Message.Contains("cannot be read", StringComparison.Ordinal));
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
