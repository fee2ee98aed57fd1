using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Orchestration;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Serve;

/// <summary>The dashboard commands of an NSO instance: start, stop, restart, reset, reload and the CLI command line.</summary>
internal static class NsoCommands
{
    public const string Start = "nso-start";
    public const string Stop = "nso-stop";
    public const string Restart = "nso-restart";
    public const string Reset = "nso-reset";
    public const string Reload = "nso-reload";
    public const string CliCommandLine = "nso-cli-command";
    public const string SyncDevices = "nso-sync-devices";

    public static IResourceBuilder<NsoResource> WithNsoCommands(this IResourceBuilder<NsoResource> builder)
    {
        builder.WithCommand(Start, "Start", context => RunAsync(context, (r, ct) => r.StartAsync(ct)), new CommandOptions
        {
            IconName = "Play",
            IsHighlighted = true,
            UpdateState = c => IsActive(c) ? ResourceCommandState.Hidden : ResourceCommandState.Enabled,
        });
        builder.WithCommand(Stop, "Stop", context => RunAsync(context, (r, ct) => r.StopAsync(ct)), new CommandOptions
        {
            // No description: a highlighted command's row button shows it instead of the name.
            IconName = "Stop",
            IsHighlighted = true,
            UpdateState = c => IsActive(c) ? EnabledWhenRunning(c) : ResourceCommandState.Hidden,
        });
        builder.WithCommand(Restart, "Restart", context => RunAsync(context, (r, ct) => r.RestartAsync(ct)), new CommandOptions
        {
            IconName = "ArrowCounterclockwise",
            UpdateState = EnabledWhenRunning,
        });
        builder.WithCommand(Reset, "Reset", context => RunAsync(context, (r, ct) => r.ResetAsync(ct)), new CommandOptions
        {
            IconName = "Delete",
            // Plain words: the dashboard shows descriptions, confirmations and results as text, not markdown.
            Description = "Stops the instance, removes its CDB data, rollbacks, logs and state (as ncs-setup --reset does), and starts it again.",
            ConfirmationMessage = "Reset wipes this instance's CDB data, rollbacks, logs and state, as ncs-setup --reset does. Init files in ncs-cdb are kept. Continue?",
            UpdateState = c => IsActive(c) || IsTerminal(c) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });
        builder.WithCommand(Reload, "Reload", ReloadAsync, new CommandOptions
        {
            IconName = "DocumentSync",
            Description = "Runs ncs --reload: the daemon re-reads ncs.conf and reopens its logs.",
            UpdateState = EnabledWhenRunning,
        });
        builder.WithCommand(SyncDevices, "Sync devices", SyncDevicesAsync, new CommandOptions
        {
            IconName = "ArrowSync",
            Description = "Runs devices fetch-ssh-host-keys and devices sync-from on this instance, as after its start, and shows each device's result.",
            UpdateState = c => c.ResourceSnapshot.Properties.Any(p => p.Name == NsoResourceProperties.Devices) ? EnabledWhenRunning(c) : ResourceCommandState.Hidden,
        });
        builder.WithCommand(CliCommandLine, "CLI command line", ShowCliCommandLineAsync, new CommandOptions
        {
            IconName = "WindowConsole",
            Description = "Shows the shell command that opens NSO's CLI on this instance.",
            UpdateState = EnabledWhenRunning,
        });
        return builder;
    }

    /// <summary>The shell command for NSO's CLI on this instance: ncs_cli through env.sh on NSO, SSH on the simulator (it has no ncs_cli).</summary>
    public static string CliCommand(NsoInstancePlan plan, NcsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        if (!engine.IsSimulator)
        {
            return $"source '{plan.RunDirectory.EnvScript}' && ncs_cli -C -u admin";
        }

        return plan.Ports.Ports.TryGetValue(NsoPortKind.Cli, out var cli)
            ? $"ssh -p {cli} admin@{plan.NorthboundAddress}"
            : $"source '{plan.RunDirectory.EnvScript}' && {engine.Executable} --status";
    }

    private static bool IsActive(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text is { } state && (state == KnownResourceStates.Running || state == KnownResourceStates.Starting || state == KnownResourceStates.Stopping);

    private static bool IsTerminal(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text is { } state && (KnownResourceStates.TerminalStates.Contains(state) || state == KnownResourceStates.NotStarted);

    private static ResourceCommandState EnabledWhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, Func<NsoInstanceRunner, CancellationToken, Task> operation)
    {
        var (resource, runner) = Find(context);
        if (runner is null)
        {
            return CommandResults.Failure($"NSO instance '{resource?.Name ?? context.ResourceName}' has no engine; see its log.");
        }

        await operation(runner, context.CancellationToken);
        return CommandResults.Success();
    }

    private static async Task<ExecuteCommandResult> ReloadAsync(ExecuteCommandContext context)
    {
        var (_, runner) = Find(context);
        if (runner is null)
        {
            return CommandResults.Failure("The instance is not running.");
        }

        var result = await runner.ReloadAsync(context.CancellationToken);
        return result.ExitCode == NcsExitCodes.Ok
            ? CommandResults.Success()
            : CommandResults.Failure($"ncs --reload failed with {NcsExitCode.Describe(result.ExitCode)}: {result.Output}");
    }

    private static async Task<ExecuteCommandResult> SyncDevicesAsync(ExecuteCommandContext context)
    {
        var (_, runner) = Find(context);
        if (runner is null)
        {
            return CommandResults.Failure("The instance is not running.");
        }

        if (await runner.SyncDevicesAsync(context.CancellationToken) is not { } report)
        {
            return CommandResults.Failure("The instance has no running devices to sync; start it, or its devices, first.");
        }

        var failed = report.Failed.Select(d => $"{d.Device}: {d.Info}").ToList();
        return failed.Count == 0
            ? CommandResults.Success($"{report.InSync} of {report.Devices.Count} devices in sync.")
            : CommandResults.Failure($"{report.InSync} of {report.Devices.Count} devices in sync. {string.Join("; ", failed)}");
    }

    private static Task<ExecuteCommandResult> ShowCliCommandLineAsync(ExecuteCommandContext context)
    {
        var (resource, _) = Find(context);
        if (resource?.PlanOrNull() is not { } plan || resource.Published().Engine is not { } engine)
        {
            return Task.FromResult(CommandResults.Failure("The instance has not been planned and started yet."));
        }

        var command = CliCommand(plan, engine);
        return Task.FromResult(CommandResults.Success($"Run in a shell: {command}", command, CommandResultFormat.Text));
    }

    private static (NsoResource? Resource, NsoInstanceRunner? Runner) Find(ExecuteCommandContext context)
    {
        var model = context.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = model.Resources.OfType<NsoResource>().FirstOrDefault(r => r.Name == context.ResourceName);
        if (resource is null)
        {
            return (null, null);
        }

        var fleet = context.Services.GetRequiredService<NsoFleet>();
        return (resource, fleet.GetRunner(resource));
    }
}
