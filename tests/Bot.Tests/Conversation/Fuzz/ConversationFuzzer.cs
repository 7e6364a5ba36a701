using Bot.Web.Channels;
using System.Globalization;
using Bot.Tests.Infrastructure;
using Bot.Web.Announcements;
using Bot.Web.Channels.Telegram;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Conversation;
using Bot.Web.Data;
using Bot.Web.DialogRuntime;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Bot.Web.State;

namespace Bot.Tests.Conversation.Fuzz;

/// <summary>
/// Runs walks against a host through a driver, checks the properties after every turn (<see cref="FuzzChecks"/>),
/// and keeps what all walks of a run found: violations, and which dialogs were entered and ended.
/// </summary>
public sealed class ConversationFuzzer
{
    private readonly IServiceProvider _services;
    private readonly LogSink _logs;
    private readonly FuzzClock? _clock;
    private readonly IFuzzDriver _driver;
    private readonly BotContent _content;
    private readonly FuzzPools _pools;
    private readonly FuzzChecks _checks;
    private static int _attempt;

    public ConversationFuzzer(IServiceProvider services, LogSink logs, FuzzClock? clock, IFuzzDriver driver)
    {
        _services = services;
        _logs = logs;
        _clock = clock;
        _driver = driver;
        _content = services.GetRequiredService<BotContent>();
        _pools = new FuzzPools(_content, KnowledgeBase.Load(Repo.PathOf("localization")), services.GetRequiredService<CentreDirectory>());
        _checks = new FuzzChecks(_content, services.GetRequiredService<DialogInputs>(), services.GetRequiredService<CentreDirectory>(),
            services.GetRequiredService<KnowledgeService>(), services.GetRequiredService<TimeProvider>());
        foreach (var dialog in _content.Dialogs.All)
        {
            Entered[dialog.Id] = 0;
            Ended[dialog.Id] = 0;
            StepsSeen[dialog.Id] = [];
        }
    }

    public List<Violation> Violations { get; } = [];

    public int Steps { get; private set; }

    public TimeSpan TurnTime { get; private set; }

    public TimeSpan ReadTime { get; private set; }

    public int Walks { get; private set; }

    public Dictionary<string, int> Entered { get; } = [];

    public Dictionary<string, int> Ended { get; } = [];

    public Dictionary<string, HashSet<string>> StepsSeen { get; } = [];

    public Dictionary<string, int> MenuPicks { get; } = [];

    public int MenusShown { get; private set; }

    /// <summary>One random walk; its violations (each signature once) are recorded, and it goes on to its last step.</summary>
    public async Task<IReadOnlyList<Violation>> WalkAsync(FuzzWalk walk)
    {
        Walks++;
        var rng = new Random(walk.Seed);
        var walker = new FuzzWalker(walk, _pools, rng);
        var found = new List<Violation>();
        await RunAsync(walk, walker.AppLanguage, (step, state, replies, stuck) => walker.Next(step, state, replies, stuck), walk.Steps, coverage: true, found, stopAt: null);
        Violations.AddRange(found);
        return found;
    }

    /// <summary>
    /// Runs a fixed list of actions as a new person (for shrinking a failing walk): the violation found, if any. A
    /// press is sent as the same button value, a number as the same number — resolved by the bot against the new
    /// conversation, as for anyone.
    /// </summary>
    public Task<Violation?> ReplayAsync(FuzzWalk walk, string? appLanguage, IReadOnlyList<UserAction> actions, string signature) =>
        RunAsync(walk, appLanguage, (step, _, _, _) => actions[step - 1] with { Title = actions[step - 1].Press ? actions[step - 1].Title : null },
            actions.Count, coverage: false, found: [], stopAt: signature);

    /// <summary>A written script as a new person (<see cref="FuzzScript"/>): every violation, and the whole transcript.</summary>
    public async Task<(IReadOnlyList<Violation> Violations, IReadOnlyList<TurnRecord> Transcript)> ScriptAsync(FuzzScript script)
    {
        var found = new List<Violation>();
        await RunAsync(script.Walk, script.AppLanguage, (step, _, _, _) => script.Actions[step - 1], script.Actions.Count, coverage: false, found, stopAt: null);
        return (found, LastTranscript);
    }

    /// <summary>The turns of the last run.</summary>
    public IReadOnlyList<TurnRecord> LastTranscript { get; private set; } = [];

