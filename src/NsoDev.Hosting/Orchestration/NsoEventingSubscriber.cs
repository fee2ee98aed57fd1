using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Configuration;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Reference;

namespace NsoDev.Hosting.Orchestration;

/// <summary>
/// Hooks NsoDev into the app host's events: in run mode, before anything starts, every instance is
/// planned and the containers that reference one get its secret mounted.
/// </summary>
internal sealed class NsoEventingSubscriber(NsoFleet fleet, IConfiguration configuration) : IDistributedApplicationEventingSubscriber
{
    /// <summary>Moves every instance's default runtime directory (RUN_ROOT/NAME), e.g. into a test's temporary folder.</summary>
    public const string RunRootKey = "Nso:RunRoot";

    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventing);
        ArgumentNullException.ThrowIfNull(executionContext);
        if (!executionContext.IsRunMode)
        {
            return Task.CompletedTask;
        }

        eventing.Subscribe<BeforeStartEvent>(async (e, ct) =>
        {
            var resources = e.Model.Resources.OfType<NsoResource>().ToList();
            await fleet.PrepareAsync(resources, RunRoot(), NcsConfTemplate.Default(), new NsoPlanner(), ct);
            NsoClientEnvironment.MountSecretsIntoContainers(e.Model);
        });
        return Task.CompletedTask;
    }

    /// <summary>Nso:RunRoot, relative to the app host's directory; by default .nso beside it.</summary>
    private string RunRoot()
    {
        var appHostDirectory = configuration["AppHost:Directory"] is { Length: > 0 } directory ? directory : Directory.GetCurrentDirectory();
        return Path.GetFullPath(configuration[RunRootKey] is { Length: > 0 } configured ? configured : ".nso", appHostDirectory);
    }
}
