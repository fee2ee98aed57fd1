using System.Globalization;
using System.Text;
using NsoDev.Simulator.Ssh;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// create-network, create-device, add-to-network and add-device (NSO-NOTES §10). Everything is
/// checked before anything is written: packages, counts, names, ports. The devices are then built
/// in a staging folder beside their final place and moved in; <c>.netsiminfo</c> is written last.
/// A failure part way removes what was moved, so a network is never left half-made.
/// </summary>
internal static class NetsimNetwork
{
    private const string StagingPrefix = ".nso-sim-staging-";

    /// <summary>One device to make, with the package it comes from and its place in the network.</summary>
    private sealed record PlannedDevice(NetsimDevice Device, NedPackage Package, int Counter);

    /// <summary>Makes or grows the network in <paramref name="dest"/>; returns the devices it added, in order.</summary>
    /// <exception cref="NetsimException">Any bad input; nothing has been written.</exception>
    public static async Task<IReadOnlyList<NetsimDevice>> CreateAsync(
        NetsimCommandLine commandLine,
        string dest,
        string workingDirectory,
        Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var adding = commandLine.Verb is NetsimVerb.AddToNetwork or NetsimVerb.AddDevice;
        IReadOnlyList<NetsimDevice> existing;
        if (adding)
        {
            existing = NetsimDirectory.Open(dest);
        }
        else
        {
            if (File.Exists(dest))
            {
                throw new NetsimException($"'{dest}' exists but is not a directory; give another --dir");
            }

            if (NetsimDirectory.Holds(dest))
            {
                throw new NetsimException(
                    $"A netsim network already exists in directory {dest}\n" +
                    "Please use 'nso-sim netsim delete-network' to remove it before creating a new network, or 'nso-sim netsim add-to-network' to add devices to the existing network.");
            }

            existing = [];
        }

        var plan = Plan(commandLine, dest, workingDirectory, getVariable, existing);
        foreach (var planned in plan)
        {
            var target = Path.Combine(dest, planned.Device.DeviceDir);
            if (Directory.Exists(target) || File.Exists(target))
            {
                throw new NetsimException($"{target} already exists but is no device of this network; remove it, or pick another prefix");
            }
        }

        await BuildAsync(dest, existing, plan, commandLine);
        return [.. plan.Select(p => p.Device)];
    }

    private static List<PlannedDevice> Plan(
        NetsimCommandLine commandLine,
        string dest,
        string workingDirectory,
        Func<string, string?> getVariable,
        IReadOnlyList<NetsimDevice> existing)
    {
        // add-to-network goes on from the last device's ports; the port variables count only for a new network.
        var next = existing.Count > 0 ? existing[^1].Ports.Plus(1) : NetsimPorts.FromEnvironment(getVariable);
        var names = existing.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var device in existing)
        {
            numbers[device.Prefix] = numbers.GetValueOrDefault(device.Prefix) + 1;
        }

        var packages = new Dictionary<string, NedPackage>(StringComparer.Ordinal);
        var plan = new List<PlannedDevice>();
        foreach (var creation in commandLine.Creations)
        {
            CheckName(creation.Prefix, creation.SingleDevice);
            if (!packages.TryGetValue(creation.Package, out var package))
            {
                package = NedPackage.Load(creation.Package, workingDirectory);
                packages[creation.Package] = package;
            }

            if (!creation.SingleDevice && names.Contains(creation.Prefix))
            {
                throw new NetsimException($"Device {creation.Prefix} already exists, and its folder is the one prefix {creation.Prefix} needs; pick another prefix");
            }

            var first = numbers.GetValueOrDefault(creation.Prefix);
            for (var n = first; n < first + creation.Count; n++)
            {
                var name = creation.SingleDevice ? creation.Prefix : creation.Prefix + n.ToString(CultureInfo.InvariantCulture);
                if (!names.Add(name))
                {
                    throw new NetsimException($"Device {name} already exists; pick another {(creation.SingleDevice ? "name" : "prefix")}");
                }

                if (next.Highest > 65535)
                {
                    throw new NetsimException(
                        $"Device {name} would need port {next.Highest}, above 65535; set lower bases in {NetsimPorts.IpcVariable}, {NetsimPorts.NetconfSshVariable}, " +
                        $"{NetsimPorts.NetconfTcpVariable}, {NetsimPorts.SnmpVariable} and {NetsimPorts.CliSshVariable}, or make fewer devices");
                }

                var device = new NetsimDevice(
                    name,
                    creation.Prefix,
                    next,
                    $"{creation.Prefix}/{name}",
                    Path.GetRelativePath(dest, package.Directory),
                    package.Directory);
                plan.Add(new PlannedDevice(device, package, existing.Count + plan.Count));
                next = next.Plus(1);
            }

            numbers[creation.Prefix] = first + creation.Count;
        }

