namespace NsoDev.Simulator.Daemon;

/// <summary>What control requests may ask of the running daemon.</summary>
internal interface IControlledDaemon
{
    string Status();

    void RequestStop(StopRequest request);

    /// <summary>Re-reads ncs.conf and reopens the logs; returns the problem, or null when it worked.</summary>
    string? Reload();

    /// <summary>Runs one <c>ncs_cli</c> line as <paramref name="user"/> in the C-style CLI; null when the CLI is not up yet.</summary>
    Cli.CliOutcome? RunCli(string user, string line) => null;
}