    /// <summary>
    /// A shorter list of actions that still shows the same violation (same signature), as a new person: chunks of the
    /// walk's actions, then single actions, are left out while the violation stays (at most <paramref name="budget"/>
    /// turns replayed). Returns the smallest run found (the original when nothing could be left out).
    /// </summary>
    public async Task<(Violation Violation, int Turns)> ShrinkAsync(Violation violation, int budget)
    {
        var walk = violation.Walk!;
        var appLanguage = new FuzzWalker(walk, _pools, new Random(walk.Seed)).AppLanguage;
        var best = violation;
        var actions = violation.Transcript.Select(t => t.Action).ToList();
        var spent = 0;
        for (var chunk = Math.Max(1, actions.Count / 2); chunk >= 1 && spent < budget; chunk /= 2)
        {
            for (var start = 0; start + chunk <= actions.Count - 1 && spent < budget; )
            {
                var candidate = actions.Take(start).Concat(actions.Skip(start + chunk)).ToList();
                spent += candidate.Count;
                var found = await ReplayAsync(walk, appLanguage, candidate, violation.Signature);
                if (found is not null)
                {
                    actions = candidate.Take(found.Step).ToList(); // it may show up earlier still
                    best = found;
                }
                else start++;
            }
            if (chunk == 1) break;
        }
        return (best, spent);
    }

    /// <summary>
    /// Runs the steps; every violation of a signature not yet in <paramref name="found"/> is added there and the walk
    /// goes on — except one of signature <paramref name="stopAt"/>, which ends the run and is returned.
    /// </summary>
    private async Task<Violation?> RunAsync(FuzzWalk walk, string? appLanguage, Func<int, StateSnapshot, IReadOnlyList<SeenMessage>, bool, UserAction> next,
        int steps, bool coverage, List<Violation> found, string? stopAt)
    {
        _clock?.Reset();
        var channel = FuzzWalk.ChannelId(walk.Channel);
        var attempt = Interlocked.Increment(ref _attempt);
        // A person of their own per run of a walk: the same seed gives the same conversation, replays start afresh.
        var address = walk.Channel == FuzzChannel.WhatsApp
            ? "+9055" + ((uint)walk.Seed % 10_000_000u).ToString("D7", CultureInfo.InvariantCulture) + (attempt % 100).ToString("D2", CultureInfo.InvariantCulture)
            : (7_000_000_000L + ((long)(uint)walk.Seed * 100) + (attempt % 100)).ToString(CultureInfo.InvariantCulture);
        var users = _services.GetRequiredService<UserDirectory>();
        var userId = await users.IdOfAsync(channel, address);
        var history = new FuzzHistory();
        var transcript = new List<TurnRecord>();
        LastTranscript = transcript;
        var before = await ReadStateAsync(channel, userId);
        IReadOnlyList<SeenMessage> replies = [];
        var stuck = false;
        while (_logs.Entries.TryDequeue(out _))
        {
            // Logs of the start-up and of earlier walks are not this walk's.
        }
        for (var step = 1; step <= steps; step++)
        {
            var action = next(step, before, replies, stuck);
            var resolved = FuzzChecks.Resolve(walk.Channel, action, before);
            Exception? failure = null;
            var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                replies = await _driver.SendAsync(walk.Channel, address, action, appLanguage);
            }
            catch (Exception e)
            {
                failure = e;
                replies = [];
            }
            _clock?.Advance(TimeSpan.FromSeconds(30));
            var logs = new List<LogSink.LogEntry>();
            while (_logs.Entries.TryDequeue(out var entry)) logs.Add(entry);
            var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            var after = await ReadStateAsync(channel, userId);
            var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            TurnTime += System.Diagnostics.Stopwatch.GetElapsedTime(t0, t1);
            ReadTime += System.Diagnostics.Stopwatch.GetElapsedTime(t1, t2);
            Steps++;
            transcript.Add(new TurnRecord(step, action, resolved, before.DialogAt, replies, after.DialogAt, after.Profile?.Language));
            var turn = new FuzzTurn(walk, step, action, resolved, before, after, replies, logs, failure);
            if (coverage) Cover(turn);
            var problems = _checks.Check(turn, history);
            history.Add(turn);
            foreach (var problem in problems)
            {
                var violation = problem with { Walk = walk, Step = step, Transcript = transcript.ToList() };
                if (violation.Signature == stopAt) return violation;
                if (found.All(f => f.Signature != violation.Signature)) found.Add(violation);
            }
            stuck = before.Conversation?.Dialog is { } was && after.Conversation?.Dialog is { } now && was.Id == now.Id && was.Step == now.Step;
            before = after;
        }
        return null;
    }

    /// <summary>Counts dialogs entered and ended normally (the waiting step answered, and the dialog over or handed on).</summary>
    private void Cover(FuzzTurn turn)
    {
        if (turn.Replies.Any(r => _checks.IsMenu(r))) MenusShown++;
        var wasIn = turn.Before.Conversation?.Dialog;
        var nowIn = turn.After.Conversation?.Dialog;
        if (nowIn is not null && StepsSeen.TryGetValue(nowIn.Id, out var seen))
        {
            seen.Add(nowIn.Step);
            if (wasIn?.Id != nowIn.Id) Entered[nowIn.Id]++;
        }
        if (wasIn is null && _content.Menu.Options.FirstOrDefault(o => o.Value == turn.Resolved) is { } option)
        {
            MenuPicks[option.Value] = MenuPicks.GetValueOrDefault(option.Value) + 1;
        }
        if (wasIn is not null && Ended.TryGetValue(wasIn.Id, out var ended) && nowIn?.Id != wasIn.Id && _checks.EndedNormally(turn)) Ended[wasIn.Id] = ended + 1;
    }

    /// <summary>Every dialog must have ended normally on some walk of the run.</summary>
    public IEnumerable<Violation> DialogsNeverEnded() =>
        Ended.Where(e => e.Value == 0).Select(e => new Violation("dialog-end", "dialog-end:" + e.Key,
            $"dialog '{e.Key}' never reached its end in {Walks} walks ({Steps} steps): entered {Entered[e.Key]} times, steps reached: "
            + (StepsSeen[e.Key].Count == 0 ? "none" : string.Join(", ", StepsSeen[e.Key].Order(StringComparer.Ordinal)))));

    public string Coverage() =>
        "dialogs (entered/ended): " + string.Join(", ", Entered.Keys.Order(StringComparer.Ordinal).Select(k => $"{k} {Entered[k]}/{Ended[k]}"))
        + $"; menus shown: {MenusShown}; menu options picked: "
        + string.Join(", ", _content.Menu.Options.Select(o => $"{o.Value} {MenuPicks.GetValueOrDefault(o.Value)}"));

    /// <summary>The person's stored state, read from the database as the app stored it.</summary>
    private async Task<StateSnapshot> ReadStateAsync(string channel, string userId)
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var conversationKey = $"{channel}/conversations/{userId}";
        var userKey = $"{channel}/users/{userId}";
        var rows = await db.State.AsNoTracking().Where(s => s.Key == conversationKey || s.Key == userKey).ToListAsync();
        var conversationRow = rows.FirstOrDefault(r => r.Key == conversationKey) is { } c ? JObject.Parse(c.Data) : null;
        var conversation = conversationRow?["conversation"]?.ToObject<ConversationData>();
        var channelMemory = conversationRow?[ChannelMemory.StateName]?.ToObject<ChannelMemory>();
        var profile = rows.FirstOrDefault(r => r.Key == userKey) is { } u ? JObject.Parse(u.Data)["profile"]?.ToObject<UserProfile>() : null;
        var user = await db.BotUsers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == userId);
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.Id).Select(s => s.Id).ToListAsync();
        return new StateSnapshot(conversation, channelMemory, profile, user, subscriptions.Select(s => s.ToString(CultureInfo.InvariantCulture)).ToList());
    }
}

