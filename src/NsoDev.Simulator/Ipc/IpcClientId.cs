using NsoDev.Ipc;

namespace NsoDev.Simulator.Ipc;

/// <summary>The first byte of an IPC connection, less its challenge flags (NSO-NOTES §4).</summary>
internal enum IpcClientId : byte
{
    DataProvider = NsoClientType.DataProvider,
    Cli = NsoClientType.Cli,
    Cdb = NsoClientType.Cdb,
    Maapi = NsoClientType.Maapi,
    MaapiStream = NsoClientType.MaapiStream,
    EventManager = NsoClientType.Notifications,
    NetconfSubsystem = NsoClientType.NetconfSubsystem,
    Ha = NsoClientType.Ha,
    Ncs = NsoClientType.Ncs,

    /// <summary>nso-sim's own control requests (<c>--status</c>, <c>--stop</c>, ...); not an NSO id.</summary>
    SimControl = 41,
}
