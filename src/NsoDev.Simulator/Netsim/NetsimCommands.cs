using System.Globalization;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// <c>nso-sim netsim ARGS</c>: ncs-netsim's commands, output lines and exit codes (NSO-NOTES §10).
/// Exit 0 when the command ran, even when a device reports FAIL (ncs-netsim does the same: read the
/// DEVICE lines); 1 for bad input, with <c>*** problem</c> lines on stderr.
/// </summary>
internal sealed class NetsimCommands(string workingDirectory, Func<string, string?> getVariable, TextWriter stdout, TextWriter stderr)
{
    public const string ListHeader = "ncs-netsim list for  ";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, string workingDirectory, Func<string, string?> getVariable, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var commandLine = NetsimCommandLine.Parse(args);
            return await new NetsimCommands(workingDirectory, getVariable, stdout, stderr).RunAsync(commandLine);
        }
        catch (NetsimException e)
        {
            await ErrorAsync(stderr, e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await ErrorAsync(stderr, $"{e.Message}; check that the netsim directory and the package are readable and writable");
            return 1;
        }
    }

    /// <summary>ncs-netsim's error lines: an empty line, <c>*** </c> before each line of the problem, then where help is.</summary>
    private static async Task ErrorAsync(TextWriter stderr, string problem)
    {
        await stderr.WriteLineAsync();
        foreach (var line in problem.Split('\n'))
        {
            await stderr.WriteLineAsync("*** " + line);
        }

        await stderr.WriteLineAsync(" Try nso-sim netsim --help to get usage text");
    }

    /// <summary>One <c>list</c> line; ncs-netsim's printf ends it with a space.</summary>
    public static string ListLine(string dest, NetsimDevice device) =>
        string.Create(CultureInfo.InvariantCulture, $"name={device.Name} netconf={device.Ports.NetconfSsh} snmp={device.Ports.Snmp} ipc={device.Ports.Ipc} cli={device.Ports.CliSsh} dir={Path.Combine(dest, device.DeviceDir)} \n");

    private async Task<int> RunAsync(NetsimCommandLine commandLine)
    {
        if (commandLine.Verb == NetsimVerb.Help)
        {
            await stdout.WriteLineAsync(NetsimCommandLine.Usage);
            return 0;
        }

        var dest = NetsimDirectory.Resolve(commandLine, workingDirectory, getVariable);
        if (commandLine.Creates)
        {
            foreach (var device in await NetsimNetwork.CreateAsync(commandLine, dest, workingDirectory, getVariable))
            {
                await stdout.WriteLineAsync($"DEVICE {device.Name} CREATED");
            }

            return 0;
        }

        if (commandLine.Verb == NetsimVerb.DeleteNetwork)
        {
            return await DeleteAsync(dest);
        }

        var all = NetsimDirectory.Open(dest);
        var selected = Select(all, commandLine.Devices, dest);
        switch (commandLine.Verb)
        {
            case NetsimVerb.Start:
                await StartAsync(dest, selected);
                break;
            case NetsimVerb.Stop:
                await StopAsync(selected);
                break;
            case NetsimVerb.Reset:
                await ResetAsync(dest, selected);
                break;
            case NetsimVerb.Restart:
                await ResetAsync(dest, selected);
                await StartAsync(dest, selected);
                break;
            case NetsimVerb.IsAlive:
                foreach (var (device, status) in selected.Zip(await Task.WhenAll(selected.Select(DeviceLauncher.StatusAsync))))
                {
                    await stdout.WriteLineAsync($"DEVICE {device.Name} {(status is null ? "FAIL" : "OK")}");
                }

                break;
            case NetsimVerb.Status:
                foreach (var (device, status) in selected.Zip(await Task.WhenAll(selected.Select(DeviceLauncher.StatusAsync))))
                {
                    await stdout.WriteLineAsync($"DEVICE {device.Name}");
                    if (status is null)
                    {
                        // As confd --status reports a daemon that is not there.
                        await stderr.WriteLineAsync("connection refused (status)");
                    }
                    else
                    {
                        await stdout.WriteAsync(status);
                    }
                }

                break;
            case NetsimVerb.List:
                await stdout.WriteLineAsync(ListHeader + dest);
                await stdout.WriteLineAsync();
                foreach (var device in selected)
                {
                    await stdout.WriteAsync(ListLine(dest, device));
                }

                break;
            case NetsimVerb.GetPort:
                await stdout.WriteLineAsync(selected[0].Ports.For(commandLine.Protocol).ToString(CultureInfo.InvariantCulture));
                break;
            case NetsimVerb.NcsXmlInit:
                await stdout.WriteAsync(NcsXmlInit.Build(dest, selected));
                break;
            case NetsimVerb.Packages:
                foreach (var package in all.Select(d => d.AbsPackageDir).Distinct(StringComparer.Ordinal))
                {
                    await stdout.WriteLineAsync(package);
                }

                break;
            case NetsimVerb.WhichDir:
                await stdout.WriteLineAsync(dest);
                break;
        }

        return 0;
    }

    private static IReadOnlyList<NetsimDevice> Select(IReadOnlyList<NetsimDevice> all, IReadOnlyList<string> names, string dest)
    {
        if (names.Count == 0)
        {
            return all;
        }

        return [.. names.Select(name => all.FirstOrDefault(d => d.Name == name)
            ?? throw new NetsimException($"No device called {name} in this netsim project ({dest}); nso-sim netsim list shows its devices"))];
    }

    // Every device starts at once; the lines come in network order, whatever order they finish in.
    private async Task StartAsync(string dest, IReadOnlyList<NetsimDevice> devices)
    {
        var outcomes = await Task.WhenAll(devices.Select(d => DeviceLauncher.StartAsync(d, Path.Combine(dest, d.DeviceDir))));
        await ReportAsync(outcomes);
    }

    private async Task StopAsync(IReadOnlyList<NetsimDevice> devices) =>
        await ReportAsync(await Task.WhenAll(devices.Select(DeviceLauncher.StopAsync)));

    /// <summary>Stop, then what ncs-netsim's reset removes: <c>global.data cdb/*.cdb cdb/*.db logs/* *.log</c>.</summary>
    private async Task ResetAsync(string dest, IReadOnlyList<NetsimDevice> devices)
    {
        await StopAsync(devices);
        foreach (var device in devices)
        {
            var dir = Path.Combine(dest, device.DeviceDir);
            var doomed = Files(dir, "global.data")
                .Concat(Files(Path.Combine(dir, "cdb"), "*.cdb"))
                .Concat(Files(Path.Combine(dir, "cdb"), "*.db"))
                .Concat(Files(Path.Combine(dir, "logs"), "*"))
                .Concat(Files(dir, "*.log"));
            foreach (var file in doomed)
            {
                File.Delete(file);
            }

            await stdout.WriteLineAsync($"DEVICE {device.Name} RESET");
        }
    }

    private async Task<int> DeleteAsync(string dest)
    {
        if (!Directory.Exists(dest))
        {
            // Nothing to delete is no error, so scripts can start with a delete-network.
            return File.Exists(dest) ? throw new NetsimException($"'{dest}' exists but is not a directory; give the netsim directory with --dir") : 0;
        }

        await StopAsync(NetsimDirectory.Open(dest));
        Directory.Delete(dest, recursive: true);
        return 0;
    }

    private async Task ReportAsync(IEnumerable<DeviceOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            await stdout.WriteLineAsync(outcome.Line);
            if (outcome.Problem is { } problem)
            {
                await stderr.WriteLineAsync("nso-sim netsim: " + problem);
            }
        }
    }

    private static List<string> Files(string dir, string pattern) =>
        Directory.Exists(dir) ? [.. Directory.EnumerateFiles(dir, pattern)] : [];
}
