using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace FastMask.Masking.Tests.Detection;

/// <summary>A span of a corpus document, in UTF-16 code units of <see cref="CorpusDocument.Text"/>.</summary>
public sealed record CorpusSpan(string Entity, int Start, int Length);

/// <summary>One chat-like message: the embedded PII (with the entity that must be reported) and the decoys (nothing may be).</summary>
public sealed record CorpusDocument(string Text, ImmutableArray<CorpusSpan> Pii, ImmutableArray<CorpusSpan> Decoys)
{
    public string ValueOf(CorpusSpan span) => Text.Substring(span.Start, span.Length);
}

/// <summary>
/// A deterministic corpus of chat-like messages with PII of every built-in entity in several formats, and decoys
/// that look like PII but are not (order numbers, UUIDs, timestamps, versions, git SHAs, prices, numbers with bad
/// checksums, base64 blobs). Every value is generated from the seed, with checksums computed, so the same seed
/// always gives the same corpus.
/// </summary>
public static class PiiCorpus
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base64Chars = Alnum + "+/";
    private const string Base58Chars = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Hex = "0123456789abcdef";

    private static readonly string[] s_openers =
    [
        "Hi there!", "Hello,", "Quick question:", "Hey team,", "Good morning.", "Can you help me with this?",
        "Following up on my last message.", "Merci beaucoup, à bientôt 😀", "Grüße aus München!", "So here goes:",
        "I need to update my details.", "Please take a look.",
    ];

    private static readonly string[] s_closers =
    [
        "Thanks in advance.", "Let me know if anything is missing.", "Cheers!", "Please double-check.",
        "Talk soon 👋", "Have a nice day.", "No rush.", "That's all for now.", "Regards",
    ];

    private static readonly string[] s_firstNames = ["jane", "john", "maria", "wei", "olga", "ahmed", "lucia", "tom"];
    private static readonly string[] s_lastNames = ["doe", "smith", "garcia", "chen", "novak", "haddad", "rossi", "berg"];
    private static readonly string[] s_domains = ["example.com", "mail.example.org", "corp-mail.io", "example.co.uk", "uni.example.edu"];
    private static readonly string[] s_months = ["January", "Feb", "March", "Apr", "May", "June", "Jul", "August", "Sept", "Oct", "November", "Dec"];

    // Valid Bech32 (v0) and Bech32m (v1+) addresses from BIP 173, BIP 350 and BIP 86.
    private static readonly string[] s_bech32 =
    [
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
        "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    ];

    // Country, length of the BBAN, and whether the BBAN starts with four letters (bank code).
    private static readonly (string Country, int BbanLength, bool Letters)[] s_ibanCountries =
    [
        ("DE", 18, false), ("FR", 23, false), ("GB", 18, true), ("NL", 14, true), ("NO", 11, false),
        ("ES", 20, false), ("IT", 23, false), ("CH", 17, false), ("BE", 12, false), ("MT", 27, true),
    ];

    /// <summary>The entities with text patterns, each of which the corpus embeds.</summary>
    public static ImmutableArray<string> Entities { get; } =
    [
        "EMAIL_ADDRESS", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "PHONE_NUMBER", "IP_ADDRESS", "MAC_ADDRESS",
        "US_BANK_ROUTING", "CRYPTO_WALLET", "UK_NHS", "URL_WITH_CREDENTIALS", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
        "GITHUB_TOKEN", "OPENAI_API_KEY", "SLACK_TOKEN", "JWT", "PRIVATE_KEY", "DATE_OF_BIRTH",
    ];

    public static ImmutableArray<CorpusDocument> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var documents = ImmutableArray.CreateBuilder<CorpusDocument>(count);
        for (var i = 0; i < count; i++)
        {
            var writer = new Writer(random);
            writer.Text(Pick(random, s_openers)).Text(" ");
            WriteEntity(writer, Entities[i % Entities.Length]);
            writer.Text(" ");
            WriteDecoy(writer);
            writer.Text(" ").Text(Pick(random, s_closers));
            documents.Add(writer.Build());
        }

        return documents.MoveToImmutable();
    }

    private static void WriteEntity(Writer w, string entity)
    {
        var r = w.Random;
        switch (entity)
        {
            case "EMAIL_ADDRESS":
                w.Text("You can reach me at ").Pii(entity, $"{Pick(r, s_firstNames)}.{Pick(r, s_lastNames)}{r.Next(100)}@{Pick(r, s_domains)}").Text(".");
                break;
            case "CREDIT_CARD":
                w.Text("My card is ").Pii(entity, CardNumber(r)).Text(", expiry next year.");
                break;
            case "US_SSN":
                WriteSsn(w);
                break;
            case "IBAN_CODE":
                w.Text("Please wire it to IBAN ").Pii(entity, FormatIban(r, Iban(r))).Text(" by Friday.");
                break;
            case "PHONE_NUMBER":
                w.Text("Call me on ").Pii(entity, PhoneNumber(r)).Text(" after lunch.");
                break;
            case "IP_ADDRESS":
                w.Text("The server at ").Pii(entity, r.Next(2) == 0 ? IpV4(r) : IpV6(r)).Text(" keeps timing out.");
                break;
            case "MAC_ADDRESS":
                w.Text("The device MAC is ").Pii(entity, MacAddress(r)).Text(" on the lab network.");
                break;
            case "US_BANK_ROUTING":
                w.Text("Our bank routing number: ").Pii(entity, RoutingNumber(r)).Text(", checking account.");
                break;
            case "CRYPTO_WALLET":
                w.Text("Send the refund to ").Pii(entity, Wallet(r)).Text(" please.");
                break;
            case "UK_NHS":
                WriteNhs(w);
                break;
            case "URL_WITH_CREDENTIALS":
                var scheme = Pick(r, ["postgres", "mysql", "redis", "https", "amqp", "mongodb"]);
                var url = $"{scheme}://{Pick(r, s_firstNames)}:{Random(r, Alnum, 12)}@db-{r.Next(10)}.internal.example.com:{r.Next(1024, 65535)}";
                w.Text("The connection string is ").Pii(entity, url).Text("/app?sslmode=require");
                break;
            case "AWS_ACCESS_KEY":
                w.Text("Access key id ").Pii(entity, Pick(r, ["AKIA", "ASIA"]) + Random(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)).Text(" was leaked.");
                break;
            case "AWS_SECRET_KEY":
                w.Text("and the aws secret access key is ").Pii(entity, AwsSecret(r)).Text(" (rotate it).");
                break;
            case "GITHUB_TOKEN":
                var github = r.Next(3) == 0
                    ? $"github_pat_{Random(r, Alnum, 22)}_{Random(r, Alnum, 59)}"
                    : $"gh{Pick(r, ["p", "o", "u", "s", "r"])}_{Random(r, Alnum, 36)}";
                w.Text("export GH_TOKEN=").Pii(entity, github).Text(" then retry.");
                break;
            case "OPENAI_API_KEY":
                var openai = r.Next(2) == 0
                    ? $"sk-proj-{Random(r, Alnum + "_-", 60)}{Random(r, Alnum, 20)}"
                    : $"sk-{Random(r, Alnum, 20)}T3BlbkFJ{Random(r, Alnum, 20)}";
                w.Text("My key is ").Pii(entity, openai).Text(", don't share it.");
                break;
            case "SLACK_TOKEN":
                var slack = $"xox{Pick(r, ["b", "p", "a"])}-{Random(r, "0123456789", 12)}-{Random(r, "0123456789", 13)}-{Random(r, Alnum, 24)}";
                w.Text("Bot token: ").Pii(entity, slack).Text(".");
                break;
            case "JWT":
                w.Text("Authorization: Bearer ").Pii(entity, Jwt(r)).Text(" was rejected.");
                break;
            case "PRIVATE_KEY":
                w.Text("Here is the key:\n").Pii(entity, PrivateKey(r)).Text("\nCan you check it?");
                break;
            case "DATE_OF_BIRTH":
                w.Text(Pick(r, ["I was born on ", "DOB: ", "Date of birth ", "my birthday is "])).Pii(entity, BirthDate(r)).Text(", for the form.");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(entity), entity, null);
        }
    }

    private static void WriteSsn(Writer w)
    {
        var r = w.Random;
        var area = r.Next(1, 900);
        if (area == 666)
        {
            area = 665;
        }

        var group = r.Next(1, 100);
        var serial = r.Next(1, 10000);
        switch (r.Next(3))
        {
            case 0:
                w.Text("My SSN is ").Pii("US_SSN", $"{area:000}-{group:00}-{serial:0000}").Text(".");
                break;
            case 1:
                w.Text("SSN ").Pii("US_SSN", $"{area:000} {group:00} {serial:0000}").Text(" on the form.");
                break;
            default:
                w.Text("social security number: ").Pii("US_SSN", $"{area:000}{group:00}{serial:0000}").Text(".");
                break;
        }
    }

    private static void WriteNhs(Writer w)
    {
        var r = w.Random;
        string digits;
        do
        {
            digits = Random(r, "0123456789", 9);
            digits = NhsCheck(digits) is { } check ? digits + check : "";
        }
        while (digits.Length == 0);

        switch (r.Next(3))
        {
            case 0:
                w.Text("Patient NHS number ").Pii("UK_NHS", $"{digits[..3]} {digits[3..6]} {digits[6..]}").Text(" attended.");
                break;
            case 1:
                w.Text("Patient ref ").Pii("UK_NHS", $"{digits[..3]}-{digits[3..6]}-{digits[6..]}").Text(" attended.");
                break;
            default:
                w.Text("NHS no. ").Pii("UK_NHS", digits).Text(" attended.");
                break;
        }
    }

    private static void WriteDecoy(Writer w)
    {
        var r = w.Random;
        switch (r.Next(14))
        {
            case 0:
                w.Text("Order ").Decoy($"ORD-{r.Next(2019, 2027)}-{r.Next(1000000):000000}").Text(" shipped.");
                break;
            case 1:
                var guid = new byte[16];
                r.NextBytes(guid);
                w.Text("Request id ").Decoy(new Guid(guid).ToString()).Text(".");
                break;
            case 2:
                var when = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(r.Next(0, 365 * 86400));
                w.Text("Logged at ").Decoy(when.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Text(".");
                break;
            case 3:
                w.Text("Upgrade to ").Decoy($"v{r.Next(1, 20)}.{r.Next(0, 10)}.{r.Next(0, 500)}").Text(" or ").Decoy($"{r.Next(1, 9)}.{r.Next(0, 20)}.{r.Next(0, 20)}").Text(".");
                break;
            case 4:
                w.Text("Fixed in commit ").Decoy(Random(r, Hex, 40)).Text(".");
                break;
            case 5:
                w.Text("The total was ").Decoy($"${r.Next(1, 99)},{r.Next(1000):000}.{r.Next(100):00}").Text(" including tax.");
                break;
            case 6:
                w.Text("Reference ").Decoy(LuhnInvalid(r)).Text(" is not a card.");
                break;
            case 7:
                w.Text("Old account ").Decoy(FormatIban(r, WrongIban(r))).Text(" was closed.");
                break;
            case 8:
                var area = Pick(r, ["000", "666", r.Next(900, 1000).ToString(CultureInfo.InvariantCulture)]);
                w.Text("Test id ").Decoy($"{area}-{r.Next(1, 100):00}-{r.Next(1, 10000):0000}").Text(" and ").Decoy($"{r.Next(1, 666):000}-00-{r.Next(1, 10000):0000}").Text(".");
                break;
            case 9:
                w.Text("Attached image: ").Decoy("data:image/png;base64," + Random(r, Base64Chars, r.Next(200, 2000)) + "==").Text(" is the screenshot.");
                break;
            case 10:
                w.Text("Meeting at ").Decoy($"{r.Next(0, 24):00}:{r.Next(0, 60):00}").Text(" in room ").Decoy($"{r.Next(100, 999)}").Text(".");
                break;
            case 11:
                w.Text("Tracking number ").Decoy(Random(r, "0123456789", 8)).Text(", parcel ").Decoy($"1Z{Random(r, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 16)}").Text(".");
                break;
            case 12:
                w.Text("See ").Decoy($"std::vector<int>").Text(" and ").Decoy($"icon@{r.Next(2, 4)}x.png").Text(".");
                break;
            default:
                w.Text("Build ").Decoy($"{r.Next(1, 20)}.{r.Next(0, 10)}.{r.Next(10000, 30000)}.{r.Next(0, 2000)}").Text(" passed.");
                break;
        }
    }

    private static string CardNumber(Random r)
    {
        var prefix = Pick(r, ["4", "51", "55", "2221", "34", "37", "6011", "65", "3528"]);
        var length = prefix is "34" or "37" ? 15 : 16;
        var digits = prefix + Random(r, "0123456789", length - prefix.Length - 1);
        digits += LuhnDigit(digits);
        if (r.Next(3) == 0)
        {
            return digits;
        }

        var separator = r.Next(2) == 0 ? ' ' : '-';
        return length == 15
            ? $"{digits[..4]}{separator}{digits[4..10]}{separator}{digits[10..]}"
            : $"{digits[..4]}{separator}{digits[4..8]}{separator}{digits[8..12]}{separator}{digits[12..]}";
    }

    private static string LuhnInvalid(Random r)
    {
        var digits = "4" + Random(r, "0123456789", 14);
        var valid = LuhnDigit(digits);
        return digits + (char)('0' + ((valid - '0' + 1 + r.Next(9)) % 10));
    }

    private static char LuhnDigit(string payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var d = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    private static string Iban(Random r)
    {
        var (country, length, letters) = Pick(r, s_ibanCountries);
        var bban = letters ? Random(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + Random(r, "0123456789", length - 4) : Random(r, "0123456789", length);
        var numeric = new StringBuilder();
        foreach (var c in bban + country + "00")
        {
            numeric.Append(char.IsDigit(c) ? (c - '0').ToString(CultureInfo.InvariantCulture) : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture));
        }

        var check = 98 - (int)(BigInteger.Parse(numeric.ToString(), CultureInfo.InvariantCulture) % 97);
        return $"{country}{check:00}{bban}";
    }

    /// <summary>
    /// An IBAN with wrong check digits. Its grouped form is drawn again when a block of four groups would itself be
    /// a valid card number (a real, rare overlap: such a span is a card number whatever surrounds it).
    /// </summary>
    private static string WrongIban(Random r)
    {
        while (true)
        {
            var iban = Iban(r);
            var check = int.Parse(iban[2..4], CultureInfo.InvariantCulture);
            var wrong = iban[..2] + (((check + 1 + r.Next(90)) % 97) + 2).ToString("00", CultureInfo.InvariantCulture) + iban[4..];
            var hidesCard = false;
            for (var i = 4; i + 16 <= wrong.Length; i += 4)
            {
                var block = wrong.Substring(i, 16);
                hidesCard |= block.All(char.IsDigit) && block[0] is >= '2' and <= '6' && LuhnDigit(block[..15]) == block[15];
            }

            if (!hidesCard)
            {
                return wrong;
            }
        }
    }

    private static string FormatIban(Random r, string iban)
    {
        if (r.Next(2) == 0)
        {
            return iban;
        }

        var grouped = new StringBuilder();
        for (var i = 0; i < iban.Length; i += 4)
        {
            grouped.Append(i == 0 ? "" : " ").Append(iban.AsSpan(i, Math.Min(4, iban.Length - i)));
        }

        return grouped.ToString();
    }

    private static string PhoneNumber(Random r)
    {
        while (true)
        {
            var area = $"{r.Next(2, 10)}{r.Next(0, 10)}{r.Next(0, 10)}";
            if (area[1] == '1' && area[2] == '1')
            {
                continue;
            }

            var exchange = $"{r.Next(2, 10)}{r.Next(0, 10)}{r.Next(0, 10)}";
            var line = $"{r.Next(10000):0000}";
            var phone = r.Next(9) switch
            {
                0 => $"+1{area}{exchange}{line}",
                1 => $"+1 {area} {exchange} {line}",
                2 => $"({area}) {exchange}-{line}",
                3 => $"{area}-{exchange}-{line}",
                4 => $"{area}.{exchange}.{line}",
                5 => $"+44 20 {r.Next(7000, 8999)} {r.Next(10000):0000}",
                6 => $"07{r.Next(100, 999)} {r.Next(100000, 999999)}",
                7 => $"020 {r.Next(7000, 8999)} {r.Next(10000):0000}",
                _ => $"+1 ({area}) {exchange}-{line}",
            };

            // A North American number in 3-3-4 form that also passes the NHS check is reported as UK_NHS.
            var digits = phone.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            if ((phone.Contains('-', StringComparison.Ordinal) || phone.StartsWith(area + ' ', StringComparison.Ordinal)) && digits.Length == 10
                && !phone.Contains('(', StringComparison.Ordinal) && NhsCheck(digits[..9]) == digits[9])
            {
                continue;
            }

            return phone;
        }
    }

    private static char? NhsCheck(string nine)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nine[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        return check switch
        {
            11 => '0',
            10 => null,
            _ => (char)('0' + check),
        };
    }

    private static string IpV4(Random r) => $"{r.Next(1, 224)}.{r.Next(256)}.{r.Next(256)}.{r.Next(1, 255)}";

    private static string IpV6(Random r)
    {
        var groups = new string[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = r.Next(0x1000, 0x10000).ToString("x", CultureInfo.InvariantCulture);
        }

        groups[0] = Pick(r, ["2001", "fe80", "2a00", "fd12"]);
        return r.Next(3) switch
        {
            0 => string.Join(':', groups),
            1 => $"{groups[0]}:{groups[1]}::{groups[6]}:{groups[7]}",
            _ => $"::ffff:{IpV4(r)}",
        };
    }

    private static string MacAddress(Random r)
    {
        var bytes = new byte[6];
        r.NextBytes(bytes);
        bytes[0] = (byte)(bytes[0] | 0x02);
        bytes[1] = (byte)((bytes[1] & 0x0F) | 0xA0); // a hex letter: dotted forms without one read as numbers
        var hex = Convert.ToHexString(bytes);
        if (r.Next(3) == 0)
        {
            hex = hex.ToLowerInvariant();
            return $"{hex[..4]}.{hex[4..8]}.{hex[8..]}";
        }

        var separator = r.Next(2) == 0 ? ":" : "-";
        return string.Join(separator, Enumerable.Range(0, 6).Select(i => hex.Substring(i * 2, 2)));
    }

    private static string RoutingNumber(Random r)
    {
        var prefix = Pick(r, ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "26", "31", "32", "61", "71", "80"]);
        var digits = prefix + Random(r, "0123456789", 6);
        var d = digits.Select(c => c - '0').ToArray();
        var partial = (3 * (d[0] + d[3] + d[6])) + (7 * (d[1] + d[4] + d[7])) + d[2] + d[5];
        return digits + (char)('0' + ((10 - (partial % 10)) % 10));
    }

    private static string Wallet(Random r)
    {
        switch (r.Next(3))
        {
            case 0:
                return Pick(r, s_bech32);
            case 1:
                return "0x" + Random(r, Hex + "ABCDEF", 40);
            default:
                var payload = new byte[25];
                payload[0] = (byte)(r.Next(2) == 0 ? 0x00 : 0x05);
                r.NextBytes(payload.AsSpan(1, 20));
                var hash = SHA256.HashData(SHA256.HashData(payload.AsSpan(0, 21)));
                hash.AsSpan(0, 4).CopyTo(payload.AsSpan(21));
                return Base58(payload);
        }
    }

    private static string Base58(byte[] bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var text = new StringBuilder();
        while (value > 0)
        {
            text.Insert(0, Base58Chars[(int)(value % 58)]);
            value /= 58;
        }

        for (var i = 0; i < bytes.Length && bytes[i] == 0; i++)
        {
            text.Insert(0, '1');
        }

        return text.ToString();
    }

    private static string AwsSecret(Random r)
    {
        while (true)
        {
            var key = Random(r, Base64Chars, 40);
            if (key.Any(char.IsUpper) && key.Any(char.IsLower) && key.Any(char.IsDigit))
            {
                return key;
            }
        }
    }

    private static string Jwt(Random r)
    {
        var header = $"{{\"alg\":\"{Pick(r, ["HS256", "RS256", "ES256"])}\",\"typ\":\"JWT\"}}";
        var payload = $"{{\"sub\":\"{r.Next(1000000)}\",\"name\":\"{Pick(r, s_firstNames)}\",\"iat\":{r.Next(1600000000, 1800000000)}}}";
        var signature = new byte[32];
        r.NextBytes(signature);
        return $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(payload))}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string PrivateKey(Random r)
    {
        var kind = Pick(r, ["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "]);
        var body = new StringBuilder();
        for (var line = 0; line < r.Next(3, 8); line++)
        {
            body.Append(Random(r, Base64Chars, 64)).Append('\n');
        }

        body.Append(Random(r, Base64Chars, r.Next(8, 60))).Append("==\n");
        return $"-----BEGIN {kind}PRIVATE KEY-----\n{body}-----END {kind}PRIVATE KEY-----";
    }

    private static string BirthDate(Random r)
    {
        var date = new DateTime(1940, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(r.Next(0, 365 * 65));
        var c = CultureInfo.InvariantCulture;
        return r.Next(5) switch
        {
            0 => date.ToString("yyyy-MM-dd", c),
            1 => date.ToString("MM/dd/yyyy", c),
            2 => date.ToString("dd.MM.yyyy", c),
            3 => $"{s_months[date.Month - 1]} {date.Day}, {date.Year}",
            _ => $"{date.Day} {s_months[date.Month - 1]} {date.Year}",
        };
    }

    private static T Pick<T>(Random r, T[] items) => items[r.Next(items.Length)];

    private static string Random(Random r, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[r.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private sealed class Writer(Random random)
    {
        private readonly StringBuilder _text = new();
        private readonly ImmutableArray<CorpusSpan>.Builder _pii = ImmutableArray.CreateBuilder<CorpusSpan>();
        private readonly ImmutableArray<CorpusSpan>.Builder _decoys = ImmutableArray.CreateBuilder<CorpusSpan>();

        public Random Random { get; } = random;

        public Writer Text(string text)
        {
            _text.Append(text);
            return this;
        }

        public Writer Pii(string entity, string value)
        {
            _pii.Add(new CorpusSpan(entity, _text.Length, value.Length));
            _text.Append(value);
            return this;
        }

        public Writer Decoy(string value)
        {
            _decoys.Add(new CorpusSpan("", _text.Length, value.Length));
            _text.Append(value);
            return this;
        }

        public CorpusDocument Build() => new(_text.ToString(), _pii.ToImmutable(), _decoys.ToImmutable());
    }
}
