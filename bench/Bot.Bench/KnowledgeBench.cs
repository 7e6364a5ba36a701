using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Bot.Web.Knowledge;

namespace Bot.Bench;

/// <summary>Inputs shared by the BenchmarkDotNet run and the percentile run.</summary>
public static class Inputs
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Localization => Path.Combine(RepoRoot, "localization");

    /// <summary>Realistic questions (the tuning set: Turkish and Arabic, in and out of scope).</summary>
    public static string[] Questions { get; } = File.ReadLines(Path.Combine(RepoRoot, "tests", "Bot.Tests", "Knowledge", "kb-tuning.tsv"))
        .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')[2]).ToArray();

    /// <summary>
    /// A synthetic knowledge base of <paramref name="count"/> entries made from the real ones: each copy gets its own
    /// id and a distinguishing word in every phrasing, 8 phrasings per language (the content rules' minimum).
    /// </summary>
    public static KnowledgeBase Synthetic(int count)
    {
        var real = KnowledgeBase.Load(Localization);
        var entries = Enumerable.Range(0, count).Select(i =>
        {
            var source = real.Entries[i % real.Entries.Count];
            var texts = source.Texts.ToDictionary(kv => kv.Key, kv => new KbText(kv.Value.Title, kv.Value.Answer,
                kv.Value.Questions.Take(8).Select((q, j) => $"{q} {Word(i, j)}").ToList()));
            return $"id: syn-{i}\ncategory: {source.Category}\nrelated: []\n" + string.Concat(texts.Select(kv =>
                $"{kv.Key}:\n  title: \"{kv.Value.Title}\"\n  answer: |\n    {kv.Value.Answer.Replace("\n", "\n    ", StringComparison.Ordinal)}\n  questions:\n"
                + string.Concat(kv.Value.Questions.Select(q => $"    - \"{q.Replace("\"", "'", StringComparison.Ordinal)}\"\n"))));
        });
        return KnowledgeBase.FromFiles(entries.Select((yaml, i) => ($"syn-{i}.yaml", yaml)));
    }

    /// <summary>
    /// The content as the bot loads it: the shipped one (with the learned signal), or a synthetic one of that many
    /// entries (above Knowledge:LearnedMaxEntries, so BM25 alone, as the bot would run it).
    /// </summary>
    public static KnowledgeSnapshot Snapshot(int entries)
    {
        if (entries == 47) return KnowledgeSnapshot.Load(Localization, DateTimeOffset.UtcNow);
        var analysis = TextAnalysis.Load(Localization);
        var knowledge = Synthetic(entries);
        return new KnowledgeSnapshot(knowledge, analysis, new KbIndex(knowledge, analysis), MessageReader.Load(Localization), Arabizi.Load(Localization),
            LearnedSignal.For(knowledge, null, new KnowledgeOptions().LearnedMaxEntries));
    }

    private static string Word(int i, int j) => "w" + ((i * 31) + j).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bot.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run from inside the repository.");
    }
}

/// <summary>A message read as the bot reads it: the reader (courtesy, several questions, Arabizi), BM25 and the learned signal.</summary>
[MemoryDiagnoser]
public class MatchBenchmark
{
    private KnowledgeSnapshot _snapshot = null!;
    private readonly KnowledgeOptions _options = new();
    private int _next;

