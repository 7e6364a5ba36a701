using System.Globalization;
using System.Text.Json;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Bot.Web.Channels.Telegram;

/// <summary>
/// Telegram updates from the webhook are written to <c>inbound_updates</c> (which also makes a redelivered update
/// a no-op) and answered at once; this service then runs their turns in order, marks each handled and clears its
/// payload. Updates left pending by a crash are processed after the restart.
/// </summary>
public sealed class TelegramInbox(
    IDbContextFactory<BotDbContext> dbFactory,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<TelegramInbox> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Stores an update; false when the same update was already received (a redelivery).</summary>
    public async Task<bool> AcceptAsync(long updateId, string payload, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Inbound.Add(new InboundUpdate
        {
            Channel = TelegramAdapter.ChannelId,
            ExternalId = updateId.ToString(CultureInfo.InvariantCulture),
            Payload = payload,
            Status = InboundStatus.Pending,
            ReceivedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return false; // unique (channel, external id): already received
        }
        _signal.Release();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var adapter = services.GetRequiredService<TelegramAdapter>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ProcessBatchAsync(adapter, stoppingToken) > 0)
                {
                }
                await _signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Telegram inbox failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task<int> ProcessBatchAsync(TelegramAdapter adapter, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.Inbound
            .Where(u => u.Channel == TelegramAdapter.ChannelId && u.Status == InboundStatus.Pending)
            .OrderBy(u => u.Id).Take(20).ToListAsync(ct);
        foreach (var row in batch)
        {
            // Stop between updates, never inside one: a turn cut short after its replies went out would be
            // run (and answered) again after the restart.
            if (ct.IsCancellationRequested) break;
            try
            {
                var update = JsonSerializer.Deserialize<Update>(row.Payload!, JsonBotAPI.Options)!;
                await adapter.ProcessAsync(update, CancellationToken.None);
                row.Status = InboundStatus.Handled;
                row.HandledAt = clock.GetUtcNow();
                row.Payload = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                row.Attempts++;
                logger.LogWarning(e, "Telegram update {UpdateId} failed (attempt {Attempt})", row.ExternalId, row.Attempts);
                if (row.Attempts >= MaxAttempts)
                {
                    row.Status = InboundStatus.Failed;
                    row.Payload = null;
                }
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return ct.IsCancellationRequested ? 0 : batch.Count;
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }
}
