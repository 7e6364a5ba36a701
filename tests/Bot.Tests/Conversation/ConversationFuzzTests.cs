using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bot.Tests.Conversation.Fuzz;
using Bot.Tests.Infrastructure;
using Bot.Web.Localization;
using Xunit;
using Xunit.Abstractions;

namespace Bot.Tests.Conversation;

/// <summary>
/// The conversation fuzzer (issue #17): seeded random walks through the main menu and every guided dialog, in
/// Turkish and Arabic, as a WhatsApp person (sees text with numbered lists, picks by typing the number of the last
/// list) and as a Telegram person (presses the buttons of the last reply — and sometimes an older one, which Telegram
/// allows).
/// <para>
/// <b>What it walks.</b> Each step the person draws from a pool (<see cref="FuzzWalker"/>): a valid answer for what
/// the bot waits for (a number / button of the last list, an option word or text, yes/no words, an age, a city, a
/// text), a wrong answer, a question from the knowledge base (its own example questions), a language word ("Türkçe",
/// "عربي", "arapca"), an opt-out/resume word (STOP, DUR, START, DEVAM, ابدأ, اشتراك…), a menu or cancel word (menü,
/// القائمة, iptal, الغاء), a number, a date ("12.03.1990"), emoji, media without text, an empty message, a greeting,
/// a choice of an older list. Walks start as a new person (half of them with a greeting).
/// </para>
/// <para>
/// <b>What it checks</b> after every turn (<see cref="FuzzChecks"/>; a walk goes on after a violation, each distinct one recorded once):
/// <b>error</b> — no exception, no error apology, no Error-level log;
/// <b>repetition</b> — no message identical to the two before it (unless the person asked for it again each time:
/// the same message, opt-out command or media, or a menu word for the menu), no dialog stuck sending the same reply at
/// the same step three turns running;
/// <b>menu</b> — a menu word brings the main menu in that turn (first contact may get the welcome first), and a
/// main-menu button pressed at any point does what it says;
/// <b>language</b> — once chosen, the language changes only when the person asks (language word, language button or
/// its number, the welcome's language step), replies come in it (or in Arabic to an Arabic message), and a request is obeyed;
/// <b>state</b> — the stored dialog/step exist and wait for input, profile language is tr/ar/none, birth year not in
/// the future (and 10–99 years back), known statuses and centres, nothing kept without consent;
/// <b>claims</b> — what the bot says about stored data is true ("announcements re-enabled" only with a subscription…).
/// Over the whole run: <b>dialog-end</b> — every dialog ended normally on some walk (its waiting step answered, then over
/// or handed on).
/// </para>
/// <para>
/// <b>How it runs.</b> <see cref="Random_walks_keep_every_property"/> drives the real app (real SQLite file, the app's
/// turn pipeline: state, opt-out and language middleware, error handler, the bot) in-process through the channels' own
/// mapping code (<see cref="InProcessDriver"/>): through HTTP and the inbox a turn costs 50–100 ms, in-process 5–15 ms,
/// so 72 walks of 36 steps (2,592 steps) take about 15–35 s after a start-up of 7–20 s, depending on the machine's load.
/// <see cref="Walks_through_the_real_channel_fakes"/> runs a few walks end to end (signed webhook, inbox, the real
/// adapter, the fake Twilio / Telegram API) and the same walks in-process, and requires that the person sees exactly the
/// same messages, numbered lists and buttons both ways. The clock is fixed (<see cref="FuzzClock"/>, reset for every
/// walk): a walk is a function of its seed.
/// </para>
/// <para>
/// <b>Replaying.</b> A failure lists every distinct violation with its walk id and the last 10 turns. Environment
/// variables: <c>FUZZ_WALK=telegram:ar:123456</c> replays one walk as a new person and prints its whole transcript;
/// <c>FUZZ_SEED=n</c> another run of walks (default 17); <c>FUZZ_WALKS</c> walks per channel and language (default 18);
/// <c>FUZZ_STEPS</c> steps per walk (default 36); <c>FUZZ_SHRINK=1</c> also shrinks every distinct violation (steps left
/// out while it still shows, as a new person; slower). <c>FUZZ_SCRIPT="telegram:tr | merhaba | [menu:courses]"</c>
/// replays a conversation written by hand (<see cref="FuzzScript"/>) in <see cref="Fuzz_findings_no_longer_reproduce"/>,
/// which otherwise replays the minimal reproductions of fuzz-findings.md. E.g.
/// <c>FUZZ_WALK=telegram:tr:800708 dotnet test tests/Bot.Tests --filter "FullyQualifiedName~Random_walks"</c>.
/// </para>
/// </summary>
public sealed class ConversationFuzzTests(ITestOutputHelper output)
{
    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>The walks of a run: for each channel and language, <c>FUZZ_WALKS</c> walks with seeds derived from <c>FUZZ_SEED</c>.</summary>
    public static IReadOnlyList<FuzzWalk> Walks(int seed, int perCase, int steps)
    {
        var walks = new List<FuzzWalk>();
        for (var i = 0; i < perCase; i++)
        {
            foreach (var channel in new[] { FuzzChannel.WhatsApp, FuzzChannel.Telegram })
            {
                foreach (var language in Language.All)
                {
                    walks.Add(new FuzzWalk(channel, language, Deterministic(seed, i, (int)channel, language == Language.Turkish ? 0 : 1), steps));
                }
            }
        }
        return walks;
    }