/// <summary>One turn as the checks see it: what the person did (and what the bot read), state before and after, the replies, the logs.</summary>
public sealed record FuzzTurn(FuzzWalk Walk, int Step, UserAction Action, string Resolved, StateSnapshot Before, StateSnapshot After,
    IReadOnlyList<SeenMessage> Replies, IReadOnlyList<LogSink.LogEntry> Logs, Exception? Failure);

/// <summary>The messages of a walk so far, each with the turn it came from.</summary>
public sealed class FuzzHistory
{
    public List<(SeenMessage Message, FuzzTurn Turn)> Messages { get; } = [];

    public List<FuzzTurn> Turns { get; } = [];

    public void Add(FuzzTurn turn)
    {
        Turns.Add(turn);
        foreach (var reply in turn.Replies) Messages.Add((reply, turn));
    }
}

/// <summary>
/// The properties, checked after every turn (all that fail are returned):
/// <list type="bullet">
/// <item><b>error</b>: the turn threw, the bot sent its error apology (error.apology), or something was logged at Error level.</item>
/// <item><b>repetition</b>: (a) no message identical to the two messages before it in what the person received, unless the
/// person asked for it again each time (the same message, opt-out command or media as the turn before, or a menu word
/// for the menu); (b) no dialog that waits at the same step and sends the very same reply three turns running (it must
/// move on, re-ask with a retry count, or give up) — opt-out/opt-in commands aside, which do not touch the dialog.</item>
/// <item><b>menu</b>: a menu word (commands.menu, /start) yields the main menu in that turn — except at first contact
/// (no turn of the bot's yet), where the welcome (or the language question) may come first; a main-menu button pressed at any point (Telegram keeps
/// old keyboards) does what it says in that turn (its dialog starts, the language or the question is asked).</item>
/// <item><b>language</b>: once the person has chosen a language, the stored language changes only when they ask (a
/// language word, a lang: button or its number, the welcome's language step); every reply is in the chosen language
/// (or in Arabic when the message itself was Arabic); after asking for a language, it is stored and the replies use it.</item>
/// <item><b>state</b>: the stored dialog and step exist (and the step waits for an input, within its retries); the profile
/// language is tr, ar or none; birth year not in the future and within the ages the dialog accepts; legal status and
/// centres known; centre, eligibility answers and subscriptions stored only with consent.</item>
/// <item><b>claims</b>: what the bot says about stored data is true: "announcements re-enabled" only to someone with a
/// subscription, "subscription saved" / "all removed" / "data deleted" match the database.</item>
/// </list>
/// "Every dialog reaches its end" is checked over the whole run (<see cref="ConversationFuzzer.DialogsNeverEnded"/>).
/// </summary>
public sealed class FuzzChecks(BotContent content, DialogInputs inputs, CentreDirectory centres, KnowledgeService knowledge, TimeProvider clock)
{
    private string[] All(string key) => Language.All.Select(l => content.Texts.Get(l, key)).ToArray();

