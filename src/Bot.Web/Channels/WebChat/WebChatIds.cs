namespace Bot.Web.Channels.WebChat;

/// <summary>
/// A web chat user id is the only thing that identifies a person in the web chat, and it opens their staff answers
/// (<c>GET /api/webchat/messages?userId=</c>): it is a secret the browser makes (128 random bits, base64url or hex), not
/// a name. Short or patterned ids (<c>u-1</c>, <c>user-42</c>, <c>aaaa…</c>) are refused.
/// </summary>
public static class WebChatIds
{
    public const int MinLength = 22; // 128 bits in base64url
    public const int MaxLength = 128;
    private const int MinDistinctCharacters = 8;

    public const string Rule = "userId must be a random id of 22 to 128 letters, digits, '-' or '_' (the web chat page makes one: 128 random bits).";

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id)
    {
        if (id is null || id.Length is < MinLength or > MaxLength) return false;
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_') return false;
        }
        return id.Distinct().Count() >= MinDistinctCharacters;
    }
}
