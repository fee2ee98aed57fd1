using NsoDev.Ipc;

namespace NsoDev.Client;

/// <summary>
/// How an <see cref="NsoIpcClient"/> reaches one NSO instance. Bound from the configuration sections
/// <c>NsoDev:Ipc</c> and then <c>NsoDev:Ipc:NAME</c>; the connection string (<c>ConnectionStrings:NAME</c>,
/// or without a name the <c>NCS_IPC_*</c> variables) then sets what it says; <c>configureSettings</c> runs last.
/// </summary>
public sealed class NsoIpcClientSettings
{
    /// <summary>
    /// An NSO IPC connection string (<see cref="NsoIpcConnectionString"/>), such as
    /// <c>Host=127.0.0.1;Port=4569;Release=6.5</c>. <c>ConnectionStrings:NAME</c> overrides it.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Where the daemon serves IPC. Set from the connection string or the <c>NCS_IPC_*</c> variables;
    /// configuration cannot give it directly (use <see cref="ConnectionString"/>), code can.
    /// </summary>
    public NsoIpcEndpoint? Endpoint { get; set; }

    /// <summary>The access check's secret file, or null when the instance's check is off.</summary>
    public string? AccessFile { get; set; }

    /// <summary>The daemon's NSO release, whose protocol version the client announces; null for 6.5.</summary>
    public NsoRelease? Release { get; set; }

    /// <summary>The longest wait for one connect, preamble included; also the health check's.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a refused or timed-out connect is retried, since NSO may still be starting; 0 for none.</summary>
    public int ConnectRetries { get; set; } = 5;

    /// <summary>Leaves out the health check that completes a MAAPI preamble with the instance.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Leaves out the <c>nso.ipc.connect</c> spans.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Leaves out the <c>nsodev.ipc.connects</c> and <c>nsodev.ipc.connect.duration</c> metrics.</summary>
    public bool DisableMetrics { get; set; }
}
