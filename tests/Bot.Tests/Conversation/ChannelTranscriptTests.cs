using Bot.Web.Channels;
using System.Net;
using System.Text;
using System.Text.Json;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels.Telegram;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.Feedback;

namespace Bot.Tests.Conversation;

/// <summary>
/// Conversations about understanding messages as people write them, each file of transcripts/ run on Telegram
/// (inline buttons) and on WhatsApp (numbered lists), through the real host against the fake channel APIs. A turn is
/// over when its inbound update is handled (observable in the inbox), then its replies are read from the fake API.
/// <code>
/// &gt; text         the user writes text
/// &gt;&gt; n           the user picks the n-th choice of the last reply (a button on Telegram, the number on WhatsApp)
/// &lt; words        a reply of this turn contains the words
/// &lt;1 words       the first reply of this turn contains the words (the answer comes first)
/// &lt;! words       no reply of this turn contains the words
/// &lt;# n           the turn got exactly n replies
/// @ queue n      n items are in the staff queue
/// [telegram] …   a line that applies on one channel only ([whatsapp] …)
/// </code>
/// On every turn, at most one reply carries choices: one list is active at a time.
/// </summary>
public sealed class ChannelTranscriptTests
{
    private static readonly string Folder = Repo.PathOf("tests", "Bot.Tests", "Conversation", "transcripts");

