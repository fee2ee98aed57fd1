namespace NsoDev.Simulator.Daemon;

/// <summary>
/// The daemon's options from the command line. <c>--foreground</c> changes nothing: nso-sim never
/// daemonizes. <c>--smp</c>, <c>--addloadpath</c> and package reload are accepted, as ncs accepts
/// them, and have nothing to act on yet.
/// </summary>
internal sealed record DaemonOptions
{
    /// <summary><c>--cd</c>: entered first; ncs.conf and the relative paths in it start here.</summary>
    public string? RunDirectory { get; init; }

    /// <summary><c>-c</c>; <c>./ncs.conf</c> when not given.</summary>
    public string ConfFile { get; init; } = "ncs.conf";

    public bool Foreground { get; init; }

    /// <summary><c>-v</c>: every ncs.log line goes to stdout too.</summary>
    public bool Verbose { get; init; }

    /// <summary><c>--stop-on-eof</c>: EOF on stdin is a clean stop, so a daemon whose parent died stops.</summary>
    public bool StopOnEof { get; init; }

    public IReadOnlyList<string> AddLoadPaths { get; init; } = [];

    /// <summary><c>--nolog</c>: nso-sim writes no log files (ncs.log, devel.log, audit.log, netconf.log); <c>-v</c> still echoes ncs.log.</summary>
    public bool NoLog { get; init; }

    public int? Smp { get; init; }

    public PackageReload PackageReload { get; init; }
}

internal enum PackageReload
{
    None,
    Reload,
    Force,
}
