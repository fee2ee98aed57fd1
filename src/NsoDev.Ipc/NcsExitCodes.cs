namespace NsoDev.Ipc;

/// <summary>The exit codes of the <c>ncs</c> command (NSO-NOTES §2; ncs(1)).</summary>
public static class NcsExitCodes
{
    /// <summary>Success; a daemon that stopped cleanly.</summary>
    public const int Ok = 0;

    /// <summary>Internal error; also a bad command line.</summary>
    public const int InternalError = 1;

    /// <summary>A control command got no connection to the daemon within its try time.</summary>
    public const int NoConnection = 2;

    /// <summary>A control command ran past <c>--timeout</c>.</summary>
    public const int Timeout = 3;

    /// <summary>The first of the CDB problems (10 to 16).</summary>
    public const int FirstCdbProblem = 10;

    /// <summary>CDB's data is corrupt.</summary>
    public const int CdbCorrupt = 13;

    /// <summary>The last of the CDB problems.</summary>
    public const int LastCdbProblem = 16;

    /// <summary>Failed to bind a socket: a port or socket path is in use.</summary>
    public const int BindFailed = 20;

    /// <summary>A bad configuration file.</summary>
    public const int BadConfiguration = 21;

    /// <summary>An installation problem (NCS_DIR, the load path).</summary>
    public const int InstallationProblem = 22;
}
