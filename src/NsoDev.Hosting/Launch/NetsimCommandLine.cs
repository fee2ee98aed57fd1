using System.Globalization;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Launch;

/// <summary>
/// The program that runs netsim verbs: NSO's <c>$NCS_DIR/bin/ncs-netsim</c>, or <c>nso-sim netsim</c>, which
/// takes the same command line. <paramref name="LeadingArguments"/> come before every verb's own.
/// </summary>
internal sealed record NetsimCommand(string Executable, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>The executable and leading arguments as one list, for records.</summary>
    public IReadOnlyList<string> CommandLine => [Executable, .. LeadingArguments];

    public static NetsimCommand? FromCommandLine(IReadOnlyList<string>? commandLine) =>
        commandLine is { Count: > 0 } ? new NetsimCommand(commandLine[0], [.. commandLine.Skip(1)]) : null;

    /// <summary>The engine's netsim: nso-sim's own verb, or ncs-netsim beside NSO's <c>ncs</c>.</summary>
    public static NetsimCommand Of(NcsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.IsSimulator
            ? new NetsimCommand(engine.Executable, ["netsim"])
            : new NetsimCommand(Path.Combine(Path.GetDirectoryName(engine.Executable)!, "ncs-netsim"), []);
    }
}

/// <summary>
/// The thin layer over ncs-netsim (NSO-NOTES §9): one method per verb, arguments as a list, and
/// <c>--dir</c> always first, since ncs-netsim reads every word after <c>ncs-xml-init</c> as a device name.
/// <paramref name="environment"/> (NCS_DIR, the engine's own) goes to every verb.
/// </summary>
internal sealed class NetsimCommandLine(NetsimCommand command, string netsimDirectory, IReadOnlyDictionary<string, string?> environment)
{
    public NetsimCommand Command { get; } = command;

    public string Directory { get; } = netsimDirectory;

    /// <summary><c>create-network PKG N PREFIX</c> with the port bases in ncs-netsim's variables.</summary>
    public ProcessSpec CreateNetwork(NetsimDeclaration network, NetsimPorts ports) => Creation("create-network", network, ports);

    /// <summary><c>add-to-network PKG N PREFIX</c>: ncs-netsim goes on from the last device's ports.</summary>
    public ProcessSpec AddToNetwork(NetsimDeclaration network, NetsimPorts ports) => Creation("add-to-network", network, ports);

    /// <summary>Stops the devices and removes the directory; nothing when it does not exist.</summary>
    public ProcessSpec DeleteNetwork() => Verb("delete-network");

    /// <summary>Prints the <c>/devices</c> init data for NSO.</summary>
    public ProcessSpec XmlInit() => Verb("ncs-xml-init");

    public ProcessSpec Start(string? device = null) => Verb("start", device);

    public ProcessSpec Stop(string? device = null) => Verb("stop", device);

    /// <summary>Stops the devices and removes their CDB, logs and state.</summary>
    public ProcessSpec Reset(string? device = null) => Verb("reset", device);

    public ProcessSpec IsAlive(string? device = null) => Verb("is-alive", device);

    private ProcessSpec Creation(string verb, NetsimDeclaration network, NetsimPorts ports)
    {
        var merged = new Dictionary<string, string?>(environment);
        foreach (var (name, value) in ports.Environment)
        {
            merged[name] = value;
        }

        return new ProcessSpec(Command.Executable, [.. Command.LeadingArguments, "--dir", Directory, verb, network.Package, network.Count.ToString(CultureInfo.InvariantCulture), network.Prefix])
        {
            Environment = merged,
        };
    }

    private ProcessSpec Verb(string verb, string? device = null) =>
        new(Command.Executable, [.. Command.LeadingArguments, "--dir", Directory, verb, .. device is null ? Array.Empty<string>() : [device]])
        {
            Environment = environment,
        };
}

/// <summary>
/// What ncs-netsim's control verbs print, one line per device (NSO-NOTES §9):
/// <code>
/// DEVICE ex0 OK STARTED
/// DEVICE ex1 FAIL
/// </code>
/// Its exit code is that of the last device only, so the lines decide.
/// </summary>
internal static class NetsimOutput
{
    /// <summary>Each device's line: OK or not, by name; lines of other shapes are skipped.</summary>
    public static IReadOnlyDictionary<string, bool> DeviceResults(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var results = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words is ["DEVICE", var name, var verdict, ..])
            {
                results[name] = verdict == "OK";
            }
        }

        return results;
    }
}
