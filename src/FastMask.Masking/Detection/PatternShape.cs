using System.Buffers;
using System.Globalization;
using System.Text;

namespace FastMask.Masking.Detection;

/// <summary>
/// What can be known about a pattern's matches without running it, read off its expression: the bytes a match can
/// contain (its alphabet), its shortest and longest width in bytes, and an anchor: a set of bytes of which every
/// match contains at least one, chosen to be rare in text, optionally with a literal that must surround it.
/// </summary>
/// <remarks>
/// <para>
/// Every match lies inside a run of alphabet bytes. That bounds how far back a scanner must look for the start of a
/// match ending at a given offset, and, with the anchor, where matches can be at all: only in runs that hold an
/// anchor byte and are at least <see cref="MinWidth"/> long (<see cref="AnchorPlan"/>).
/// </para>
/// <para>
/// The reader understands the subset patterns are written in (<see cref="PatternSpec"/>): literals, escaped
/// punctuation, <c>\t \n \r \f \v \xHH</c>, positive character classes, groups (<c>( )</c>, <c>(?: )</c>, a leading
/// <c>(?i)</c>), alternation and greedy quantifiers. Anything else (a dot, a negated class, a class escape such as
/// <c>\d</c>, an assertion, a lazy quantifier) makes <see cref="TryAnalyze"/> return null: such a pattern is
/// scanned over the whole text.
/// </para>
/// </remarks>
internal sealed class PatternShape
{
    /// <summary>Stands for an unbounded <see cref="MaxWidth"/>.</summary>
    public const int Unbounded = int.MaxValue;

    private PatternShape(bool[] alphabet, int minWidth, int maxWidth, Anchor? anchor, bool requiresDigit, PatternTree? tree)
    {
        Tree = tree;
        RequiresDigit = requiresDigit;
        Alphabet = alphabet;
        MinWidth = minWidth;
        MaxWidth = maxWidth;
        Anchor = anchor;
        var bytes = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (alphabet[b])
            {
                bytes.Add((byte)b);
            }
        }

