using System.Text.Json.Nodes;
using System.Xml.Linq;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Publishing;
using NsoDev.Hosting.Tests.Orchestration;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>
/// In publish mode an instance is a container of Cisco's image that Aspire writes itself; its ncs.conf and
/// IPC secret arrive as files. In run mode the model holds no trace of a container.
/// </summary>
public sealed class NsoContainerTests
{
    private const string Secret = "published-secret-Q7x";

    [Fact]
    public async Task A_published_instance_is_a_container_of_ciscos_image_in_the_instances_place()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        var nso = builder.AddNso("nso-1");

        var container = Assert.Single(builder.Resources.OfType<ContainerResource>());
        Assert.Empty(builder.Resources.OfType<NsoResource>());
        Assert.Equal("nso-1", container.Name);
        Assert.Same(nso.Resource.Annotations, container.Annotations);
        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);

        Assert.Equal("container.v0", manifest["type"]!.GetValue<string>());
        Assert.Equal("cisco-nso-prod:6.5", manifest["image"]!.GetValue<string>());
        Assert.Equal(
            new Dictionary<string, string> { ["ADMIN_USERNAME"] = "admin", ["ADMIN_PASSWORD"] = "{nso-admin-password.value}" },
            Strings(manifest["env"]!));
        var bindings = manifest["bindings"]!.AsObject();
        Assert.Equal(["cli", "ipc", "netconf"], bindings.Select(b => b.Key).Order());
        AssertBinding(bindings["ipc"]!, "tcp", "tcp", 4569);
        AssertBinding(bindings["netconf"]!, "ssh", "tcp", 2022);
        AssertBinding(bindings["cli"]!, "ssh", "tcp", 2024);
        var volume = Assert.Single(manifest["volumes"]!.AsArray());
        Assert.Equal("nso-1-run", volume!["name"]!.GetValue<string>());
        Assert.Equal("/nso/run", volume["target"]!.GetValue<string>());
        Assert.Contains("AccessFile=", manifest["connectionString"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_container_gets_an_ncs_conf_with_ipc_on_any_address_behind_the_access_check_and_listeners_at_their_bindings()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:nso-1-ipc-secret"] = Secret;
        builder.AddNso("nso-1").WithTcpIpc(address: "127.0.0.1").WithWebUi();

        var conf = await NcsConfAsync(builder);

        Assert.Equal("0.0.0.0", Leaf(conf, "ncs-ipc-address", "ip"));
        Assert.Equal("4569", Leaf(conf, "ncs-ipc-address", "port"));
        Assert.Equal("true", Leaf(conf, "ncs-ipc-access-check", "enabled"));
        Assert.Equal("/nso/etc/ipc_access", Leaf(conf, "ncs-ipc-access-check", "filename"));
        Assert.Equal(("true", "0.0.0.0", "2022"), Listener(conf, "netconf-north-bound", "transport", "ssh"));
        Assert.Equal(("true", "0.0.0.0", "2024"), Listener(conf, "cli", "ssh"));
        Assert.Equal(("true", "0.0.0.0", "8080"), Listener(conf, "webui", "transport", "tcp"));
        Assert.Equal("/nso/etc/ssh", Leaf(conf, "aaa", "ssh-server-key-dir"));
    }

    [Fact]
    public async Task The_container_ncs_conf_keeps_its_data_in_the_images_run_and_log_directories()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:nso-1-ipc-secret"] = Secret;
        builder.AddNso("nso-1");

        var conf = await NcsConfAsync(builder);

        Assert.Equal("/nso/run/state", Leaf(conf, "state-dir"));
        Assert.Equal("/nso/run/ncs-cdb", Leaf(conf, "cdb", "db-dir"));
        Assert.Contains("/nso/run/packages", conf.Descendants().Where(e => e.Name.LocalName == "dir").Select(e => e.Value.Trim()));
        Assert.Contains("/log/ncs.log", conf.Descendants().Where(e => e.Name.LocalName == "name").Select(e => e.Value.Trim()));
        Assert.DoesNotContain(conf.Descendants().Where(e => !e.HasElements), e => e.Value.Trim().StartsWith("./", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_ncs_conf_band_follows_the_images_release()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:nso-1-ipc-secret"] = Secret;
        var nso = builder.AddNso("nso-1");

        nso.WithContainerImageTag("6.3.2");
        var before64 = await NcsConfAsync(builder);
        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);
        nso.WithContainerImageTag("6.5");
        var current = await NcsConfAsync(builder);

        // NSO-NOTES §1: ncs-local-ipc is unknown before 6.4, and written (off) from 6.4 on.
        Assert.Equal("cisco-nso-prod:6.3.2", manifest["image"]!.GetValue<string>());
        Assert.DoesNotContain(before64.Elements(), e => e.Name.LocalName == "ncs-local-ipc");
        Assert.Equal("false", Leaf(current, "ncs-local-ipc", "enabled"));
    }

    [Fact]
    public void An_image_tag_that_names_no_release_is_refused_with_the_fix_in_either_mode()
    {
        foreach (var publish in new[] { true, false })
        {
            var nso = OrchestrationHarness.Declarations(publish).AddNso("nso-1");

            var error = Assert.Throws<InvalidOperationException>(() => nso.WithContainerImageTag("latest"));

            Assert.Contains("'latest' of NSO instance 'nso-1' does not start with an NSO release", error.Message, StringComparison.Ordinal);
            Assert.Contains("Tag the image with its release", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_tag_set_on_the_container_itself_is_checked_when_its_ncs_conf_is_written()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:nso-1-ipc-secret"] = Secret;
        builder.AddNso("nso-1");
        builder.CreateResourceBuilder(Assert.Single(builder.Resources.OfType<ContainerResource>())).WithImageTag("latest");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => NcsConfAsync(builder));

        Assert.Contains("'latest' of NSO instance 'nso-1' does not start with an NSO release", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_arrives_as_a_file_of_mode_0400_from_its_secret_parameter_and_never_in_the_environment()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:nso-1-ipc-secret"] = Secret;
        var nso = builder.AddNso("nso-1").WithIpcAccessCheck();

        var files = await FilesAsync(builder);
        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);

        var secret = Assert.Single(files, f => f.Path == "/nso/etc/ipc_access");
        Assert.Equal(Secret, secret.Contents);
        Assert.Equal(UnixFileMode.UserRead, secret.Mode);
        Assert.True(Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "nso-1-ipc-secret").Secret);
        Assert.DoesNotContain(Secret, manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Strings(manifest["env"]!).Values, v => v.Contains("ipc-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_given_secret_parameter_replaces_the_generated_one()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:cfs-secret"] = Secret;
        var secret = builder.AddParameter("cfs-secret", secret: true);
        builder.AddNso("cfs").WithIpcAccessCheck(secret);

        var files = await FilesAsync(builder);

        Assert.Equal(Secret, Assert.Single(files, f => f.Path == "/nso/etc/ipc_access").Contents);
        Assert.Equal(["cfs-secret", "nso-admin-password"], builder.Resources.OfType<ParameterResource>().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task A_secret_parameter_that_is_not_printable_ascii_is_refused_with_the_fix()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:nso-1-ipc-secret"] = "two words";
        builder.AddNso("nso-1");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FilesAsync(builder));

        Assert.Contains("the parameter 'nso-1-ipc-secret' must be printable ASCII", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("two words", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_unix_socket_instance_serves_ipc_over_tcp_in_its_container_and_a_listener_turned_off_has_no_binding()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.Configuration["Parameters:nso-1-ipc-secret"] = Secret;
        var nso = builder.AddNso("nso-1").WithUnixSocketIpc().WithoutCli();

        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);
        var conf = await NcsConfAsync(builder);

        Assert.Equal(["ipc", "netconf"], manifest["bindings"]!.AsObject().Select(b => b.Key).Order());
        Assert.Equal("0.0.0.0", Leaf(conf, "ncs-ipc-address", "ip"));
        Assert.Equal("false", Leaf(conf, "ncs-local-ipc", "enabled"));
        Assert.Equal("false", Leaf(conf, "cli", "ssh", "enabled"));
    }

    [Fact]
    public async Task Without_data_persistence_the_run_directory_gets_no_volume()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        var nso = builder.AddNso("nso-1").WithDataPersistence(false);

        var manifest = await OrchestrationHarness.ManifestAsync(builder, nso.Resource);

        Assert.Null(manifest["volumes"]);
    }

    [Fact]
    public void Instances_share_the_admin_password_parameter_and_each_has_its_own_secret()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.AddNso("cfs");
        builder.AddNso("rfs");

        Assert.Equal(["cfs-ipc-secret", "nso-admin-password", "rfs-ipc-secret"], builder.Resources.OfType<ParameterResource>().Select(p => p.Name).Order());
        Assert.All(builder.Resources.OfType<ParameterResource>(), p => Assert.True(p.Secret));
    }

    [Fact]
    public void In_run_mode_the_model_has_no_container_image_files_volume_or_parameter()
    {
        var builder = OrchestrationHarness.Declarations();
        builder.AddNso("cfs").WithIpcAccessCheck().WithWebUi().WithDataPersistence(true).WithContainerImageTag("6.4");
        builder.AddNso("rfs").WithUnixSocketIpc();

        using var app = builder.Build();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        Assert.Equal(["cfs", "rfs"], model.Resources.OfType<NsoResource>().Select(r => r.Name).Order());
        Assert.Empty(model.Resources.OfType<ContainerResource>());
        Assert.Empty(model.Resources.OfType<ParameterResource>());
        Assert.All(model.Resources.OfType<NsoResource>(), nso =>
        {
            Assert.Empty(nso.Annotations.OfType<ContainerImageAnnotation>());
            Assert.Empty(nso.Annotations.OfType<ContainerFileSystemCallbackAnnotation>());
            Assert.Empty(nso.Annotations.OfType<ContainerMountAnnotation>());
            Assert.Empty(nso.Annotations.OfType<ManifestPublishingCallbackAnnotation>());
        });
    }

    private static async Task<IReadOnlyList<DeliveredFile>> FilesAsync(IDistributedApplicationBuilder builder)
    {
        var container = Assert.Single(builder.Resources.OfType<ContainerResource>());
        var services = new ServiceCollection().BuildServiceProvider();
        return await PublishedApp.FilesAsync(container, services, TestContext.Current.CancellationToken);
    }

    private static async Task<XElement> NcsConfAsync(IDistributedApplicationBuilder builder)
    {
        var conf = Assert.Single(await FilesAsync(builder), f => f.Path == $"{NsoContainerPublishing.ConfigDirectory}/ncs.conf");
        return XDocument.Parse(conf.Contents).Root!;
    }

    private static string? Leaf(XElement root, params string[] path)
    {
        XElement? current = root;
        foreach (var step in path)
        {
            current = current?.Elements().FirstOrDefault(e => e.Name.LocalName == step);
        }

        return current?.Value.Trim();
    }

    private static (string?, string?, string?) Listener(XElement root, params string[] path) =>
        (Leaf(root, [.. path, "enabled"]), Leaf(root, [.. path, "ip"]), Leaf(root, [.. path, "port"]));

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
