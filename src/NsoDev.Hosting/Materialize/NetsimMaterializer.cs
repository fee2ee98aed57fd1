using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Materialize;

/// <summary>
/// The materialize step of an instance's devices (NSO-NOTES §9): the netsim network in RUN_DIR/netsim,
/// created anew only when what was declared, its ports or the ncs-netsim changed since the last run,
/// and its <c>ncs-xml-init</c> data in ncs-cdb/ as an init file, as <c>ncs-setup --netsim-dir</c> does.
/// Runs before the instance's daemon starts, so an empty CDB loads the devices.
/// </summary>
internal sealed class NetsimMaterializer(IProcessRunner runner, ILogger logger)
{
    public async Task MaterializeAsync(NsoInstancePlan plan, NcsEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        var run = plan.RunDirectory;
        var earlier = run.ReadNetsimRecord();
        if (plan.Netsim is not { } netsim)
        {
            if (earlier is not null)
            {
                await DeleteAsync(run, NetsimCommand.FromCommandLine(earlier.Command) ?? NetsimCommand.Of(engine), engine, cancellationToken);
                File.Delete(run.NetsimInitFile);
                logger.LogInformation("Removed the netsim network of {Name}: it declares no devices any more", plan.Name);
            }

            return;
        }

        var command = NetsimCommand.Of(engine);
        var netsimCommand = new NetsimCommandLine(command, netsim.Directory, Environment(engine));
        var wanted = RecordOf(netsim, command) with { Environment = Environment(engine) };
        var created = false;
        if (earlier is null || !Same(earlier, wanted) || !File.Exists(Path.Combine(netsim.Directory, ".netsiminfo")))
        {
            if (earlier is not null || Directory.Exists(netsim.Directory))
            {
                logger.LogInformation("Creating the netsim network of {Name} anew: its devices, their ports or the ncs-netsim changed since the last run", plan.Name);
                await DeleteAsync(run, NetsimCommand.FromCommandLine(earlier?.Command) ?? command, engine, cancellationToken);
            }

            for (var i = 0; i < netsim.Networks.Count; i++)
            {
                var network = netsim.Networks[i];
                var spec = i == 0 ? netsimCommand.CreateNetwork(network, netsim.Ports) : netsimCommand.AddToNetwork(network, netsim.Ports);
                await RunCheckedAsync(spec, $"create the devices '{network.Prefix}' of {plan.Name} from {network.Package}", cancellationToken);
            }

            run.WriteNetsimRecord(wanted);
            created = true;
        }
        else if (!plan.DataPersistence)
        {
            // Every start from empty data: the devices' too.
            await RunCheckedAsync(netsimCommand.Reset(), $"reset the devices of {plan.Name}", cancellationToken);
        }

        if (created || !File.Exists(run.NetsimInitFile))
        {
            await WriteInitFileAsync(plan, netsimCommand, cancellationToken);
        }
    }

    /// <summary>True when the network on disk is the one the plan asks for (or there is none and none is asked for).</summary>
    public static bool IsUpToDate(NsoInstancePlan plan, NcsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        var earlier = plan.RunDirectory.ReadNetsimRecord();
        return plan.Netsim is { } netsim
            ? earlier is not null && Same(earlier, RecordOf(netsim, NetsimCommand.Of(engine))) && File.Exists(plan.RunDirectory.NetsimInitFile)
            : earlier is null;
    }

    /// <summary>What every netsim verb gets: NCS_DIR (ncs-netsim finds ConfD under it) and the engine's own variables.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(NcsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var environment = new Dictionary<string, string?>(engine.Environment)
        {
            ["NCS_DIR"] = engine.InstallationDirectory,
        };
        return environment;
    }

    private async Task WriteInitFileAsync(NsoInstancePlan plan, NetsimCommandLine netsim, CancellationToken cancellationToken)
    {
        var run = plan.RunDirectory;
        var result = await RunCheckedAsync(netsim.XmlInit(), $"write the devices' init data for {plan.Name}", cancellationToken);
        var before = File.Exists(run.NetsimInitFile) ? await File.ReadAllTextAsync(run.NetsimInitFile, cancellationToken) : null;
        Directory.CreateDirectory(run.CdbDirectory);
        await File.WriteAllTextAsync(run.NetsimInitFile, result.StandardOutput, cancellationToken);
        if (before != result.StandardOutput && run.HasCdbData)
        {
            // NSO-NOTES §5: an init file loads only into an empty CDB; the onboard step merges it live instead.
            await File.WriteAllTextAsync(run.NetsimMergePendingMarker, "", cancellationToken);
            logger.LogInformation("{Name} already has CDB data, so NSO will not load the new device init file {InitFile}; NsoDev merges it into the running configuration after start", plan.Name, run.NetsimInitFile);
        }
    }

    private async Task DeleteAsync(RunDirectory run, NetsimCommand command, NcsEngine engine, CancellationToken cancellationToken)
    {
        if (Directory.Exists(run.NetsimDirectory))
        {
            try
            {
                var result = await runner.RunAsync(new NetsimCommandLine(command, run.NetsimDirectory, Environment(engine)).DeleteNetwork(), cancellationToken);
                if (result.ExitCode != 0)
                {
                    logger.LogWarning("`{Command}` failed ({Output}); removing {Directory} by hand", command.Executable, result.Output, run.NetsimDirectory);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The ncs-netsim that made it may be gone (another NSO, a moved nso-sim): the directory goes anyway.
                logger.LogWarning("Could not run `{Command}` to delete the old network ({Reason}); removing {Directory} by hand", command.Executable, ex.Message, run.NetsimDirectory);
            }

            if (Directory.Exists(run.NetsimDirectory))
            {
                Directory.Delete(run.NetsimDirectory, recursive: true);
            }
        }

        run.WriteNetsimRecord(null);
    }

    private async Task<ProcessResult> RunCheckedAsync(ProcessSpec spec, string what, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(spec, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new NetsimException($"Could not run `{spec}` to {what}: {ex.Message}. With NSO, check that $NCS_DIR/bin/ncs-netsim exists; on the simulator, rebuild the AppHost.");
        }

        if (result.ExitCode != 0)
        {
            throw new NetsimException($"`{spec}` failed to {what} with exit code {result.ExitCode}: {result.Output}. Check the package (ncs-netsim needs its netsim/ directory), or remove WithNetsimDevices.");
        }

        return result;
    }

    private static NetsimRecord RecordOf(NetsimPlan netsim, NetsimCommand command) =>
        new([.. netsim.Networks.Select(n => new NetsimNetworkRecord(n.Package, n.Count, n.Prefix))], netsim.Ports.ByName, command.CommandLine);

    private static bool Same(NetsimRecord a, NetsimRecord b) =>
        a.Networks.SequenceEqual(b.Networks)
        && a.Command.SequenceEqual(b.Command)
        && a.Bases.Count == b.Bases.Count
        && a.Bases.All(p => b.Bases.TryGetValue(p.Key, out var other) && other == p.Value);
}

/// <summary>ncs-netsim could not set up or control the devices; the message says what it printed and what to do.</summary>
internal sealed class NetsimException(string message) : InvalidOperationException(message);
