using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastMask.Gateway.Configuration;

/// <summary>Source-generated metadata for the config model: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(GatewayConfig))]
internal sealed partial class GatewayConfigJsonContext : JsonSerializerContext;