    /// <summary>A seed for walk <paramref name="i"/> of a case that does not change between runs (HashCode does).</summary>
    private static int Deterministic(int seed, int i, int channel, int language) =>
        (int)(((((uint)seed * 1_000_003u) + ((uint)i * 7_919u) + ((uint)channel * 104_729u) + ((uint)language * 1_299_709u)) * 2_654_435_761u) % 1_000_000u);

    [Fact]
    public async Task Random_walks_keep_every_property()
    {
        var steps = Setting("FUZZ_STEPS", 36);
        var replay = Environment.GetEnvironmentVariable("FUZZ_WALK");
        var walks = string.IsNullOrWhiteSpace(replay)
            ? Walks(Setting("FUZZ_SEED", 17), Setting("FUZZ_WALKS", 18), steps)
            : [FuzzWalk.Parse(replay, steps)];
        var started = Stopwatch.StartNew();
        using var data = new TempFolder();
        var logs = new LogSink();
        var clock = new FuzzClock();
        // Warnings and errors only: formatting every Debug entry (each SQL command) would cost more than the turns.
        await using var host = await BotHost.StartSqliteAsync(data.Path, logs, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }, clock);
        var fuzzer = new ConversationFuzzer(host.Services, logs, clock, new InProcessDriver(host.Services));
        var startup = started.Elapsed;

        var timer = Stopwatch.StartNew();
        foreach (var walk in walks) await fuzzer.WalkAsync(walk);
        var walked = timer.Elapsed;
        output.WriteLine($"{fuzzer.Walks} walks, {fuzzer.Steps} steps in {walked.TotalSeconds:F1} s ({walked.TotalMilliseconds / Math.Max(1, fuzzer.Steps):F1} ms a step)");
        output.WriteLine(fuzzer.Coverage());
        output.WriteLine($"turns {fuzzer.TurnTime.TotalSeconds:F1} s, reads {fuzzer.ReadTime.TotalSeconds:F1} s, startup {startup.TotalSeconds:F1}");

