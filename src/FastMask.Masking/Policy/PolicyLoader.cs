using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FastMask.Masking.Policy;

/// <summary>Reads a policy from JSON (a file or bytes), validates it and compiles it.</summary>
public static class PolicyLoader
{
    /// <summary>Largest policy file read; a policy is a hand-written document of a few kilobytes.</summary>
    public const int MaxPolicyBytes = 4 * 1024 * 1024;

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// Loads the policy at <paramref name="path"/>. A relative <c>hashKey.file</c> is resolved against the
    /// policy file's folder unless <paramref name="options"/> sets <see cref="PolicyCompileOptions.BaseDirectory"/>.
    /// </summary>
    public static PolicyCompileResult LoadFile(string path, PolicyCompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] json;
        string full;
        try
        {
            full = Path.GetFullPath(path);
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                return Failed(PolicyPath.Root, $"policy file '{path}' does not exist");
            }

            if (info.Length > MaxPolicyBytes)
            {
                return Failed(PolicyPath.Root, $"policy file '{path}' has {info.Length} bytes; a policy has at most {MaxPolicyBytes}");
            }

            json = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Failed(PolicyPath.Root, $"cannot read policy file '{path}': {e.Message}");
        }

        options ??= PolicyCompileOptions.Default;
        if (options.BaseDirectory is null)
        {
            options = options with { BaseDirectory = Path.GetDirectoryName(full) };
        }

        return Load(json, options);
    }

    /// <summary>Parses, validates and compiles a policy from UTF-8 JSON (comments and trailing commas allowed).</summary>
    public static PolicyCompileResult Load(ReadOnlySpan<byte> json, PolicyCompileOptions? options = null)
    {
        var document = Parse(json, out var errors);
        return document is null
            ? new PolicyCompileResult(null, errors, null)
            : PolicyCompiler.Compile(document, options ?? PolicyCompileOptions.Default);
    }

    /// <summary>
    /// Parses a policy document without compiling it. On failure returns null and <paramref name="errors"/> names
    /// every unknown property and wrongly typed value, or the position of the syntax error.
    /// </summary>
    public static PolicyDocument? Parse(ReadOnlySpan<byte> json, out ImmutableArray<PolicyError> errors)
    {
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        var typeInfo = PolicyJsonContext.Default.PolicyDocument;
        try
        {
            var document = JsonSerializer.Deserialize(json, typeInfo);
            if (document is null)
            {
                errors = [new PolicyError(PolicyPath.Root, "the policy must be a JSON object")];
                return null;
            }

            errors = [];
            return document;
        }
        catch (JsonException e)
        {
            // The serializer stops at the first problem. When the text is well-formed JSON, walk it against the
            // document's metadata to report every unknown property and wrong type at once, with its own path.
            var shapeErrors = ShapeErrors(json, typeInfo);
            if (shapeErrors is { Count: > 0 })
            {
                errors = [.. shapeErrors];
            }
            else
            {
                var error = FromJsonException(e, json);
                errors = [shapeErrors is null ? error with { Message = "invalid JSON: " + error.Message } : error];
            }

            return null;
        }
    }

    private static PolicyCompileResult Failed(string path, string message) =>
        new(null, [new PolicyError(path, message)], null);

    private static PolicyError FromJsonException(JsonException e, ReadOnlySpan<byte> json = default)
    {
        var message = e.Message;

        // The serializer appends "Path: ... | LineNumber: ... | BytePositionInLine: ..."; both are reported separately.
        foreach (var marker in (ReadOnlySpan<string>)[" Path: ", " LineNumber: ", "Path: ", "LineNumber: "])
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message[..at].TrimEnd();
            }
        }

        if (message.Length == 0)
        {
            message = "the document cannot be read";
        }

        if (e.LineNumber is { } line)
        {
            // JsonException counts lines and bytes from 0; people count from 1.
            var position = e.BytePositionInLine is { } b ? $", byte {(b + 1).ToString(CultureInfo.InvariantCulture)}" : string.Empty;
            message = $"{message} (line {(line + 1).ToString(CultureInfo.InvariantCulture)}{position}{Near(json, line, e.BytePositionInLine)})";
        }

        return new PolicyError(string.IsNullOrEmpty(e.Path) ? PolicyPath.Root : e.Path, message);
    }

    /// <summary>The text where reading stopped, so that the position is readable without opening the file.</summary>
    private static string Near(ReadOnlySpan<byte> json, long line, long? bytePosition)
    {
        if (json.IsEmpty || bytePosition is not { } column)
        {
            return string.Empty;
        }

        var start = 0;
        for (long l = 0; l < line; l++)
        {
            var newline = json[start..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return string.Empty;
            }

            start += newline + 1;
        }

        if (start + column > json.Length)
        {
            return string.Empty;
        }

        var rest = json[(start + (int)column)..];
        var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
        var snippet = rest[..(end < 0 ? Math.Min(rest.Length, 24) : Math.Min(end, 24))];
        return snippet.IsEmpty ? ", at the end of the line" : $", at '{Encoding.UTF8.GetString(snippet)}'";
    }

    private static List<PolicyError>? ShapeErrors(ReadOnlySpan<byte> json, JsonTypeInfo typeInfo)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions
            {
                CommentHandling = s_documentOptions.CommentHandling,
                AllowTrailingCommas = s_documentOptions.AllowTrailingCommas,
            });
            if (!JsonDocument.TryParseValue(ref reader, out document!))
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var errors = new List<PolicyError>();
            CheckShape(document.RootElement, typeInfo, PolicyPath.Root, errors);
            return errors;
        }
    }

    private static void CheckShape(JsonElement element, JsonTypeInfo info, string path, List<PolicyError> errors)
    {
        var type = info.Type;
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (type.IsValueType && Nullable.GetUnderlyingType(type) is null)
            {
                errors.Add(new PolicyError(path, $"expected {Describe(info)}, not null"));
            }

            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (!Expect(element, JsonValueKind.Object, info, path, errors))
                {
                    return;
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = PolicyPath.Property(path, property.Name);
                    if (!seen.Add(property.Name))
                    {
                        errors.Add(new PolicyError(childPath, "duplicate property"));
                        continue;
                    }

                    var member = FindProperty(info, property.Name);
                    if (member is null)
                    {
                        errors.Add(new PolicyError(childPath, $"unknown property '{property.Name}'{Expected(info)}"));
                        continue;
                    }

                    CheckShape(property.Value, info.Options.GetTypeInfo(member.PropertyType), childPath, errors);
                }

                break;

            case JsonTypeInfoKind.Enumerable when info.ElementType is { } elementType:
                if (!Expect(element, JsonValueKind.Array, info, path, errors))
                {
                    return;
                }

                var elementInfo = info.Options.GetTypeInfo(elementType);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CheckShape(item, elementInfo, PolicyPath.Index(path, index++), errors);
                }

                break;

            case JsonTypeInfoKind.Dictionary when info.ElementType is { } valueType:
                if (!Expect(element, JsonValueKind.Object, info, path, errors))
                {
                    return;
                }

                var valueInfo = info.Options.GetTypeInfo(valueType);
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = PolicyPath.Property(path, property.Name);
                    if (!keys.Add(property.Name))
                    {
                        errors.Add(new PolicyError(childPath, "duplicate property"));
                        continue;
                    }

                    CheckShape(property.Value, valueInfo, childPath, errors);
                }

                break;

            default:
                CheckValue(element, info, path, errors);
                break;
        }
    }

    private static void CheckValue(JsonElement element, JsonTypeInfo info, string path, List<PolicyError> errors)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(string))
        {
            Expect(element, JsonValueKind.String, info, path, errors);
        }
        else if (type == typeof(int))
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out _))
            {
                errors.Add(new PolicyError(path, $"expected {Describe(info)}"));
            }
        }
        else if (type == typeof(bool))
        {
            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add(new PolicyError(path, $"expected {Describe(info)}"));
            }
        }
        else
        {
            // A type with its own converter (operators, builtIn): let the converter judge, and keep its message.
            try
            {
                JsonSerializer.Deserialize(element, info);
            }
            catch (JsonException e)
            {
                errors.Add(FromJsonException(e) with { Path = path });
            }
        }
    }

    private static bool Expect(JsonElement element, JsonValueKind kind, JsonTypeInfo info, string path, List<PolicyError> errors)
    {
        if (element.ValueKind == kind)
        {
            return true;
        }

        errors.Add(new PolicyError(path, $"expected {Describe(info)}, not {Describe(element.ValueKind)}"));
        return false;
    }

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo info, string name)
    {
        foreach (var property in info.Properties)
        {
            if (string.Equals(property.Name, name, StringComparison.Ordinal) && (property.Set is not null || property.AssociatedParameter is not null))
            {
                return property;
            }
        }

        return null;
    }

    private static string Expected(JsonTypeInfo info)
    {
        var names = new List<string>();
        foreach (var property in info.Properties)
        {
            if (property.Set is not null || property.AssociatedParameter is not null)
            {
                names.Add(property.Name);
            }
        }

        return names.Count == 0 ? string.Empty : $" (expected {string.Join(", ", names)})";
    }

    private static string Describe(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(int))
        {
            return "an integer";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => "a value",
        };
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
