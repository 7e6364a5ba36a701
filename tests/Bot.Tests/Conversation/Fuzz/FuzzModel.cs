using Bot.Web.Channels;
using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Web.Data;
using Bot.Web.State;

namespace Bot.Tests.Conversation.Fuzz;

/// <summary>The two ways a person sees the bot: WhatsApp (text with numbered lists) and Telegram (inline buttons).</summary>
public enum FuzzChannel
{
    WhatsApp,
    Telegram,
}

/// <summary>
/// One random walk: a channel, the person's language and the seed of its random choices. <see cref="Id"/>
/// ("telegram:ar:123456") is what a failure prints and what <c>FUZZ_WALK</c> replays.
/// </summary>
public sealed record FuzzWalk(FuzzChannel Channel, string Language, int Seed, int Steps)
{
    public string Id => $"{ChannelId(Channel)}:{Language}:{Seed.ToString(CultureInfo.InvariantCulture)}";

    public static string ChannelId(FuzzChannel channel) => channel == FuzzChannel.WhatsApp ? "whatsapp" : "telegram";

    /// <summary>"whatsapp:tr:42" → the walk.</summary>
    public static FuzzWalk Parse(string id, int steps)
    {
        var parts = id.Trim().Split(':');
        if (parts.Length != 3) throw new ArgumentException($"A walk is channel:language:seed (e.g. telegram:ar:123), not '{id}'.");
        var channel = parts[0].ToLowerInvariant() switch
        {
            "whatsapp" => FuzzChannel.WhatsApp,
            "telegram" => FuzzChannel.Telegram,
            _ => throw new ArgumentException($"Unknown channel '{parts[0]}' (whatsapp or telegram)."),
        };
        return new FuzzWalk(channel, parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), steps);
    }
}

/// <summary>
/// One bot message as the person sees it: its text, and the choices it offers — on WhatsApp the numbered lines
/// under the hint (<see cref="SeenChoice.Pick"/> is the number to type), on Telegram the inline buttons
/// (<see cref="SeenChoice.Pick"/> is the button's callback data).
/// </summary>
public sealed record SeenMessage(string Text, IReadOnlyList<SeenChoice> Choices)
{
    public string Show(int max = 160)
    {
        var text = Text.ReplaceLineEndings(" ⏎ ");
        if (text.Length > max) text = text[..max] + "…";
        return Choices.Count == 0 ? text : text + " [" + string.Join(" | ", Choices.Select(c => c.Pick + ": " + c.Title)) + "]";
    }

    /// <summary>A WhatsApp message body: the text, then "hint:" and the numbered choices ("1. …").</summary>
    public static SeenMessage FromWhatsApp(string body, IReadOnlyCollection<string> hints)
    {
        var lines = body.Split('\n');
        var at = Array.FindLastIndex(lines, l => hints.Any(h => l.Trim() == h + ":"));
        if (at < 0) return new SeenMessage(body, []);
        var choices = new List<SeenChoice>();
        foreach (var line in lines.Skip(at + 1))
        {
            var m = Regex.Match(line.Trim(), @"^(\d+)\.\s*(.*)$");
            if (m.Success) choices.Add(new SeenChoice(m.Groups[2].Value, m.Groups[1].Value));
        }
        return new SeenMessage(string.Join('\n', lines.Take(at)).TrimEnd(), choices);
    }
}

public sealed record SeenChoice(string Title, string Pick);

/// <summary>
/// One thing the person does. <see cref="Text"/> is what they type, or with <see cref="Press"/> the callback data of
/// the Telegram button they press; <see cref="Media"/> is an attachment sent without text (WhatsApp: its content
/// type; Telegram: a photo). <see cref="Kind"/> is the pool it was drawn from (for the transcript and some checks).
/// </summary>
public sealed record UserAction(string Kind, string Text, bool Press = false, string? Media = null, string? Title = null)
{
    public string Show()
    {
        if (Press) return $"presses [{Title}] ({Text})";
        if (Media is not null) return $"sends {Media} without text";
        if (Text.Length == 0) return "sends an empty message";
        return Title is null ? $"\"{Text}\"" : $"\"{Text}\" (= {Title})";
    }
}

