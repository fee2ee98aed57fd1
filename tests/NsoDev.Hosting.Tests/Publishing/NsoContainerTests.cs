using System.Text.Json.Nodes;
using System.Xml.Linq;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Publishing;
using NsoDev.Hosting.Tests.Orchestration;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>
/// In publish mode an instance is a container built from Cisco's image, whose entry Aspire writes itself:
/// its ncs.conf comes with the image, its IPC secret through a read-only mount of a private file beside the
/// manifest. In run mode the model holds no trace of a container.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NsoContainerTests
{
    private const string Secret = "published-secret-Q7x";

    [Fact]
    public async Task A_published_instance_is_a_container_of_ciscos_image_in_the_instances_place()
    {
        using var published = PublishedApp.Create();
        var builder = published.Builder;
        var nso = builder.AddNso("nso-1");

        var container = Assert.Single(builder.Resources.OfType<ContainerResource>());
        Assert.Empty(builder.Resources.OfType<NsoResource>());
        Assert.Equal("nso-1", container.Name);
        Assert.Same(nso.Resource.Annotations, container.Annotations);
        var manifest = (await published.PublishAsync(TestContext.Current.CancellationToken))["nso-1"]!;

        // Built from Cisco's image by a Dockerfile written beside the manifest, its context a folder there.
        Assert.Equal("container.v1", manifest["type"]!.GetValue<string>());
        Assert.Null(manifest["image"]);
        Assert.Equal("nso-1", manifest["build"]!["context"]!.GetValue<string>());
        Assert.Equal("nso-1.Dockerfile", manifest["build"]!["dockerfile"]!.GetValue<string>());
        Assert.StartsWith("FROM cisco-nso-prod:6.5", File.ReadAllLines(Path.Combine(published.Directory, "nso-1.Dockerfile")).First(l => !l.StartsWith('#')), StringComparison.Ordinal);
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
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1").WithTcpIpc(address: "127.0.0.1").WithWebUi();

        var conf = await NcsConfAsync(published);

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
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1");

        var conf = await NcsConfAsync(published);

        Assert.Equal("/nso/run/state", Leaf(conf, "state-dir"));
        Assert.Equal("/nso/run/ncs-cdb", Leaf(conf, "cdb", "db-dir"));
        Assert.Contains("/nso/run/packages", conf.Descendants().Where(e => e.Name.LocalName == "dir").Select(e => e.Value.Trim()));
        Assert.Contains("/log/ncs.log", conf.Descendants().Where(e => e.Name.LocalName == "name").Select(e => e.Value.Trim()));
        Assert.DoesNotContain(conf.Descendants().Where(e => !e.HasElements), e => e.Value.Trim().StartsWith("./", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_ncs_conf_band_and_the_base_image_follow_the_image_tag()
    {
        using var published63 = PublishedApp.Create();
        published63.Builder.AddNso("nso-1").WithContainerImageTag("6.3.2");
        using var published65 = PublishedApp.Create();
        published65.Builder.AddNso("nso-1").WithContainerImageTag("6.5");

        var before64 = await NcsConfAsync(published63);
        var current = await NcsConfAsync(published65);

        // NSO-NOTES §1: ncs-local-ipc is unknown before 6.4, and written (off) from 6.4 on.
        Assert.Contains("FROM cisco-nso-prod:6.3.2", File.ReadAllText(Path.Combine(published63.Directory, "nso-1.Dockerfile")), StringComparison.Ordinal);
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
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1");
        published.Builder.CreateResourceBuilder(Assert.Single(published.Builder.Resources.OfType<ContainerResource>())).WithImageTag("latest");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => NcsConfAsync(published));

        Assert.Contains("'latest' of NSO instance 'nso-1' does not start with an NSO release", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_is_generated_into_a_private_file_beside_the_manifest_mounted_read_only_and_never_in_the_image_or_environment()
    {
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1").WithIpcAccessCheck();

        var files = await FilesAsync(published);
        var manifest = JsonNode.Parse(File.ReadAllText(published.ManifestPath))!["resources"]!["nso-1"]!;

        var hostFile = Path.Combine(published.Directory, "secrets", "nso-1", "ipc_access");
        var secret = File.ReadAllText(hostFile);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(hostFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(hostFile)!));
        var installed = Assert.Single(files, f => f.Path == "/nso/etc/ipc_access");
        Assert.Equal(secret, installed.Contents);
        Assert.Equal(UnixFileMode.UserRead, installed.Mode);
        Assert.DoesNotContain(published.Builder.Resources.OfType<ParameterResource>(), p => p.Name.Contains("ipc", StringComparison.Ordinal));
        Assert.DoesNotContain(secret, manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(published.Directory, "nso-1"), "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publishing_again_keeps_the_secret_so_a_running_deployment_and_its_clients_still_agree()
    {
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1");
        var token = TestContext.Current.CancellationToken;
        var hostFile = Path.Combine(published.Directory, "secrets", "nso-1", "ipc_access");

        await published.PublishAsync(token);
        var first = File.ReadAllText(hostFile);
        using var again = PublishedApp.CreateIn(published.Directory);
        again.Builder.AddNso("nso-1");
        await again.PublishAsync(token);

        Assert.Equal(first, File.ReadAllText(hostFile));
    }

    [Fact]
    public async Task A_given_secret_parameter_sets_the_secret_file()
    {
        using var published = PublishedApp.Create(new Dictionary<string, string> { ["cfs-secret"] = Secret });
        var secret = published.Builder.AddParameter("cfs-secret", secret: true);
        published.Builder.AddNso("cfs").WithIpcAccessCheck(secret);

        var files = await FilesAsync(published);

        Assert.Equal(Secret, Assert.Single(files, f => f.Path == "/nso/etc/ipc_access").Contents);
        Assert.Equal(Secret, File.ReadAllText(Path.Combine(published.Directory, "secrets", "cfs", "ipc_access")));
    }

    [Fact]
    public async Task A_given_secret_parameter_without_a_value_is_refused_with_the_fix()
    {
        using var published = PublishedApp.Create();
        var secret = published.Builder.AddParameter("cfs-secret", secret: true);
        published.Builder.AddNso("cfs").WithIpcAccessCheck(secret);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => published.PublishAsync(TestContext.Current.CancellationToken));

        Assert.Contains("takes its IPC secret from the parameter 'cfs-secret', which has no value", Flatten(error), StringComparison.Ordinal);
        Assert.Contains("Set Parameters:cfs-secret", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_parameter_that_is_not_printable_ascii_is_refused_with_the_fix()
    {
        using var published = PublishedApp.Create(new Dictionary<string, string> { ["cfs-secret"] = "two words" });
        published.Builder.AddNso("cfs").WithIpcAccessCheck(published.Builder.AddParameter("cfs-secret", secret: true));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => published.PublishAsync(TestContext.Current.CancellationToken));

        Assert.Contains("the parameter 'cfs-secret' must be printable ASCII", Flatten(error), StringComparison.Ordinal);
        Assert.DoesNotContain("two words", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pre_start_script_refuses_to_start_nso_without_the_mounted_secret_and_names_the_mount()
    {
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1");
        var resources = await published.PublishAsync(TestContext.Current.CancellationToken);
        var entry = resources["nso-1"]!.AsObject();
        entry.Remove("bindMounts");

        var (_, failures) = await PublishedContainer.Read(published.Directory, entry).AfterPreStartAsync(TestContext.Current.CancellationToken);

        var failure = Assert.Single(failures);
        Assert.Contains("no IPC access secret at /run/nsodev/nso-1/ipc_access", failure, StringComparison.Ordinal);
        Assert.Contains("Mount the folder secrets/nso-1, beside the manifest, read-only at /run/nsodev/nso-1", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_unix_socket_instance_serves_ipc_over_tcp_in_its_container_and_a_listener_turned_off_has_no_binding()
    {
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1").WithUnixSocketIpc().WithoutCli();

        var conf = await NcsConfAsync(published);
        var manifest = JsonNode.Parse(File.ReadAllText(published.ManifestPath))!["resources"]!["nso-1"]!;

        Assert.Equal(["ipc", "netconf"], manifest["bindings"]!.AsObject().Select(b => b.Key).Order());
        Assert.Equal("0.0.0.0", Leaf(conf, "ncs-ipc-address", "ip"));
        Assert.Equal("false", Leaf(conf, "ncs-local-ipc", "enabled"));
        Assert.Equal("false", Leaf(conf, "cli", "ssh", "enabled"));
        Assert.Contains("EXPOSE 4569 2022\n", File.ReadAllText(Path.Combine(published.Directory, "nso-1.Dockerfile")).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_data_persistence_the_run_directory_gets_no_volume()
    {
        using var published = PublishedApp.Create();
        published.Builder.AddNso("nso-1").WithDataPersistence(false);

        var manifest = (await published.PublishAsync(TestContext.Current.CancellationToken))["nso-1"]!;

        Assert.Null(manifest["volumes"]);
    }

    [Fact]
    public void Instances_share_the_admin_password_parameter_and_each_mounts_its_own_secret_folder()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        builder.AddNso("cfs");
        builder.AddNso("rfs");

        var parameter = Assert.Single(builder.Resources.OfType<ParameterResource>());
        Assert.Equal("nso-admin-password", parameter.Name);
        Assert.True(parameter.Secret);
        var mounts = builder.Resources.OfType<ContainerResource>()
            .Select(c => Assert.Single(c.Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.BindMount))
            .ToList();
        Assert.Equal(["/run/nsodev/cfs", "/run/nsodev/rfs"], mounts.Select(m => m.Target).Order());
        Assert.Equal(2, mounts.Select(m => m.Source).Distinct().Count());
        Assert.All(mounts, m => Assert.True(m.IsReadOnly));
    }

    [Fact]
    public void A_project_dependent_gets_the_secret_folder_mounted_where_its_access_file_points()
    {
        var builder = OrchestrationHarness.Declarations(publish: true);
        var cfs = builder.AddNso("cfs");
        var client = builder.AddExecutable("client", "client", ".").WithReference(cfs, ncsIpcVariables: false);

        var mount = Assert.Single(client.Resource.Annotations.OfType<ContainerMountAnnotation>());

        Assert.Equal("/run/nsodev/cfs", mount.Target);
        Assert.True(mount.IsReadOnly);
        Assert.Equal(Assert.Single(cfs.Resource.Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.BindMount).Source, mount.Source);
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

    /// <summary>Publishes the app and returns what the only container gets, built and mounted as a deployment would.</summary>
    private static async Task<IReadOnlyList<DeliveredFile>> FilesAsync(PublishedApp published)
    {
        var container = Assert.Single(published.Builder.Resources.OfType<ContainerResource>());
        var resources = await published.PublishAsync(TestContext.Current.CancellationToken);
        return await published.ContainerFilesAsync(resources, container.Name, TestContext.Current.CancellationToken);
    }

    private static async Task<XElement> NcsConfAsync(PublishedApp published)
    {
        var conf = Assert.Single(await FilesAsync(published), f => f.Path == $"{NsoContainerPublishing.ConfigDirectory}/ncs.conf");
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

    private static string Flatten(Exception error) => error is AggregateException aggregate
        ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
        : error.InnerException is { } inner ? $"{error.Message} | {Flatten(inner)}" : error.Message;

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
