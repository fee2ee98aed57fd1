using System.Text;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Cli;

/// <summary>
/// One CLI command from an SSH exec request (<c>ssh -p 2024 admin@host show ncs-state</c>):
/// the output with LF line ends, then the channel closes with the exit status.
/// </summary>
internal sealed class CliExec
{
    private readonly CliCommands _commands;
    private readonly INorthboundLog _log;

    public CliExec(RunningDatastore datastore, INcsState state, INorthboundLog log, Devices.DeviceManager? devices = null, HaRaft.HaRaftNode? haRaft = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        _commands = new CliCommands(datastore, state, devices, haRaft);
        _log = log;
    }

    /// <summary>Runs <paramref name="command"/> and writes its output (errors included) to <paramref name="channel"/>.</summary>
    /// <returns>0 when the command ran; 1 for a syntax error, or when the output could not be delivered.</returns>
    public async Task<int> RunAsync(string command, Stream channel, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(user);
        _log.Audit($"user: {user} CLI exec '{command.Trim()}'");
        var outcome = _commands.Run(command, 0, user);
        try
        {
            if (outcome.Lines.Count > 0)
            {
                await channel.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', outcome.Lines) + "\n"), cancellationToken);
                await channel.FlushAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            return 1;
        }

        return outcome.Failed ? 1 : 0;
    }
}
