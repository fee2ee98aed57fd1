using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// <c>NETSIM/.netsiminfo</c>: bash array assignments, one block per device, which ncs-netsim
/// sources (NSO-NOTES §10). Sample block:
/// <code>
/// ## device device0
/// devices[0]=device0
/// prefix[0]=device
/// netconf_ssh_port[0]=12022
/// netconf_tcp_port[0]=13022
/// snmp_port[0]=11022
/// cli_ssh_port[0]=10022
/// ipc_port[0]=5010
/// devicedirs[0]=device/device0
/// packagedirs[0]=../packages/router-nc
/// abspackagedirs[0]=/home/me/packages/router-nc
/// #######
/// </code>
/// A value with characters a shell would split on is written in single quotes.
/// </summary>
internal static partial class NetsimInfo
{
    public const string FileName = ".netsiminfo";

    private static readonly string[] Arrays =
        ["devices", "prefix", "netconf_ssh_port", "netconf_tcp_port", "snmp_port", "cli_ssh_port", "ipc_port", "devicedirs", "packagedirs", "abspackagedirs"];

    public static string Format(IReadOnlyList<NetsimDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var text = new StringBuilder();
        for (var i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            string[] values =
            [
                d.Name, d.Prefix,
                Number(d.Ports.NetconfSsh), Number(d.Ports.NetconfTcp), Number(d.Ports.Snmp), Number(d.Ports.CliSsh), Number(d.Ports.Ipc),
                d.DeviceDir, d.PackageDir, d.AbsPackageDir,
            ];
            text.Append('\n').Append("## device ").Append(d.Name).Append('\n');
            for (var a = 0; a < Arrays.Length; a++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{Arrays[a]}[{i}]={Quote(values[a])}\n");
            }

            text.Append("#######\n\n");
        }

        return text.ToString();
    }

    /// <exception cref="NetsimException">A device lacks one of its records, or a port is not a number.</exception>
    public static IReadOnlyList<NetsimDevice> Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<(string Array, int Index), string>();
        var count = 0;
        foreach (var line in text.Split('\n'))
        {
            var match = Assignment().Match(line.TrimEnd('\r'));
            if (!match.Success)
            {
                continue;
            }

            var index = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            values[(match.Groups[1].Value, index)] = Unquote(match.Groups[3].Value);
            count = Math.Max(count, index + 1);
        }

        var devices = new List<NetsimDevice>(count);
        for (var i = 0; i < count; i++)
        {
            string Get(string array) => values.TryGetValue((array, i), out var value)
                ? value
                : throw new NetsimException($"{path}: device {i} has no {array}[{i}]; the file is damaged: delete the network (nso-sim netsim delete-network --dir ...) and create it again");
            int Port(string array) => int.TryParse(Get(array), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                ? port
                : throw new NetsimException($"{path}: {array}[{i}]={Get(array)} is not a port; the file is damaged: delete the network and create it again");
            devices.Add(new NetsimDevice(
                Get("devices"),
                Get("prefix"),
                new NetsimPorts(Port("ipc_port"), Port("netconf_ssh_port"), Port("netconf_tcp_port"), Port("snmp_port"), Port("cli_ssh_port")),
                Get("devicedirs"),
                Get("packagedirs"),
                Get("abspackagedirs")));
        }

        return devices;
    }

    /// <exception cref="NetsimException">The file cannot be read or is damaged.</exception>
    public static IReadOnlyList<NetsimDevice> Load(string netsimDir)
    {
        var path = Path.Combine(netsimDir, FileName);
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NetsimException($"Cannot read {path}: {e.Message}", e);
        }
    }

    /// <summary>Writes the file next to itself and renames it into place, so a reader never sees half of it.</summary>
    public static void Save(string netsimDir, IReadOnlyList<NetsimDevice> devices)
    {
        var path = Path.Combine(netsimDir, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, Format(devices));
        File.Move(temporary, path, overwrite: true);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or '@' or ',')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '\'' && value[^1] == '\''
            ? value[1..^1].Replace("'\\''", "'", StringComparison.Ordinal)
            : value;

    [GeneratedRegex(@"^([a-z_]+)\[(\d{1,6})\]=(.*)$")]
    private static partial Regex Assignment();
}