    [Params(47, 5000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup() => _snapshot = Inputs.Snapshot(Entries);

    [Benchmark]
    public Understanding Match() => _snapshot.Understand(Inputs.Questions[_next++ % Inputs.Questions.Length], null, _options);

    [GlobalCleanup]
    public void Cleanup() => _snapshot.Dispose();
}

[MemoryDiagnoser]
public class ReindexBenchmark
{
    private KnowledgeBase _knowledge = null!;
    private TextAnalysis _analysis = null!;

    [Params(47, 5000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _analysis = TextAnalysis.Load(Inputs.Localization);
        _knowledge = Entries == 47 ? KnowledgeBase.Load(Inputs.Localization) : Inputs.Synthetic(Entries);
    }

    [Benchmark]
    public int Reindex()
    {
        using var index = new KbIndex(_knowledge, _analysis);
        return index.DocumentCount;
    }
}

/// <summary>
/// Per-call latency percentiles (BenchmarkDotNet reports means and medians, not p99): every question of the
/// workload matched many times after a warm-up, each call timed on its own; plus full re-index time and memory.
/// </summary>
public static class Percentiles
{
    public static void Run(int rounds)
    {
        using var analysis = TextAnalysis.Load(Inputs.Localization);
        var options = new KnowledgeOptions();
        foreach (var entries in new[] { 47, 5000 })
        {
            var knowledge = entries == 47 ? KnowledgeBase.Load(Inputs.Localization) : Inputs.Synthetic(entries);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(true);
            var build = Stopwatch.StartNew();
            using var index = new KbIndex(knowledge, analysis);
            build.Stop();
            var after = GC.GetTotalMemory(true);

            var builds = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var sw = Stopwatch.StartNew();
                using (new KbIndex(knowledge, analysis)) { }
                builds.Add(sw.Elapsed.TotalMilliseconds);
            }

            // Timed as the bot reads a message: the reader, BM25 and (shipped content) the learned signal.
            var training = Stopwatch.StartNew();
            using var snapshot = Inputs.Snapshot(entries);
            training.Stop();
            for (var w = 0; w < 10; w++) foreach (var q in Inputs.Questions) snapshot.Understand(q, null, options); // warm-up (tiered JIT)
            var samples = new List<double>(rounds * Inputs.Questions.Length);
            for (var r = 0; r < rounds; r++)
            {
                foreach (var q in Inputs.Questions)
                {
                    var t = Stopwatch.GetTimestamp();
                    snapshot.Understand(q, null, options);
                    samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
            }
            samples.Sort();
            double P(double p) => samples[(int)Math.Min(samples.Count - 1, Math.Ceiling(p * samples.Count) - 1)];
            Console.WriteLine(FormattableString.Invariant(
                $"entries={entries} docs={index.DocumentCount} matches={samples.Count} p50={P(0.50):0.000}ms p95={P(0.95):0.000}ms p99={P(0.99):0.000}ms max={samples[^1]:0.000}ms reindex(best of 3)={builds.Min():0}ms index-memory={(after - before) / 1048576.0:0.0}MiB learned={(snapshot.Learned is null ? "off" : "on")} load-with-learned={training.ElapsedMilliseconds}ms"));
        }
    }
}

/// <summary>
/// Each workload question's median time over 30 calls (after a warm-up) and its allocation: the distribution across
/// questions, the machine's noise mostly left out, and the slowest questions.
/// </summary>
public static class Slowest
{
    public static void Run(int entries)
    {
        using var snapshot = Inputs.Snapshot(entries);
        var options = new KnowledgeOptions();
        for (var w = 0; w < 10; w++) foreach (var q in Inputs.Questions) snapshot.Understand(q, null, options);
        var rows = new List<(string Q, double Median, long Bytes)>();
        foreach (var q in Inputs.Questions)
        {
            var times = new List<double>();
            long bytes = 0;
            for (var r = 0; r < 30; r++)
            {
                var b = GC.GetAllocatedBytesForCurrentThread();
                var t = Stopwatch.GetTimestamp();
                snapshot.Understand(q, null, options);
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                bytes = GC.GetAllocatedBytesForCurrentThread() - b;
            }
            times.Sort();
            rows.Add((q, times[15], bytes));
        }
        rows.Sort((a, b) => a.Median.CompareTo(b.Median));
        Console.WriteLine(FormattableString.Invariant(
            $"entries={entries} questions={rows.Count} median-per-question p50={rows[rows.Count / 2].Median:0.000}ms p90={rows[rows.Count * 9 / 10].Median:0.000}ms p98={rows[rows.Count * 98 / 100].Median:0.000}ms sum={rows.Sum(r => r.Median):0.0}ms allocated-per-message={rows.Average(r => r.Bytes) / 1024:0}KB"));
        foreach (var r in rows.AsEnumerable().Reverse().Take(10))
        {
            Console.WriteLine(FormattableString.Invariant($"  {r.Median:0.000}ms {r.Bytes / 1024}KB {r.Q}"));
        }
    }
}
