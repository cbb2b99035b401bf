using System.Globalization;

namespace FastMask.Masking.Policy;

/// <summary>One problem in a policy: the JSON path of the offending element (<c>$.fields[2].path</c>) and the reason.</summary>
public sealed record PolicyError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Builds JSON paths in the notation System.Text.Json reports (<c>$.a.b[3]</c>, <c>$['odd name']</c>).</summary>
internal static class PolicyPath
{
    public const string Root = "$";

    public static string Property(string parent, string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";
            }
        }

        return name.Length == 0 ? $"{parent}['']" : $"{parent}.{name}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";
}
