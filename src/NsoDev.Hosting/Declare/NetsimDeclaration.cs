using System.Text.RegularExpressions;

namespace NsoDev.Hosting.Declare;

/// <summary>
/// One <c>WithNetsimDevices</c> call: <paramref name="Count"/> devices of the NED in <paramref name="Package"/>,
/// named <paramref name="Prefix"/>0 to <paramref name="Prefix"/>(Count-1), as <c>ncs-netsim create-network</c> names them (NSO-NOTES §9).
/// </summary>
internal sealed partial record NetsimDeclaration(string Package, int Count, string Prefix)
{
    /// <summary>The most devices one instance may have, over all its calls: each is a daemon of its own.</summary>
    public const int MaxDevicesPerInstance = 100;

    /// <summary>The device names, in the order ncs-netsim creates them.</summary>
    public IEnumerable<string> DeviceNames => Enumerable.Range(0, Count).Select(n => Prefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// A prefix that gives valid names everywhere a device name goes: a directory under <c>netsim/</c>, a shell
    /// word in ncs-netsim, a key of <c>/devices/device</c>, and part of an Aspire resource name (letters, digits, hyphens).
    /// </summary>
    public static bool IsValidPrefix(string prefix) => ValidPrefix().IsMatch(prefix);

    [GeneratedRegex("^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,29}$")]
    private static partial Regex ValidPrefix();
}
