using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace FastMask.Gateway.Configuration;

/// <summary>The outcome of reading a config file: the config, or every error found (never both).</summary>
public sealed record ConfigLoadResult(GatewayConfig? Config, ImmutableArray<ConfigError> Errors)
{
    public bool IsValid => Config is not null && Errors.IsEmpty;
}

/// <summary>
/// Reads the config file, applies environment overrides and checks the shape of every setting (unknown names,
/// wrong types), collecting every error with its path. The meaning of the settings (and the files they name) is
/// checked by <see cref="GatewayConfigValidator"/> when the gateway is built from the config.
/// </summary>
/// <remarks>
/// Environment overrides, applied to the JSON before it is checked:
/// <list type="bullet">
/// <item><c>FASTMASK__A__B__0__C=value</c> sets <c>$.a.b[0].c</c> (names compared case-insensitively, numbers
/// index arrays, the next free index appends). The value is taken as a JSON number, boolean, array or object
/// when it parses as one and the setting it replaces is not a string; otherwise as a string.</item>
/// <item><c>FASTMASK_LISTEN=url[,url...]</c> replaces the data listeners; <c>FASTMASK_ADMIN_LISTEN=url</c> sets
/// the admin listener's URL. These shortcuts are applied after the <c>FASTMASK__</c> overrides.</item>
/// </list>
/// </remarks>
public static class GatewayConfigLoader
{
    public const string OverridePrefix = "FASTMASK__";
    public const string ListenVariable = "FASTMASK_LISTEN";
    public const string AdminListenVariable = "FASTMASK_ADMIN_LISTEN";

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Loads <paramref name="path"/> with overrides from <paramref name="environment"/> (the process environment when null).</summary>
    public static ConfigLoadResult LoadFile(string path, IDictionary? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail("$", $"cannot read the config file: {e.Message}");
        }

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return Load(text, baseDirectory, environment ?? Environment.GetEnvironmentVariables());
    }

    /// <summary>Loads config text; relative paths in it are resolved against <paramref name="baseDirectory"/>.</summary>
    public static ConfigLoadResult Load(string json, string baseDirectory, IDictionary? environment = null)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: s_documentOptions);
        }
        catch (JsonException e)
        {
            return Fail("$", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }

        if (root is not JsonObject rootObject)
        {
            return Fail("$", "the config must be a JSON object");
        }

        var errors = new List<ConfigError>();
        if (environment is not null)
        {
            ApplyOverrides(rootObject, environment, errors);
        }

        var context = GatewayConfigJsonContext.Default;
        FillDefaults(rootObject, context.GatewayConfig);
        using var document = JsonDocument.Parse(rootObject.ToJsonString(), s_documentOptions);
        CheckShape(document.RootElement, context.GatewayConfig, "$", errors);
        if (errors.Count > 0)
        {
            return new ConfigLoadResult(null, [.. errors]);
        }

        GatewayConfig? config;
        try
        {
            config = document.RootElement.Deserialize(context.GatewayConfig);
        }
        catch (JsonException e)
        {
            return Fail(e.Path ?? "$", "invalid value");
        }

        if (config is null)
        {
            return Fail("$", "the config must be a JSON object");
        }

        return new ConfigLoadResult(ResolvePaths(config, baseDirectory), []);
    }

    /// <summary>Makes every relative file path in <paramref name="config"/> absolute against <paramref name="baseDirectory"/>.</summary>
    public static GatewayConfig ResolvePaths(GatewayConfig config, string baseDirectory)
    {
        string? Resolve(string? path) =>
            string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));

        ListenerConfig? ResolveListener(ListenerConfig? listener) =>
            listener?.Certificate is null
                ? listener
                : listener with
                {
                    Certificate = listener.Certificate with
                    {
                        Path = Resolve(listener.Certificate.Path)!,
                        KeyPath = Resolve(listener.Certificate.KeyPath),
                    },
                };

        var listeners = config.Listeners.IsDefault ? [] : config.Listeners;
        var routes = config.Routes.IsDefault ? [] : config.Routes;
        var resolvedListeners = ImmutableArray.CreateBuilder<ListenerConfig>(listeners.Length);
        foreach (var listener in listeners)
        {
            resolvedListeners.Add(ResolveListener(listener)!);
        }

        var resolvedRoutes = ImmutableArray.CreateBuilder<RouteConfig>(routes.Length);
        foreach (var route in routes)
        {
            resolvedRoutes.Add(route is null ? route! : route with
            {
                Policy = Resolve(route.Policy)!,
                Credential = route.Credential is null ? null : route.Credential with { File = Resolve(route.Credential.File) },
            });
        }

        return config with
        {
            Listeners = resolvedListeners.MoveToImmutable(),
            Admin = ResolveListener(config.Admin),
            Routes = resolvedRoutes.MoveToImmutable(),
        };
    }

    private static ConfigLoadResult Fail(string path, string message) => new(null, [new ConfigError(path, message)]);

    private static void ApplyOverrides(JsonObject root, IDictionary environment, List<ConfigError> errors)
    {
        var keys = new List<string>();
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string key && key.StartsWith(OverridePrefix, StringComparison.OrdinalIgnoreCase))
            {
                keys.Add(key);
            }
        }

        // Sorted so that appending to an array (index 0, then 1) does not depend on the environment's order.
        keys.Sort(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            var value = environment[key] as string ?? "";
            var segments = key[OverridePrefix.Length..].Split("__");
            SetPath(root, segments, value, key, errors);
        }

        if (environment[ListenVariable] is string listen && !string.IsNullOrWhiteSpace(listen))
        {
            var listeners = new JsonArray();
            foreach (var url in listen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                listeners.Add((JsonNode)new JsonObject { ["url"] = url });
            }

            RemoveProperty(root, "listeners");
            root["listeners"] = listeners;
        }

        if (environment[AdminListenVariable] is string adminListen && !string.IsNullOrWhiteSpace(adminListen))
        {
            if (FindProperty(root, "admin") is JsonObject admin)
            {
                RemoveProperty(admin, "url");
                admin["url"] = adminListen.Trim();
            }
            else
            {
                RemoveProperty(root, "admin");
                root["admin"] = new JsonObject { ["url"] = adminListen.Trim() };
            }
        }
    }

    private static void SetPath(JsonObject root, string[] segments, string value, string variable, List<ConfigError> errors)
    {
        JsonNode current = root;
        var path = "$";
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment.Length == 0)
            {
                errors.Add(new ConfigError($"env:{variable}", "empty path segment"));
                return;
            }

            if (current is JsonObject obj)
            {
                var existing = FindProperty(obj, segment, out var name);
                name ??= segment;
                path += "." + name;
                if (last)
                {
                    obj.Remove(name);
                    obj[name] = ParseValue(value, existing);
                    return;
                }

                if (existing is null)
                {
                    existing = IsIndex(segments[i + 1]) ? new JsonArray() : new JsonObject();
                    obj[name] = existing;
                }

                current = existing;
            }
            else if (current is JsonArray array && IsIndex(segment))
            {
                var index = int.Parse(segment, NumberStyles.None, CultureInfo.InvariantCulture);
                if (index > array.Count)
                {
                    errors.Add(new ConfigError($"env:{variable}", $"index {index} is past the end of {path} ({array.Count} items)"));
                    return;
                }

                path += $"[{index}]";
                if (last)
                {
                    var replaced = index < array.Count ? array[index] : null;
                    var node = ParseValue(value, replaced);
                    if (index < array.Count)
                    {
                        array[index] = node;
                    }
                    else
                    {
                        array.Add(node);
                    }

                    return;
                }

                if (index == array.Count)
                {
                    array.Add(IsIndex(segments[i + 1]) ? new JsonArray() : new JsonObject());
                }

                current = array[index] ?? (array[index] = new JsonObject())!;
            }
            else
            {
                errors.Add(new ConfigError($"env:{variable}", $"{path} is not an object or array that '{segment}' can select into"));
                return;
            }
        }
    }

    private static JsonNode? ParseValue(string value, JsonNode? replaced)
    {
        if (replaced is JsonValue existing && existing.GetValueKind() == JsonValueKind.String)
        {
            return JsonValue.Create(value);
        }

        try
        {
            var parsed = JsonNode.Parse(value, documentOptions: s_documentOptions);
            if (parsed is not null && (parsed is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            {
                return parsed;
            }
        }
        catch (JsonException)
        {
            // Not JSON: taken as a string below.
        }

        return JsonValue.Create(value);
    }

    private static bool IsIndex(string segment)
    {
        if (segment.Length is 0 or > 6)
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static JsonNode? FindProperty(JsonObject obj, string name) => FindProperty(obj, name, out _);

    private static JsonNode? FindProperty(JsonObject obj, string name, out string? actualName)
    {
        foreach (var property in obj)
        {
            if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                actualName = property.Key;
                return property.Value;
            }
        }

        actualName = null;
        return null;
    }

    private static void RemoveProperty(JsonObject obj, string name)
    {
        if (FindProperty(obj, name, out var actual) is not null || actual is not null)
        {
            obj.Remove(actual!);
        }
    }

    /// <summary>
    /// Copies the C# default of every setting the JSON leaves out. Source-generated deserialization builds init-only
    /// records through an object initializer that passes <c>default(T)</c> for a missing member, which would turn a
    /// missing <c>connectSeconds</c> into 0 instead of its documented default; the defaults stay written once, in the
    /// records' initializers.
    /// </summary>
    private static void FillDefaults(JsonNode? node, JsonTypeInfo info)
    {
        if (info.Kind == JsonTypeInfoKind.Enumerable && node is JsonArray array)
        {
            var elementInfo = info.Options.GetTypeInfo(info.ElementType!);
            foreach (var item in array)
            {
                FillDefaults(item, elementInfo);
            }

            return;
        }

        if (info.Kind != JsonTypeInfoKind.Object || node is not JsonObject obj)
        {
            return;
        }

        var defaults = DefaultsFor(info);
        foreach (var property in info.Properties)
        {
            var value = FindProperty(obj, property.Name, out var actualName);
            if (actualName is null && defaults?[property.Name] is { } fallback)
            {
                obj[property.Name] = value = fallback.DeepClone();
            }

            FillDefaults(value, info.Options.GetTypeInfo(property.PropertyType));
        }
    }

    private static JsonObject? DefaultsFor(JsonTypeInfo info)
    {
        object? instance = info.Type.Name switch
        {
            nameof(GatewayConfig) => new GatewayConfig(),
            nameof(ListenerConfig) => new ListenerConfig(),
            nameof(CertificateConfig) => new CertificateConfig(),
            nameof(RouteConfig) => new RouteConfig(),
            nameof(CredentialConfig) => new CredentialConfig(),
            nameof(TimeoutConfig) => new TimeoutConfig(),
            nameof(LimitConfig) => new LimitConfig(),
            _ => null,
        };
        return instance is null ? null : JsonSerializer.SerializeToNode(instance, info) as JsonObject;
    }

    /// <summary>
    /// Walks <paramref name="element"/> against the source-generated metadata, so that every unknown setting and
    /// every value of the wrong type is reported (the deserializer alone stops at the first).
    /// </summary>
    private static void CheckShape(JsonElement element, JsonTypeInfo info, string path, List<ConfigError> errors)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (element.ValueKind == JsonValueKind.Null)
                {
                    return;
                }

                if (element.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new ConfigError(path, "expected an object"));
                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    var propertyPath = $"{path}.{property.Name}";
                    var match = FindMember(info, property.Name);
                    if (match is null)
                    {
                        errors.Add(new ConfigError(propertyPath, "unknown setting"));
                        continue;
                    }

                    CheckShape(property.Value, info.Options.GetTypeInfo(match.PropertyType), propertyPath, errors);
                }

                return;

            case JsonTypeInfoKind.Enumerable:
                if (element.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new ConfigError(path, "expected an array"));
                    return;
                }

                var elementInfo = info.Options.GetTypeInfo(info.ElementType!);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CheckShape(item, elementInfo, $"{path}[{index++}]", errors);
                }

                return;

            default:
                try
                {
                    _ = element.Deserialize(info);
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    errors.Add(new ConfigError(path, $"expected {Describe(info.Type)}"));
                }

                return;
        }
    }

    private static JsonPropertyInfo? FindMember(JsonTypeInfo info, string name)
    {
        foreach (var property in info.Properties)
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property;
            }
        }

        return null;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        return type == typeof(double) || type == typeof(long) || type == typeof(int) ? "a number" : "a value of another type";
    }
}
