using System.ComponentModel;
using System.Globalization;

namespace NsoDev.Ipc;

/// <summary>
/// An NSO release, major and minor (6.4.1.2 is release 6.4): what decides ncs.conf's element tree and
/// the IPC protocol version (docs/NSO-NOTES.md §1, §4, §7). The one place both are computed.
/// </summary>
/// <param name="Major">The major version, 6 for NSO 6.x.</param>
/// <param name="Minor">The minor version.</param>
[TypeConverter(typeof(NsoReleaseConverter))]
public readonly record struct NsoRelease(int Major, int Minor) : IComparable<NsoRelease>
{
    /// <summary>The first release with <c>/ncs-config/ncs-local-ipc</c>, IPC on a Unix socket (NSO-NOTES §1).</summary>
    public static readonly NsoRelease LocalIpcIntroduced = new(6, 4);

    /// <summary>The first release whose <c>ncs-local-ipc/enabled</c> defaults to true (NSO-NOTES §1).</summary>
    public static readonly NsoRelease LocalIpcOnByDefault = new(6, 7);

    /// <summary>NSO 6.M embeds ConfD 8.M.</summary>
    private const int EmbeddedConfdOffset = 2;

    /// <summary>
    /// The IPC protocol version NSO's own libraries announce in this release: 82 in 6.2 (recorded from
    /// 6.2.5's C library), 85 in 6.5, 86 in 6.6, 87 in 6.7 (NSO-NOTES §4), so 80 + minor in NSO 6.
    /// A daemon refuses a client newer than itself, so a client announces the daemon's own release.
    /// Outside NSO 6 nothing is known; the nearest NSO 6 release's version is announced.
    /// </summary>
    public ushort ProtocolVersion => Major switch
    {
        6 => (ushort)(80 + Math.Clamp(Minor, 0, 19)),
        > 6 => 87,
        _ => 80,
    };

    /// <summary>
    /// The library version a client sends in its hello: the release of the ConfD that the NSO release
    /// embeds, packed as major&lt;&lt;24 | minor&lt;&lt;16 | maintenance&lt;&lt;8. 6.2.5's C library sends
    /// 0x08020500, ConfD 8.2.5 (NSO-NOTES §4); that NSO 6.M embeds ConfD 8.M is inferred from that trace.
    /// </summary>
    /// <param name="maintenance">The maintenance version, 0 to 255.</param>
    /// <returns>The packed version, e.g. 0x08050000 for 6.5.</returns>
    public uint LibraryVersion(int maintenance = 0) =>
        (uint)(((Major + EmbeddedConfdOffset) << 24) | (Minor << 16) | (Math.Clamp(maintenance, 0, 255) << 8));

    /// <summary>
    /// Parses a release from the first word of <paramref name="text"/>: <c>6.5</c>, <c>6.4.1.2</c>, or
    /// <c>ncs --version</c>'s output such as <c>6.5 (nso-sim ...)</c>. Parts after the minor are ignored.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="release">The release, when the text starts with one.</param>
    /// <returns>True when it does.</returns>
    public static bool TryParse(string? text, out NsoRelease release)
    {
        release = default;
        var word = text?.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var parts = word?.Split('.');
        if (parts is not { Length: >= 2 }
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        release = new NsoRelease(major, minor);
        return true;
    }

    /// <summary>Parses <c>MAJOR.MINOR</c> and what <see cref="TryParse"/> accepts.</summary>
    /// <param name="text">The text, e.g. <c>6.4</c>.</param>
    /// <returns>The release.</returns>
    /// <exception cref="FormatException">The text does not start with a release.</exception>
    public static NsoRelease Parse(string text) =>
        TryParse(text, out var release) ? release : throw new FormatException($"\"{text}\" is not an NSO release such as 6.4");

    /// <inheritdoc/>
    public int CompareTo(NsoRelease other) => (Major, Minor).CompareTo((other.Major, other.Minor));

    /// <summary>Orders releases.</summary>
    /// <param name="left">One release.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when <paramref name="left"/> is older.</returns>
    public static bool operator <(NsoRelease left, NsoRelease right) => left.CompareTo(right) < 0;

    /// <summary>Orders releases.</summary>
    /// <param name="left">One release.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when <paramref name="left"/> is newer.</returns>
    public static bool operator >(NsoRelease left, NsoRelease right) => left.CompareTo(right) > 0;

    /// <summary>Orders releases.</summary>
    /// <param name="left">One release.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when <paramref name="left"/> is older or the same.</returns>
    public static bool operator <=(NsoRelease left, NsoRelease right) => left.CompareTo(right) <= 0;

    /// <summary>Orders releases.</summary>
    /// <param name="left">One release.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when <paramref name="left"/> is newer or the same.</returns>
    public static bool operator >=(NsoRelease left, NsoRelease right) => left.CompareTo(right) >= 0;

    /// <inheritdoc/>
    public override string ToString() => $"{Major}.{Minor}";
}
