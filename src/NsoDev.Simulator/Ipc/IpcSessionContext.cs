namespace NsoDev.Simulator.Ipc;

/// <summary>
/// What every IPC session of one daemon shares; <c>ReportProtocolError</c> is told why a
/// connection was closed on bad input.
/// </summary>
internal sealed record IpcSessionContext(
    NsoVersion Version,
    IIpcAccessCheck AccessCheck,
    ISimControl Control,
    Action<string> ReportProtocolError);
