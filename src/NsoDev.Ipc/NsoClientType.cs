namespace NsoDev.Ipc;

/// <summary>The client id a library client sends as its first IPC byte (docs/NSO-NOTES.md §4).</summary>
public enum NsoClientType : byte
{
    /// <summary>Data provider (CAPI).</summary>
    DataProvider = 3,

    /// <summary><c>ncs_cli</c>; the daemon sends a status byte before its challenge.</summary>
    Cli = 4,

    /// <summary>CDB subscriber or reader.</summary>
    Cdb = 5,

    /// <summary>MAAPI.</summary>
    Maapi = 7,

    /// <summary>MAAPI stream.</summary>
    MaapiStream = 8,

    /// <summary>Notifications and the event manager.</summary>
    Notifications = 11,

    /// <summary>The NETCONF subsystem client that SSH servers such as OpenSSH run.</summary>
    NetconfSubsystem = 12,

    /// <summary>HA.</summary>
    Ha = 17,

    /// <summary>NCS (the NSO-specific socket).</summary>
    Ncs = 18,
}