        AlphabetValues = SearchValues.Create(bytes.ToArray());
    }

    /// <summary>Indexed by byte: whether a match can contain it.</summary>
    public bool[] Alphabet { get; }

    public SearchValues<byte> AlphabetValues { get; }

    public int MinWidth { get; }

    /// <summary>The longest match in bytes, or <see cref="Unbounded"/>.</summary>
    public int MaxWidth { get; }

    /// <summary>The cheapest anchor found; null when every match can avoid every byte set the reader could name.</summary>
    public Anchor? Anchor { get; }

    /// <summary>
    /// The expression as a tree over bytes, or null when it cannot be written as one exactly (a class with characters
    /// beyond ASCII, case-insensitive letters beyond ASCII).
    /// </summary>
    public PatternTree? Tree { get; }

    /// <summary>Whether every match holds an ASCII digit: the digits can anchor it, whatever <see cref="Anchor"/> is.</summary>
    public bool RequiresDigit { get; }

    /// <summary>Estimated occurrences of each byte per 1,000 bytes of chat text: the cost of an anchor byte.</summary>
    internal static ReadOnlySpan<double> Frequency => s_frequency;

    private static readonly double[] s_frequency = BuildFrequency();

    public static PatternShape? TryAnalyze(string expression, bool caseInsensitive)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parser = new Parser(expression, caseInsensitive);
        return parser.TryParse(out var node) && node.Min > 0
            ? new PatternShape(parser.Alphabet, Clamp(node.Min), Clamp(node.Max), node.Anchor, node.Digit, node.Tree)
            : null;
    }

    private static int Clamp(long width) => width >= Unbounded ? Unbounded : (int)width;

    private static double[] BuildFrequency()
    {
        var f = new double[256];
        for (var b = 0; b < 256; b++)
        {
            // Control characters are rare; a non-ASCII byte is part of accented letters, dashes and quotes.
            f[b] = b >= 0x80 ? 2 : 0.1;
        }

        const string Letters = "etaoinsrhdlcumwfgypbvkxjqz";
        double[] letterFrequency = [80, 60, 52, 50, 46, 45, 41, 39, 38, 27, 26, 18, 18, 16, 15, 14, 13, 13, 12, 10, 6, 5, 1.3, 1, 0.6, 0.5];
        for (var i = 0; i < Letters.Length; i++)
        {
            f[Letters[i]] = letterFrequency[i];
            f[char.ToUpperInvariant(Letters[i])] = Math.Max(0.2, letterFrequency[i] / 25);
        }

        for (var d = '0'; d <= '9'; d++)
        {
            f[d] = 3;
        }

        f[' '] = 160;
        f['\n'] = 5;
        f['.'] = 10;
        f[','] = 10;
        f['-'] = 3;
        f['\''] = 2;
        f['"'] = 2;
        f[':'] = 1.5;
        f['/'] = 1.5;
        f['('] = f[')'] = f['!'] = f['?'] = f['\t'] = f['\r'] = 0.5;
        f['_'] = f[';'] = f['$'] = 0.3;
        f['@'] = f['+'] = f['='] = f['#'] = f['%'] = f['&'] = f['*'] = 0.2;
        return f;
    }

    /// <summary>A subexpression: widths, whether it is one exact byte string, and its cheapest anchor.</summary>
    private readonly record struct Node(long Min, long Max, Anchor? Anchor, byte[]? Literal, bool Digit, PatternTree? Tree);

    /// <summary>Recursive descent over the shared subset; fails on anything it cannot account for.</summary>
    private sealed class Parser(string expression, bool caseInsensitive)
    {
        private const long Infinite = long.MaxValue;
        private int _i;
        private bool _caseInsensitive = caseInsensitive;

        public bool[] Alphabet { get; } = new bool[256];

        public bool TryParse(out Node node)
        {
            if (expression.StartsWith("(?i)", StringComparison.Ordinal))
            {
                _caseInsensitive = true;
                _i = 4;
            }

            return TryAlternation(out node) && _i == expression.Length;
        }

        private bool TryAlternation(out Node node)
        {
            if (!TryConcatenation(out node))
            {
                return false;
            }

            List<PatternTree?>? alternatives = null;
            while (_i < expression.Length && expression[_i] == '|')
            {
                _i++;
                if (!TryConcatenation(out var next))
                {
                    return false;
                }

                alternatives ??= [node.Tree];
                alternatives.Add(next.Tree);

                // A match of the whole is a match of one alternative: it holds that alternative's anchor.
                var anchor = node.Anchor is { } a && next.Anchor is { } b ? Anchor.Union(a, b) : null;
                node = new Node(Math.Min(node.Min, next.Min), Math.Max(node.Max, next.Max), anchor, null, node.Digit && next.Digit, null);
            }

            if (alternatives is not null)
            {
                node = node with { Tree = PatternTree.Alternation(alternatives) };
            }

            return true;
        }

        private bool TryConcatenation(out Node node)
        {
            long min = 0, max = 0;
            Anchor? best = null;
            var literal = new List<byte>();
            var single = true;
            var digit = false;
            var count = 0;
            var items = new List<PatternTree?>();
            while (_i < expression.Length && expression[_i] is not ('|' or ')'))
            {
                if (!TryAtom(out var atom) || !TryQuantifier(ref atom))
                {
                    node = default;
                    return false;
                }

                count++;
                items.Add(atom.Tree);
                digit |= atom.Digit;
                min = Add(min, atom.Min);
                max = Add(max, atom.Max);
                best = Anchor.Cheaper(best, atom.Anchor);
                if (atom.Literal is { } bytes)
                {
                    literal.AddRange(bytes);
                }
                else
                {
                    single = false;
                    best = Anchor.Cheaper(best, Anchor.FromLiteral(literal));
                    literal.Clear();
                }
            }

            best = Anchor.Cheaper(best, Anchor.FromLiteral(literal));
            node = new Node(min, max, best, single && count > 0 ? [.. literal] : null, digit, PatternTree.Sequence(items));
            return true;
        }

        private bool TryQuantifier(ref Node atom)
        {
            if (_i >= expression.Length)
            {
                return true;
            }

            long low, high;
            switch (expression[_i])
            {
                case '?':
                    (low, high) = (0, 1);
                    _i++;
                    break;
                case '*':
                    (low, high) = (0, Infinite);
                    _i++;
                    break;
                case '+':
                    (low, high) = (1, Infinite);
                    _i++;
                    break;
                case '{':
                    if (!TryBraces(out low, out high))
                    {
                        return false;
                    }

                    break;
                default:
                    return true;
            }

            // A lazy or possessive quantifier, or a quantifier of a quantifier, is outside the subset.
            if (_i < expression.Length && expression[_i] is '?' or '+' or '*' or '{')
            {
                return false;
            }

            byte[]? literal = null;
            if (atom.Literal is { } bytes && low == high && low * bytes.Length <= 64)
            {
                literal = new byte[bytes.Length * low];
                for (var k = 0; k < low; k++)
                {
                    bytes.CopyTo(literal, k * bytes.Length);
                }
            }

            atom = new Node(
                Multiply(atom.Min, low),
                high == 0 ? 0 : Multiply(atom.Max, high),
                low > 0 ? atom.Anchor : null,
                literal,
                low > 0 && atom.Digit,
                atom.Tree is { } tree ? PatternTree.Repeat(tree, low, high == Infinite ? -1 : high) : null);
            return true;
        }

        private bool TryBraces(out long low, out long high)
        {
            low = high = 0;
            var close = expression.IndexOf('}', _i);
            if (close < 0)
            {
                return false;
            }

            var body = expression.AsSpan(_i + 1, close - _i - 1);
            _i = close + 1;
            var comma = body.IndexOf(',');
            if (comma < 0)
            {
                return long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out low) && (high = low) >= 0;
            }

            if (!long.TryParse(body[..comma], NumberStyles.None, CultureInfo.InvariantCulture, out low))
            {
                return false;
            }

            if (comma == body.Length - 1)
            {
                high = Infinite;
                return true;
            }

            return long.TryParse(body[(comma + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out high) && high >= low;
        }

        private bool TryAtom(out Node node)
        {
            node = default;
            var c = expression[_i];
            switch (c)
            {
                case '(':
                    _i++;
                    if (_i < expression.Length && expression[_i] == '?')
                    {
                        if (_i + 1 >= expression.Length || expression[_i + 1] != ':')
                        {
                            return false;
                        }

                        _i += 2;
                    }

                    if (!TryAlternation(out node) || _i >= expression.Length || expression[_i] != ')')
                    {
                        return false;
                    }

                    _i++;

                    // A group is one exact string only when its single alternative is.
                    return true;
                case '[':
                    return TryClass(out node);
                case '.' or '^' or '$' or ')' or '|' or '?' or '*' or '+' or '{':
                    return false;
                default:
                    if (!TryChar(out var ch))
                    {
                        return false;
                    }

                    node = Character(ch);
                    return true;
            }
        }

        /// <summary>One character: an exact byte string unless case-insensitivity makes it a two-letter class.</summary>
        private Node Character(char ch)
        {
            if (_caseInsensitive && char.IsAsciiLetter(ch))
            {
                var set = new bool[256];
                set[char.ToLowerInvariant(ch)] = set[char.ToUpperInvariant(ch)] = true;
                Alphabet[char.ToLowerInvariant(ch)] = Alphabet[char.ToUpperInvariant(ch)] = true;
                return new Node(1, 1, Anchor.FromSet(set), null, false, PatternTree.Bytes(set));
            }

            var bytes = Encoding.UTF8.GetBytes(ch.ToString());
            foreach (var b in bytes)
            {
                Alphabet[b] = true;
            }

            // Case folding beyond ASCII differs between engines and cannot be spelled as bytes here.
            var tree = _caseInsensitive && ch >= 0x80 ? null : PatternTree.Sequence([.. bytes.Select(static b => (PatternTree?)PatternTree.Bytes(SetOf(b)))]);
            return new Node(bytes.Length, bytes.Length, Anchor.FromLiteral(bytes) ?? Anchor.FromSet(SetOf(bytes[0])), bytes, char.IsAsciiDigit(ch), tree);
        }

        private static bool[] SetOf(byte b)
        {
            var set = new bool[256];
            set[b] = true;
            return set;
        }

        private bool TryClass(out Node node)
        {
            node = default;
            _i++;
            if (_i < expression.Length && expression[_i] == '^')
            {
                return false;
            }

            var set = new bool[256];
            bool ascii = false, nonAscii = false, first = true;
            while (_i < expression.Length && (expression[_i] != ']' || first))
            {
                first = false;
                if (!TryChar(out var low))
                {
                    return false;
                }

                var high = low;
                if (_i + 1 < expression.Length && expression[_i] == '-' && expression[_i + 1] != ']')
                {
                    _i++;
                    if (!TryChar(out high) || high < low)
                    {
                        return false;
                    }
                }

                ascii |= low < 0x80;
                nonAscii |= high >= 0x80;
                AddRange(set, low, high);
            }

            if (_i >= expression.Length)
            {
                return false;
            }

            _i++;
            if (_caseInsensitive)
            {
                for (var b = 'a'; b <= 'z'; b++)
                {
                    var upper = char.ToUpperInvariant(b);
                    set[b] = set[upper] = set[b] || set[upper];
                }
            }

            for (var b = 0; b < 256; b++)
            {
                Alphabet[b] |= set[b];
            }

            // A character outside ASCII is two to four bytes; its lead byte is always one of the set's bytes.
            var digitsOnly = true;
            for (var b = 0; b < 256 && digitsOnly; b++)
            {
                digitsOnly = !set[b] || char.IsAsciiDigit((char)b);
            }

            node = new Node(ascii ? 1 : 2, nonAscii ? 4 : 1, Anchor.FromSet(set), null, digitsOnly, nonAscii ? null : PatternTree.Bytes(set));
            return true;
        }

        /// <summary>One literal character, escaped or not; false for escapes that stand for a class or an assertion.</summary>
        private bool TryChar(out char c)
        {
            c = expression[_i++];
            if (c != '\\')
            {
                return true;
            }

            if (_i >= expression.Length)
            {
                return false;
            }

            var e = expression[_i++];
            switch (e)
            {
                case 't':
                    c = '\t';
                    return true;
                case 'n':
                    c = '\n';
                    return true;
                case 'r':
                    c = '\r';
                    return true;
                case 'f':
                    c = '\f';
                    return true;
                case 'v':
                    c = '\v';
                    return true;
                case 'x':
                    if (_i + 2 <= expression.Length && byte.TryParse(expression.AsSpan(_i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
                    {
                        _i += 2;
                        c = (char)value;
                        return true;
                    }

                    return false;
                default:
                    // An escaped punctuation character stands for itself; an escaped letter or digit is a class,
                    // an assertion or a backreference.
                    c = e;
                    return !char.IsAsciiLetterOrDigit(e);
            }
        }

        private static void AddRange(bool[] set, char low, char high)
        {
            for (var ch = low; ch <= high; ch++)
            {
                if (ch < 0x80)
                {
                    set[ch] = true;
                }
                else if (high > low)
                {
                    // A range beyond ASCII: every byte a multi-byte character can be made of.
                    for (var b = 0x80; b < 256; b++)
                    {
                        set[b] = true;
                    }

                    return;
                }
                else
                {
                    foreach (var b in Encoding.UTF8.GetBytes(ch.ToString()))
                    {
                        set[b] = true;
                    }
                }

                if (ch == char.MaxValue)
                {
                    break;
                }
            }
        }

        private static long Add(long a, long b) => a == Infinite || b == Infinite ? Infinite : a + b;

        private static long Multiply(long a, long b) =>
            a == 0 || b == 0 ? 0 : a == Infinite || b == Infinite || a > Infinite / b ? Infinite : a * b;
    }
}

/// <summary>
/// Bytes of which every match of a (sub)pattern contains at least one. With <see cref="Literal"/> set, the anchor byte
/// is <c>Literal[LiteralOffset]</c> and a hit counts only where the whole literal stands around it.
/// </summary>
internal sealed class Anchor
{
    /// <summary>Weight of a literal anchor against a lone byte: the literal check rejects most hits of its byte.</summary>
    private const double LiteralDiscount = 0.1;

    private Anchor(bool[] bytes, byte[]? literal, int literalOffset, double cost)
    {
        Bytes = bytes;
        Literal = literal;
        LiteralOffset = literalOffset;
        Cost = cost;
    }

    public bool[] Bytes { get; }

    public byte[]? Literal { get; }

    public int LiteralOffset { get; }

    /// <summary>Estimated hits per 1,000 bytes of text (see <see cref="PatternShape.Frequency"/>).</summary>
    public double Cost { get; }

    public static Anchor FromSet(bool[] set)
    {
        var cost = 0.0;
        for (var b = 0; b < 256; b++)
        {
            if (set[b])
            {
                cost += PatternShape.Frequency[b];
            }
        }

        return new Anchor(set, null, 0, cost);
    }

    /// <summary>An exact string of two or more bytes, anchored on its rarest byte; null for shorter strings.</summary>
    public static Anchor? FromLiteral(IReadOnlyList<byte> literal)
    {
        if (literal.Count < 2)
        {
            return null;
        }

        var offset = 0;
        for (var k = 1; k < literal.Count; k++)
        {
            if (PatternShape.Frequency[literal[k]] < PatternShape.Frequency[literal[offset]])
            {
                offset = k;
            }
        }

        var set = new bool[256];
        set[literal[offset]] = true;
        return new Anchor(set, [.. literal], offset, PatternShape.Frequency[literal[offset]] * LiteralDiscount);
    }

    /// <summary>The ten ASCII digits.</summary>
    public static Anchor Digits { get; } = FromSet([.. Enumerable.Range(0, 256).Select(static b => char.IsAsciiDigit((char)b))]);

    public static Anchor? Cheaper(Anchor? a, Anchor? b) => a is null ? b : b is null ? a : b.Cost < a.Cost ? b : a;

    /// <summary>Either anchor's bytes (literal checks dropped: a hit may belong to either).</summary>
    public static Anchor Union(Anchor a, Anchor b)
    {
        var set = new bool[256];
        for (var i = 0; i < 256; i++)
        {
            set[i] = a.Bytes[i] || b.Bytes[i];
        }

        return FromSet(set);
    }
}

/// <summary>An expression as a tree over bytes: byte sets, sequences, alternations and counted repeats.</summary>
internal abstract class PatternTree
{
    /// <summary>Repeat counts beyond this are not expanded (the tree is not built).</summary>
    private const long MaxCount = 1000;

    public static PatternTree Bytes(bool[] set) => new ByteSet(set);

    public static PatternTree? Sequence(IReadOnlyList<PatternTree?> items) =>
        items.Any(static i => i is null) ? null : items.Count == 1 ? items[0] : new Concatenation([.. items!]);

    public static PatternTree? Alternation(IReadOnlyList<PatternTree?> items) =>
        items.Any(static i => i is null) ? null : new Choice([.. items!]);

    /// <summary><paramref name="max"/> -1: unbounded.</summary>
    public static PatternTree? Repeat(PatternTree item, long min, long max) =>
        min > MaxCount || max > MaxCount ? null : new Repetition(item, (int)min, (int)max);

    public sealed class ByteSet(bool[] set) : PatternTree
    {
        public bool[] Set { get; } = set;
    }

    public sealed class Concatenation(PatternTree[] items) : PatternTree
    {
        public PatternTree[] Items { get; } = items;
    }

    public sealed class Choice(PatternTree[] items) : PatternTree
    {
        public PatternTree[] Items { get; } = items;
    }

    public sealed class Repetition(PatternTree item, int min, int max) : PatternTree
    {
        public PatternTree Item { get; } = item;

        public int Min { get; } = min;

        /// <summary>-1: unbounded.</summary>
        public int Max { get; } = max;
    }
}
