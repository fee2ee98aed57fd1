using System.Globalization;
using NsoDev.Simulator.Daemon;

namespace NsoDev.Simulator;

/// <summary>
/// The <c>ncs</c> command line (NSO-NOTES §2). Sample:
/// <c>--cd /run/cfs -c ncs.conf --foreground -v --stop-on-eof</c>, or <c>--wait-started 10 --timeout 60</c>.
/// </summary>
internal sealed record NcsCommandLine(NcsCommand Command, DaemonOptions Daemon, TimeSpan TryTime, TimeSpan? Timeout)
{
    public static TimeSpan DefaultTryTime { get; } = TimeSpan.FromSeconds(5);

    public const string Usage = """
        usage: nso-sim [--cd Dir] [-c|--conf File] [--foreground] [-v|--verbose] [--stop-on-eof]
                       [--addloadpath Dir] [--nolog] [--smp Nr] [--with-package-reload[-force]]
               nso-sim --status | --stop | --reload | --wait-started [TryTime]  [--timeout MaxTime]
               nso-sim --version
               nso-sim netsim ARGS     (ncs-netsim's commands; nso-sim netsim --help)
               nso-sim ncs_cli ARGS    (ncs_cli's script use; nso-sim ncs_cli --help)
        nso-sim simulates the Cisco NSO ncs command and daemon; it is not NSO. It never daemonizes:
        it always runs in the foreground. Control commands find the daemon with NCS_IPC_PATH (a Unix
        socket), else NCS_IPC_ADDR and NCS_IPC_PORT (default 127.0.0.1:4569), and answer the IPC
        access check with the secret in CONFD_IPC_ACCESS_FILE or NCS_IPC_ACCESS_FILE.
        """;

    /// <exception cref="NcsUsageException">An unknown option, or an option without its value.</exception>
    public static NcsCommandLine Parse(IReadOnlyList<string> args)
    {
        var command = NcsCommand.Daemon;
        var daemon = new DaemonOptions();
        var tryTime = DefaultTryTime;
        TimeSpan? timeout = null;
        var loadPaths = new List<string>();

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--cd":
                    daemon = daemon with { RunDirectory = Value(args, ref i) };
                    break;
                case "-c" or "--conf":
                    daemon = daemon with { ConfFile = Value(args, ref i) };
                    break;
                case "--foreground":
                    daemon = daemon with { Foreground = true };
                    break;
                case "-v" or "--verbose":
                    daemon = daemon with { Verbose = true };
                    break;
                case "--stop-on-eof":
                    daemon = daemon with { StopOnEof = true };
                    break;
                case "--addloadpath":
                    loadPaths.Add(Value(args, ref i));
                    break;
                case "--nolog":
                    daemon = daemon with { NoLog = true };
                    break;
                case "--smp":
                    daemon = daemon with { Smp = (int)Number(args, ref i) };
                    break;
                case "--with-package-reload":
                    daemon = daemon with { PackageReload = PackageReload.Reload };
                    break;
                case "--with-package-reload-force":
                    daemon = daemon with { PackageReload = PackageReload.Force };
                    break;
                case "--timeout":
                    timeout = TimeSpan.FromSeconds(Number(args, ref i));
                    break;
                case "--wait-started":
                    command = Choose(command, NcsCommand.WaitStarted, arg);
                    if (i + 1 < args.Count && TryParseSeconds(args[i + 1], out var seconds))
                    {
                        tryTime = TimeSpan.FromSeconds(seconds);
                        i++;
                    }

                    break;
                case "--status":
                    command = Choose(command, NcsCommand.Status, arg);
                    break;
                case "--stop":
                    command = Choose(command, NcsCommand.Stop, arg);
                    break;
                case "--reload":
                    command = Choose(command, NcsCommand.Reload, arg);
                    break;
                case "--version":
                    command = Choose(command, NcsCommand.Version, arg);
                    break;
                case "-h" or "--help":
                    command = Choose(command, NcsCommand.Help, arg);
                    break;
                default:
                    throw NcsUsageException.UnknownOption(arg);
            }
        }

        return new NcsCommandLine(command, daemon with { AddLoadPaths = loadPaths }, tryTime, timeout);
    }

    private static NcsCommand Choose(NcsCommand current, NcsCommand next, string option) =>
        current == NcsCommand.Daemon ? next : throw new NcsUsageException($"*** {option}: only one command at a time");

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new NcsUsageException($"*** {args[i - 1]}: Missing argument");

    private static double Number(IReadOnlyList<string> args, ref int i)
    {
        var option = args[i];
        var text = Value(args, ref i);
        return TryParseSeconds(text, out var number)
            ? number
            : throw new NcsUsageException($"*** {option} {text}: Bad number");
    }

    private static bool TryParseSeconds(string text, out double seconds) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds);
}