    /// <summary>What the bot reads from the person's action: a WhatsApp number becomes the value of the choice it picks, a Telegram command its value.</summary>
    public static string Resolve(FuzzChannel channel, UserAction action, StateSnapshot before)
    {
        if (action.Media is not null) return "";
        if (channel == FuzzChannel.WhatsApp)
        {
            var text = action.Text.Trim();
            return WhatsAppMapping.ResolveChoice(text, before.Channel?.Choices ?? []) ?? text;
        }
        if (action.Press)
        {
            return action.Text.StartsWith("h:", StringComparison.Ordinal) ? before.Channel?.ButtonValue(action.Text) ?? "/menu" : action.Text;
        }
        var inbound = new TelegramInbound(1, action.Text, null, null, null);
        return TelegramMapping.ToActivity(inbound, 1, "u", DateTimeOffset.UnixEpoch).Text ?? "";
    }

    /// <summary>Every property this turn breaks.</summary>
    public IReadOnlyList<Violation> Check(FuzzTurn turn, FuzzHistory history) =>
        new[] { Errors(turn), Repetition(turn, history), Menu(turn), LanguageChanges(turn), State(turn), Claims(turn) }.OfType<Violation>().ToList();

    // ---- error -------------------------------------------------------------------------------------------------

    private Violation? Errors(FuzzTurn turn)
    {
        if (turn.Failure is { } e) return new("error", "error:threw:" + e.GetType().Name, $"the turn threw {e.GetType().Name}: {e.Message}");
        var apology = All(TextKeys.ErrorApology);
        var logged = turn.Logs.Where(l => l.Level >= LogLevel.Error).ToList();
        var cause = logged.Select(l => $"{l.Category}: {l.Message.Trim()}" + (l.Exception is null ? "" : $" — {l.Exception.GetType().Name}: {l.Exception.Message}")).ToList();
        var firstCause = logged.FirstOrDefault()?.Exception is { } x ? x.GetType().Name + ": " + Short(x.Message, 80) : logged.FirstOrDefault()?.Message;
        if (turn.Replies.Any(r => apology.Any(a => r.Text.Contains(a, StringComparison.Ordinal))))
        {
            return new("error", "error:apology:" + firstCause, "the bot sent its error apology (error.apology)" + (cause.Count > 0 ? "; logged: " + string.Join(" | ", cause) : ""));
        }
        if (logged.Count > 0) return new("error", "error:log:" + firstCause, "Error-level log: " + string.Join(" | ", cause));
        return null;
    }

    // ---- repetition --------------------------------------------------------------------------------------------

