using System.Text;

namespace FastMask.Masking.Policy;

/// <summary>The kind of one step of a <see cref="PathSelector"/>.</summary>
public enum PathStepKind
{
    /// <summary><c>.name</c> or <c>['name']</c>: a property of the current object.</summary>
    Child,

    /// <summary><c>..name</c>: a property with that name at any depth below.</summary>
    Descendant,

    /// <summary><c>.*</c>: any property of the current object.</summary>
    AnyChild,

    /// <summary><c>..*</c>: any property or element at any depth below.</summary>
    AnyDescendant,

    /// <summary><c>[*]</c>: any element of the current array.</summary>
    AnyIndex,

    /// <summary><c>[n]</c>: element n of the current array.</summary>
    Index,
}

/// <summary>One step of a compiled path; <see cref="Name"/> is the UTF-8 property name for named steps.</summary>
public readonly record struct PathStep(PathStepKind Kind, byte[]? Name, int Index);

/// <summary>
/// A compiled field path: root <c>$</c>, child <c>.name</c> / <c>['name']</c>, any depth <c>..name</c>,
/// wildcards <c>.*</c> and <c>..*</c>, array elements <c>[*]</c> and <c>[n]</c>.
/// </summary>
public sealed class PathSelector
{
    /// <summary>Longest selector accepted: each step costs a bit in the matcher's per-depth state.</summary>
    public const int MaxSteps = 63;

    private PathSelector(string text, PathStep[] steps)
    {
        Text = text;
        Steps = steps;
    }

    public string Text { get; }

    public PathStep[] Steps { get; }

    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string text, out PathSelector? selector, out string? error)
    {
        selector = null;
        if (string.IsNullOrEmpty(text) || text[0] != '$')
        {
            error = "a path starts with '$'";
            return false;
        }

        var steps = new List<PathStep>();
        var i = 1;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '.')
            {
                var descendant = i + 1 < text.Length && text[i + 1] == '.';
                i += descendant ? 2 : 1;
                if (i < text.Length && text[i] == '*')
                {
                    steps.Add(new PathStep(descendant ? PathStepKind.AnyDescendant : PathStepKind.AnyChild, null, 0));
                    i++;
                    continue;
                }

                var start = i;
                while (i < text.Length && text[i] != '.' && text[i] != '[')
                {
                    i++;
                }

                if (i == start)
                {
                    error = $"expected a property name at character {start}";
                    return false;
                }

                steps.Add(new PathStep(descendant ? PathStepKind.Descendant : PathStepKind.Child, Encoding.UTF8.GetBytes(text[start..i]), 0));
            }
            else if (c == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"'[' at character {i} is not closed";
                    return false;
                }

                var inner = text.AsSpan(i + 1, close - i - 1);
                if (inner is "*")
                {
                    steps.Add(new PathStep(PathStepKind.AnyIndex, null, 0));
                }
                else if (inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[^1] == inner[0])
                {
                    steps.Add(new PathStep(PathStepKind.Child, Encoding.UTF8.GetBytes(inner[1..^1].ToString()), 0));
                }
                else if (int.TryParse(inner, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(new PathStep(PathStepKind.Index, null, index));
                }
                else
                {
                    error = $"'[{inner}]' at character {i} is not [*], [n] or ['name']";
                    return false;
                }

                i = close + 1;
            }
            else
            {
                error = $"unexpected '{c}' at character {i}";
                return false;
            }

            if (steps.Count > MaxSteps)
            {
                error = $"a path has at most {MaxSteps} steps";
                return false;
            }
        }

        selector = new PathSelector(text, [.. steps]);
        error = null;
        return true;
    }
}
