using System.Net;
using Bot.Tests.Infrastructure;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>The Prometheus scrape endpoint: off by default, on with Metrics:Prometheus, carrying the bot's own metrics and no personal data.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_are_off_by_default()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task The_scrape_endpoint_counts_turns_questions_and_match_latency_without_personal_data()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path, extra: new Dictionary<string, string?> { ["Metrics:Prometheus"] = "true" });
        await host.SayAsync("metrics-user-905321234534", "çalışma izni için hangi belgeler gerekiyor");
        string text = "";
        // The exporter refreshes its snapshot now and then: scraped until the question shows (the assertions below say what is missing).
        await Eventually.WaitAsync(async () => (text = await host.Client.GetStringAsync("/metrics")).Contains("segbot_questions_total", StringComparison.Ordinal), seconds: 10);
        Assert.Contains("segbot_turns_total{", text, StringComparison.Ordinal);
        Assert.Contains("channel=\"webchat\"", text, StringComparison.Ordinal);
        Assert.Contains("segbot_questions_total{", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"answered\"", text, StringComparison.Ordinal);
        Assert.Contains("segbot_match_duration_milliseconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("segbot_outbox_depth", text, StringComparison.Ordinal);
        Assert.DoesNotContain("905321234534", text, StringComparison.Ordinal);
        Assert.DoesNotContain("belgeler", text, StringComparison.Ordinal);
    }
}