/// <summary>What is stored about the walking person after a turn: conversation and user state, the user row, subscriptions.</summary>
public sealed record StateSnapshot(ConversationData? Conversation, ChannelMemory? Channel, UserProfile? Profile, BotUser? User, IReadOnlyList<string> SubscriptionIds)
{
    public static readonly StateSnapshot Empty = new(null, null, null, null, []);

    public string DialogAt => Conversation?.Dialog is { } d ? $"{d.Id}/{d.Step}" : "-";
}

/// <summary>One turn of a walk, as a failure shows it.</summary>
public sealed record TurnRecord(int Step, UserAction Action, string Resolved, string DialogBefore, IReadOnlyList<SeenMessage> Replies, string DialogAfter, string? Language)
{
    public string Show()
    {
        var resolved = Resolved != Action.Text && !Action.Press && Action.Media is null ? $" → {Resolved}" : "";
        var lines = new List<string> { $"  #{Step} [{DialogBefore}] person {Action.Show()}{resolved}   ({Action.Kind})" };
        lines.AddRange(Replies.Count == 0 ? ["      bot: (no reply)"] : Replies.Select(r => "      bot: " + r.Show()));
        lines.Add($"      → dialog {DialogAfter}, language {Language ?? "-"}");
        return string.Join('\n', lines);
    }
}

/// <summary>A property that did not hold.</summary>
/// <param name="Property">error, repetition, menu, dialog-end, language, state, claims.</param>
/// <param name="Signature">What makes two violations the same (for the list of distinct ones).</param>
/// <param name="Message">What happened, precisely.</param>
public sealed record Violation(string Property, string Signature, string Message)
{
    public FuzzWalk? Walk { get; init; }
    public int Step { get; init; }
    public IReadOnlyList<TurnRecord> Transcript { get; init; } = [];

    public string Describe(int lastTurns = 10)
    {
        if (Walk is null) return $"[{Property}] {Message}";
        var turns = Transcript.TakeLast(lastTurns).Select(t => t.Show());
        return $"[{Property}] {Message}\n  {Walk.Channel}/{Walk.Language}, step {Step} of walk {Walk.Id} (replay: FUZZ_WALK={Walk.Id})\n"
            + $"  last turns:\n{string.Join('\n', turns)}";
    }
}

/// <summary>
/// A conversation written by hand, to replay a finding: <c>channel:language[:app-language] | step | step …</c>, where a
/// step is text to type, <c>[value]</c> a Telegram button pressed (its callback data), <c>&lt;image/jpeg&gt;</c> media
/// without text, <c>&lt;&gt;</c> an empty message. E.g. <c>telegram:tr | merhaba | [menu:courses] | [menu:courses]</c>.
/// </summary>
public sealed record FuzzScript(FuzzWalk Walk, string? AppLanguage, IReadOnlyList<UserAction> Actions)
{
    public static FuzzScript Parse(string script)
    {
        var parts = script.Split('|', StringSplitOptions.TrimEntries);
        var head = parts[0].Split(':');
        var walk = FuzzWalk.Parse($"{head[0]}:{head[1]}:0", parts.Length - 1);
        var actions = parts.Skip(1).Select(p => p switch
        {
            ['[', .., ']'] => new UserAction("script", p[1..^1], Press: true, Title: p[1..^1]),
            "<>" => new UserAction("script", ""),
            ['<', .., '>'] => new UserAction("script", "", Media: p[1..^1]),
            _ => new UserAction("script", p),
        }).ToList();
        return new FuzzScript(walk, head.Length > 2 ? head[2] : null, actions);
    }
}
