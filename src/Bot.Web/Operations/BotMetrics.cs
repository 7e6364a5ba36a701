using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bot.Web.Configuration;
using OpenTelemetry.Metrics;

namespace Bot.Web.Operations;

/// <summary>
/// The bot's own metrics (System.Diagnostics.Metrics, meter <c>SegBot</c>): turns per channel and language, how
/// questions were handled, match latency, messages sent and channel errors per class. With
/// <c>Metrics:Prometheus=true</c> OpenTelemetry serves them (and ASP.NET Core's) at <c>/metrics</c>. No personal data:
/// tags are channel, language, outcome and error class only.
/// </summary>
public static class BotMetrics
{
    public const string MeterName = "SegBot";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Turns = Meter.CreateCounter<long>("segbot.turns", description: "Turns run, by channel and language");
    private static readonly Histogram<double> TurnDuration = Meter.CreateHistogram<double>("segbot.turn.duration", "ms", "Time to run one turn");
    private static readonly Counter<long> Questions = Meter.CreateCounter<long>("segbot.questions", description: "Questions by outcome: answered, clarified, abstained, out-of-scope");
    private static readonly Histogram<double> MatchDuration = Meter.CreateHistogram<double>("segbot.match.duration", "ms", "Knowledge-base match latency");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("segbot.messages.sent", description: "Messages accepted by a channel's API");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("segbot.channel.errors", description: "Channel API errors by class");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("segbot.inbound.dropped",
        description: "Messages not answered because their sender was over the message rate limit, by channel");
    private static readonly Counter<long> GateTimeouts = Meter.CreateCounter<long>("segbot.sqlite.gate_timeouts",
        description: "SQLite writes that waited over a second for the in-process write gate (the file's write lock held from outside)");

    public static void Turn(string channel, string language, TimeSpan duration)
    {
        var tags = new TagList { { "channel", channel }, { "language", language } };
        Turns.Add(1, tags);
        TurnDuration.Record(duration.TotalMilliseconds, tags);
    }

    public static void Question(string outcome, TimeSpan matchDuration)
    {
        Questions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        MatchDuration.Record(matchDuration.TotalMilliseconds);
    }

    public static void MessageSent(string channel) => Sent.Add(1, new KeyValuePair<string, object?>("channel", channel));

    /// <summary>Reports the outbox's depth (messages waiting, retrying or being sent) on each collection; one registration per process.</summary>
    public static void ObserveOutbox(Func<long> depth)
    {
        if (Interlocked.Exchange(ref _outboxObserved, 1) == 1) return;
        Meter.CreateObservableGauge("segbot.outbox.depth", depth, description: "Outbox messages not yet sent (pending, retrying, sending)");
    }

    private static int _outboxObserved;

    /// <summary>A message dropped (or, on the web chat, refused 429) because its sender was over the rate limit.</summary>
    public static void InboundDropped(string channel) => Dropped.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public static void SqliteGateTimeout() => GateTimeouts.Add(1);

    /// <summary>An error class: rate-limited, unreachable, opted-out, rejected, transient.</summary>
    public static void ChannelError(string channel, string kind) =>
        Errors.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("kind", kind));
}

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve Prometheus text format at /metrics (put it behind the proxy's access rules).</summary>
    public bool Prometheus { get; set; }
}

public static class MetricsSetup
{
    public static IServiceCollection AddBotMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MetricsOptions>(MetricsOptions.Section);
        if (configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()?.Prometheus != true) return services;
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BotMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime")
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapBotMetrics(this WebApplication app)
    {
        if (app.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()?.Prometheus != true) return app;
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
