using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Orchestration;

namespace NsoDev.Hosting.Serve;

/// <summary>The dashboard commands of an HA Raft cluster: Handover.</summary>
internal static class RaftClusterCommands
{
    public const string Handover = "nso-raft-handover";

    public static IResourceBuilder<NsoRaftClusterResource> WithRaftClusterCommands(this IResourceBuilder<NsoRaftClusterResource> builder)
    {
        builder.WithCommand(Handover, "Handover", HandoverAsync, new CommandOptions
        {
            IconName = "ArrowSwap",
            IsHighlighted = true,
            Description = "Runs ha-raft handover on the leader: it steps down and another node is elected. Shows which node leads afterwards.",
            UpdateState = c => c.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });
        return builder;
    }

    private static async Task<ExecuteCommandResult> HandoverAsync(ExecuteCommandContext context)
    {
        var model = context.Services.GetRequiredService<DistributedApplicationModel>();
        var cluster = model.Resources.OfType<NsoRaftClusterResource>().FirstOrDefault(c => c.Name == context.ResourceName);
        if (cluster is null || context.Services.GetRequiredService<NsoFleet>().GetFormation(cluster) is not { } formation)
        {
            return CommandResults.Failure($"HA Raft cluster '{context.ResourceName}' was not formed; see its log.");
        }

        var (success, message) = await formation.HandoverAsync(context.CancellationToken);
        return success ? CommandResults.Success(message) : CommandResults.Failure(message);
    }
}
