using System.Globalization;

namespace NsoDev.Simulator.Netsim;

/// <summary>What one <c>nso-sim netsim</c> run does.</summary>
internal enum NetsimVerb
{
    Help,
    CreateNetwork,
    CreateDevice,
    AddToNetwork,
    AddDevice,
    DeleteNetwork,
    Start,
    Stop,
    Reset,
    Restart,
    IsAlive,
    Status,
    List,
    GetPort,
    NcsXmlInit,
    Packages,
    WhichDir,
}

/// <summary>One <c>create-network PKG N PREFIX</c> (or <c>create-device PKG NAME</c>, N = 1) of a command line.</summary>
/// <param name="Package">The package directory as given.</param>
/// <param name="Count">How many devices.</param>
/// <param name="Prefix">The name prefix; for a single device, its whole name.</param>
/// <param name="SingleDevice">True for create-device and add-device: the name gets no number.</param>
internal sealed record NetsimCreation(string Package, int Count, string Prefix, bool SingleDevice);

/// <summary>
/// ncs-netsim's command line (NSO-NOTES §10), samples:
/// <c>create-network ./packages/router-nc 3 device create-network ./packages/other 2 x --dir ./netsim</c>,
/// <c>-a start device1</c>, <c>get-port device0 netconf</c>, <c>ncs-xml-init device0 device1</c>.
/// </summary>
internal sealed record NetsimCommandLine(
    NetsimVerb Verb,
    IReadOnlyList<NetsimCreation> Creations,
    IReadOnlyList<string> Devices,
    string? Protocol,
    string? Dir,
    bool Async)
{
    public const string Usage = """
        Usage nso-sim netsim [--dir <NetsimDir>]
                          create-network <NcsPackage> <NumDevices> <Prefix> |
                          create-device <NcsPackage> <DeviceName>           |
                          add-to-network <NcsPackage> <NumDevices> <Prefix> |
                          add-device <NcsPackage> <DeviceName>              |
                          delete-network                                    |
                          [-a | --async] start | stop | reset | restart [devname] |
                          list | is-alive [devname] | status [devname]      |
                          whichdir | packages | ncs-xml-init [devname ...]  |
                          get-port devname [ipc | netconf | cli | snmp]

        nso-sim netsim plays Cisco's ncs-netsim for machines without NSO: each device is an nso-sim
        device daemon (NETCONF and CLI over SSH, login admin/admin), not ConfD. NetsimDir defaults to
        ./netsim, then a netsim directory above, then $NETSIM_DIR. Port bases: IPC_PORT (5010),
        NETCONF_SSH_PORT (12022), NETCONF_TCP_PORT (13022), SNMP_PORT (11022), CLI_SSH_PORT (10022),
        plus 1 per device.
        """;

    private static readonly Dictionary<string, NetsimVerb> ControlVerbs = new(StringComparer.Ordinal)
    {
        ["start"] = NetsimVerb.Start,
        ["stop"] = NetsimVerb.Stop,
        ["reset"] = NetsimVerb.Reset,
        ["restart"] = NetsimVerb.Restart,
        ["is-alive"] = NetsimVerb.IsAlive,
        ["status"] = NetsimVerb.Status,
        ["list"] = NetsimVerb.List,
        ["packages"] = NetsimVerb.Packages,
        ["whichdir"] = NetsimVerb.WhichDir,
        ["delete-network"] = NetsimVerb.DeleteNetwork,
    };

    private static readonly Dictionary<string, NetsimVerb> CreationVerbs = new(StringComparer.Ordinal)
    {
        ["create-network"] = NetsimVerb.CreateNetwork,
        ["create-device"] = NetsimVerb.CreateDevice,
        ["add-to-network"] = NetsimVerb.AddToNetwork,
        ["add-device"] = NetsimVerb.AddDevice,
    };

    public static IReadOnlyList<string> Protocols { get; } = ["ipc", "netconf", "cli", "snmp"];

    /// <summary>True for the verbs that make or grow a network.</summary>
    public bool Creates => Verb is NetsimVerb.CreateNetwork or NetsimVerb.CreateDevice or NetsimVerb.AddToNetwork or NetsimVerb.AddDevice;

    /// <exception cref="NetsimException">An unknown word, a missing or bad argument, two commands.</exception>
    public static NetsimCommandLine Parse(IReadOnlyList<string> args)
    {
        NetsimVerb? verb = null;
        var creations = new List<NetsimCreation>();
        var devices = new List<string>();
        string? protocol = null;
        string? dir = null;
        var async = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help" or "help":
                    verb = NetsimVerb.Help;
                    break;
                case "-a" or "--async":
                    async = true;
                    break;
                case "--dir":
                    dir = ++i < args.Count && args[i].Length > 0
                        ? args[i]
                        : throw new NetsimException("--dir needs a directory: --dir <NetsimDir>");
                    break;
                case var _ when CreationVerbs.TryGetValue(arg, out var creation):
                    if (verb is { } earlier && earlier != creation)
                    {
                        throw new NetsimException($"Cannot combine {Word(earlier)} and {arg}; run them as two commands");
                    }

                    verb = creation;
                    creations.Add(ParseCreation(args, ref i, single: creation is NetsimVerb.CreateDevice or NetsimVerb.AddDevice));
                    break;
                case "get-port":
                    verb = Single(verb, NetsimVerb.GetPort, arg);
                    devices.Add(++i < args.Count && !args[i].StartsWith('-')
                        ? args[i]
                        : throw new NetsimException("get-port command requires a device argument: get-port <devname> [ipc | netconf | cli | snmp]"));
                    if (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                    {
                        protocol = args[++i];
                        if (!Protocols.Contains(protocol))
                        {
                            throw new NetsimException($"Unknown protocol '{protocol}'; get-port takes one of {string.Join(", ", Protocols)}");
                        }
                    }

                    break;
                case "ncs-xml-init":
                    verb = Single(verb, NetsimVerb.NcsXmlInit, arg);
                    while (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                    {
                        devices.Add(args[++i]);
                    }

                    break;
                case var _ when ControlVerbs.TryGetValue(arg, out var control):
                    verb = Single(verb, control, arg);
                    if (control is not (NetsimVerb.DeleteNetwork or NetsimVerb.WhichDir or NetsimVerb.Packages)
                        && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                    {
                        devices.Add(args[++i]);
                    }

                    break;
                case "netconf-console" or "cli" or "cli-c" or "cli-i" or "-w" or "--window" or "ncs-xml-init-remote" or "cmd" or "load" or "--force-generic":
                    throw new NetsimException($"{arg} is an ncs-netsim command that nso-sim netsim does not simulate; for a device's CLI run ssh -p $(nso-sim netsim get-port DEV cli) admin@127.0.0.1");
                default:
                    throw new NetsimException($"Unknown arg {arg}; see nso-sim netsim --help");
            }
        }

        return new NetsimCommandLine(
            verb ?? throw new NetsimException("Need a command to do; see nso-sim netsim --help"),
            creations,
            devices,
            protocol,
            dir,
            async);
    }

    private static NetsimCreation ParseCreation(IReadOnlyList<string> args, ref int i, bool single)
    {
        var verb = args[i];
        var package = ++i < args.Count ? args[i] : throw new NetsimException($"{verb} needs a package directory: {verb} <NcsPackage> {(single ? "<DeviceName>" : "<NumDevices> <Prefix>")}");
        var count = 1;
        if (!single)
        {
            var text = ++i < args.Count ? args[i] : string.Empty;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1)
            {
                throw new NetsimException($"Need integer for number of devices: {verb} {package} \"{text}\" ...; give a whole number of at least 1");
            }
        }

        var prefix = ++i < args.Count ? args[i] : throw new NetsimException($"Need prefix for device names: {verb} {package}{(single ? string.Empty : " " + count.ToString(CultureInfo.InvariantCulture))} <{(single ? "DeviceName" : "Prefix")}>");
        return new NetsimCreation(package, count, prefix, single);
    }

    private static NetsimVerb Single(NetsimVerb? current, NetsimVerb next, string word) =>
        current is null or NetsimVerb.Help ? next : throw new NetsimException($"Can only do one command: {Word(current.Value)} and {word}; run them one after the other");

    private static string Word(NetsimVerb verb) =>
        CreationVerbs.Concat(ControlVerbs).FirstOrDefault(p => p.Value == verb).Key ?? verb switch
        {
            NetsimVerb.GetPort => "get-port",
            NetsimVerb.NcsXmlInit => "ncs-xml-init",
            _ => "help",
        };
}
