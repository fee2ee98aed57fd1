using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>
/// An instance's runtime directory in the layout <c>ncs-setup --dest</c> produces (NSO-NOTES §5).
/// CDB, state and logs are kept across runs; ncs.conf and env.sh are written anew from the plan.
/// </summary>
internal sealed class RunDirectory(string path)
{
    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true };

    private static readonly string[] Layout = ["ncs-cdb", "logs", "state", "packages", "scripts/command", "scripts/post-commit", "ssh"];

    private RunState? _written;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string NcsConf => Combine("ncs.conf");

    public string EnvScript => Combine("env.sh");

    /// <summary>
    /// On the simulator, <c>bin/ncs</c>: a link to the nso-sim the instance runs, which env.sh puts first
    /// on PATH, so that <c>ncs --status</c> works there as it does with NSO. Absent with NSO.
    /// </summary>
    public string NcsShim => Combine(System.IO.Path.Combine("bin", "ncs"));

    /// <summary>
    /// NsoDev's record of the last run, for the next app host: the planned ports (kept while free), the
    /// daemon's pid and program, and the environment that reaches it (to stop one left behind).
    /// </summary>
    public string StateFile => Combine("nsodev.json");

    /// <summary>Where a detached daemon (persistent lifetime) writes what it prints, having no app host's pipe to write to.</summary>
    public DaemonOutputFiles DaemonOutput => new(Combine(System.IO.Path.Combine("logs", "nsodev-daemon.out")), Combine(System.IO.Path.Combine("logs", "nsodev-daemon.err")));

    public string CdbDirectory => Combine("ncs-cdb");

    /// <summary>The instance's netsim network, as <c>ncs-netsim --dir</c> takes it.</summary>
    public string NetsimDirectory => Combine("netsim");

    /// <summary>The devices' init data, where <c>ncs-setup --netsim-dir</c> puts it (NSO-NOTES §9).</summary>
    public string NetsimInitFile => Combine(System.IO.Path.Combine("ncs-cdb", "netsim_devices_init.xml"));

    /// <summary>NsoDev's record of the network it created: what, on which ports, with which ncs-netsim.</summary>
    public string NetsimRecordFile => Combine("nsodev-netsim.json");

    /// <summary>Present while this run directory's devices were started and not yet stopped: a killed app host leaves it, and the next one stops them.</summary>
    public string NetsimStartedMarker => Combine("nsodev-netsim.started");

    /// <summary>Present while the devices' init data changed after CDB had data, so it must be merged live (NSO-NOTES §12); removed once merged.</summary>
    public string NetsimMergePendingMarker => Combine("nsodev-netsim.merge-pending");

    /// <summary>The record of the network last created here; null when there is none or it cannot be read.</summary>
    public NetsimRecord? ReadNetsimRecord()
    {
        try
        {
            return File.Exists(NetsimRecordFile) ? JsonSerializer.Deserialize<NetsimRecord>(File.ReadAllText(NetsimRecordFile), StateJson) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void WriteNetsimRecord(NetsimRecord? record)
    {
        if (record is null)
        {
            File.Delete(NetsimRecordFile);
            return;
        }

        Directory.CreateDirectory(Path);
        var temporary = NetsimRecordFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record, StateJson));
        File.Move(temporary, NetsimRecordFile, overwrite: true);
    }

    /// <summary>True when CDB holds data already, so init files in ncs-cdb/ are no longer loaded (NSO-NOTES §5).</summary>
    public bool HasCdbData => Directory.Exists(CdbDirectory) && Directory.EnumerateFiles(CdbDirectory, "*.cdb").Any();

    public string LogsDirectory => Combine("logs");

    public string SecretFile => Combine(System.IO.Path.Combine("secrets", "ipc_access"));

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>The last run's state; null on the first run, or when the file is unreadable (it is then rewritten).</summary>
    public RunState? ReadState()
    {
        try
        {
            return File.Exists(StateFile) ? JsonSerializer.Deserialize<RunState>(File.ReadAllText(StateFile), StateJson) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void WriteState(RunState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(Path);
        var temporary = StateFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, StateJson));
        File.Move(temporary, StateFile, overwrite: true);
        _written = state;
    }

    /// <summary>Records the running daemon's pid in the state file (null once it has stopped), so a killed app host's daemon can be found.</summary>
    public void RecordPid(int? pid)
    {
        // What this object wrote last is the file's content; read back only what another wrote.
        if ((_written ?? ReadState()) is { } state)
        {
            WriteState(state with { Pid = pid });
        }
    }

    /// <summary>Creates the layout; existing data stays.</summary>
    public void Create()
    {
        foreach (var directory in Layout)
        {
            Directory.CreateDirectory(Combine(directory));
        }

        var readme = Combine("README.ncs");
        if (!File.Exists(readme))
        {
            File.WriteAllText(readme, "This directory was created by NsoDev in the layout of ncs-setup.\nSource env.sh to point NSO's command-line tools at this instance.\n");
        }
    }

    /// <summary>
    /// Wipes what <c>ncs-setup --reset</c> wipes (NSO-NOTES §5): the CDB files and rollbacks,
    /// the logs and the state. Init files (*.xml) in ncs-cdb stay, so the next start loads them again.
    /// </summary>
    public void Reset()
    {
        // An empty CDB loads the init data itself.
        File.Delete(NetsimMergePendingMarker);
        foreach (var pattern in new[] { "*.cdb", "rollback*" })
        {
            foreach (var file in Directory.EnumerateFiles(CdbDirectory, pattern))
            {
                File.Delete(file);
            }
        }

        foreach (var directory in new[] { LogsDirectory, Combine("state") })
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                {
                    sub.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
    }

    /// <summary>Links each package directory into packages/, as <c>ncs-setup --package</c> does.</summary>
    public void LinkPackages(IEnumerable<string> packages)
    {
        foreach (var package in packages)
        {
            if (IsLinked(package))
            {
                continue;
            }

            var link = PackageLink(package);
            if (new DirectoryInfo(link).LinkTarget is not null)
            {
                Directory.Delete(link);
            }
            else if (Directory.Exists(link))
            {
                throw new InvalidOperationException($"packages/{System.IO.Path.GetFileName(link)} in '{Path}' is a real directory, not NsoDev's link to '{package}'. Move it away, or remove the package from WithPackages.");
            }

            Directory.CreateSymbolicLink(link, package);
        }
    }

    /// <summary>True when packages/ already holds NsoDev's link to <paramref name="package"/>.</summary>
    public bool IsLinked(string package)
    {
        var link = PackageLink(package);
        return Directory.Exists(link) && new DirectoryInfo(link).LinkTarget == package;
    }

    private string PackageLink(string package) =>
        Combine(System.IO.Path.Combine("packages", System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(package))));

    /// <summary>
    /// Makes <see cref="NcsShim"/> a link to <paramref name="simulator"/> (nso-sim), or, with
    /// <paramref name="simulator"/> null (NSO), removes the link a simulated run left, so that env.sh
    /// never shadows a real <c>ncs</c>. A file there that is not a link is left alone.
    /// </summary>
    public void WriteNcsShim(string? simulator)
    {
        var existing = new FileInfo(NcsShim);
        var isLink = existing.LinkTarget is not null;
        if (simulator is null)
        {
            if (isLink)
            {
                existing.Delete();
            }

            return;
        }

        // The program itself, not a link to it: the engine may have been found through another
        // instance's bin/ncs on PATH, and a link to a link could end up pointing at itself.
        var target = NcsEngineLocator.FinalTarget(System.IO.Path.GetFullPath(simulator));
        if (isLink && existing.LinkTarget == target)
        {
            return;
        }

        if (existing.Exists && !isLink)
        {
            throw new InvalidOperationException($"'{NcsShim}' is a file of its own, not NsoDev's link to nso-sim. Move it away: on the simulator, NsoDev links bin/ncs to nso-sim there for env.sh.");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(NcsShim)!);
        if (isLink)
        {
            existing.Delete();
        }

        File.CreateSymbolicLink(NcsShim, target);
    }

    /// <summary>
    /// Writes env.sh so that <c>source env.sh</c> points ncs_cli, ncs --status and friends at this instance.
    /// With <paramref name="ncsShim"/> (the simulator), env.sh also puts <see cref="NcsShim"/>'s folder first on PATH.
    /// </summary>
    public void WriteEnvScript(string instanceName, IReadOnlyDictionary<string, string> environment, bool ncsShim = false)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = new StringBuilder();
        text.Append("# NsoDev: `source env.sh` points NSO's tools (ncs --status, ncs_cli, ncs_cmd) at instance '").Append(instanceName).Append("'.\n");
        text.Append("# Written anew on every run from the port plan.\n");
        if (ncsShim)
        {
            // Once per shell: sourcing env.sh again does not grow PATH. One line, so that every line
            // starting with "export" stays of the form export NAME='value'.
            var bin = ShellQuote(System.IO.Path.GetDirectoryName(NcsShim)!);
            text.Append("# This instance runs on nso-sim, NsoDev's simulator of NSO: bin/ncs is a link to it, so `ncs` works here as with NSO.\n");
            text.Append("case \":${PATH:-}:\" in *:").Append(bin).Append(":*) ;; *) PATH=").Append(bin).Append("\"${PATH:+:$PATH}\"; export PATH ;; esac\n");
        }

        foreach (var name in NcsIpcVariables.All.Where(v => v != NcsIpcVariables.ConfdAccessFile))
        {
            text.Append(environment.TryGetValue(name, out var value) ? $"export {name}={ShellQuote(value)}\n" : $"unset {name}\n");
        }

        foreach (var (name, value) in environment.Where(e => !NcsIpcVariables.All.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append("export ").Append(name).Append('=').Append(ShellQuote(value)).Append('\n');
        }

        File.WriteAllText(EnvScript, text.ToString());
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>What one run leaves in <see cref="RunDirectory.StateFile"/>.</summary>
/// <param name="Ports">The planned ports, by endpoint name.</param>
/// <param name="Pid">The daemon's pid while it runs; null once it stopped.</param>
/// <param name="Executable">The <c>ncs</c> program that runs the daemon.</param>
/// <param name="Environment">The environment its control commands need (the IPC variables and the engine's own).</param>
internal sealed record RunState(
    IReadOnlyDictionary<string, int> Ports,
    int? Pid,
    string? Executable,
    IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>The ports by kind; names it does not know and values outside 1-65535 are left out.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<NsoPortKind, int> PlannedPorts =>
        Ports.Select(p => (Kind: NsoPortKinds.FromEndpointName(p.Key), p.Value))
            .Where(p => p.Kind is not null && p.Value is >= 1 and <= 65535)
            .ToDictionary(p => p.Kind!.Value, p => p.Value);

    public static RunState From(IReadOnlyDictionary<NsoPortKind, int> ports, int? pid, string? executable, IReadOnlyDictionary<string, string?> environment) =>
        new(ports.ToDictionary(p => p.Key.EndpointName(), p => p.Value), pid, executable, environment);
}

/// <summary>What <see cref="RunDirectory.NetsimRecordFile"/> holds about the network NsoDev created.</summary>
/// <param name="Networks">The networks, as declared: package, count, prefix.</param>
/// <param name="Bases">The port bases by kind name (ipc, netconf, netconf-tcp, cli, snmp).</param>
/// <param name="Command">The ncs-netsim command line that created it (executable, then leading arguments), so a later app host can stop its devices.</param>
/// <param name="Environment">What that command ran with (NCS_DIR, the engine's own variables).</param>
internal sealed record NetsimRecord(
    IReadOnlyList<NetsimNetworkRecord> Networks,
    IReadOnlyDictionary<string, int> Bases,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string?>? Environment = null)
{
    [JsonIgnore]
    public int DeviceCount => Networks.Sum(n => n.Count);

    [JsonIgnore]
    public NetsimPorts? Ports => NetsimPorts.FromNames(Bases, DeviceCount);
}

/// <summary>One network of a <see cref="NetsimRecord"/>.</summary>
internal sealed record NetsimNetworkRecord(string Package, int Count, string Prefix);

