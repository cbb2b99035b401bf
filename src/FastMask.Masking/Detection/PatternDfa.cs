using System.Buffers;
using System.Numerics;
using System.Text;

namespace FastMask.Masking.Detection;

/// <summary>
/// One pattern compiled to a deterministic automaton over bytes, for the short windows an <see cref="AnchorPlan"/>
/// leaves. A window holds a few dozen bytes and a few candidate patterns; a table-driven automaton checks a start
/// position in a few nanoseconds per byte, where an engine call costs far more than the window is long (a Hyperscan
/// database starts several engines per call, a .NET regex wants the text as UTF-16).
/// </summary>
/// <remarks>
/// Built from <see cref="PatternShape.Tree"/>: a Thompson automaton, then the subset construction, eagerly and once,
/// over the byte classes the pattern distinguishes. Large or unbounded repeat counts are what make automata big; a
/// pattern whose automaton would exceed <see cref="MaxStates"/> gets none and its windows go to the engine.
/// Matching gives the canonical matches of <see cref="IPatternScanner"/>: from the current position, the leftmost start
/// that matches, with its longest end, then on from that end.
/// </remarks>
internal sealed class PatternDfa
{
    /// <summary>Most states a pattern's automaton (either kind) may have.</summary>
    internal const int MaxStates = 4096;

    /// <summary>
    /// Bytes stepped per byte of window before a scan gives up and leaves the window to the engine: trying every start
    /// of a long run against a long pattern is quadratic, which an engine's single pass is not.
    /// </summary>
    private const int StepBudgetPerByte = 32;

    private const int Dead = 0;

    private readonly byte[] _classOf;
    private readonly int _classCount;
    private readonly int[] _next;
    private readonly ulong[] _accepting;
    private readonly ulong[] _live;
    private readonly ulong _patterns;

    [ThreadStatic]
    private static int[]? t_resume;

    [ThreadStatic]
    private static int[]? t_ends;
    private readonly int _start;
    private readonly SearchValues<byte> _first;
    private readonly bool[] _isFirst;

    private PatternDfa(byte[] classOf, int classCount, int[] next, ulong[] accepting, int start, SearchValues<byte> first, bool[] isFirst)
    {
        _live = LiveMasks(next, accepting, classCount);
        foreach (var a in accepting)
        {
            _patterns |= a;
        }

        _isFirst = isFirst;
        _classOf = classOf;
        _classCount = classCount;
        _next = next;
        _accepting = accepting;
        _start = start;
        _first = first;
    }

    /// <summary>The patterns (bits) this automaton matches.</summary>
    public ulong Patterns => _patterns;

    /// <summary>
    /// Compiles patterns into one automaton whose states say which patterns accept there (pattern <c>i</c>: bit
    /// <c>i</c>, below 64), or returns null when it would be too large.
    /// </summary>
    public static PatternDfa? TryBuild(IReadOnlyList<(PatternTree Tree, int Pattern)> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var nfa = new Nfa();
        var start = nfa.NewState();
        var accepts = new Dictionary<int, int>();
        foreach (var (tree, pattern) in patterns)
        {
            if (pattern is < 0 or >= 64 || !nfa.TryAdd(tree, out var fragment))
            {
                return null;
            }

            var accept = nfa.NewState();
            nfa.Epsilon(start, fragment.Start);
            nfa.Epsilon(fragment.End, accept);
            nfa.MarkAccepting(accept);
            accepts.Add(accept, pattern);
        }

        var (classOf, classCount) = ByteClasses(nfa);
        return Determinize(nfa, start, accepts, classOf, classCount);
    }

