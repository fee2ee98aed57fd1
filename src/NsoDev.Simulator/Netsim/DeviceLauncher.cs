using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace NsoDev.Simulator.Netsim;

/// <summary>The outcome of starting or stopping one device: the line ncs-netsim prints, and why it failed.</summary>
internal sealed record DeviceOutcome(string Line, string? Problem = null);

/// <summary>
/// Starts, stops and asks one device daemon, as ncs-netsim's start.sh, stop.sh and
/// <c>confd --status</c> do. <see cref="StartAsync"/> runs <c>setsid nso-sim netsim-device DIR</c>
/// detached, in a session of its own, and waits for the first line it prints.
/// </summary>
internal static class DeviceLauncher
{
    /// <summary>A first start of the JIT build on a loaded machine can take seconds; a device normally reports in well under one.</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(5);

    public static async Task<string?> StatusAsync(NetsimDevice device) =>
        await DeviceControl.RequestAsync(IpcEndPoint(device), DeviceControl.StatusRequest, AskLimit);

    /// <exception cref="NetsimException">The daemon cannot be run at all.</exception>
    public static async Task<DeviceOutcome> StartAsync(NetsimDevice device, string deviceDir)
    {
        if (await StatusAsync(device) is { } running)
        {
            return new DeviceOutcome(
                $"DEVICE {device.Name} FAIL",
                $"{device.Name}: already running ({Pid(running)}, IPC port {device.Ports.Ipc}); stop it first with nso-sim netsim stop {device.Name}");
        }

        using var process = new Process { StartInfo = DaemonStartInfo(deviceDir) };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new NetsimException($"Cannot run the device daemon {process.StartInfo.FileName}: {e.Message}", e);
        }

        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(StartLimit);
        string? first;
        try
        {
            first = await process.StandardOutput.ReadLineAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new DeviceOutcome($"DEVICE {device.Name} FAIL", $"{device.Name}: the device daemon did not report within {StartLimit.TotalSeconds} s; it was killed; see {deviceDir}/logs/confd.log");
        }

        if (first is not null && first.StartsWith(DeviceDaemon.StartedLine, StringComparison.Ordinal))
        {
            return new DeviceOutcome($"DEVICE {device.Name} OK STARTED");
        }

        var reason = first is not null && first.StartsWith(DeviceDaemon.FailedLine, StringComparison.Ordinal)
            ? first[DeviceDaemon.FailedLine.Length..]
            : $"{device.Name}: the device daemon exited without a report: {first}{await process.StandardError.ReadToEndAsync(limit.Token)}";
        return new DeviceOutcome($"DEVICE {device.Name} FAIL", reason);
    }

    /// <summary>
    /// Asks the daemon to stop and waits until its process is gone; one that outlives
    /// <see cref="StopLimit"/> is killed. "already STOPPED" when nothing answers on its IPC port.
    /// </summary>
    public static async Task<DeviceOutcome> StopAsync(NetsimDevice device)
    {
        var status = await StatusAsync(device);
        if (status is null || PidOf(status) is not { } pid)
        {
            return new DeviceOutcome($"DEVICE {device.Name} already STOPPED");
        }

        await DeviceControl.RequestAsync(IpcEndPoint(device), DeviceControl.StopRequest, AskLimit);
        var deadline = Stopwatch.StartNew();
        while (IsRunning(pid) && deadline.Elapsed < StopLimit)
        {
            await Task.Delay(10);
        }

        if (IsRunning(pid))
        {
            try
            {
                using var stuck = Process.GetProcessById(pid);
                stuck.Kill();
                await stuck.WaitForExitAsync();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }

        return new DeviceOutcome($"DEVICE {device.Name} STOPPED");
    }

    public static int? PidOf(string status)
    {
        var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("pid: ", StringComparison.Ordinal));
        return line is not null && int.TryParse(line.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static string Pid(string status) => PidOf(status) is { } pid ? $"pid {pid.ToString(CultureInfo.InvariantCulture)}" : "not an nso-sim device";

    private static IPEndPoint IpcEndPoint(NetsimDevice device) => new(IPAddress.Loopback, device.Ports.Ipc);

    // A zombie counts as gone: it holds no port, and only its parent (init) can reap it.
    private static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
            try
            {
                var text = File.ReadAllText(stat);
                var state = text[(text.LastIndexOf(')') + 2)..].FirstOrDefault();
                return state is not ('Z' or 'X' or '\0');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static ProcessStartInfo DaemonStartInfo(string deviceDir)
    {
        var (program, leading) = Self();
        const string setsid = "/usr/bin/setsid";
        var start = new ProcessStartInfo(File.Exists(setsid) ? setsid : program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = deviceDir,
        };
        if (File.Exists(setsid))
        {
            start.ArgumentList.Add(program);
        }

        foreach (var arg in leading)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(DeviceDaemon.Verb);
        start.ArgumentList.Add(deviceDir);
        return start;
    }

    /// <summary>This nso-sim: the apphost or native build, or <c>dotnet nso-sim.dll</c> when it runs under the host.</summary>
    private static (string Program, IReadOnlyList<string> Leading) Self()
    {
        var path = Environment.ProcessPath ?? throw new NetsimException("Cannot tell where nso-sim is (no process path); run it by its full path");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [Path.Combine(AppContext.BaseDirectory, "nso-sim.dll")])
            : (path, []);
    }
}
