using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FastMask.Benchmarks;

/// <summary>
/// Deterministic OpenAI-shaped inputs: chat.completions request bodies, a streamed chat answer and plain prose.
/// English-like text with a few PII hits per KB across entity types, and as many decoys (order numbers,
/// timestamps, versions, prices, UUIDs, commit hashes) that look like PII to a pattern but not to a validator.
/// The same seed and size always give the same bytes, so every run and every method sees the same input.
/// </summary>
public static class ChatCorpus
{
    public const int Seed = 20261203;

    // Relaxed escaping writes UTF-8 as is, like JSON.stringify in the OpenAI Node client.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] s_words =
    [
        "the", "a", "we", "you", "it", "this", "that", "our", "their", "please", "could", "should", "would", "will",
        "can", "need", "want", "check", "update", "review", "account", "order", "invoice", "payment", "refund",
        "customer", "support", "team", "report", "summary", "meeting", "schedule", "delivery", "shipment", "address",
        "billing", "subscription", "plan", "renewal", "contract", "policy", "issue", "ticket", "request", "response",
        "model", "prompt", "draft", "email", "message", "follow", "up", "with", "for", "from", "about", "on", "in",
        "to", "of", "and", "or", "but", "because", "after", "before", "during", "while", "quickly", "carefully",
        "today", "tomorrow", "yesterday", "next", "week", "month", "quarter", "again", "still", "already", "only",
        "new", "old", "last", "first", "final", "pending", "approved", "rejected", "late", "early", "small", "large",
        "is", "are", "was", "were", "has", "have", "had", "been", "be", "not", "no", "yes", "also", "just", "more",
        "less", "than", "then", "when", "where", "which", "who", "how", "what", "why", "there", "here", "all", "some",
        "every", "each", "any", "many", "few", "data", "records", "changes", "details", "notes", "steps", "items",
        "café", "naïve", "Zürich", "résumé", "—", "“quoted”", "über",
    ];

    private static readonly string[] s_first = ["jane", "john", "maria", "li", "ahmed", "olga", "peter", "sofia", "kenji", "amara"];
    private static readonly string[] s_last = ["doe", "smith", "garcia", "wang", "hassan", "ivanova", "mueller", "rossi", "tanaka", "okafor"];
    private static readonly string[] s_domains = ["example.com", "acme-corp.io", "mail.contoso.org", "gmail.com", "fabrikam.co.uk"];

    /// <summary>A chat.completions request body of about <paramref name="targetBytes"/> bytes.</summary>
    public static byte[] ChatRequest(int targetBytes, int seed = Seed)
    {
        var random = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>(targetBytes + 1024);
        using var w = new Utf8JsonWriter(buffer, s_writerOptions);
        var small = Math.Max(60, targetBytes / 16);

        w.WriteStartObject();
        w.WriteString("model", "gpt-4o-2024-08-06");
        w.WriteStartArray("messages");
        Message(w, "system", "You are a helpful support assistant for Acme. " + Prose(random, small / 2));

        // A user turn with content parts, as vision requests send them.
        w.WriteStartObject();
        w.WriteString("role", "user");
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", Prose(random, small));
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "image_url");
        w.WriteStartObject("image_url");
        w.WriteString("url", "https://cdn.acme-corp.io/uploads/" + Guid(random) + ".png");
        w.WriteString("detail", "low");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        // An assistant turn that calls a tool: its arguments are JSON inside a JSON string.
        var callId = "call_" + Token(random, 24);
        w.WriteStartObject();
        w.WriteString("role", "assistant");
        w.WriteNull("content");
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteString("id", callId);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", "lookup_customer");
        w.WriteString("arguments", ToolArguments(random, small / 2));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject();
        w.WriteString("role", "tool");
        w.WriteString("tool_call_id", callId);
        w.WriteString("content", Prose(random, small / 2));
        w.WriteEndObject();

        // Alternating turns until the body is close to its size; the tail below is about 150 bytes.
        var user = true;
        while (true)
        {
            w.Flush();
            var remaining = targetBytes - 150 - buffer.WrittenCount;
            if (remaining < 80)
            {
                break;
            }

            Message(w, user ? "user" : "assistant", Prose(random, Math.Min(remaining - 40, random.Next(400, 3000))));
            user = !user;
        }