    /// <summary>
    /// Appends the canonical matches in <paramref name="window"/> of the patterns in <paramref name="patterns"/>, with
    /// offsets relative to the window. Returns false, having appended nothing, when the window would cost too many
    /// steps; the caller then scans it with the engine.
    /// </summary>
    /// <remarks>
    /// Each start is run once for all patterns: the automaton reports, per step, which patterns accept, so one run
    /// gives every pattern's longest match from that start. A pattern takes a start only at or after the end of its
    /// previous match, which keeps each pattern's matches exactly those of scanning it alone.
    /// </remarks>
    public bool TryScan(ReadOnlySpan<byte> window, ulong patterns, MatchBuffer<RawMatch> matches)
    {
        var members = patterns & _patterns;
        if (members == 0)
        {
            return true;
        }

        var found = window.IndexOfAny(_first);
        if (found < 0)
        {
            return true;
        }

        var before = matches.Count;
        var budget = (long)StepBudgetPerByte * window.Length + 64;
        var classOf = _classOf;
        var next = _next;
        var accepting = _accepting;
        var classes = _classCount;
        var isFirst = _isFirst;
        var live = _live;
        var resume = t_resume ??= new int[64];
        var ends = t_ends ??= new int[64];
        for (var rest = members; rest != 0; rest &= rest - 1)
        {
            resume[BitOperations.TrailingZeroCount(rest)] = 0;
        }

        // Patterns that may take a start at the current position (their previous match ended at or before it).
        var ready = members;
        var waitUntil = int.MaxValue;
        for (var position = found; position < window.Length; position++)
        {
            if (position >= waitUntil)
            {
                waitUntil = int.MaxValue;
                for (var rest = members & ~ready; rest != 0; rest &= rest - 1)
                {
                    var p = BitOperations.TrailingZeroCount(rest);
                    if (resume[p] <= position)
                    {
                        ready |= 1UL << p;
                    }
                    else
                    {
                        waitUntil = Math.Min(waitUntil, resume[p]);
                    }
                }
            }

            // Windows are short: past the first candidate, stepping byte by byte beats a vectorised search per start.
            if (ready == 0 || !isFirst[window[position]])
            {
                continue;
            }

            var state = _start;
            ulong hit = 0;
            for (var j = position; j < window.Length; j++)
            {
                state = next[(state * classes) + classOf[window[j]]];
                if ((live[state] & ready) == 0)
                {
                    // Dead, or only patterns that already matched further on can still accept.
                    break;
                }

                var accepted = accepting[state] & ready;
                if (accepted != 0)
                {
                    hit |= accepted;
                    for (var rest = accepted; rest != 0; rest &= rest - 1)
                    {
                        ends[BitOperations.TrailingZeroCount(rest)] = j + 1;
                    }
                }

                if (--budget < 0)
                {
                    // Roll back: the caller rescans the whole window.
                    matches.Truncate(before);
                    return false;
                }
            }

            for (var rest = hit; rest != 0; rest &= rest - 1)
            {
                var p = BitOperations.TrailingZeroCount(rest);
                matches.Add(new RawMatch(p, position, ends[p]));
                resume[p] = ends[p];
                waitUntil = Math.Min(waitUntil, ends[p]);
            }

            ready &= ~hit;
        }

        return true;
    }

    /// <summary>Per state, the patterns that can still accept from it: a run stops once none it is after can.</summary>
    private static ulong[] LiveMasks(int[] next, ulong[] accepting, int classCount)
    {
        var live = (ulong[])accepting.Clone();
        bool changed;
        do
        {
            changed = false;
            for (var state = 0; state < live.Length; state++)
            {
                var mask = live[state];
                for (var c = 0; c < classCount; c++)
                {
                    mask |= live[next[(state * classCount) + c]];
                }

                if (mask != live[state])
                {
                    live[state] = mask;
                    changed = true;
                }
            }
        }
        while (changed);
        return live;
    }

    /// <summary>Partitions the 256 byte values into classes that every byte set of the automaton treats alike.</summary>
    private static (byte[] ClassOf, int Count) ByteClasses(Nfa nfa)
    {
        var sets = nfa.DistinctSets();
        var classOf = new byte[256];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var signature = new StringBuilder(sets.Count);
        for (var b = 0; b < 256; b++)
        {
            signature.Clear();
            foreach (var set in sets)
            {
                signature.Append(set[b] ? '1' : '0');
            }

            var key = signature.ToString();
            if (!ids.TryGetValue(key, out var id))
            {
                id = ids.Count;
                ids.Add(key, id);
            }

            classOf[b] = (byte)id;
        }

        return (classOf, ids.Count);
    }

    private static PatternDfa? Determinize(Nfa nfa, int nfaStart, Dictionary<int, int> nfaAccepts, byte[] classOf, int classCount)
    {
        // A representative byte per class.
        var representative = new int[classCount];
        for (var b = 255; b >= 0; b--)
        {
            representative[classOf[b]] = b;
        }

        var states = new List<int[]> { Array.Empty<int>() };
        var index = new Dictionary<int[], int>(SetComparer.Instance) { [[]] = Dead };
        var next = new List<int>(new int[classCount]);
        var accepting = new List<ulong> { 0 };
        var work = new Queue<int>();
        int Intern(int[] set)
        {
            if (index.TryGetValue(set, out var id))
            {
                return id;
            }

            id = states.Count;
            index.Add(set, id);
            states.Add(set);
            ulong accepts = 0;
            foreach (var s in set)
            {
                if (nfaAccepts.TryGetValue(s, out var pattern))
                {
                    accepts |= 1UL << pattern;
                }
            }

            accepting.Add(accepts);
            next.AddRange(new int[classCount]);
            work.Enqueue(id);
            return id;
        }

        var start = Intern(nfa.Closure([nfaStart]));
        var targets = new List<int>();
        while (work.Count > 0)
        {
            if (states.Count > MaxStates)
            {
                return null;
            }

            var id = work.Dequeue();
            var set = states[id];
            for (var c = 0; c < classCount; c++)
            {
                targets.Clear();
                foreach (var s in set)
                {
                    if (nfa.Sets[s] is { } bytes && bytes[representative[c]])
                    {
                        targets.Add(nfa.Targets[s]);
                    }
                }

                next[(id * classCount) + c] = targets.Count == 0 ? Dead : Intern(nfa.Closure(targets));
            }
        }

        var first = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (next[(start * classCount) + classOf[b]] != Dead)
            {
                first.Add((byte)b);
            }
        }

