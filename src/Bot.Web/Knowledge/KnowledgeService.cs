using Bot.Web.Localization;
using Microsoft.Extensions.Options;

namespace Bot.Web.Knowledge;

/// <summary>The knowledge base and its index as loaded at one moment: swapped whole when the content changes.</summary>
public sealed class KnowledgeSnapshot(KnowledgeBase knowledge, TextAnalysis analysis, KbIndex index) : IDisposable
{
    public KnowledgeBase Knowledge { get; } = knowledge;
    public KbIndex Index { get; } = index;
    public DateTimeOffset LoadedAt { get; init; }

    public static KnowledgeSnapshot Load(string localizationFolder, DateTimeOffset now)
    {
        var knowledge = KnowledgeBase.Load(localizationFolder);
        var analysis = TextAnalysis.Load(localizationFolder);
        return new KnowledgeSnapshot(knowledge, analysis, new KbIndex(knowledge, analysis)) { LoadedAt = now };
    }

    public void Dispose()
    {
        Index.Dispose();
        analysis.Dispose();
    }
}

/// <summary>
/// Serves matches from the current snapshot and re-indexes when files under localization/ change (no restart):
/// a change is picked up after a short quiet period; a broken edit is logged and the previous content kept.
/// </summary>
public sealed class KnowledgeService : IDisposable
{
    private readonly ContentPaths _paths;
    private readonly IOptionsMonitor<KnowledgeOptions> _options;
    private readonly ILogger<KnowledgeService> _logger;
    private readonly TimeProvider _clock;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _debounce;
    private KnowledgeSnapshot _current;
    private int _version;

    public KnowledgeService(ContentPaths paths, IOptionsMonitor<KnowledgeOptions> options, ILogger<KnowledgeService> logger, TimeProvider clock, bool watch = true)
    {
        _paths = paths;
        _options = options;
        _logger = logger;
        _clock = clock;
        _current = KnowledgeSnapshot.Load(paths.Localization, clock.GetUtcNow());
        Report(_current);
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        if (watch)
        {
            _watcher = new FileSystemWatcher(paths.Localization) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            _watcher.Changed += OnChange;
            _watcher.Created += OnChange;
            _watcher.Deleted += OnChange;
            _watcher.Renamed += OnChange;
        }
    }

    public KnowledgeSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Increases every time the content is re-indexed.</summary>
    public int Version => Volatile.Read(ref _version);

    public MatchResult Match(string text) => Current.Index.Match(text, _options.CurrentValue);

    /// <summary>Re-reads and re-indexes the content now; keeps the current content if the new one cannot be loaded.</summary>
    public bool Reload()
    {
        try
        {
            var fresh = KnowledgeSnapshot.Load(_paths.Localization, _clock.GetUtcNow());
            var old = Interlocked.Exchange(ref _current, fresh);
            Interlocked.Increment(ref _version);
            Report(fresh);
            // Matches in flight may still use the old index for a moment: dispose it a little later.
            _ = Task.Delay(TimeSpan.FromSeconds(10)).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or YamlDotNet.Core.YamlException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Knowledge base not reloaded: the changed content could not be loaded; the previous content stays in use");
            return false;
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        if (!e.FullPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)) return;
        _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }

    private void Report(KnowledgeSnapshot snapshot)
    {
        _logger.LogInformation("Knowledge base indexed: {Entries} entries, {Documents} phrasings", snapshot.Knowledge.Entries.Count, snapshot.Index.DocumentCount);
        foreach (var problem in snapshot.Knowledge.Problems) _logger.LogWarning("Knowledge base problem: {Problem}", problem.ToString());
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
        _current.Dispose();
    }
}
