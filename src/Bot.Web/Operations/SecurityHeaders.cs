namespace Bot.Web.Operations;

/// <summary>
/// Response headers against framing (clickjacking), referrer leaks, content sniffing and injected script. The dashboard
/// runs no script at all and only its own inline styles; the web chat page sets its own policy (a nonce per response,
/// see the web chat's ChatPage); everything else (JSON APIs, health) allows nothing. Staff responses are
/// not cached (they show people's data; a shared computer's back button must not bring it back).
/// </summary>
public static class SecurityHeaders
{
    public const string StaffPolicy =
        "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public const string DefaultPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <param name="pagesPrefix">Where the dashboard's pages are (no script, no caching).</param>
    /// <param name="apiPrefix">Where the staff API is (no caching).</param>
    public static WebApplication UseSecurityHeaders(this WebApplication app, PathString pagesPrefix, PathString apiPrefix)
    {
        app.Use((context, next) =>
        {
            // Set when the response starts, so that error pages and redirects carry them too.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                var path = context.Request.Path;
                var staff = path.StartsWithSegments(pagesPrefix) || path.StartsWithSegments(apiPrefix);
                if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
                {
                    headers.ContentSecurityPolicy = path.StartsWithSegments(pagesPrefix) ? StaffPolicy : DefaultPolicy;
                }
                if (staff) headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            return next();
        });
        return app;
    }
}
