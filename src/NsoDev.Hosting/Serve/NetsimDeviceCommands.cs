using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Orchestration;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Serve;

/// <summary>The dashboard commands of a netsim device: start, stop and reset, through its instance's runner; and the command line that opens its CLI.</summary>
internal static class NetsimDeviceCommands
{
    public const string Start = "netsim-start";
    public const string Stop = "netsim-stop";
    public const string Reset = "netsim-reset";
    public const string CliCommandLine = "netsim-cli-command";

    public static IResourceBuilder<NetsimDeviceResource> WithNetsimDeviceCommands(this IResourceBuilder<NetsimDeviceResource> builder)
    {
        builder.WithCommand(Start, "Start", context => RunAsync(context, NetsimDeviceOperation.Start), new CommandOptions
        {
            IconName = "Play",
            IsHighlighted = true,
            UpdateState = c => IsRunning(c) ? ResourceCommandState.Hidden : ResourceCommandState.Enabled,
        });
        builder.WithCommand(Stop, "Stop", context => RunAsync(context, NetsimDeviceOperation.Stop), new CommandOptions
        {
            IconName = "Stop",
            IsHighlighted = true,
            UpdateState = c => IsRunning(c) ? ResourceCommandState.Enabled : ResourceCommandState.Hidden,
        });
        builder.WithCommand(Reset, "Reset", context => RunAsync(context, NetsimDeviceOperation.Reset), new CommandOptions
        {
            IconName = "Delete",
            Description = "Runs ncs-netsim reset for this device (stops it and removes its CDB, logs and state), then starts it again.",
            ConfirmationMessage = "Reset wipes this device's configuration back to its netsim init data, and NsoDev then syncs the instance's copy from it again. Continue?",
        });
        builder.WithCommand(CliCommandLine, "CLI command line", ShowCliCommandLineAsync, new CommandOptions
        {
            IconName = "WindowConsole",
            Description = "Shows the shell command that opens this device's own CLI.",
            UpdateState = c => IsRunning(c) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });
        return builder;
    }

    private static Task<ExecuteCommandResult> ShowCliCommandLineAsync(ExecuteCommandContext context)
    {
        var model = context.Services.GetRequiredService<DistributedApplicationModel>();
        var device = model.Resources.OfType<NetsimDeviceResource>().FirstOrDefault(d => d.Name == context.ResourceName);
        if (device?.Instance.PlanOrNull() is not { Netsim: { } netsim } plan || device.Instance.Published().Engine is not { } engine
            || netsim.Devices.FirstOrDefault(d => d.Name == device.DeviceName) is not { } planned)
        {
            return Task.FromResult(CommandResults.Failure("The device has not been planned and started yet."));
        }

        var command = NsoDashboard.DeviceCliCommand(plan, engine, planned);
        return Task.FromResult(CommandResults.Success($"Run in a shell: {command}", command, CommandResultFormat.Text));
    }

    private static bool IsRunning(UpdateCommandStateContext context) => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running;

    private static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, NetsimDeviceOperation operation)
    {
        var model = context.Services.GetRequiredService<DistributedApplicationModel>();
        var device = model.Resources.OfType<NetsimDeviceResource>().FirstOrDefault(d => d.Name == context.ResourceName);
        if (device is null || context.Services.GetRequiredService<NsoFleet>().GetRunner(device.Instance) is not { } runner)
        {
            return CommandResults.Failure($"Netsim device '{context.ResourceName}' has no planned instance yet; see its instance's log.");
        }

        await runner.DeviceAsync(device.DeviceName, operation, context.CancellationToken);
        return CommandResults.Success();
    }
}
