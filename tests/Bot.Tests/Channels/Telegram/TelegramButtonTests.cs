using System.Text;
using System.Text.Json;
using Bot.Tests.Infrastructure;
using Xunit;

namespace Bot.Tests.Channels.Telegram;

/// <summary>Buttons whose values do not fit Telegram's 64-byte callback data, and "typing…" during a long turn.</summary>
public sealed class TelegramButtonTests : TelegramTestHost
{
    private const long Chat = 4242;
    private static readonly string LongValue = "menu:work-permit-" + new string('x', 60); // 77 bytes
    private readonly TempFolder _content = new();

    public TelegramButtonTests()
    {
        // The shipped menu with one option whose value is too long for callback data.
        Repo.CopyContentTo(_content.Path);
        var menu = Path.Combine(_content.Path, "dialogs", "menu.yaml");
        File.WriteAllText(menu, File.ReadAllText(menu).Replace("\"menu:work-permit\"", $"\"{LongValue}\"", StringComparison.Ordinal));
        Settings["Content:Root"] = _content.Path;
        Settings["Telegram:TypingIntervalSeconds"] = "1";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _content.Dispose();
    }

    [Fact]
    public async Task A_long_button_value_still_works_when_pressed_after_a_restart()
    {
        await PostAsync(Message(1, "/start")); // the welcome
        await Api.WaitForAsync(api => api.Sent("sendMessage", Chat).Count >= 2);
        await PostAsync(Message(3, "/menu")); // leaves it for the menu
        await Api.WaitForAsync(api => MenuButtons().Count > 0);
        var buttons = MenuButtons();
        Assert.All(buttons, b => Assert.InRange(Encoding.UTF8.GetByteCount(b.Data), 1, 64));
        var workPermit = Assert.Single(buttons, b => b.Data.StartsWith("h:", StringComparison.Ordinal)).Data;

        await Host.DisposeAsync();
        Host = await StartHostAsync();
        var before = Api.Sent("sendMessage", Chat).Count;
        await PostAsync(Callback(2, workPermit));
        await Api.WaitForAsync(api => api.Sent("sendMessage", Chat).Count > before);
        var answer = Api.Sent("sendMessage", Chat)[before].GetProperty("text").GetString()!;
        Assert.StartsWith("Geçici koruma kaydınızın", answer, StringComparison.Ordinal); // the work-permit dialog, not the menu
    }

    [Fact]
    public async Task An_unknown_token_shows_the_menu_again()
    {
        await PostAsync(Message(1, "merhaba"));
        await Api.WaitForAsync(api => api.Sent("sendMessage", Chat).Count >= 2);
        var before = Api.Sent("sendMessage", Chat).Count;
        await PostAsync(Callback(2, "h:not-a-token-we-sent"));
        await Api.WaitForAsync(api => MenuButtons(from: before).Count > 0);
        Assert.NotEmpty(MenuButtons(from: before));
        Assert.Single(Api.Sent("answerCallbackQuery"));
    }

    [Fact]
    public async Task Typing_is_shown_again_while_a_turn_takes_long_and_stops_when_it_ends()
    {
        Api.Delays["sendMessage"] = TimeSpan.FromSeconds(1.5);
        await PostAsync(Message(1, "çalışma izni için hangi belgeler lazım"));
        await Api.WaitForAsync(api => api.Sent("sendMessage", Chat).Count >= 2, seconds: 30);
        Assert.True(await Bot.Tests.Hardening.Webhooks.TurnsOverAsync(Host.Services), "the turn did not end"); // it finishes after its last reply
        var typing = Api.Sent("sendChatAction", Chat).Count;
        Assert.True(typing >= 2, $"typing was sent {typing} time(s) during a turn of about 3 seconds");
        await Task.Delay(2500); // deliberate: proves no typing follows for longer than the typing interval (nothing to wait for)
        Assert.Equal(typing, Api.Sent("sendChatAction", Chat).Count);
    }

    private List<(string Text, string Data)> MenuButtons(int from = 0) =>
        Api.Sent("sendMessage", Chat).Skip(from)
            .Where(m => m.TryGetProperty("reply_markup", out _))
            .SelectMany(m => m.GetProperty("reply_markup").GetProperty("inline_keyboard").EnumerateArray().SelectMany(r => r.EnumerateArray()))
            .Select(b => (b.GetProperty("text").GetString()!, b.GetProperty("callback_data").GetString()!))
            .Where(b => b.Item2.StartsWith("menu", StringComparison.Ordinal) || b.Item2.StartsWith("h:", StringComparison.Ordinal))
            .ToList();

    private static string Message(int update, string text) => JsonSerializer.Serialize(new
    {
        update_id = 7000 + update,
        message = new
        {
            message_id = update,
            date = Bot.Tests.Hardening.Webhooks.Now,
            chat = new { id = Chat, type = "private" },
            from = new { id = Chat, is_bot = false, first_name = "A", language_code = "tr" },
            text,
        },
    });

    private static string Callback(int update, string data) => JsonSerializer.Serialize(new
    {
        update_id = 7000 + update,
        callback_query = new
        {
            id = "cbq-" + update,
            from = new { id = Chat, is_bot = false, first_name = "A" },
            chat_instance = "ci",
            data,
            message = new { message_id = 1, date = 1764000000, chat = new { id = Chat, type = "private" } },
        },
    });
}
