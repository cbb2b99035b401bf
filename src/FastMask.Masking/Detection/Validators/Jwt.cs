using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace FastMask.Masking.Detection.Validators;

/// <summary>
/// JSON Web Tokens (RFC 7519 compact form): the header is base64url of a JSON object, the payload is valid
/// base64url. The signature is not checked: an unsigned or foreign token is still a credential to hide.
/// </summary>
internal static class Jwt
{
    /// <summary>Headers above this size are not plausible JOSE headers; it also bounds the decode buffer.</summary>
    private const int MaxHeaderBytes = 4096;

    private const int StackLimit = 512;

    public static bool IsValid(ReadOnlySpan<byte> text)
    {
        var firstDot = text.IndexOf((byte)'.');
        if (firstDot <= 0)
        {
            return false;
        }

        var header = text[..firstDot];
        var rest = text[(firstDot + 1)..];
        var secondDot = rest.IndexOf((byte)'.');
        if (secondDot <= 0 || header.Length > MaxHeaderBytes || !Base64Url.IsValid(rest[..secondDot]))
        {
            return false;
        }

        var maxLength = Base64Url.GetMaxDecodedLength(header.Length);
        byte[]? rented = null;
        var buffer = maxLength <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            var status = Base64Url.DecodeFromUtf8(header, buffer, out _, out var written);
            return status == OperationStatus.Done && IsJsonObject(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