    private Violation? Repetition(FuzzTurn turn, FuzzHistory history)
    {
        var messages = history.Messages.Concat(turn.Replies.Select(r => (Message: r, Turn: turn))).ToList();
        for (var i = Math.Max(2, messages.Count - turn.Replies.Count); i < messages.Count; i++)
        {
            var three = messages.Skip(i - 2).Take(3).ToList();
            if (three.Select(m => m.Message.Text).Distinct().Count() != 1 || three[0].Message.Text.Length == 0) continue;
            var turns = three.Select(m => m.Turn).Distinct().ToList();
            if (turns.Count == 3 && AskedAgain(turns[1], turns[0], three[1].Message) && AskedAgain(turns[2], turns[1], three[2].Message)) continue;
            var inputs = string.Join(", ", turns.Select(t => $"#{t.Step} {t.Action.Show()}"));
            return new("repetition", "repetition:message:" + Short(three[0].Message.Text, 50),
                $"the same message three times in a row: \"{Short(three[0].Message.Text, 120)}\" (after {inputs})");
        }
        var lastThree = history.Turns.TakeLast(2).Append(turn).ToList();
        var at = turn.Before.Conversation?.Dialog;
        var commands = lastThree.Count == 3 && lastThree.All(t => content.OptOut.Match(t.Resolved) is not null); // out of band, not answers
        if (at is not null && !commands && lastThree.Count == 3 && lastThree.All(t => t.Before.Conversation?.Dialog is { } d && d.Id == at.Id && d.Step == at.Step)
            && turn.After.DialogAt == turn.Before.DialogAt
            && lastThree.Select(t => string.Join("\n", t.Replies.Select(r => r.Text))).Distinct().Count() == 1 && turn.Replies.Count > 0)
        {
            var inputs = string.Join(", ", lastThree.Select(t => $"#{t.Step} {t.Action.Show()}"));
            return new("repetition", "repetition:stuck:" + Short(turn.Replies[0].Text, 40),
                $"dialog {turn.Before.DialogAt} sent the same reply three turns running without moving on or giving up: \"{Short(string.Join(" / ", turn.Replies.Select(r => r.Text)), 160)}\" (after {inputs})");
        }
        return null;
    }

    /// <summary>
    /// The person asked for this message again: a menu word brought the menu, or they wrote (pressed, sent) the same
    /// as the turn before, or the same opt-out or opt-in command — the same answer to the same request is no loop.
    /// </summary>
    private bool AskedAgain(FuzzTurn turn, FuzzTurn previous, SeenMessage message)
    {
        if (IsMenuWord(turn.Resolved) && IsMenu(message)) return true;
        if (turn.Action.Media is not null && previous.Action.Media is not null) return true;
        if (OptOutWords.Normalize(turn.Resolved) == OptOutWords.Normalize(previous.Resolved)) return true;
        return content.OptOut.Match(turn.Resolved) is { } a && content.OptOut.Match(previous.Resolved) is { } b && a.Stop == b.Stop;
    }

    // ---- menu --------------------------------------------------------------------------------------------------

    /// <summary>The main menu: its title (menu.title) with its options, in either language.</summary>
    public bool IsMenu(SeenMessage message) =>
        Language.All.Any(l => message.Text.Trim() == content.Texts.Get(l, content.Menu.Prompt).Trim()
            && message.Choices.Select(c => c.Title).SequenceEqual(content.Menu.Options.Select(o => content.Texts.Get(l, o.TextKey))));

    private bool IsMenuWord(string input)
    {
        var folded = LanguageDetector.Fold(input.Trim());
        return folded.Length > 0 && Language.All.Any(l => content.Texts.GetList(l, TextKeys.MenuCommands).Any(c => LanguageDetector.Fold(c) == folded));
    }

    private bool IsCancelWord(string input)
    {
        var folded = OptOutWords.Normalize(input);
        return folded.Length > 0 && Language.All.Any(l => content.Texts.GetList(l, TextKeys.CancelWords).Any(c => OptOutWords.Normalize(c) == folded));
    }

    private Violation? Menu(FuzzTurn turn) => MenuWord(turn) ?? MenuButton(turn);

    /// <summary>
    /// A main-menu button (a menu:* value: a Telegram button of any menu shown before — Telegram keeps old keyboards —
    /// or a WhatsApp number of the menu) does what it says in that turn: starts its dialog, asks the language, or asks
    /// for the question. Not during a handover, where the bot passes everything but the menu word to staff.
    /// </summary>
    private Violation? MenuButton(FuzzTurn turn)
    {
        if (content.Menu.Options.FirstOrDefault(o => o.Value == turn.Resolved) is not { } option || turn.Failure is not null) return null;
        if (turn.Before.Profile?.HandoverSince is not null) return null;
        bool Says(string key) => turn.Replies.Any(r => All(key).Any(t => r.Text.Contains(t.Split('\n')[0].Trim(), StringComparison.Ordinal)));
        var done = option switch
        {
            { Dialog: { } dialog } => turn.After.Conversation?.Dialog?.Id == dialog,
            { Value: "menu:language" } => Says(TextKeys.LanguageAsk),
            { Entry: null } => Says(TextKeys.AskPrompt),
            _ => true,
        };
        if (done) return null;
        var got = turn.Replies.Count == 0 ? "no reply" : string.Join(" / ", turn.Replies.Select(r => "\"" + Short(r.Text, 80) + "\""));
        return new("menu", $"menu:button:{turn.Before.DialogAt.Split('/')[0]}",
            $"the menu button '{content.Texts.Get(turn.Before.Profile?.Language ?? Language.Turkish, option.TextKey)}' ({option.Value}, {turn.Action.Show()}) pressed in dialog {turn.Before.DialogAt} was not obeyed; the bot answered {got} and the dialog is now {turn.After.DialogAt}");
    }

