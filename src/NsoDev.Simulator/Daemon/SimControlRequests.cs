using System.Collections.Frozen;
using NsoDev.Simulator.Control;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// The table of control requests a <see cref="IpcClientId.SimControl"/> client may send, and
/// their text replies. Unknown requests are answered with an error, in this one place.
/// </summary>
internal sealed class SimControlRequests : ISimControl
{
    public const string Stopping = "stopping";
    public const string Ok = "ok";

    private readonly FrozenDictionary<string, Func<string>> _handlers;
    private readonly IControlledDaemon _daemon;

    public SimControlRequests(IControlledDaemon daemon)
    {
        _daemon = daemon;
        _handlers = new Dictionary<string, Func<string>>
        {
            ["status"] = daemon.Status,
            ["stop"] = () =>
            {
                daemon.RequestStop(StopRequest.ByControl);
                return Stopping;
            },
            ["reload"] = () => daemon.Reload() is { } problem ? "error: " + problem : Ok,
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CliRequest.TryParse(request) is { } cli)
        {
            // Off the IPC reader's thread: an ha-raft action waits for the other members.
            return new ValueTask<string>(Task.Run(() => CliRequest.Reply(_daemon.RunCli(cli.User, cli.Line)), cancellationToken));
        }

        return ValueTask.FromResult(
            _handlers.TryGetValue(request, out var handler)
                ? handler()
                : $"error: unknown request \"{request}\"; nso-sim understands status, stop, reload and cli");
    }
}
