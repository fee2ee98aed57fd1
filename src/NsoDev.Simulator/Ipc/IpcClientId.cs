namespace NsoDev.Simulator.Ipc;

/// <summary>The first byte of an IPC connection, less its challenge flags (NSO-NOTES §4).</summary>
internal enum IpcClientId : byte
{
    DataProvider = 3,
    Cli = 4,
    Cdb = 5,
    Maapi = 7,
    MaapiStream = 8,
    EventManager = 11,
    NetconfSubsystem = 12,
    Ha = 17,
    Ncs = 18,

    /// <summary>nso-sim's own control requests (<c>--status</c>, <c>--stop</c>, ...); not an NSO id.</summary>
    SimControl = 41,
}
