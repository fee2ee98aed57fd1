using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace NsoDev.Testing.Tests;

/// <summary>
/// <c>AddNsoLsa("lsa", 2)</c> in a real distributed application, every node on nso-sim: the upper starts after its
/// lower nodes and ends its start with both remote nodes in sync, as its dashboard entry, each lower node's and the
/// deployment's show.
/// </summary>
public sealed class LsaSimulatorTests
{
    [Fact(Timeout = 240_000)]
    public async Task An_lsa_with_two_lower_nodes_on_the_simulator_shows_both_remote_nodes_in_sync()
    {
        var token = TestContext.Current.CancellationToken;
        await using var nso = await NsoTestEnvironment.StartAsync(
            b =>
            {
                var lsa = b.AddNsoLsa("lsa", lowerNodes: 2);
                lsa.GetUpperNode().RunAsSimulator();
                lsa.GetLowerNode(1).RunAsSimulator();
                lsa.GetLowerNode(2).RunAsSimulator();
            },
            token);
        var notifications = nso.Application.Services.GetRequiredService<ResourceNotificationService>();

        // The upper shows its count before it is Running, so it is there once the environment has started.
        Assert.Equal("2 of 2 in sync", Property(notifications, "lsa-upper", NsoResourceProperties.LsaRemoteNodes));
        Assert.Equal("2 of 2 in sync", Property(notifications, "lsa", NsoResourceProperties.LsaRemoteNodes));
        Assert.Equal("in sync on lsa-upper", Property(notifications, "lsa-lower-1", NsoResourceProperties.LsaSync));
        Assert.Equal("in sync on lsa-upper", Property(notifications, "lsa-lower-2", NsoResourceProperties.LsaSync));
        Assert.True(notifications.TryGetCurrentState("lsa", out var parent));
        Assert.Equal(KnownResourceStates.Running, parent.Snapshot.State?.Text);
        Assert.Equal(["lsa-lower-1", "lsa-lower-2", "lsa-upper"], nso.Instances.Keys.Order(StringComparer.Ordinal));
    }

    private static string? Property(ResourceNotificationService notifications, string resource, string name) =>
        notifications.TryGetCurrentState(resource, out var state)
            ? state.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString()
            : null;
}
