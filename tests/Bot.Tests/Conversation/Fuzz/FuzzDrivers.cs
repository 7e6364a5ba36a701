using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bot.Tests.Channels.Telegram;
using Bot.Tests.Channels.WhatsApp;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Conversation;
using Bot.Web.Data;
using Bot.Web.Localization;
using Bot.Web.Privacy;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Conversation.Fuzz;

/// <summary>Sends what the person does to the bot and returns the bot's messages as the person sees them.</summary>
public interface IFuzzDriver
{
    Task<IReadOnlyList<SeenMessage>> SendAsync(FuzzChannel channel, string address, UserAction action, string? appLanguage);
}

/// <summary>A fixed clock (deterministic walks): every walk starts at <see cref="Start"/>, each turn moves it on.</summary>
public sealed class FuzzClock : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private long _ticks = Start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Reset() => Interlocked.Exchange(ref _ticks, Start.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>
/// Runs turns in-process, through the app's own turn pipeline (<see cref="TurnPipeline"/>: state saved in the real
/// SQLite file, opt-out and language middleware, error handler, the bot) — what a channel adapter does, without HTTP
/// and the inbox, which would cost 50–100 ms a turn. The channel's part is done with the channels' own mapping code:
/// WhatsApp: <see cref="WhatsAppMapping.ToActivity"/>, a reply's number resolved against the choices in conversation
/// state (<see cref="WhatsAppMapping.ResolveChoice"/>), messages rendered with <see cref="WhatsAppMapping.Render"/> and
/// split at 1,600 characters, the choices of each message remembered as WhatsAppAdapter does; Telegram:
/// <see cref="TelegramMapping.ToActivity"/> (commands, callback data), <see cref="TelegramMapping.Keyboard"/> with
/// long values kept in state as TelegramAdapter does. A photo on Telegram arrives as empty text (as ToInbound makes it).
/// </summary>
public sealed class InProcessDriver(IServiceProvider services) : IFuzzDriver
{
    private readonly Adapter _adapter = new(
        services.GetRequiredService<TurnPipeline>(),
        services.GetRequiredService<UserDirectory>(),
        services.GetRequiredService<BotContent>());

    private long _updates;

    public Task<IReadOnlyList<SeenMessage>> SendAsync(FuzzChannel channel, string address, UserAction action, string? appLanguage)
    {
        var update = Interlocked.Increment(ref _updates);
        return channel == FuzzChannel.WhatsApp
            ? _adapter.WhatsAppAsync(address, action.Media is null ? action.Text : "", action.Media is null ? [] : [action.Media], update)
            : _adapter.TelegramAsync(long.Parse(address, CultureInfo.InvariantCulture), action.Media is null ? action.Text : "", action.Press, appLanguage, update);
    }

    private sealed class Adapter(TurnPipeline pipeline, UserDirectory users, BotContent content) : ChannelAdapter(pipeline)
    {
        private const string SeenKey = "Fuzz.Seen";
        private const string ChatKey = "Fuzz.Chat";

        public async Task<IReadOnlyList<SeenMessage>> WhatsAppAsync(string address, string text, IReadOnlyList<string> media, long update)
        {
            var userId = await users.TouchAsync(WhatsAppAdapter.ChannelId, address);
            var inbound = new WhatsAppInbound("SM" + update.ToString("x32", CultureInfo.InvariantCulture), address, text.Trim(), media);
            var activity = WhatsAppMapping.ToActivity(inbound, userId, Clock.GetUtcNow());
            var seen = new List<SeenMessage>();
            await RunTurnAsync(activity, async (turn, c) =>
            {
                turn.TurnState[SeenKey] = seen;
                var conversation = await ChannelMemoryAsync(turn, c);
                if (WhatsAppMapping.ResolveChoice(activity.Text ?? "", conversation.Choices) is { } value)
                {
                    activity.Text = value;
                    activity.Value = value;
                }
            }, CancellationToken.None);
            return seen;
        }

        public async Task<IReadOnlyList<SeenMessage>> TelegramAsync(long chatId, string text, bool press, string? appLanguage, long update)
        {
            var inbound = new TelegramInbound(chatId, text, press ? "cbq-" + update.ToString(CultureInfo.InvariantCulture) : null, appLanguage, null);
            var userId = await users.TouchAsync(TelegramAdapter.ChannelId, chatId.ToString(CultureInfo.InvariantCulture));
            var activity = TelegramMapping.ToActivity(inbound, update, userId, Clock.GetUtcNow());
            var seen = new List<SeenMessage>();
            await RunTurnAsync(activity, async (turn, c) =>
            {
                turn.TurnState[SeenKey] = seen;
                turn.TurnState[ChatKey] = chatId;
                if (press && activity.Text is { } data && data.StartsWith("h:", StringComparison.Ordinal))
                {
                    var conversation = await ChannelMemoryAsync(turn, c);
                    activity.Text = conversation.ButtonValue(data) ?? "/menu";
                }
            }, CancellationToken.None);
            return seen;
        }

        public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
        {
            var seen = turnContext.TurnState.Get<List<SeenMessage>>(SeenKey)
                ?? throw new InvalidOperationException("The fuzz adapter only answers turns (no proactive messages).");
            var responses = new List<ResourceResponse>();
            foreach (var activity in activities.Where(a => a.Type == ActivityTypes.Message))
            {
                if (turnContext.Activity.ChannelId == WhatsAppAdapter.ChannelId) await WhatsAppSendAsync(turnContext, activity, seen, cancellationToken);
                else await TelegramSendAsync(turnContext, activity, seen, cancellationToken);
                responses.Add(new ResourceResponse(Guid.NewGuid().ToString("N")));
            }
            return responses.ToArray();
        }

        private async Task WhatsAppSendAsync(ITurnContext turn, Activity activity, List<SeenMessage> seen, CancellationToken ct)
        {
            // As WhatsAppAdapter: the recipient must still be known, the choices of every reply are remembered for "1", "2"…
            _ = await users.ContactAsync(turn.Activity.Conversation.Id, ct) ?? throw new RecipientUnknownException("No WhatsApp number is known for this user.");
            var language = Language.IsSupported(activity.Locale) ? activity.Locale! : (await State.ProfileAsync(turn, ct)).Language ?? Language.Turkish;
            var conversation = await ChannelMemoryAsync(turn, ct);
            conversation.Choices = WhatsAppMapping.Choices(activity);
            var text = WhatsAppMapping.Render(activity, WhatsAppMapping.Hint(activity, language, content.Texts));
            var hints = Language.All.Select(l => content.Texts.Get(l, TextKeys.ChoiceHint)).Append(WhatsAppMapping.AllHints(content.Texts)).ToList();
            foreach (var part in WhatsAppMapping.Split(text)) seen.Add(SeenMessage.FromWhatsApp(part, hints));
        }

        private async Task TelegramSendAsync(ITurnContext turn, Activity activity, List<SeenMessage> seen, CancellationToken ct)
        {
            var parts = TelegramMapping.Split(activity.Text ?? "");
            var hasLongValue = activity.SuggestedActions?.Actions?.Any(a => TelegramMapping.NeedsShortening(a.Value?.ToString() ?? a.Title ?? "")) == true;
            var conversation = hasLongValue ? await ChannelMemoryAsync(turn, ct) : null;
            var keyboard = TelegramMapping.Keyboard(activity, value => Shorten(value, conversation!));
            var buttons = keyboard?.InlineKeyboard.SelectMany(row => row).Select(b => new SeenChoice(b.Text, b.CallbackData ?? "")).ToList() ?? [];
            for (var i = 0; i < parts.Count; i++) seen.Add(new SeenMessage(parts[i], i == parts.Count - 1 ? buttons : []));
        }

        /// <summary>As TelegramAdapter: a value over 64 bytes goes out as a token and is kept in conversation state.</summary>
        private static string Shorten(string value, ChannelMemory conversation)
        {
            var token = "h:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 18).Replace('+', '-').Replace('/', '_');
            conversation.RememberButton(token, value);
            return token;
        }
    }
}

/// <summary>
/// The real thing end to end: a signed Twilio webhook or a Telegram update posted to the host over HTTP, the inbox,
/// the real channel adapter, and the fake Twilio / Telegram API the replies go to (read back from it). A turn is over
/// when its inbound update is handled. Slow (tens of milliseconds a turn): used for a few short walks that check the
/// in-process rendering against the real one.
/// </summary>
public sealed class RealChannelDriver : IFuzzDriver, IAsyncDisposable
{
    private const string AuthToken = "fuzz-auth-token-0123456789";
    private const string PublicBase = "https://bot.example.org";
    private const string TelegramSecret = "fuzz-secret";
    private readonly TempFolder _data = new();
    private FakeTwilioApi? _twilio;
    private FakeTelegramApi? _telegram;
    private long _updates;

    public BotHost Host { get; private set; } = null!;

    public FuzzChannel Channel { get; private init; }

    public static async Task<RealChannelDriver> StartAsync(FuzzChannel channel, LogSink logs, TimeProvider clock)
    {
        var driver = new RealChannelDriver { Channel = channel };
        var settings = new Dictionary<string, string?>();
        if (channel == FuzzChannel.WhatsApp)
        {
            driver._twilio = await FakeTwilioApi.StartAsync();
            settings["Twilio:AccountSid"] = WhatsAppTestHost.AccountSid;
            settings["Twilio:AuthToken"] = AuthToken;
            settings["Twilio:WhatsAppFrom"] = "whatsapp:+14155238886";
            settings["Twilio:PublicBaseUrl"] = PublicBase;
            settings["Twilio:ApiBaseUrl"] = driver._twilio.BaseUrl;
            settings["Twilio:MessagesPerSecond"] = "400";
        }
        else
        {
            driver._telegram = await FakeTelegramApi.StartAsync();
            settings["Telegram:BotToken"] = FakeTelegramApi.Token;
            settings["Telegram:WebhookSecret"] = TelegramSecret;
            settings["Telegram:ApiBaseUrl"] = driver._telegram.BaseUrl;
            settings["Telegram:MessagesPerSecond"] = "1000";
            settings["Telegram:PerChatMessagesPerSecond"] = "30";
            settings["Telegram:PerChatBurst"] = "20";
        }
        driver.Host = await BotHost.StartSqliteAsync(driver._data.Path, logs, settings, clock);
        return driver;
    }

    public async Task<IReadOnlyList<SeenMessage>> SendAsync(FuzzChannel channel, string address, UserAction action, string? appLanguage)
    {
        if (channel != Channel) throw new InvalidOperationException($"This driver runs {Channel} only.");
        return channel == FuzzChannel.WhatsApp ? await WhatsAppAsync(address, action) : await TelegramAsync(long.Parse(address, CultureInfo.InvariantCulture), action, appLanguage);
    }

    private async Task<IReadOnlyList<SeenMessage>> WhatsAppAsync(string phone, UserAction action)
    {
        var before = _twilio!.Delivered(phone).Count;
        var sid = "SM" + Interlocked.Increment(ref _updates).ToString("x32", CultureInfo.InvariantCulture);
        var form = WhatsAppTestHost.InboundForm(sid, phone, action.Media is null ? action.Text : "");
        if (action.Media is not null)
        {
            form["NumMedia"] = "1";
            form["MediaContentType0"] = action.Media;
            form["MediaUrl0"] = $"https://api.twilio.com/2010-04-01/Accounts/{WhatsAppTestHost.AccountSid}/Messages/{sid}/Media/ME0";
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(AuthToken, PublicBase + "/api/whatsapp", form));
        using var response = await Host.Client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"The WhatsApp webhook answered {(int)response.StatusCode}.");
        await WaitForTurnAsync(WhatsAppAdapter.ChannelId, sid);
        var content = Host.Services.GetRequiredService<BotContent>();
        var hints = Language.All.Select(l => content.Texts.Get(l, TextKeys.ChoiceHint)).Append(WhatsAppMapping.AllHints(content.Texts)).ToList();
        return _twilio.Delivered(phone).Skip(before).Select(m => SeenMessage.FromWhatsApp(m.Fields.GetValueOrDefault("Body") ?? "", hints)).ToList();
    }

    private async Task<IReadOnlyList<SeenMessage>> TelegramAsync(long chatId, UserAction action, string? appLanguage)
    {
        var before = _telegram!.Sent("sendMessage", chatId).Count;
        var id = Interlocked.Increment(ref _updates);
        var from = new Dictionary<string, object?> { ["id"] = chatId, ["is_bot"] = false, ["first_name"] = "A" };
        if (appLanguage is not null) from["language_code"] = appLanguage;
        var chat = new { id = chatId, type = "private" };
        var date = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        object update = action switch
        {
            { Press: true } => new
            {
                update_id = id,
                callback_query = new { id = "cbq-" + id, from, chat_instance = "ci", data = action.Text, message = new { message_id = 1, date, chat } },
            },
            { Media: not null } => new
            {
                update_id = id,
                message = new { message_id = id, date, chat, from, photo = new[] { new { file_id = "photo", file_unique_id = "photo-u", width = 90, height = 90 } } },
            },
            { Text.Length: 0 } => new
            {
                update_id = id,
                message = new { message_id = id, date, chat, from, location = new { latitude = 37.06, longitude = 37.38 } },
            },
            _ => new { update_id = id, message = new { message_id = id, date, chat, from, text = action.Text } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram")
        {
            Content = new StringContent(JsonSerializer.Serialize(update), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TelegramWebhook.SecretHeader, TelegramSecret);
        using var response = await Host.Client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"The Telegram webhook answered {(int)response.StatusCode}.");
        await WaitForTurnAsync(TelegramAdapter.ChannelId, id.ToString(CultureInfo.InvariantCulture));
        return _telegram.Sent("sendMessage", chatId).Skip(before).Select(m => new SeenMessage(m.GetProperty("text").GetString() ?? "", Buttons(m))).ToList();
    }

    private static List<SeenChoice> Buttons(JsonElement message) =>
        message.TryGetProperty("reply_markup", out var markup) && markup.TryGetProperty("inline_keyboard", out var keyboard)
            ? keyboard.EnumerateArray().SelectMany(row => row.EnumerateArray())
                .Select(b => new SeenChoice(b.GetProperty("text").GetString()!, b.GetProperty("callback_data").GetString()!)).ToList()
            : [];

    /// <summary>
    /// Waits until the update is handled (its turn and its sends are over). A row that is gone was handled too: the
    /// turn deleted the person's data, received updates included.
    /// </summary>
    private async Task WaitForTurnAsync(string channel, string externalId)
    {
        var factory = Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync())
            {
                var status = await db.Inbound.Where(u => u.Channel == channel && u.ExternalId == externalId).Select(u => (InboundStatus?)u.Status).FirstOrDefaultAsync();
                if (status is InboundStatus.Failed or InboundStatus.Dropped) throw new InvalidOperationException($"the inbox marked {channel} update {externalId} {status}");
                if (status is not (InboundStatus.Pending or InboundStatus.Processing)) return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the turn of {channel} update {externalId} did not end");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_twilio is not null) await _twilio.DisposeAsync();
        if (_telegram is not null) await _telegram.DisposeAsync();
        _data.Dispose();
    }
}