        var isFirst = new bool[256];
        foreach (var b in first)
        {
            isFirst[b] = true;
        }

        return new PatternDfa(classOf, classCount, [.. next], [.. accepting], start, SearchValues.Create(first.ToArray()), isFirst);
    }

    /// <summary>Compares automaton state sets by their members.</summary>
    private sealed class SetComparer : IEqualityComparer<int[]>
    {
        public static SetComparer Instance { get; } = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
            return hash.ToHashCode();
        }
    }

    /// <summary>A Thompson automaton: each state has one byte-set edge or any number of empty edges.</summary>
    private sealed class Nfa
    {
        public List<bool[]?> Sets { get; } = [];

        public List<int> Targets { get; } = [];

        private readonly List<List<int>> _epsilon = [];
        private readonly HashSet<int> _accepting = [];
        private readonly Stack<int> _stack = new();
        private readonly List<int> _result = [];
        private int[] _mark = [];
        private int _generation;

        public int NewState()
        {
            Sets.Add(null);
            Targets.Add(-1);
            _epsilon.Add([]);
            return Sets.Count - 1;
        }

        public void Epsilon(int from, int to) => _epsilon[from].Add(to);

        public bool TryAdd(PatternTree tree, out (int Start, int End) fragment)
        {
            fragment = default;
            if (Sets.Count > MaxStates)
            {
                return false;
            }

            switch (tree)
            {
                case PatternTree.ByteSet b:
                    {
                        var s = NewState();
                        var e = NewState();
                        Sets[s] = b.Set;
                        Targets[s] = e;
                        fragment = (s, e);
                        return true;
                    }

                case PatternTree.Concatenation c:
                    {
                        var s = NewState();
                        var end = s;
                        foreach (var item in c.Items)
                        {
                            if (!TryAdd(item, out var f))
                            {
                                return false;
                            }

                            Epsilon(end, f.Start);
                            end = f.End;
                        }

                        fragment = (s, end);
                        return true;
                    }

                case PatternTree.Choice a:
                    {
                        var s = NewState();
                        var e = NewState();
                        foreach (var item in a.Items)
                        {
                            if (!TryAdd(item, out var f))
                            {
                                return false;
                            }

                            Epsilon(s, f.Start);
                            Epsilon(f.End, e);
                        }

                        fragment = (s, e);
                        return true;
                    }

                case PatternTree.Repetition r:
                    return TryRepeat(r, out fragment);
                default:
                    return false;
            }
        }

        private bool TryRepeat(PatternTree.Repetition r, out (int Start, int End) fragment)
        {
            fragment = default;
            var s = NewState();
            var end = s;
            for (var k = 0; k < r.Min; k++)
            {
                if (!TryAdd(r.Item, out var f))
                {
                    return false;
                }

                Epsilon(end, f.Start);
                end = f.End;
            }

            var e = NewState();
            if (r.Max < 0)
            {
                // Any number more: a loop through one more copy.
                if (!TryAdd(r.Item, out var loop))
                {
                    return false;
                }

                Epsilon(end, loop.Start);
                Epsilon(loop.End, loop.Start);
                Epsilon(loop.End, e);
                Epsilon(end, e);
            }
            else
            {
                // Up to Max - Min optional copies, each one's end able to skip to the fragment's end.
                Epsilon(end, e);
                for (var k = r.Min; k < r.Max; k++)
                {
                    if (!TryAdd(r.Item, out var f))
                    {
                        return false;
                    }

                    Epsilon(end, f.Start);
                    Epsilon(f.End, e);
                    end = f.End;
                }
            }

            fragment = (s, e);
            return true;
        }

        /// <summary>
        /// The states reachable from <paramref name="from"/> by empty edges that matter to the automaton (those with a
        /// byte edge, and accepting ones), sorted: two sets that agree on those behave alike, whatever empty-edge states
        /// they passed through, which keeps the automaton's states few and their keys short.
        /// </summary>
        public int[] Closure(List<int> from)
        {
            if (_mark.Length < Sets.Count)
            {
                _mark = new int[Sets.Count];
                _generation = 0;
            }

            _generation++;
            _stack.Clear();
            _result.Clear();
            foreach (var s in from)
            {
                _stack.Push(s);
            }

            while (_stack.Count > 0)
            {
                var s = _stack.Pop();
                if (_mark[s] == _generation)
                {
                    continue;
                }

                _mark[s] = _generation;
                if (Sets[s] is not null || _accepting.Contains(s))
                {
                    _result.Add(s);
                }

                foreach (var t in _epsilon[s])
                {
                    _stack.Push(t);
                }
            }

            _result.Sort();
            return [.. _result];
        }

        public void MarkAccepting(int state) => _accepting.Add(state);

        public List<bool[]> DistinctSets()
        {
            var distinct = new List<bool[]>();
            foreach (var set in Sets)
            {
                if (set is not null && !distinct.Any(d => d.AsSpan().SequenceEqual(set)))
                {
                    distinct.Add(set);
                }
            }

            return distinct;
        }
    }
}
