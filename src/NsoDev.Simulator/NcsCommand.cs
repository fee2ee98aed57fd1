namespace NsoDev.Simulator;

/// <summary>What one run of nso-sim does: be the daemon, or one of the ncs control commands.</summary>
internal enum NcsCommand
{
    Daemon,
    Version,
    Help,
    Status,
    Stop,
    Reload,
    WaitStarted,
}
