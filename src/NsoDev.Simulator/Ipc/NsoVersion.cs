using System.Globalization;
using NsoDev.Ipc;
using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The NSO release nso-sim pretends to be, from <c>NSO_SIM_VERSION</c> (default 6.5): one of the
/// releases whose ncs.conf element tree nso-sim knows (<see cref="NcsConfSchema.Releases"/>, 6.1 to
/// 6.7). It decides which ncs.conf elements exist (docs/NSO-NOTES.md §1) and the IPC protocol
/// version (NSO-NOTES §4: 6.5 is 85, 6.6 is 86, 6.7 is 87).
/// </summary>
internal sealed record NsoVersion(string Text, int Major, int Minor, int Maintenance) : IComparable<NsoVersion>
{
    public const string EnvironmentVariable = "NSO_SIM_VERSION";

    public static NsoVersion Default { get; } = Parse("6.5");

    /// <summary>Major and minor: what decides the ncs.conf element tree.</summary>
    public NsoRelease Release => new(Major, Minor);

    /// <summary>The IPC protocol version of the release (NSO-NOTES §4).</summary>
    public ushort ProtocolVersion => Release.ProtocolVersion;

    /// <summary>The packed form sent in the preamble, maintenance included.</summary>
    public uint PackedVersion => Release.LibraryVersion(Maintenance);

    public static NsoVersion FromEnvironment(Func<string, string?> getVariable) =>
        getVariable(EnvironmentVariable) is { Length: > 0 } text ? Parse(text) : Default;

    /// <summary>Sample input: <c>6.5</c>, <c>6.4.1</c>, <c>6.4.1.2</c> (the fourth part is ignored).</summary>
    /// <exception cref="FormatException">Not a version, or a release nso-sim cannot simulate.</exception>
    public static NsoVersion Parse(string text)
    {
        var parts = text.Split('.');
        var numbers = new int[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || parts.Length is < 2 or > 4)
            {
                throw new FormatException($"{EnvironmentVariable}=\"{text}\" is not an NSO version such as 6.5 or 6.4.1");
            }

            if (i < 3)
            {
                numbers[i] = number;
            }
        }

        var releases = NcsConfSchema.Releases;
        if (!releases.Contains(new NsoRelease(numbers[0], numbers[1])) || numbers[2] > 255)
        {
            throw new FormatException(
                $"{EnvironmentVariable}=\"{text}\": nso-sim simulates NSO {string.Join(", ", releases)}, the releases whose ncs.conf(5) it knows; set {EnvironmentVariable} to one of them");
        }

        return new NsoVersion(text, numbers[0], numbers[1], numbers[2]);
    }

    public override string ToString() => Text;

    /// <summary>By release only: 6.5 and 6.5.0 are the same release.</summary>
    public int CompareTo(NsoVersion? other) =>
        other is null ? 1 : (Major, Minor, Maintenance).CompareTo((other.Major, other.Minor, other.Maintenance));

    public static bool operator <(NsoVersion left, NsoVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(NsoVersion left, NsoVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(NsoVersion left, NsoVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NsoVersion left, NsoVersion right) => left.CompareTo(right) >= 0;
}
