using System.Globalization;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// An NSO release as the ncs.conf element tree knows it: major and minor only (6.4.1 is 6.4),
/// since the element tree changes between releases, not between maintenance versions.
/// </summary>
internal readonly record struct NsoRelease(int Major, int Minor) : IComparable<NsoRelease>
{
    /// <summary>Sample: <c>6.4</c>.</summary>
    /// <exception cref="FormatException">Not MAJOR.MINOR.</exception>
    public static NsoRelease Parse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? new NsoRelease(major, minor)
            : throw new FormatException($"\"{text}\" is not a release such as 6.4");
    }

    public int CompareTo(NsoRelease other) => (Major, Minor).CompareTo((other.Major, other.Minor));

    public static bool operator <(NsoRelease left, NsoRelease right) => left.CompareTo(right) < 0;

    public static bool operator >(NsoRelease left, NsoRelease right) => left.CompareTo(right) > 0;

    public static bool operator <=(NsoRelease left, NsoRelease right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NsoRelease left, NsoRelease right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
