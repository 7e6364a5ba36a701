using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace Bot.Web.Channels.Telegram;

/// <summary>
/// Telegram:Mode=Polling: long-polls getUpdates and hands each update to the same inbox as the webhook. The offset
/// resumes after a restart from the newest update already received (Telegram confirms an update once a later
/// offset is asked for), so nothing is skipped and nothing is handled twice.
/// </summary>
public sealed class TelegramPolling(
    ITelegramBotClient client,
    ChannelInbox inbox,
    TelegramAdapter adapter,
    IDbContextFactory<BotDbContext> dbFactory,
    IHttpClientFactory http,
    Microsoft.Extensions.Options.IOptions<TelegramOptions> options,
    ILogger<TelegramPolling> logger) : BackgroundService
{
    public static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery, UpdateType.MyChatMember];
    private const int LongPollSeconds = 25;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var offset = await ResumeOffsetAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var updates = await client.GetUpdates(offset, 100, LongPollSeconds, AllowedUpdates, stoppingToken);
                failures = 0;
                foreach (var update in updates)
                {
                    await adapter.AcceptAsync(inbox, update, JsonSerializer.Serialize(update, JsonBotAPI.Options), stoppingToken);
                    offset = update.Id + 1;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ApiRequestException e) when (e.ErrorCode == 409)
            {
                logger.LogError("Telegram refuses getUpdates while a webhook is set: run `telegram delete-webhook` (or use Telegram:Mode=Webhook)");
                await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
            }
            catch (Exception e)
            {
                if (failures >= 1 && await ReadOneByOneAsync(offset, stoppingToken) is { } next)
                {
                    // The batch failed twice although Telegram answers: an update in it the library cannot read. Each
                    // update was read separately, the unreadable ones skipped (as the webhook does); go on after them.
                    logger.LogWarning("Telegram getUpdates failed twice ({Error}); the batch was read update by update", e.GetType().Name);
                    offset = next;
                    failures = 0;
                    continue;
                }
                failures++;
                var wait = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures)));
                logger.LogWarning("Telegram getUpdates failed ({Error}); retrying in {Seconds} s", e.GetType().Name, wait.TotalSeconds);
                await Task.Delay(wait, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Fetches the pending batch as plain JSON and hands each update the library can read to the inbox; an update it
    /// cannot read is logged with its id and skipped. The offset after the batch, or null when Telegram could not be
    /// asked (then the caller backs off as for any failure).
    /// </summary>
    private async Task<int?> ReadOneByOneAsync(int? offset, CancellationToken ct)
    {
        try
        {
            var url = $"{options.Value.ApiBaseUrl.TrimEnd('/')}/bot{options.Value.BotToken}/getUpdates";
            using var response = await http.CreateClient("telegram").PostAsJsonAsync(url, new
            {
                offset,
                limit = 100,
                timeout = 0,
                allowed_updates = AllowedUpdates.Select(u => JsonNamingPolicy.SnakeCaseLower.ConvertName(u.ToString())).ToArray(),
            }, ct);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            if (!document.RootElement.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array) return null;
            var next = offset;
            foreach (var element in result.EnumerateArray())
            {
                if (!element.TryGetProperty("update_id", out var idElement) || !idElement.TryGetInt32(out var id)) return null;
                global::Telegram.Bot.Types.Update? update = null;
                try
                {
                    update = element.Deserialize<global::Telegram.Bot.Types.Update>(JsonBotAPI.Options);
                }
                catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or OverflowException)
                {
                    logger.LogWarning("Telegram update {UpdateId} cannot be read ({Error}); skipped", id, e.GetType().Name);
                }
                if (update is not null) await adapter.AcceptAsync(inbox, update, element.GetRawText(), ct);
                next = id + 1;
            }
            return next == offset ? null : next; // nothing to move past: an ordinary failure, backed off by the caller
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<int?> ResumeOffsetAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = await db.Inbound.Where(u => u.Channel == TelegramAdapter.ChannelId).Select(u => u.ExternalId).ToListAsync(ct);
        var newest = ids.Select(id => long.Parse(id, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        return newest > 0 ? (int)(newest + 1) : null;
    }
}
