using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>What a declaration puts on the resource: endpoints, the health check, the dashboard commands.</summary>
public sealed class NsoResourceAnnotationTests
{
    [Fact]
    public void AddNso_declares_ipc_netconf_and_cli_on_nso_stock_ports_unproxied_and_internal()
    {
        var nso = OrchestrationHarness.Declarations().AddNso("nso-1");

        var endpoints = nso.Resource.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);

        Assert.Equal(["cli", "ipc", "netconf"], endpoints.Keys.Order());
        AssertEndpoint(endpoints["ipc"], "tcp", "tcp", 4569);
        AssertEndpoint(endpoints["netconf"], "ssh", "tcp", 2022);
        AssertEndpoint(endpoints["cli"], "ssh", "tcp", 2024);
    }

    [Fact]
    public void WithWebUi_adds_an_http_endpoint_on_8080_and_WithoutCli_removes_the_cli_endpoint_and_its_port()
    {
        var nso = OrchestrationHarness.Declarations().AddNso("nso-1").WithWebUi().WithoutCli();

        var endpoints = nso.Resource.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);

        Assert.Equal(["ipc", "netconf", "webui"], endpoints.Keys.Order());
        AssertEndpoint(endpoints["webui"], "http", "http", 8080);
        Assert.Equal([NsoPortKind.Ipc, NsoPortKind.Netconf, NsoPortKind.WebUi], nso.Resource.Declaration().PortRequests().Keys.Order());
    }

    [Fact]
    public async Task AddNso_adds_a_health_check_annotation_whose_registered_check_is_unhealthy_until_planned()
    {
        var builder = OrchestrationHarness.Declarations();
        var nso = builder.AddNso("nso-1");

        Assert.Single(nso.Resource.Annotations, a => a is HealthCheckAnnotation { Key: "nso-1_nso_ipc" });
        using var app = builder.Build();
        var registration = Assert.Single(app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "nso-1_nso_ipc");
        var result = await registration.Factory(app.Services).CheckHealthAsync(new HealthCheckContext { Registration = registration }, TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("Not planned yet.", result.Description);
    }

    [Fact]
    public void AddNso_registers_the_dashboard_commands()
    {
        var nso = OrchestrationHarness.Declarations().AddNso("nso-1");

        var commands = nso.Resource.Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name);

        Assert.Equal(["nso-cli-command", "nso-reload", "nso-reset", "nso-restart", "nso-start", "nso-stop", "nso-sync-devices"], commands.Order());
        var reset = nso.Resource.Annotations.OfType<ResourceCommandAnnotation>().Single(c => c.Name == NsoCommands.Reset);
        Assert.Equal("Reset wipes this instance's CDB data, rollbacks, logs and state, as ncs-setup --reset does. Init files in ncs-cdb are kept. Continue?", reset.ConfirmationMessage);

        // The dashboard shows these as plain text: markdown's backticks would show as they are.
        Assert.All(nso.Resource.Annotations.OfType<ResourceCommandAnnotation>(), c =>
        {
            Assert.DoesNotContain('`', c.DisplayDescription ?? "");
            Assert.DoesNotContain('`', c.ConfirmationMessage ?? "");
        });
    }

    [Theory]
    [InlineData("Running", "Hidden", "Enabled", "Enabled", "Enabled", "Enabled")]
    [InlineData("Starting", "Hidden", "Disabled", "Disabled", "Enabled", "Disabled")]
    [InlineData("FailedToStart", "Enabled", "Hidden", "Disabled", "Enabled", "Disabled")]
    [InlineData("Finished", "Enabled", "Hidden", "Disabled", "Enabled", "Disabled")]
    [InlineData("Restarting (1/5) in 1 s", "Enabled", "Hidden", "Disabled", "Disabled", "Disabled")]
    public void Each_command_is_offered_only_in_the_states_where_it_applies(string state, string start, string stop, string restart, string reset, string reload)
    {
        var nso = OrchestrationHarness.Declarations().AddNso("nso-1");
        var context = new UpdateCommandStateContext
        {
            ResourceSnapshot = NsoDashboard.InitialSnapshot() with { State = state },
            Services = new ServiceCollection().BuildServiceProvider(),
        };

        string StateOf(string command) => nso.Resource.Annotations.OfType<ResourceCommandAnnotation>().Single(c => c.Name == command).UpdateState(context).ToString();

        Assert.Equal(
            [start, stop, restart, reset, reload, reload],
            [StateOf(NsoCommands.Start), StateOf(NsoCommands.Stop), StateOf(NsoCommands.Restart), StateOf(NsoCommands.Reset), StateOf(NsoCommands.Reload), StateOf(NsoCommands.CliCommandLine)]);
    }

    private static void AssertEndpoint(EndpointAnnotation endpoint, string scheme, string transport, int targetPort)
    {
        Assert.Equal(scheme, endpoint.UriScheme);
        Assert.Equal(transport, endpoint.Transport);
        Assert.Equal(targetPort, endpoint.TargetPort);
        Assert.Equal(ProtocolType.Tcp, endpoint.Protocol);
        // The daemon binds its ports itself; an Aspire proxy would take them first. Unproxied, the
        // host port reads as the target port until the plan allocates one.
        Assert.False(endpoint.IsProxied);
        Assert.Equal(targetPort, endpoint.Port);
        Assert.False(endpoint.IsExternal);
    }
}
