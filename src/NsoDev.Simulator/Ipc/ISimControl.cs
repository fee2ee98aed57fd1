namespace NsoDev.Simulator.Ipc;

/// <summary>
/// Answers the requests of <see cref="IpcClientId.SimControl"/> clients: one UTF-8 text frame in
/// (<c>status</c>, <c>stop</c>, <c>reload</c>), one UTF-8 text frame out.
/// </summary>
internal interface ISimControl
{
    ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken);
}
