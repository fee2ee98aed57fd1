using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>What `aspire publish` writes for an instance: a container.v0 of Cisco's image, stock-port bindings, secrets as parameters.</summary>
public sealed class NsoManifestTests
{
    [Fact]
    public async Task A_default_instance_is_a_container_of_the_image_parameter_with_stock_port_bindings()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        var nso = builder.AddNso("nso-1");

        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);

        Assert.Equal("container.v0", manifest["type"]!.GetValue<string>());
        Assert.Equal("{nso-image.value}", manifest["image"]!.GetValue<string>());
        Assert.Equal(
            new Dictionary<string, string> { ["ADMIN_USERNAME"] = "admin", ["ADMIN_PASSWORD"] = "{nso-admin-password.value}", ["HTTP_ENABLE"] = "false", ["HTTPS_ENABLE"] = "false" },
            Strings(manifest["env"]!));
        var bindings = manifest["bindings"]!.AsObject();
        Assert.Equal(["cli", "ipc", "netconf"], bindings.Select(b => b.Key).Order());
        AssertBinding(bindings["ipc"]!, "tcp", "tcp", 4569);
        AssertBinding(bindings["netconf"]!, "ssh", "tcp", 2022);
        AssertBinding(bindings["cli"]!, "ssh", "tcp", 2024);
        var image = Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "nso-image");
        Assert.False(image.Secret);
        Assert.True(Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "nso-admin-password").Secret);
    }

    [Fact]
    public async Task The_web_ui_enables_http_and_the_access_check_passes_its_secret_as_a_secret_parameter()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        var nso = builder.AddNso("nso-1").WithWebUi().WithIpcAccessCheck();

        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);

        var env = Strings(manifest["env"]!);
        Assert.Equal("true", env["HTTP_ENABLE"]);
        Assert.Equal("{nso-1-ipc-secret.value}", env["NSODEV_IPC_SECRET"]);
        AssertBinding(manifest["bindings"]!["webui"]!, "http", "http", 8080);
        Assert.True(Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "nso-1-ipc-secret").Secret);
    }

    [Fact]
    public async Task A_unix_socket_instance_keeps_its_ipc_binding_since_a_container_serves_ipc_over_tcp()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        var nso = builder.AddNso("nso-1").WithUnixSocketIpc().WithoutCli();

        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);

        Assert.Equal(["ipc", "netconf"], manifest["bindings"]!.AsObject().Select(b => b.Key).Order());
    }

    [Fact]
    public void Instances_share_the_image_and_admin_password_parameters_and_a_run_asks_for_none()
    {
        var publish = OrchestrationHarness.Declarations(publish: true);
        publish.AddNso("cfs");
        publish.AddNso("rfs");
        var run = OrchestrationHarness.Declarations();
        run.AddNso("cfs");

        Assert.Equal(["nso-admin-password", "nso-image"], publish.Resources.OfType<ParameterResource>().Select(p => p.Name).Order());
        Assert.Empty(run.Resources.OfType<ParameterResource>());
    }

    private static Dictionary<string, string> Strings(JsonNode node) =>
        node.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    private static void AssertBinding(JsonNode binding, string scheme, string transport, int targetPort)
    {
        Assert.Equal(scheme, binding["scheme"]!.GetValue<string>());
        Assert.Equal("tcp", binding["protocol"]!.GetValue<string>());
        Assert.Equal(transport, binding["transport"]!.GetValue<string>());
        Assert.Equal(targetPort, binding["targetPort"]!.GetValue<int>());
        Assert.Null(binding["external"]);
    }
}
