using Microsoft.AspNetCore.Http.Features;

namespace Bot.Web.Channels;

/// <summary>
/// Reads an inbound request's body with its limit counted on the bytes actually read: a chunked body has no
/// Content-Length to check, so a limit on that header alone lets any size through. Kestrel is given the same limit
/// for this request (it stops reading past it), and the read itself stops one byte past it: an oversized body is
/// refused (413) without ever being held in memory whole.
/// </summary>
public static class InboundBody
{
    /// <summary>The body's bytes, or the answer to give (413 over the limit, 400 when the body cannot be read).</summary>
    public static async Task<(byte[]? Body, IResult? Refusal)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct, string? title = null)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel)
        {
            kestrel.MaxRequestBodySize = maxBytes;
        }
        if (request.ContentLength > maxBytes) return (null, Refuse(request, TooLarge(maxBytes, title)));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes) return (null, Refuse(request, TooLarge(maxBytes, title)));
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limit (413), or a body cut short or malformed on the wire.
            return (null, Refuse(request, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes, title)
                : TypedResults.Problem("The body could not be read.", statusCode: StatusCodes.Status400BadRequest, title: title)));
        }
        return (buffer.ToArray(), null);
    }

    /// <summary>
    /// The rest of a refused body is not read, and Kestrel cannot drain more than this request's limit to keep the
    /// connection: it is closed after the answer. Saying so (Connection: close) keeps a client from sending its next
    /// request on a connection about to close.
    /// </summary>
    private static IResult Refuse(HttpRequest request, IResult answer)
    {
        request.HttpContext.Response.Headers.Connection = "close";
        return answer;
    }

    public static IResult TooLarge(int maxBytes, string? title = null) =>
        TypedResults.Problem($"The body must be at most {maxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: title);
}
