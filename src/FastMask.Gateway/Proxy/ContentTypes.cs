namespace FastMask.Gateway.Proxy;

/// <summary>How the gateway treats a body by its <c>Content-Type</c>.</summary>
internal enum BodyKind
{
    /// <summary>No <c>Content-Type</c>.</summary>
    Missing,

    /// <summary><c>application/json</c> or <c>application/*+json</c>, UTF-8 (the only charset JSON has, RFC 8259 §8.1).</summary>
    Json,

    /// <summary><c>text/event-stream</c>.</summary>
    EventStream,

    /// <summary>Anything else, including JSON declared in a charset other than UTF-8.</summary>
    Other,
}

/// <summary>Span-based media-type checks, so the request path allocates nothing to classify a body.</summary>
internal static class ContentTypes
{
    public static BodyKind Classify(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return BodyKind.Missing;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var media = (semicolon < 0 ? span : span[..semicolon]).Trim();
        if (media.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.EventStream;
        }

        if (!IsJsonMediaType(media))
        {
            return BodyKind.Other;
        }

        return semicolon < 0 || IsUtf8OrAbsent(span[(semicolon + 1)..]) ? BodyKind.Json : BodyKind.Other;
    }

    /// <summary>Whether <paramref name="contentType"/> matches one of <paramref name="patterns"/> (<c>type/subtype</c> or <c>type/*</c>).</summary>
    public static bool Matches(string? contentType, string[] patterns)
    {
        if (patterns.Length == 0 || string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var media = (semicolon < 0 ? span : span[..semicolon]).Trim();
        foreach (var pattern in patterns)
        {
            if (pattern.EndsWith("/*", StringComparison.Ordinal))
            {
                var type = pattern.AsSpan(0, pattern.Length - 1);
                if (media.Length > type.Length && media.StartsWith(type, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (media.Equals(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsValidPattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }

        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && slash < pattern.Length - 1
            && HttpHeaderRules.IsToken(pattern[..slash])
            && pattern[..slash] != "*"
            && (pattern[(slash + 1)..] == "*" || HttpHeaderRules.IsToken(pattern[(slash + 1)..]));
    }

    /// <summary>Whether a pass-through pattern would cover JSON, which is always masked.</summary>
    public static bool IsJsonPattern(string pattern) =>
        pattern.Equals("application/*", StringComparison.OrdinalIgnoreCase) || IsJsonMediaType(pattern);

    private static bool IsJsonMediaType(ReadOnlySpan<char> media) =>
        media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static bool IsUtf8OrAbsent(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(';'))
        {
            var parameter = parameters[range].Trim();
            if (!parameter.StartsWith("charset", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var equals = parameter.IndexOf('=');
            if (equals < 0)
            {
                return false;
            }

            var value = parameter[(equals + 1)..].Trim().Trim('"');
            return value.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || value.Equals("utf8", StringComparison.OrdinalIgnoreCase);
        }

        return true;
    }
}