    public static TheoryData<string, string> Runs()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file), "telegram");
            data.Add(Path.GetFileName(file), "whatsapp");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Transcript(string file, string channel)
    {
        await using IChat chat = channel == "telegram" ? await TelegramChat.StartAsync() : await WhatsAppChat.StartAsync();
        IReadOnlyList<Reply> replies = [];
        var lineNo = 0;
        foreach (var raw in File.ReadAllLines(Path.Combine(Folder, file)))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var where = $"{file}:{lineNo} on {channel} ({line})";
            if (line.StartsWith('[') && line.IndexOf(']', StringComparison.Ordinal) is > 0 and var close)
            {
                if (line[1..close] != channel) continue; // a line for the other channel
                line = line[(close + 1)..].Trim();
            }
            if (line.StartsWith(">>", StringComparison.Ordinal))
            {
                var n = int.Parse(line[2..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                var last = replies.LastOrDefault(r => r.Choices.Count > 0);
                Assert.True(last is not null && last.Choices.Count >= n, $"{where}: no choice {n} in {Show(replies)}");
                replies = await chat.PickAsync(last!, n);
                OneListAtATime(replies, where);
            }
            else if (line.StartsWith('>'))
            {
                replies = await chat.SayAsync(line[1..].Trim());
                OneListAtATime(replies, where);
            }
            else if (line.StartsWith("<!", StringComparison.Ordinal))
            {
                Assert.False(replies.Any(r => r.Text.Contains(line[2..].Trim(), StringComparison.Ordinal)), $"{where}: found in {Show(replies)}");
            }
            else if (line.StartsWith("<#", StringComparison.Ordinal))
            {
                Assert.True(int.Parse(line[2..].Trim(), System.Globalization.CultureInfo.InvariantCulture) == replies.Count, $"{where}: got {Show(replies)}");
            }
            else if (line.StartsWith("<1", StringComparison.Ordinal))
            {
                Assert.True(replies.Count > 0 && replies[0].Text.Contains(line[2..].Trim(), StringComparison.Ordinal), $"{where}: first reply was {Show(replies)}");
            }
            else if (line.StartsWith('<'))
            {
                Assert.True(replies.Any(r => r.Text.Contains(line[1..].Trim(), StringComparison.Ordinal)), $"{where}: not in {Show(replies)}");
            }
            else if (line.StartsWith("@ queue", StringComparison.Ordinal))
            {
                var expected = int.Parse(line["@ queue".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                await using var db = await chat.Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
                Assert.True(expected == await db.Unanswered.CountAsync(), $"{where}: queue has {await db.Unanswered.CountAsync()}");
            }
            else throw new InvalidOperationException($"{where}: unknown line");
        }
    }

    /// <summary>Every turn: at most one reply carries choices (buttons, or a numbered list on WhatsApp), so "2" cannot mislead.</summary>
    private static void OneListAtATime(IReadOnlyList<Reply> replies, string where) =>
        Assert.True(replies.Count(r => r.Choices.Count > 0) <= 1, $"{where}: several lists of choices in one turn: {Show(replies)}");

    private static string Show(IEnumerable<Reply> replies) =>
        string.Join(" || ", replies.Select(r => r.Text.ReplaceLineEndings(" ") + (r.Choices.Count > 0 ? " [" + string.Join(" | ", r.Choices.Select(c => c.Title)) + "]" : "")));

    public sealed record Choice(string Title, string Value);

    public sealed record Reply(string Text, IReadOnlyList<Choice> Choices);

    private interface IChat : IAsyncDisposable
    {
        BotHost Host { get; }

        Task<IReadOnlyList<Reply>> SayAsync(string text);

        Task<IReadOnlyList<Reply>> PickAsync(Reply reply, int n);
    }

    /// <summary>Waits until every update posted so far is no longer waiting or running (the turn and its sends are over).</summary>
    private static async Task WaitForTurnsAsync(BotHost host, int posted)
    {
        var factory = host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync())
            {
                if (await db.Inbound.CountAsync(u => u.Status != InboundStatus.Pending && u.Status != InboundStatus.Processing) >= posted) return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the turn of update {posted} did not end");
            await Task.Delay(20);
        }
    }

    private sealed class TelegramChat : IChat
    {
        private const long ChatId = 5151;
        private readonly TempFolder _data = new();
        private FakeTelegramApi _api = null!;
        private int _updates;

        public BotHost Host { get; private set; } = null!;

        public static async Task<TelegramChat> StartAsync()
        {
            var chat = new TelegramChat { _api = await FakeTelegramApi.StartAsync() };
            chat.Host = await BotHost.StartSqliteAsync(chat._data.Path, new LogSink(), new Dictionary<string, string?>
            {
                ["Telegram:BotToken"] = FakeTelegramApi.Token,
                ["Telegram:WebhookSecret"] = "transcript-secret",
                ["Telegram:ApiBaseUrl"] = chat._api.BaseUrl,
            });
            return chat;
        }

        public Task<IReadOnlyList<Reply>> SayAsync(string text) => PostAsync(new
        {
            update_id = 9000 + ++_updates,
            message = new
            {
                message_id = _updates,
                date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                chat = new { id = ChatId, type = "private" },
                from = new { id = ChatId, is_bot = false, first_name = "A" },
                text,
            },
        });

        public Task<IReadOnlyList<Reply>> PickAsync(Reply reply, int n) => PostAsync(new
        {
            update_id = 9000 + ++_updates,
            callback_query = new
            {
                id = "cbq-" + _updates,
                from = new { id = ChatId, is_bot = false, first_name = "A" },
                chat_instance = "ci",
                data = reply.Choices[n - 1].Value,
                message = new { message_id = 1, date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), chat = new { id = ChatId, type = "private" } },
            },
        });

        private async Task<IReadOnlyList<Reply>> PostAsync(object update)
        {
            var before = _api.Sent("sendMessage", ChatId).Count;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram")
            {
                Content = new StringContent(JsonSerializer.Serialize(update), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(TelegramWebhook.SecretHeader, "transcript-secret");
            using var response = await Host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await WaitForTurnsAsync(Host, _updates);
            return _api.Sent("sendMessage", ChatId).Skip(before).Select(m => new Reply(m.GetProperty("text").GetString()!, Buttons(m))).ToList();
        }

        private static List<Choice> Buttons(JsonElement message) =>
            message.TryGetProperty("reply_markup", out var markup) && markup.TryGetProperty("inline_keyboard", out var keyboard)
                ? keyboard.EnumerateArray().SelectMany(row => row.EnumerateArray())
                    .Select(b => new Choice(b.GetProperty("text").GetString()!, b.GetProperty("callback_data").GetString()!)).ToList()
                : [];

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await _api.DisposeAsync();
            _data.Dispose();
        }
    }

    private sealed class WhatsAppChat : IChat
    {
        private const string Phone = "+905551112233";
        private const string AuthToken = "transcript-auth-token-0123";
        private const string PublicBase = "https://bot.example.org";
        private readonly TempFolder _data = new();
        private FakeTwilioApi _api = null!;
        private int _messages;

        public BotHost Host { get; private set; } = null!;

        public static async Task<WhatsAppChat> StartAsync()
        {
            var chat = new WhatsAppChat { _api = await FakeTwilioApi.StartAsync() };
            chat.Host = await BotHost.StartSqliteAsync(chat._data.Path, new LogSink(), new Dictionary<string, string?>
            {
                ["Twilio:AccountSid"] = WhatsAppTestHost.AccountSid,
                ["Twilio:AuthToken"] = AuthToken,
                ["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886",
                ["Twilio:PublicBaseUrl"] = PublicBase,
                ["Twilio:ApiBaseUrl"] = chat._api.BaseUrl,
            });
            return chat;
        }

        public async Task<IReadOnlyList<Reply>> SayAsync(string text)
        {
            var before = _api.Delivered(Phone).Count;
            var form = WhatsAppTestHost.InboundForm("SM" + (++_messages).ToString("x32", System.Globalization.CultureInfo.InvariantCulture), Phone, text);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp") { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(AuthToken, PublicBase + "/api/whatsapp", form));
            using var response = await Host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await WaitForTurnsAsync(Host, _messages);
            return _api.Delivered(Phone).Skip(before).Select(m => new Reply(m.Body ?? "", NumberedChoices(m.Body ?? ""))).ToList();
        }

        /// <summary>On WhatsApp a choice is picked by writing its number.</summary>
        public Task<IReadOnlyList<Reply>> PickAsync(Reply reply, int n) => SayAsync(n.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The numbered lines of a message ("1. …", "2) …").</summary>
        private static List<Choice> NumberedChoices(string body) =>
            body.Split('\n').Select(l => l.Trim())
                .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^(\d+)[.)]\s*(.+)$"))
                .Where(m => m.Success)
                .Select(m => new Choice(m.Groups[2].Value, m.Groups[1].Value)).ToList();

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await _api.DisposeAsync();
            _data.Dispose();
        }
    }
}
