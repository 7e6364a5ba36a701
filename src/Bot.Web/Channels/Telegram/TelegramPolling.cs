using System.Globalization;
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
                failures++;
                var wait = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures)));
                logger.LogWarning("Telegram getUpdates failed ({Error}); retrying in {Seconds} s", e.GetType().Name, wait.TotalSeconds);
                await Task.Delay(wait, stoppingToken);
            }
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