        w.WriteEndArray();
        w.WriteNumber("temperature", 0.7);
        w.WriteNumber("top_p", 1);
        w.WriteNumber("max_tokens", 1024);
        w.WriteBoolean("stream", false);
        w.WriteString("user", "tenant-42/user-" + random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture));
        w.WriteStartArray("tools");
        w.WriteStartObject();
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", "lookup_customer");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A streamed chat answer as <c>text/event-stream</c>: a role chunk, <paramref name="contentEvents"/> content
    /// chunks cut every few characters (so entities fall across events, as tokens split them), a finish chunk and
    /// <c>[DONE]</c>.
    /// </summary>
    public static byte[] SseAnswer(int contentEvents, int seed = Seed)
    {
        var random = new Random(seed);
        var text = Prose(random, contentEvents * 12);
        var body = new ArrayBufferWriter<byte>(contentEvents * 256);
        var id = "chatcmpl-" + Token(random, 29);
        Event(body, id, null, "");
        var at = 0;
        for (var i = 0; i < contentEvents; i++)
        {
            var length = i == contentEvents - 1 ? text.Length - at : Math.Min(text.Length - at, random.Next(2, 22));
            Event(body, id, text.Substring(at, length), null);
            at += length;
        }

        Event(body, id, null, "stop");
        body.Write("data: [DONE]\n\n"u8);
        return body.WrittenSpan.ToArray();
    }

    /// <summary>English-like prose of about <paramref name="targetChars"/> characters with PII and decoys mixed in.</summary>
    public static string Prose(Random random, int targetChars)
    {
        var sb = new StringBuilder(targetChars + 128);
        while (sb.Length < targetChars)
        {
            var words = random.Next(6, 18);
            for (var i = 0; i < words; i++)
            {
                var word = s_words[random.Next(s_words.Length)];
                if (i == 0)
                {
                    sb.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
                }
                else
                {
                    sb.Append(' ').Append(word);
                }

                if (i > 2 && i < words - 2 && random.Next(20) == 0)
                {
                    sb.Append(',');
                }
            }

            // About one sentence in three carries an entity, one in three a decoy: ~3 of each per KB.
            var roll = random.Next(9);
            if (roll < 3)
            {
                sb.Append(' ').Append(Pii(random));
            }
            else if (roll < 6)
            {
                sb.Append(' ').Append(Decoy(random));
            }

            sb.Append(random.Next(12) == 0 ? ".\n\n" : ". ");
        }

        return sb.ToString();
    }

    private static string ToolArguments(Random random, int noteChars)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            w.WriteStartObject();
            w.WriteString("email", Email(random));
            w.WriteString("phone", "+1 " + Nanp(random));
            w.WriteString("order_id", "ORD-" + random.Next(100000, 999999).ToString(CultureInfo.InvariantCulture));
            w.WriteString("note", Prose(random, noteChars));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Message(Utf8JsonWriter w, string role, string content)
    {
        w.WriteStartObject();
        w.WriteString("role", role);
        w.WriteString("content", content);
        w.WriteEndObject();
    }

    private static void Event(ArrayBufferWriter<byte> body, string id, string? content, string? finish)
    {
        body.Write("data: "u8);
        using (var w = new Utf8JsonWriter(body, s_writerOptions))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", 1764720000);
            w.WriteString("model", "gpt-4o-2024-08-06");
            w.WriteString("system_fingerprint", "fp_7f6be3efb0");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (content is not null)
            {
                w.WriteString("content", content);
            }
            else if (finish is "")
            {
                w.WriteString("role", "assistant");
                w.WriteString("content", "");
                w.WriteNull("refusal");
            }

            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (finish is { Length: > 0 })
            {
                w.WriteString("finish_reason", finish);
            }
            else
            {
                w.WriteNull("finish_reason");
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        body.Write("\n\n"u8);
    }

    private static string Pii(Random r) => r.Next(12) switch
    {
        0 or 1 => "Reach me at " + Email(r),
        2 => "My number is " + Nanp(r),
        3 => "Call +44 20 7946 " + Digits(r, 4) + " after five",
        4 => "The card on file is " + Card(r, r.Next(3) == 0 ? "" : r.Next(2) == 0 ? " " : "-"),
        5 => "SSN " + Ssn(r),
        6 => "Wire it to IBAN " + Iban(r, grouped: r.Next(2) == 0),
        7 => "The login came from " + r.Next(11, 223) + "." + r.Next(256) + "." + r.Next(256) + "." + r.Next(1, 255),
        8 => "Use the key sk-proj-" + Token(r, 48) + " for staging",
        9 => "The CI token is ghp_" + Token(r, 36),
        10 => "AWS key AKIA" + Upper(r, 16),
        _ => "Contact " + s_first[r.Next(s_first.Length)] + " on " + Nanp(r),
    };

    private static string Decoy(Random r) => r.Next(7) switch
    {
        0 => "Order #" + Digits(r, 7) + " shipped",
        1 => "at 2025-" + Two(r, 1, 12) + "-" + Two(r, 1, 28) + "T" + Two(r, 0, 23) + ":" + Two(r, 0, 59) + ":" + Two(r, 0, 59) + "Z",
        2 => "on version " + r.Next(1, 20) + "." + r.Next(0, 40) + "." + r.Next(0, 200),
        3 => "for $" + r.Next(1, 9) + "," + Digits(r, 3) + "." + Digits(r, 2) + " total",
        4 => "request id " + Guid(r),
        5 => "commit " + Hex(r, 40),
        _ => "ticket INC-" + Digits(r, 6) + " in queue " + r.Next(2, 9),
    };

    private static string Email(Random r) =>
        s_first[r.Next(s_first.Length)] + "." + s_last[r.Next(s_last.Length)] + r.Next(1, 99).ToString(CultureInfo.InvariantCulture)
        + "@" + s_domains[r.Next(s_domains.Length)];

    // NANP: area and exchange start with 2-9, area not N11.
    private static string Nanp(Random r) =>
        "(" + r.Next(2, 10) + r.Next(0, 10) + r.Next(2, 10) + ") " + r.Next(2, 10) + Digits(r, 2) + "-" + Digits(r, 4);

    private static string Ssn(Random r)
    {
        var area = r.Next(1, 899);
        if (area == 666)
        {
            area = 667;
        }

        return area.ToString("D3", CultureInfo.InvariantCulture) + "-" + Two(r, 1, 99) + "-" + r.Next(1, 9999).ToString("D4", CultureInfo.InvariantCulture);
    }

    /// <summary>A Luhn-valid 16-digit Visa number, in groups of four joined by <paramref name="separator"/>.</summary>
    private static string Card(Random r, string separator)
    {
        Span<int> d = stackalloc int[16];
        d[0] = 4;
        for (var i = 1; i < 15; i++)
        {
            d[i] = r.Next(10);
        }

        var sum = 0;
        for (var i = 14; i >= 0; i--)
        {
            // Positions 14, 12, ... are doubled: they sit at odd distance from the check digit.
            var v = (14 - i) % 2 == 0 ? d[i] * 2 : d[i];
            sum += v > 9 ? v - 9 : v;
        }

        d[15] = (10 - (sum % 10)) % 10;
        var sb = new StringBuilder(19);
        for (var i = 0; i < 16; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                sb.Append(separator);
            }

            sb.Append((char)('0' + d[i]));
        }

        return sb.ToString();
    }

    /// <summary>A German IBAN (8-digit bank code, 10-digit account) with correct mod-97 check digits.</summary>
    private static string Iban(Random r, bool grouped)
    {
        var bban = Digits(r, 18);

        // Check digits: 98 - (BBAN + "DE00" with letters as numbers, D=13 E=14) mod 97.
        var rem = 0;
        foreach (var c in bban + "131400")
        {
            rem = ((rem * 10) + (c - '0')) % 97;
        }

        var iban = "DE" + (98 - rem).ToString("D2", CultureInfo.InvariantCulture) + bban;
        if (!grouped)
        {
            return iban;
        }

        var sb = new StringBuilder(iban.Length + 6);
        for (var i = 0; i < iban.Length; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                sb.Append(' ');
            }

            sb.Append(iban[i]);
        }

        return sb.ToString();
    }

    private static string Guid(Random r) => Hex(r, 8) + "-" + Hex(r, 4) + "-4" + Hex(r, 3) + "-a" + Hex(r, 3) + "-" + Hex(r, 12);

    private static string Two(Random r, int min, int max) => r.Next(min, max + 1).ToString("D2", CultureInfo.InvariantCulture);

    private static string Digits(Random r, int n) => Chars(r, n, "0123456789");

    private static string Hex(Random r, int n) => Chars(r, n, "0123456789abcdef");

    private static string Upper(Random r, int n) => Chars(r, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

    private static string Token(Random r, int n) => Chars(r, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private static string Chars(Random r, int n, string alphabet) =>
        string.Create(n, (r, alphabet), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.r.Next(state.alphabet.Length)];
            }
        });
}
