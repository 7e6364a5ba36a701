using Bot.Web.State;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Bot.Builder;

using Bot.Web.Localization;

namespace Bot.Web.State;

/// <summary>What the bot remembers about a user (user state). No channel address, no message text.</summary>
public sealed class UserProfile
{
    /// <summary>The language the bot last spoke with this user.</summary>
    public string? Language { get; set; }

    /// <summary>True when the user chose <see cref="Language"/> themselves; then it wins over guessing.</summary>
    public bool LanguageChosen { get; set; }

    public bool Greeted { get; set; }

    /// <summary>The user's community centre, when they said which it is (kept only with consent).</summary>
    public string? CentreId { get; set; }

    /// <summary>Since when the user is talking to staff: the bot stays quiet (except for "menu") and passes messages on.</summary>
    public DateTimeOffset? HandoverSince { get; set; }

    /// <summary>True once messages written during the handover were acknowledged (once per handover, not per message).</summary>
    public bool HandoverAcknowledged { get; set; }
}

/// <summary>Per-conversation working memory (conversation state); the guided dialogs keep their place here.</summary>
public sealed class ConversationData
{
    public int Turns { get; set; }

    /// <summary>While the bot asks which entry was meant: the question (encrypted; to record it if none was) and the offered ids.</summary>
    public PendingClarification? Clarification { get; set; }

    /// <summary>The entry answered last and when: a short question soon after is read against it ("ne kadar?").</summary>
    public string? LastAnswer { get; set; }

    public DateTimeOffset? LastAnswerAt { get; set; }

    /// <summary>
    /// A centre named in this conversation ("hatay merkez adresi") and when it was last used: the next answers and
    /// dialogs use it for a while (<see cref="ConversationOptions.CentreMemoryHours"/>) even without consent to store it.
    /// </summary>
    public string? CentreId { get; set; }

    public DateTimeOffset? CentreAt { get; set; }

    /// <summary>The centre named in this conversation, if it was used within <paramref name="hours"/> (and then it is kept fresh).</summary>
    public string? RecentCentre(DateTimeOffset now, int hours)
    {
        if (CentreId is null || CentreAt is not { } at || now - at > TimeSpan.FromHours(hours)) return null;
        CentreAt = now;
        return CentreId;
    }

    public void RememberCentre(string centreId, DateTimeOffset now)
    {
        CentreId = centreId;
        CentreAt = now;
    }

    /// <summary>The text of the last message the bot sent and how many times in a row it was sent (no message three times).</summary>
    public string? LastReply { get; set; }

    public int LastReplyRepeats { get; set; }

    /// <summary>A hash of the person's last message: asking for the same thing again gets the same answer again.</summary>
    public string? LastInput { get; set; }

    /// <summary>The guided dialog in progress, if any: which step waits for an answer, and the answers so far.</summary>
    public DialogState? Dialog { get; set; }

}

/// <summary>Where a user is in a guided dialog (conversation state): the dialog, the step waiting for an answer, the answers so far.</summary>
public sealed class DialogState
{
    public string Id { get; set; } = "";
    public string Step { get; set; } = "";
    public int Retries { get; set; }
    public Dictionary<string, string> Vars { get; set; } = [];
}

public sealed class PendingClarification
{
    /// <summary>
    /// The person's question, encrypted with Data Protection (<see cref="ConversationTexts"/>) like the inbox payload:
    /// conversation state holds no message text in clear.
    /// </summary>
    public string ProtectedQuestion { get; set; } = "";
    public List<string> Offered { get; set; } = [];
    public List<double> Confidences { get; set; } = [];
}

/// <summary>Encrypts the texts conversation state must keep for a while (a pending clarification's question).</summary>
public sealed class ConversationTexts(Microsoft.AspNetCore.DataProtection.IDataProtectionProvider dataProtection)
{
    private readonly Microsoft.AspNetCore.DataProtection.IDataProtector _protector = dataProtection.CreateProtector("Bot.ConversationText.v1");

    public string Protect(string text) => _protector.Protect(text);

    /// <summary>The text, or null when it cannot be decrypted (kept from before this version, or its key is gone).</summary>
    public string? Unprotect(string? protectedText)
    {
        if (string.IsNullOrEmpty(protectedText)) return null;
        try
        {
            return _protector.Unprotect(protectedText);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

public sealed class BotStateAccessors(ConversationState conversationState, UserState userState)
{
    public ConversationState ConversationState { get; } = conversationState;
    public UserState UserState { get; } = userState;
    public IStatePropertyAccessor<UserProfile> Profile { get; } = userState.CreateProperty<UserProfile>("profile");
    public IStatePropertyAccessor<ConversationData> Conversation { get; } = conversationState.CreateProperty<ConversationData>("conversation");

    public Task<UserProfile> ProfileAsync(ITurnContext turn, CancellationToken ct) => Pinned(Profile, turn, ct);

    public Task<ConversationData> ConversationAsync(ITurnContext turn, CancellationToken ct) => Pinned(Conversation, turn, ct);

    /// <summary>
    /// Another part of conversation state, kept under its own name by the part of the bot that owns it (a channel's
    /// button values and numbered choices), saved with the rest at the end of the turn.
    /// </summary>
    public Task<T> ConversationPartAsync<T>(string name, ITurnContext turn, CancellationToken ct)
        where T : new() => Pinned((IStatePropertyAccessor<T>)_parts.GetOrAdd(name, n => ConversationState.CreateProperty<T>(n)), turn, ct);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _parts = new(StringComparer.Ordinal);

    /// <summary>
    /// State read from storage is JSON, and Bot Builder converts it to a new object on every read. Putting the
    /// converted instance back makes every reader in the turn share one object, so that its changes are saved.
    /// </summary>
    private static async Task<T> Pinned<T>(IStatePropertyAccessor<T> accessor, ITurnContext turn, CancellationToken ct)
        where T : new()
    {
        var value = await accessor.GetAsync(turn, () => new T(), ct);
        await accessor.SetAsync(turn, value, ct);
        return value;
    }
}

/// <summary>The reply language decided for the current turn, kept in the turn's state.</summary>
public static class TurnLanguage
{
    private const string Key = "Bot.TurnLanguage";
    private const string ChosenKey = "Bot.LanguageJustChosen";

    public static string Get(ITurnContext turn) => turn.TurnState.Get<string>(Key) ?? Localization.Language.Turkish;

    public static bool IsKnown(ITurnContext turn) => turn.TurnState.Get<string>(Key) is not null;

    public static void Set(ITurnContext turn, string language) => turn.TurnState[Key] = language;

    public static bool JustChosen(ITurnContext turn) => turn.TurnState.TryGetValue(ChosenKey, out var v) && v is true;

    public static void MarkChosen(ITurnContext turn) => turn.TurnState[ChosenKey] = true;
}
