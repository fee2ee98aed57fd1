using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;

namespace NsoDev.Hosting.Stop;

/// <summary>
/// Netsim devices an earlier app host started and never stopped (it was killed): found through the
/// run directory's started marker and stopped with the ncs-netsim that created them, before the new
/// plan is made, so they hold no ports and a changed network can be created anew.
/// </summary>
internal sealed class OrphanedNetsimDevices(IProcessRunner runner, ILogger logger)
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>True when <paramref name="runDirectory"/>'s devices may still run.</summary>
    public static bool MayRun(RunDirectory runDirectory)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        return File.Exists(runDirectory.NetsimStartedMarker) && Directory.Exists(runDirectory.NetsimDirectory);
    }

    public async Task StopAsync(RunDirectory runDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        if (!MayRun(runDirectory) || runDirectory.ReadNetsimRecord() is not { } record || NetsimCommand.FromCommandLine(record.Command) is not { } command)
        {
            return;
        }

        logger.LogWarning("The netsim devices in {Directory} were left running by an earlier app host; stopping them with `ncs-netsim stop`", runDirectory.NetsimDirectory);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            var environment = record.Environment ?? new Dictionary<string, string?>();
            var result = await runner.RunAsync(new NetsimCommandLine(command, runDirectory.NetsimDirectory, environment).Stop(), timeout.Token);
            if (result.ExitCode != 0)
            {
                logger.LogWarning("`ncs-netsim stop` in {Directory} returned {ExitCode}: {Output}", runDirectory.NetsimDirectory, result.ExitCode, result.Output);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("`ncs-netsim stop` in {Directory} did not finish within {Seconds} s", runDirectory.NetsimDirectory, StopTimeout.TotalSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Planning goes on: a device still holding a port only moves the new block.
            logger.LogWarning("Could not run `{Command}` to stop the devices in {Directory}: {Reason}", command.Executable, runDirectory.NetsimDirectory, ex.Message);
        }

        File.Delete(runDirectory.NetsimStartedMarker);
    }
}
