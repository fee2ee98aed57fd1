using NsoDev.Ipc;

namespace NsoDev.Simulator;

/// <summary>The exit codes of <c>ncs</c> that nso-sim produces (NSO-NOTES §2).</summary>
internal static class NcsExitCode
{
    public const int Ok = NcsExitCodes.Ok;

    /// <summary>Internal error; also a bad command line and "connection refused" for --status/--stop.</summary>
    public const int InternalError = NcsExitCodes.InternalError;

    /// <summary>A control command got no connection within TryTime.</summary>
    public const int NoConnection = NcsExitCodes.NoConnection;

    /// <summary>A control command ran past <c>--timeout</c>.</summary>
    public const int Timeout = NcsExitCodes.Timeout;

    /// <summary>CDB's data is unreadable or corrupt (NSO uses 10-16 for CDB problems; 13 is corrupt data).</summary>
    public const int CdbCorrupt = NcsExitCodes.CdbCorrupt;

    public const int BindFailed = NcsExitCodes.BindFailed;

    public const int BadConfiguration = NcsExitCodes.BadConfiguration;

    /// <summary>128 + signal number: the daemon was stopped abruptly by SIGINT.</summary>
    public const int SigInt = 130;

    /// <summary>128 + signal number: the daemon was stopped abruptly by SIGTERM.</summary>
    public const int SigTerm = 143;
}
