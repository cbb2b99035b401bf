using FastMask.Masking.Operators;

namespace FastMask.Masking.Sse;

/// <summary>Bounds of the <see cref="SseMasker"/>. Immutable; <see cref="Default"/> suits OpenAI-style streams.</summary>
public sealed record SseMaskerOptions
{
    /// <summary>
    /// Bytes at the end of each text stream that are held back until later events decide them. Default 256: longer
    /// than every built-in single-line entity (a card, an IBAN, an e-mail address, an API key, a URL with
    /// credentials), so an entity still being streamed always lies wholly in the held tail. The price is latency:
    /// the caller sees the text this many bytes (about 60 tokens) late, and all of it at once when the choice ends.
    /// A built-in token that can be longer (a JWT, a key after its prefix) is held from its literal start (<c>eyJ</c>,
    /// <c>sk-</c>) for as long as it keeps reaching the end of the text, and a PEM block, which matches while still
    /// truncated, for as long as its match does, both up to <see cref="MaxHeldBytes"/>; a longer custom-pattern entity
    /// is masked only where the detector matches its streamed parts.
    /// At least <see cref="TokenVault.MaxTokenBytes"/>: a vault token in the text is then whole before any of it
    /// is emitted, so it is restored even when it arrives across several events.
    /// </summary>
    public int HoldBackBytes { get; init; } = 256;

    /// <summary>
    /// Most bytes one text stream may hold while a match keeps reaching its end. Default 16 KiB. Past it the held
    /// text is emitted, masked, so that a run the detector keeps extending cannot buffer without bound.
    /// </summary>
    public int MaxHeldBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// Largest event accepted: its data, event and id lines, or any single line. Default 1 MiB, far above a
    /// streamed chunk (a few hundred bytes), small enough that one event cannot exhaust memory. A larger event
    /// fails the stream with <see cref="Json.MaskStatus.TokenTooLarge"/>.
    /// </summary>
    public int MaxEventBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Most text streams (choice × field × tool call) one response may open. Default 1024: OpenAI allows at most
    /// 128 choices, each with a few tool calls. More fails the stream with <see cref="Json.MaskStatus.TokenTooLarge"/>,
    /// since every stream holds up to <see cref="HoldBackBytes"/>.
    /// </summary>
    public int MaxTextStreams { get; init; } = 1024;

    public static SseMaskerOptions Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HoldBackBytes, TokenVault.MaxTokenBytes, nameof(HoldBackBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeldBytes, HoldBackBytes, nameof(MaxHeldBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventBytes, 64, nameof(MaxEventBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextStreams, 1, nameof(MaxTextStreams));
    }
}
