using System.Globalization;
using System.Text;
using NsoDev.Hosting.Planning;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>
/// An instance's runtime directory in the layout <c>ncs-setup --dest</c> produces (NSO-NOTES §5).
/// CDB, state and logs are kept across runs; ncs.conf and env.sh are written anew from the plan.
/// </summary>
internal sealed class RunDirectory(string path)
{
    private static readonly string[] Layout = ["ncs-cdb", "logs", "state", "packages", "scripts/command", "scripts/post-commit", "ssh"];

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string NcsConf => Combine("ncs.conf");

    public string EnvScript => Combine("env.sh");

    public string PidFile => Combine("nsodev.pid");

    /// <summary>The ports of the last plan, one "kind port" per line, so the next run can keep them.</summary>
    public string PortsFile => Combine("nsodev.ports");

    public string CdbDirectory => Combine("ncs-cdb");

    public string LogsDirectory => Combine("logs");

    public string SecretFile => Combine(System.IO.Path.Combine("secrets", "ipc_access"));

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>The ports planned on the last run; empty on the first run, or when the file is unreadable.</summary>
    public IReadOnlyDictionary<NsoPortKind, int> ReadPlannedPorts()
    {
        var ports = new Dictionary<NsoPortKind, int>();
        string[] lines;
        try
        {
            lines = File.Exists(PortsFile) ? File.ReadAllLines(PortsFile) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ports;
        }

        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2 && NsoPortKinds.FromEndpointName(fields[0]) is { } known && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                ports[known] = port;
            }
        }

        return ports;
    }

    public void WritePlannedPorts(IReadOnlyDictionary<NsoPortKind, int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        Directory.CreateDirectory(Path);
        File.WriteAllLines(PortsFile, ports.OrderBy(p => p.Key).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key.EndpointName()} {p.Value}")));
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
            var link = Combine(System.IO.Path.Combine("packages", System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(package))));
            if (Directory.Exists(link) && new DirectoryInfo(link).LinkTarget == package)
            {
                continue;
            }

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

    /// <summary>Writes env.sh so that <c>source env.sh</c> points ncs_cli, ncs --status and friends at this instance.</summary>
    public void WriteEnvScript(string instanceName, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = new StringBuilder();
        text.Append("# NsoDev: `source env.sh` points NSO's tools (ncs --status, ncs_cli, ncs_cmd) at instance '").Append(instanceName).Append("'.\n");
        text.Append("# Written anew on every run from the port plan.\n");
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