    private Violation? MenuWord(FuzzTurn turn)
    {
        if (turn.Action.Press || turn.Action.Media is not null || !IsMenuWord(turn.Resolved)) return null;
        if (turn.Replies.Any(IsMenu)) return null;
        // First contact (the bot has not had a turn with this person yet): the welcome (privacy notice and consent) or
        // the language question comes first, by design.
        var firstContact = (turn.Before.Conversation?.Turns ?? 0) == 0 || turn.Before.Profile is not { Greeted: true };
        // The first line of each, up to its first placeholder ({address_kept} differs per channel).
        var welcome = All("welcome.notice").Concat(All(TextKeys.LanguageAsk)).Select(w => w.Split('\n')[0].Split('{')[0].Trim()).ToList();
        if (firstContact && turn.Replies.Any(r => welcome.Any(w => r.Text.Contains(w, StringComparison.Ordinal)))) return null;
        var got = turn.Replies.Count == 0 ? "no reply" : string.Join(" / ", turn.Replies.Select(r => "\"" + Short(r.Text, 100) + "\""));
        return new("menu", $"menu:{turn.Before.DialogAt.Split('/')[0]}:" + (turn.Replies.Count == 0 ? "silence" : Short(turn.Replies[0].Text, 40)),
            $"the menu word {turn.Action.Show()} (in dialog {turn.Before.DialogAt}) did not bring the menu; the bot answered {got}");
    }

    // ---- language ----------------------------------------------------------------------------------------------

    /// <summary>The language the person asked for in this turn, if they did: a language word typed, a lang: button (or its number), the welcome's language step answered.</summary>
    private string? Asked(FuzzTurn turn)
    {
        if (turn.Resolved.StartsWith("lang:", StringComparison.OrdinalIgnoreCase) && Language.IsSupported(turn.Resolved[5..])) return turn.Resolved[5..];
        // A language word the waiting step takes as its answer ("Türkçe" for Turkish courses, "arapca" for the
        // announcements' language) is that answer, not a request to change the bot's language (issue #17).
        var answersTheStep = turn.Before.Conversation?.Dialog is { } waiting && !(waiting is { Id: "welcome", Step: "language" }) && Answers(turn) is not null;
        if (!turn.Action.Press && turn.Action.Media is null && !answersTheStep && content.Languages.RequestedLanguage(turn.Action.Text) is { } word
            && Bot.Web.Localization.ChoiceNumber.Parse(turn.Action.Text) is null) return word;
        if (turn.Before.Conversation?.Dialog is { Id: "welcome", Step: "language" } && Answers(turn) is { } answer)
        {
            var code = answer.Replace("lang:", "", StringComparison.Ordinal);
            if (Language.IsSupported(code)) return code;
        }
        return null;
    }

