using System.Text.Json;
using Bot.Web.Localization;

namespace Bot.Web.Channels.WebChat;

/// <summary>The web chat page: one self-contained HTML file (no CDN, works offline) with its labels from localization/.</summary>
public static class ChatPage
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(ChatPage).Assembly.GetManifestResourceStream("Bot.Web.Channels.WebChat.chat.html")
            ?? throw new InvalidOperationException("The web chat page is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page, with a Content-Security-Policy that runs only its own script and style (a fresh nonce per response).</summary>
    public static IResult Serve(BotContent content, HttpContext context)
    {
        var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        context.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            + "connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        return Results.Content(Render(content.Texts, nonce), "text/html; charset=utf-8");
    }

    public static string Render(TextCatalog texts, string? nonce = null)
    {
        var ui = Language.All.ToDictionary(l => l, l => new Dictionary<string, string>
        {
            ["title"] = texts.Get(l, TextKeys.WebChatTitle),
            ["placeholder"] = texts.Get(l, TextKeys.WebChatPlaceholder),
            ["send"] = texts.Get(l, TextKeys.WebChatSend),
            ["language"] = texts.Get(l, TextKeys.WebChatLanguage),
            ["offline"] = texts.Get(l, TextKeys.WebChatOffline),
            ["slowDown"] = texts.Get(l, TextKeys.WebChatSlowDown),
        });
        // Serialised with the default encoder, which escapes <, > and & so the JSON cannot close the script element.
        var page = Template.Value.Replace("/*UI_TEXTS*/{}", JsonSerializer.Serialize(ui), StringComparison.Ordinal);
        if (nonce is null) return page;
        return page.Replace("<script>", $"<script nonce=\"{nonce}\">", StringComparison.Ordinal)
            .Replace("<style>", $"<style nonce=\"{nonce}\">", StringComparison.Ordinal);
    }
}