        var violations = fuzzer.Violations.ToList();
        if (string.IsNullOrWhiteSpace(replay)) violations.AddRange(fuzzer.DialogsNeverEnded());
        else if (fuzzer.Violations.Count == 0) output.WriteLine("(replayed walk: no violation)");
        var report = await ReportAsync(fuzzer, violations, shrink: Setting("FUZZ_SHRINK", 0) != 0, fullTranscript: !string.IsNullOrWhiteSpace(replay));
        output.WriteLine($"report ready after {timer.Elapsed.TotalSeconds:F1} s");
        Assert.True(violations.Count == 0, report);
    }

    /// <summary>
    /// The minimal reproductions of what the fuzzer found (tests/Bot.Tests/Conversation/fuzz-findings.md), as scripts
    /// (<see cref="FuzzScript"/>): each must run without a violation once its defect is fixed. Each is a new person on
    /// one host. A finding judged to be intended behaviour is taken out here and in fuzz-findings.md.
    /// </summary>
    public static readonly IReadOnlyList<(string Id, string Script)> Findings =
    [
        ("F1", "telegram:tr | merhaba | DEVAM"),
        ("F1", "whatsapp:ar | مرحبا | اشتراك"),
        ("F2", "whatsapp:tr | merhaba | /start"),
        ("F3", "telegram:tr:tr | 👍 | merhaba | [menu:courses] | [menu:courses] | [menu:courses]"),
        ("F4", "telegram:tr:tr | 👍 | menü"),
        ("F5", "telegram:tr:tr | 👍 | [menu:courses] | evet | Gaziantep | [all] | Türkçe | [yes] | merhaba | hayır"),
        ("F6", "telegram:ar | عربي | [yes] | [skip] | [menu:courses] | عنتاب | [all] | [tr]"),
        ("F6", "whatsapp:ar | عربي | 1 | 1 | 2 | عنتاب | 9 | 1"),
        ("F7", "telegram:ar | عربي | [yes] | [skip] | [menu:courses] | عنتاب | [turkish]"),
        ("F7", "whatsapp:ar | عربي | 1 | 1 | 2 | عنتاب | 2"),
        ("F8", "telegram:ar | مرحبا | نعم | عربي | عربي | عربي"),
        ("F9", "telegram:tr | merhaba | evet | Türkçe | Türkçe | Türkçe | Türkçe"),
        ("F10", "whatsapp:tr | hi | ok | 👍"),
        ("F11", "telegram:tr | Türkçe | [yes] | [skip] | [menu:ask] | [menu:ask] | 👍"),
        ("F12", "telegram:tr | Türkçe | [yes] | [skip] | [menu:courses] | Gaziantep | [social-skills] | [tr] | arapca"),
    ];

    /// <summary>
    /// Replays the findings' scripts (<see cref="Findings"/>) — or, with <c>FUZZ_SCRIPT</c>, conversations written by
    /// hand (several separated by ";;") — and prints each with every violation.
    /// </summary>
    [Fact]
    public async Task Fuzz_findings_no_longer_reproduce()
    {
        var text = Environment.GetEnvironmentVariable("FUZZ_SCRIPT");
        var scripts = string.IsNullOrWhiteSpace(text)
            ? Findings
            : text.Split(";;", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => ("FUZZ_SCRIPT", s)).ToList();
        using var data = new TempFolder();
        var logs = new LogSink();
        var clock = new FuzzClock();
        await using var host = await BotHost.StartSqliteAsync(data.Path, logs, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }, clock);
        var fuzzer = new ConversationFuzzer(host.Services, logs, clock, new InProcessDriver(host.Services));
        var reports = new List<string>();
        var still = new List<string>();
        foreach (var (id, script) in scripts)
        {
            var (violations, transcript) = await fuzzer.ScriptAsync(FuzzScript.Parse(script));
            if (violations.Count > 0) still.Add(id);
            reports.Add($"{id}: {script}\n" + string.Join('\n', transcript.Select(t => t.Show())) + "\n"
                + (violations.Count == 0 ? "  No violations." : string.Join("\n", violations.Select(v => $"  step {v.Step}: [{v.Property}] {v.Message}"))));
        }
        var report = string.Join("\n\n", reports);
        output.WriteLine(report);
        Assert.True(still.Count == 0, $"Still reproduced: {string.Join(", ", still.Distinct())}\n\n{report}");
    }

    [Theory]
    [InlineData("whatsapp")]
    [InlineData("telegram")]
    public async Task Walks_through_the_real_channel_fakes(string channelName)
    {
        var channel = channelName == "whatsapp" ? FuzzChannel.WhatsApp : FuzzChannel.Telegram;
        var logs = new LogSink();
        var clock = new FuzzClock();
        await using var driver = await RealChannelDriver.StartAsync(channel, logs, clock);
        var fuzzer = new ConversationFuzzer(driver.Host.Services, logs, clock, driver);
        var inProcess = new ConversationFuzzer(driver.Host.Services, logs, clock, new InProcessDriver(driver.Host.Services));
        var timer = Stopwatch.StartNew();
        var differences = new List<string>();
        foreach (var walk in Walks(Setting("FUZZ_SEED", 17), 1, 25).Where(w => w.Channel == channel))
        {
            await fuzzer.WalkAsync(walk);
            var real = fuzzer.LastTranscript;
            // The same walk in-process (as another person, on the same host) must see exactly what the channel showed.
            await inProcess.WalkAsync(walk);
            var simulated = inProcess.LastTranscript;
            var at = Enumerable.Range(0, Math.Min(real.Count, simulated.Count))
                .FirstOrDefault(i => !real[i].Replies.Select(r => r.Show(int.MaxValue)).SequenceEqual(simulated[i].Replies.Select(r => r.Show(int.MaxValue))), -1);
            if (at >= 0) differences.Add($"walk {walk.Id}, step {at + 1}: the real {channelName} showed\n{real[at].Show()}\nin-process:\n{simulated[at].Show()}");
        }
        output.WriteLine($"{fuzzer.Walks} walks, {fuzzer.Steps} steps through the real {channelName} fake (and again in-process) in {timer.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(fuzzer.Coverage());
        Assert.True(differences.Count == 0, "The in-process rendering differs from the real channel's:\n" + string.Join("\n\n", differences));
        var report = await ReportAsync(fuzzer, fuzzer.Violations, shrink: false, fullTranscript: false);
        Assert.True(fuzzer.Violations.Count == 0, report);
    }

    /// <summary>Every distinct violation (by signature) once, the earliest-found walk's, shrunk when asked.</summary>
    private static async Task<string> ReportAsync(ConversationFuzzer fuzzer, IReadOnlyList<Violation> violations, bool shrink, bool fullTranscript)
    {
        if (violations.Count == 0) return "No violations.";
        var distinct = violations.GroupBy(v => v.Signature).Select(g => (First: g.OrderBy(v => v.Step).First(), Count: g.Count())).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{violations.Count} violations, {distinct.Count} distinct:");
        var budget = 4000;
        foreach (var (v, count) in distinct.OrderBy(d => d.First.Property, StringComparer.Ordinal).ThenBy(d => d.First.Signature, StringComparer.Ordinal))
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"({count}×) {v.Describe(fullTranscript ? int.MaxValue : 10)}");
            if (shrink && v.Walk is not null && v.Transcript.Count > 1 && budget > 0)
            {
                var (small, spent) = await fuzzer.ShrinkAsync(v, Math.Min(budget, 600));
                budget -= spent;
                if (small.Transcript.Count < v.Transcript.Count)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"  shrunk to {small.Transcript.Count} turns (a new person writes only these):");
                    sb.AppendLine(CultureInfo.InvariantCulture, $"  {small.Message}");
                    foreach (var t in small.Transcript) sb.AppendLine(t.Show());
                }
            }
        }
        return sb.ToString();
    }
}