    /// <summary>The script of a message: Arabic or Turkish (Latin) when at least 60% of its letters are of one; null when mixed or none.</summary>
    public static string? ScriptOf(string text)
    {
        int arabic = 0, latin = 0;
        foreach (var c in text)
        {
            if (c is >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F' or >= '\uFB50' and <= '\uFEFF') arabic++;
            else if (char.IsLetter(c) && c < '\u0250') latin++;
        }
        var total = arabic + latin;
        if (total < 3) return null;
        return arabic >= 0.6 * total ? Language.Arabic : latin >= 0.6 * total ? Language.Turkish : null;
    }

    private Violation? LanguageChanges(FuzzTurn turn)
    {
        var p0 = turn.Before.Profile;
        var p1 = turn.After.Profile;
        var asked = Asked(turn);
        var said = turn.Action.Show();
        if (asked is not null)
        {
            if (p1 is not null && (p1.Language != asked || !p1.LanguageChosen))
            {
                return new("language", $"language:asked-not-stored:{asked}",
                    $"the person asked for '{asked}' ({said}) but the stored language is '{p1.Language ?? "none"}' (chosen: {p1.LanguageChosen})");
            }
            var wrong = turn.Replies.FirstOrDefault(r => ScriptOf(r.Text) is { } s && s != asked);
            if (wrong is not null && p1 is not null)
            {
                return new("language", $"language:asked-reply:{asked}:" + Short(wrong.Text, 30),
                    $"the person asked for '{asked}' ({said}) but got a reply in '{ScriptOf(wrong.Text)}': \"{Short(wrong.Text, 120)}\"");
            }
            return null;
        }
        if (p0 is not { LanguageChosen: true, Language: { } chosen }) 
        {
            if (p0 is not null && p1 is { LanguageChosen: true } && !p0.LanguageChosen)
            {
                return new("language", "language:chosen-without-asking",
                    $"the language was marked as chosen ('{p1.Language}') though the person did not choose one (they {said}, at {turn.Before.DialogAt})");
            }
            return null;
        }
        if (p1 is not null && turn.After.User is not null && p1.Language != chosen)
        {
            return new("language", $"language:changed:{chosen}->{p1.Language}:{turn.Before.DialogAt.Split('/')[0]}",
                $"the stored language changed from '{chosen}' to '{p1.Language ?? "none"}' though the person did not ask (they {said}, at {turn.Before.DialogAt}; the bot read \"{Short(turn.Resolved, 40)}\")");
        }
        var written = turn.Action.Press ? "" : turn.Action.Text;
        var arabicInput = content.Languages.Detect(written) is { Language: Language.Arabic } || knowledge.Current.Arabizi?.IsArabizi(written) == true;
        var other = turn.Replies.FirstOrDefault(r => ScriptOf(r.Text) is { } s && s != chosen && !(s == Language.Arabic && arabicInput));
        if (other is not null)
        {
            return new("language", $"language:reply:{chosen}->{ScriptOf(other.Text)}:{turn.Before.DialogAt.Split('/')[0]}:{turn.Action.Kind}",
                $"the person chose '{chosen}' but got a reply in '{ScriptOf(other.Text)}' (they {said}, at {turn.Before.DialogAt}): \"{Short(other.Text, 120)}\"");
        }
        return null;
    }

    // ---- state -------------------------------------------------------------------------------------------------

    private Violation? State(FuzzTurn turn)
    {
        var s = turn.After;
        Violation Bad(string key, string message) => new("state", "state:" + key, message + $" (after {turn.Action.Show()} at {turn.Before.DialogAt})");
        if (s.Conversation?.Dialog is { } d)
        {
            if (content.Dialogs.Find(d.Id) is not { } dialog) return Bad("unknown-dialog", $"the conversation waits in dialog '{d.Id}', which does not exist");
            if (dialog.Steps.FirstOrDefault(x => x.Id == d.Step) is not { } step) return Bad("unknown-step", $"the conversation waits at step '{d.Id}/{d.Step}', which does not exist");
            if (step.Input == InputKind.None) return Bad("step-without-input", $"the conversation waits at step '{d.Id}/{d.Step}', which asks nothing");
            if (d.Retries > step.MaxRetries) return Bad("retries", $"step '{d.Id}/{d.Step}' has {d.Retries} retries, more than its {step.MaxRetries}");
        }
        if (s.Profile is { } p)
        {
            if (p.Language is not null && !Language.IsSupported(p.Language)) return Bad("profile-language", $"the profile language is '{p.Language}'");
            if (p.LanguageChosen && p.Language is null) return Bad("chosen-without-language", "the profile says a language was chosen but has none");
            if (p.CentreId is not null && centres.ById(p.CentreId) is null) return Bad("profile-centre", $"the profile centre '{p.CentreId}' is unknown");
            if (p.CentreId is not null && s.User?.ConsentAt is null) return Bad("profile-centre-without-consent", $"the profile keeps centre '{p.CentreId}' without consent");
            if (p.HandoverSince > clock.GetUtcNow()) return Bad("handover-future", "the handover started in the future");
        }
        if (s.User is { } u)
        {
            var year = clock.GetUtcNow().Year;
            if (u.BirthYear > year) return Bad("birth-year-future", $"the stored birth year {u.BirthYear} is in the future");
            if (u.BirthYear is { } born && (born > year - 10 || born < year - 99)) return Bad("birth-year-range", $"the stored birth year {born} means an age the age step refuses (10–99)");
            if (u.LegalStatus is not null && !LegalStatuses.All.Contains(u.LegalStatus)) return Bad("legal-status", $"the stored legal status '{u.LegalStatus}' is unknown");
            if (u.CentreId is not null && centres.ById(u.CentreId) is null) return Bad("user-centre", $"the stored centre '{u.CentreId}' is unknown");
            if (u.ConsentAt is null && (u.CentreId is not null || u.LegalStatus is not null || u.BirthYear is not null))
            {
                return Bad("kept-without-consent", $"centre/eligibility answers are stored without consent (centre {u.CentreId ?? "-"}, status {u.LegalStatus ?? "-"}, birth year {u.BirthYear?.ToString(CultureInfo.InvariantCulture) ?? "-"})");
            }
            if (u.ConsentAt is null && s.SubscriptionIds.Count > 0) return Bad("subscriptions-without-consent", $"{s.SubscriptionIds.Count} subscriptions are kept without consent");
        }
        else if (s.SubscriptionIds.Count > 0) return Bad("subscriptions-without-user", "subscriptions are kept for a person who is gone");
        return null;
    }

    // ---- claims ------------------------------------------------------------------------------------------------

    private Violation? Claims(FuzzTurn turn)
    {
        bool Says(string key) => turn.Replies.Any(r => All(key).Any(t => r.Text.Contains(t.Trim(), StringComparison.Ordinal)));
        var s = turn.After;
        Violation Bad(string key, string message) => new("claims", "claims:" + key, message + $" (they {turn.Action.Show()} at {turn.Before.DialogAt}; the bot read \"{Short(turn.Resolved, 40)}\")");
        if (Says(TextKeys.AnnouncementsResumed) && s.SubscriptionIds.Count == 0)
        {
            return Bad("resumed-without-subscription", "the bot said announcements are re-enabled \"for the topics you subscribed to\" to a person with no subscription");
        }
        if (Says("subscribe.saved") && s.SubscriptionIds.Count == 0) return Bad("saved-not-stored", "the bot said the subscription was saved, but none is stored");
        if (Says("subscribe.removed_all") && s.SubscriptionIds.Count > 0) return Bad("removed-all-kept", $"the bot said all subscriptions were removed, but {s.SubscriptionIds.Count} remain");
        if (Says("my_data.deleted") && (s.User is not null || s.Profile is not null || s.SubscriptionIds.Count > 0))
        {
            return Bad("deleted-kept", "the bot said the data was deleted, but the user row, profile or subscriptions remain");
        }
        return null;
    }

    // ---- dialog ends -------------------------------------------------------------------------------------------

    /// <summary>The answer the dialog's waiting step makes of what the bot read, or null when it is not one.</summary>
    public string? Answers(FuzzTurn turn)
    {
        if (turn.Before.Conversation?.Dialog is not { } d || content.Dialogs.Find(d.Id) is not { } dialog) return null;
        if (dialog.Steps.FirstOrDefault(s => s.Id == d.Step) is not { } step) return null;
        var language = turn.Before.Profile?.Language ?? Language.Turkish;
        IReadOnlyList<(string Value, string Label)> options = step.OptionsFrom is not null
            ? turn.Before.SubscriptionIds.Select(id => (id, "")).ToList()
            : step.Options.Select(o => (o.Value, content.Texts.Get(language, o.Text))).ToList();
        return inputs.Recognize(step, options, turn.Resolved, language)?.Value;
    }

    /// <summary>
    /// The dialog the person was in ended normally this turn: they answered its waiting step (not a menu, cancel or
    /// opt-out word, not media, not during a handover, not a question in the guise of a city) and it is over or handed
    /// on, without an error.
    /// </summary>
    public bool EndedNormally(FuzzTurn turn)
    {
        if (turn.Failure is not null || turn.Logs.Any(l => l.Level >= LogLevel.Error)) return false;
        if (turn.Before.Profile?.HandoverSince is not null || turn.Action.Media is not null) return false;
        if (IsMenuWord(turn.Resolved) || IsCancelWord(turn.Resolved) || content.OptOut.Match(turn.Resolved) is not null) return false;
        var step = content.Dialogs.Find(turn.Before.Conversation!.Dialog!.Id)!.Steps.FirstOrDefault(s => s.Id == turn.Before.Conversation.Dialog.Step);
        if (step is null) return false;
        if (step.Input == InputKind.Centre && turn.Resolved.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3) return false;
        return Answers(turn) is not null;
    }

    private static string Short(string text, int max)
    {
        var one = text.ReplaceLineEndings(" ").Trim();
        return one.Length <= max ? one : one[..max] + "…";
    }
}