        return plan;
    }

    // Names become folder names and .netsiminfo values: keep them to what a shell and NSO take as they are.
    private static void CheckName(string name, bool single)
    {
        var what = single ? "device name" : "prefix";
        if (name.Length == 0 || name[0] is '-' or '.' || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new NetsimException($"The {what} \"{name}\" cannot name a device; use letters, digits, '-', '_' and '.', starting with a letter or digit");
        }
    }

    private static async Task BuildAsync(string dest, IReadOnlyList<NetsimDevice> existing, List<PlannedDevice> plan, NetsimCommandLine commandLine)
    {
        var parent = Path.GetDirectoryName(dest) ?? throw new NetsimException($"{dest} cannot hold a network; give another --dir");
        var destExists = Directory.Exists(dest);
        var stage = Path.Combine(destExists ? dest : parent, StagingPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var moved = new List<string>();
        var madeDest = false;
        try
        {
            Directory.CreateDirectory(stage);
            var keys = Path.Combine(stage, ".ssh");
            await HostKeysAsync(dest, existing, keys);
            foreach (var planned in plan)
            {
                WriteDevice(Path.Combine(stage, planned.Device.DeviceDir), Path.Combine(dest, planned.Device.DeviceDir), planned, keys);
            }

            Directory.Delete(keys, recursive: true);
            var all = existing.Concat(plan.Select(p => p.Device)).ToList();
            if (!destExists)
            {
                // A new network moves into place whole, in one rename.
                NetsimInfo.Save(stage, all);
                File.WriteAllText(Path.Combine(stage, "README.netsim"), Readme(dest, all, commandLine));
                Directory.Move(stage, dest);
                madeDest = true;
                return;
            }

            foreach (var planned in plan)
            {
                var prefixDir = Path.Combine(dest, planned.Device.Prefix);
                if (!Directory.Exists(prefixDir))
                {
                    Directory.CreateDirectory(prefixDir);
                    moved.Add(prefixDir);
                }

                var target = Path.Combine(dest, planned.Device.DeviceDir);
                Directory.Move(Path.Combine(stage, planned.Device.DeviceDir), target);
                moved.Add(target);
            }

            File.WriteAllText(Path.Combine(dest, "README.netsim"), Readme(dest, all, commandLine));
            NetsimInfo.Save(dest, all);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            moved.Reverse();
            foreach (var path in moved.Where(Directory.Exists))
            {
                Directory.Delete(path, recursive: true);
            }

            throw new NetsimException($"Cannot write the network in {dest}: {e.Message}; nothing was created; make the directory writable and try again", e);
        }
        finally
        {
            if (!madeDest && Directory.Exists(stage))
            {
                Directory.Delete(stage, recursive: true);
            }
        }
    }

    /// <summary>
    /// One host key set for the devices made in one command, as every ConfD device of a real netsim
    /// network gets a copy of the same stock keys; devices added later share the network's keys.
    /// </summary>
    private static async Task HostKeysAsync(string dest, IReadOnlyList<NetsimDevice> existing, string keys)
    {
        var shared = existing.Select(d => Path.Combine(dest, d.DeviceDir, "ssh")).FirstOrDefault(Directory.Exists);
        if (shared is not null && Directory.EnumerateFiles(shared, "ssh_host_*_key").Any())
        {
            Directory.CreateDirectory(keys);
            foreach (var file in Directory.EnumerateFiles(shared))
            {
                File.Copy(file, Path.Combine(keys, Path.GetFileName(file)));
            }

            return;
        }

        // Starting a server on an empty directory makes its keys (owner-only), which is all this needs.
        await using var generator = new SshServer(new SshServerOptions
        {
            HostKeyDirectory = keys,
            CheckPassword = (_, _) => false,
            Handlers = NoChannels.Instance,
        });
    }

    private static void WriteDevice(string dir, string finalDir, PlannedDevice planned, string keys)
    {
        var device = planned.Device;
        foreach (var folder in new[] { "cdb", "logs", "ssh" })
        {
            Directory.CreateDirectory(Path.Combine(dir, folder));
        }

        foreach (var init in planned.Package.InitFiles)
        {
            File.Copy(init, Path.Combine(dir, "cdb", Path.GetFileName(init)));
        }

        foreach (var key in Directory.EnumerateFiles(keys))
        {
            File.Copy(key, Path.Combine(dir, "ssh", Path.GetFileName(key)));
        }

        var templates = planned.Package.ConfTemplates;
        if (templates.Count == 0)
        {
            File.WriteAllText(Path.Combine(dir, DeviceConf.FileName), DeviceConf.Substitute(DeviceConf.DefaultTemplate, device.Name, planned.Counter, device.Ports));
        }

        foreach (var template in templates)
        {
            var target = Path.GetFileName(template)[..^".netsim".Length];
            File.WriteAllText(Path.Combine(dir, target), DeviceConf.Substitute(File.ReadAllText(template), device.Name, planned.Counter, device.Ports));
        }

        File.WriteAllText(Path.Combine(dir, "env.sh"), EnvSh(device, planned.Counter, Path.GetRelativePath(finalDir, planned.Package.NetsimDirectory)));
    }

    /// <summary>ncs-netsim's env.sh, less the ConfD paths (CONFD, CONFDC, CONFD_DIR, PATH) that nso-sim has no use for.</summary>
    private static string EnvSh(NetsimDevice device, int counter, string packageNetsimDir)
    {
        var p = device.Ports;
        return string.Create(CultureInfo.InvariantCulture, $"""
            export CONFD_IPC_PORT="{p.Ipc}"
            export NETCONF_SSH_PORT="{p.NetconfSsh}"
            export NETCONF_TCP_PORT="{p.NetconfTcp}"
            export CLI_SSH_PORT="{p.CliSsh}"
            export SNMP_PORT="{p.Snmp}"
            export NAME="{device.Name}"
            export COUNTER="{counter}"
            export TWO_DIGIT_COUNTER="{counter:00}"
            export PACKAGE_NETSIM_DIR="{packageNetsimDir}"

            """);
    }

    private static string Readme(string dest, IReadOnlyList<NetsimDevice> devices, NetsimCommandLine commandLine)
    {
        var text = new StringBuilder()
            .Append("A netsim network made by nso-sim netsim, the simulator's stand-in for ncs-netsim.\n")
            .Append("Each device below is an nso-sim device daemon (not ConfD); its folder holds confd.conf,\n")
            .Append("env.sh, cdb/ (init XML and A.cdb), ssh/ (host keys) and logs/.\n\n")
            .Append(CultureInfo.InvariantCulture, $"Last changed by: nso-sim netsim {string.Join(' ', commandLine.Creations.Select(c => Words(commandLine.Verb, c)))}\n\n");
        foreach (var device in devices)
        {
            text.Append(NetsimCommands.ListLine(dest, device));
        }

        return text.ToString();
    }

    private static string Words(NetsimVerb verb, NetsimCreation creation)
    {
        var word = verb switch
        {
            NetsimVerb.CreateDevice => "create-device",
            NetsimVerb.AddToNetwork => "add-to-network",
            NetsimVerb.AddDevice => "add-device",
            _ => "create-network",
        };
        return creation.SingleDevice
            ? $"{word} {creation.Package} {creation.Prefix}"
            : string.Create(CultureInfo.InvariantCulture, $"{word} {creation.Package} {creation.Count} {creation.Prefix}");
    }

    private sealed class NoChannels : ISshChannelHandlers
    {
        public static NoChannels Instance { get; } = new();

        public Func<Stream, CancellationToken, Task<int>>? Subsystem(string name, SshSessionInfo session) => null;

        public Func<Stream, CancellationToken, Task<int>>? Shell(SshSessionInfo session) => null;

        public Func<Stream, CancellationToken, Task<int>>? Exec(string command, SshSessionInfo session) => null;
    }
}
