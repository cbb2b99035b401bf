using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastMask.Masking.Policy;

/// <summary>
/// Source-generated (AOT-safe) JSON metadata for <see cref="PolicyDocument"/>. Reading allows comments and trailing
/// commas (policies are written by hand) but no unknown or duplicate properties: a misspelt key must never be
/// silently ignored, because the setting it meant to change would then keep its default.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(PolicyDocument))]
public sealed partial class PolicyJsonContext : JsonSerializerContext
{
}

/// <summary>Reads an operator written as <c>"redact"</c> or as <c>{ "operator": "partial", "keepLast": 4 }</c>.</summary>
internal sealed class ActionDocumentConverter : JsonConverter<ActionDocument>
{
    public override ActionDocument? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new ActionDocument { Operator = reader.GetString(), Shorthand = true };
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected an operator name or an object with \"operator\"");
        }

        string? op = null, placeholder = null, maskChar = null;
        int? keepLast = null, length = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var name = reader.GetString()!;
            if (!seen.Add(name))
            {
                throw new JsonException($"duplicate property '{name}' in an operator");
            }

            Next(ref reader);
            switch (name)
            {
                case "operator":
                    op = ReadString(ref reader, name);
                    break;
                case "placeholder":
                    placeholder = ReadString(ref reader, name);
                    break;
                case "maskChar":
                    maskChar = ReadString(ref reader, name);
                    break;
                case "keepLast":
                    keepLast = ReadInt(ref reader, name);
                    break;
                case "length":
                    length = ReadInt(ref reader, name);
                    break;
                default:
                    throw new JsonException(
                        $"unknown property '{name}' in an operator (expected operator, placeholder, keepLast, maskChar or length)");
            }
        }

        return new ActionDocument { Operator = op, Placeholder = placeholder, KeepLast = keepLast, MaskChar = maskChar, Length = length };
    }

    public override void Write(Utf8JsonWriter writer, ActionDocument value, JsonSerializerOptions options)
    {
        if (value.Shorthand && value.Placeholder is null && value.KeepLast is null && value.MaskChar is null && value.Length is null)
        {
            writer.WriteStringValue(value.Operator);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("operator", value.Operator);
        if (value.Placeholder is not null)
        {
            writer.WriteString("placeholder", value.Placeholder);
        }

        if (value.KeepLast is { } keepLast)
        {
            writer.WriteNumber("keepLast", keepLast);
        }

        if (value.MaskChar is not null)
        {
            writer.WriteString("maskChar", value.MaskChar);
        }

        if (value.Length is { } length)
        {
            writer.WriteNumber("length", length);
        }

        writer.WriteEndObject();
    }

    internal static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("unexpected end of the document");
        }
    }

    internal static string? ReadString(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"'{name}' must be a string"),
    };

    private static int? ReadInt(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value)
            ? value
            : throw new JsonException($"'{name}' must be an integer");
    }
}

/// <summary>Reads <c>detectors.builtIn</c>: the string <c>"all"</c> or a list of <c>{ "entity": ..., "level": ... }</c>.</summary>
internal sealed class BuiltInSelectionConverter : JsonConverter<BuiltInSelection>
{
    public override BuiltInSelection? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueTextEquals("all"u8)
                ? new BuiltInSelection { All = true }
                : throw new JsonException($"expected \"all\" or a list of built-in entities, not \"{reader.GetString()}\"");
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected \"all\" or a list of built-in entities");
        }

        var entries = new List<BuiltInDetectorDocument>();
        while (true)
        {
            ActionDocumentConverter.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            var index = entries.Count;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"[{index}]: expected an object {{ \"entity\": ..., \"level\": ... }}");
            }

            string? entity = null, level = null;
            bool hasEntity = false, hasLevel = false;
            while (true)
            {
                ActionDocumentConverter.Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var name = reader.GetString()!;
                ActionDocumentConverter.Next(ref reader);
                if (name == "entity" && !hasEntity)
                {
                    hasEntity = true;
                    entity = ActionDocumentConverter.ReadString(ref reader, $"[{index}].entity");
                }
                else if (name == "level" && !hasLevel)
                {
                    hasLevel = true;
                    level = ActionDocumentConverter.ReadString(ref reader, $"[{index}].level");
                }
                else
                {
                    throw new JsonException(name is "entity" or "level"
                        ? $"[{index}]: duplicate property '{name}'"
                        : $"[{index}]: unknown property '{name}' (expected entity and level)");
                }
            }

            entries.Add(new BuiltInDetectorDocument(entity, level));
        }

        return new BuiltInSelection { Entries = entries };
    }

    public override void Write(Utf8JsonWriter writer, BuiltInSelection value, JsonSerializerOptions options)
    {
        if (value.All)
        {
            writer.WriteStringValue("all");
            return;
        }

        writer.WriteStartArray();
        foreach (var entry in value.Entries ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("entity", entry.Entity);
            if (entry.Level is not null)
            {
                writer.WriteString("level", entry.Level);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
