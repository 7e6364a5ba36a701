namespace Bot.Web.Channels;

/// <summary>Splits a long text into messages a channel accepts.</summary>
public static class TextSplitter
{
    /// <summary>
    /// Splits <paramref name="text"/> into parts of at most <paramref name="max"/> UTF-16 characters: at paragraph
    /// breaks, else line breaks, else spaces, else hard (never inside a surrogate pair).
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int max)
    {
        var parts = new List<string>();
        var rest = text.Trim();
        while (rest.Length > max)
        {
            var cut = LastBreak(rest, max, "\n\n");
            if (cut <= 0) cut = LastBreak(rest, max, "\n");
            if (cut <= 0) cut = LastBreak(rest, max, " ");
            if (cut <= 0) cut = char.IsHighSurrogate(rest[max - 1]) ? max - 1 : max;
            parts.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }
        if (rest.Length > 0 || parts.Count == 0) parts.Add(rest);
        return parts;
    }

    private static int LastBreak(string text, int max, string separator)
    {
        var at = text.LastIndexOf(separator, max - 1, StringComparison.Ordinal);
        return at > max / 4 ? at : -1;
    }
}
