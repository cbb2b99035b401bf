using System.Buffers;
using System.IO.Compression;
using FastMask.Masking;

namespace FastMask.Gateway.Proxy;

/// <summary>A body's <c>Content-Encoding</c>, as far as the gateway can decode it.</summary>
internal enum ContentCoding
{
    Identity,
    Gzip,
    Brotli,
    Deflate,

    /// <summary>An unknown coding, or more than one: refused, since the body cannot be scanned.</summary>
    Unsupported,
}

/// <summary>The outcome of decoding a compressed body.</summary>
internal enum DecodeStatus
{
    Ok,

    /// <summary>The decoded body is larger than the limit (a zip bomb stops here, after at most limit + one block).</summary>
    TooLarge,

    /// <summary>The data is not valid for its coding.</summary>
    Invalid,
}

internal static class ContentCodings
{
    public static ContentCoding Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return ContentCoding.Identity;
        }

        var coding = value.AsSpan().Trim();
        if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return ContentCoding.Identity;
        }

        if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
        {
            return ContentCoding.Gzip;
        }

        if (coding.Equals("br", StringComparison.OrdinalIgnoreCase))
        {
            return ContentCoding.Brotli;
        }

        return coding.Equals("deflate", StringComparison.OrdinalIgnoreCase) ? ContentCoding.Deflate : ContentCoding.Unsupported;
    }

    /// <summary>Wraps <paramref name="compressed"/> in the decoder for <paramref name="coding"/> (HTTP <c>deflate</c> is zlib-wrapped, RFC 9110 §8.4.1.2).</summary>
    public static Stream CreateDecoder(ContentCoding coding, Stream compressed) => coding switch
    {
        ContentCoding.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false),
        ContentCoding.Brotli => new BrotliStream(compressed, CompressionMode.Decompress, leaveOpen: false),
        ContentCoding.Deflate => new ZLibStream(compressed, CompressionMode.Decompress, leaveOpen: false),
        _ => throw new ArgumentOutOfRangeException(nameof(coding)),
    };

    /// <summary>Decodes <paramref name="compressed"/> into <paramref name="output"/>, stopping as soon as more than <paramref name="limit"/> bytes come out.</summary>
    public static DecodeStatus Decode(ContentCoding coding, ReadOnlySequence<byte> compressed, long limit, PooledBufferWriter output)
    {
        using var decoder = CreateDecoder(coding, new ReadOnlySequenceStream(compressed));
        try
        {
            while (true)
            {
                var memory = output.GetMemory(16 * 1024);
                var read = decoder.Read(memory.Span);
                if (read == 0)
                {
                    return DecodeStatus.Ok;
                }

                output.Advance(read);
                if (output.WrittenCount > limit)
                {
                    return DecodeStatus.TooLarge;
                }
            }
        }
        catch (InvalidDataException)
        {
            return DecodeStatus.Invalid;
        }
        catch (IOException)
        {
            return DecodeStatus.Invalid;
        }
    }
}

/// <summary>A read-only forward <see cref="Stream"/> over a <see cref="ReadOnlySequence{T}"/>, to feed the framework's decoders.</summary>
internal sealed class ReadOnlySequenceStream(ReadOnlySequence<byte> sequence) : Stream
{
    private ReadOnlySequence<byte> _remaining = sequence;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _remaining.Length);
        _remaining.Slice(0, n).CopyTo(buffer);
        _remaining = _remaining.Slice(n);
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
