using System.Globalization;
using NsoDev.Simulator.HaRaft.Transport.Epmd;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>
/// What the transport takes besides ncs.conf: the epmd port (Erlang's <c>ERL_EPMD_PORT</c>, 4369 by
/// default), how epmd is started when none runs, the clock, and how soon a silent peer counts as gone.
/// </summary>
internal sealed record RaftTransportSettings
{
    /// <summary>The variable Erlang's nodes and epmd read for epmd's port.</summary>
    public const string EpmdPortVariable = "ERL_EPMD_PORT";

    public int EpmdPort { get; init; } = EpmdProtocol.DefaultPort;

    /// <summary>Starts an epmd on 127.0.0.1 at the given port and returns once it listens (or another one does).</summary>
    public EpmdStarter StartEpmd { get; init; } = EpmdLauncher.StartDetachedAsync;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often an idle connection sends a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>A peer heard nothing from for this long is dropped from <see cref="IRaftTransport.ConnectedNodes"/>.</summary>
    public TimeSpan SilenceLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The time a new connection has for TLS and its hello.</summary>
    public TimeSpan HandshakeLimit { get; init; } = TimeSpan.FromSeconds(5);

    public static RaftTransportSettings Default { get; } = new();

    /// <summary>The defaults, with <c>ERL_EPMD_PORT</c> when set.</summary>
    /// <exception cref="RaftTransportException">ERL_EPMD_PORT is not a port number.</exception>
    public static RaftTransportSettings FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (getVariable(EpmdPortVariable) is not { Length: > 0 } text)
        {
            return Default;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? Default with { EpmdPort = port }
            : throw new RaftTransportException($"{EpmdPortVariable}=\"{text}\" is not a TCP port; set it to a number from 1 to 65535, or unset it for epmd's port 4369.");
    }
}

/// <summary>Starts an epmd listening on 127.0.0.1:<paramref name="port"/>.</summary>
internal delegate Task EpmdStarter(int port, CancellationToken cancellationToken);
