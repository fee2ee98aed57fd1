using System.Globalization;

namespace NsoDev.Hosting.Materialize;

/// <summary>An NSO release such as 6.5 or 6.4.1.2; only major and minor decide how ncs.conf is written.</summary>
internal readonly record struct NsoVersion(int Major, int Minor) : IComparable<NsoVersion>
{
    public static readonly NsoVersion Default = new(6, 5);

    /// <summary>First release with <c>ncs-local-ipc</c> (docs/NSO-NOTES.md §1: the 6.4 release notes; 6.2.5's YANG lacks it).</summary>
    public static readonly NsoVersion LocalIpcIntroduced = new(6, 4);

    /// <summary>
    /// The releases nso-sim can simulate: those whose ncs.conf element tree it knows (6.1 to 6.7).
    /// A test keeps this equal to nso-sim's own list.
    /// </summary>
    public static readonly IReadOnlyList<NsoVersion> SimulatedReleases = [.. Enumerable.Range(1, 7).Select(minor => new NsoVersion(6, minor))];

    /// <summary>Parses the first token of <c>ncs --version</c>, e.g. "6.5", "6.4.1.2" or "6.5 (nso-sim, ...)".</summary>
    public static bool TryParse(string? text, out NsoVersion version)
    {
        version = default;
        var token = text?.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (token is null)
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length < 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        version = new NsoVersion(major, minor);
        return true;
    }

    public int CompareTo(NsoVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(NsoVersion left, NsoVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(NsoVersion left, NsoVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(NsoVersion left, NsoVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NsoVersion left, NsoVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
