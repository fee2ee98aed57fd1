using System.Text.Json.Nodes;
using Aspire.Hosting;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>
/// The manifest as Aspire publishes it, checked against Aspire's manifest schema, and each NSO entry
/// against what Cisco's image needs to start as declared (<see cref="DeployableNsoEntry"/>).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PublishedManifestTests
{
    private static readonly Dictionary<string, string> ParameterValues = new()
    {
        ["nso-admin-password"] = "admin-password-3kd",
        ["lsa-secret"] = "lsa-secret-Hh4",
    };

    private static string CommittedManifest => Path.Combine(RepositoryRoot.Path, "publish", "aspire-manifest.json");

    [Fact]
    public void The_committed_manifest_is_valid_against_aspires_manifest_schema()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(CommittedManifest))!;

        Assert.Empty(PublishedApp.SchemaErrors(PublishedApp.ManifestSchema(), manifest));
    }

    [Fact]
    public void The_committed_manifest_builds_every_nso_entry_from_ciscos_image_with_its_ncs_conf_and_mounts_its_secret()
    {
        var directory = Path.GetDirectoryName(CommittedManifest)!;
        var resources = JsonNode.Parse(File.ReadAllText(CommittedManifest))!["resources"]!.AsObject();

        var entries = resources.Where(r => r.Value!["bindings"]?["ipc"] is not null).ToList();
        Assert.Equal(["nso-1", "nso-2"], entries.Select(e => e.Key).Order());
        foreach (var (name, entry) in entries)
        {
            Assert.Equal("container.v1", entry!["type"]!.GetValue<string>());
            var container = PublishedContainer.Read(directory, entry.AsObject());
            Assert.Equal("cisco-nso-prod:6.5", container.Image);
            Assert.Contains(container.ImageFiles, f => f.Path == "/nso/etc/ncs.conf");
            Assert.Contains(container.ImageFiles, f => f.Path.StartsWith("/etc/ncs/pre-ncs-start.d/", StringComparison.Ordinal));
            Assert.Equal(["cli", "ipc", "netconf"], entry["bindings"]!.AsObject().Select(b => b.Key).Order());
            var mount = Assert.Single(entry["bindMounts"]!.AsArray());
            Assert.Equal($"secrets/{name}", mount!["source"]!.GetValue<string>());
            Assert.Equal($"/run/nsodev/{name}", mount["target"]!.GetValue<string>());
            Assert.True(mount["readOnly"]!.GetValue<bool>());
            Assert.Equal(["ADMIN_PASSWORD", "ADMIN_USERNAME"], entry["env"]!.AsObject().Select(e => e.Key).Order());
        }

        // The secrets are made when publishing and never committed.
        Assert.Contains("/publish/secrets/", File.ReadAllLines(Path.Combine(RepositoryRoot.Path, ".gitignore")));
    }

    [Fact(Timeout = 120_000)]
    public async Task Every_published_nso_entry_is_schema_valid_and_deployable()
    {
        using var published = PublishedApp.Create(ParameterValues);
        var builder = published.Builder;
        builder.AddNso("cfs").WithIpcAccessCheck().WithWebUi();
        var rfs = builder.AddNso("rfs").WithUnixSocketIpc().WithoutCli().WithDataPersistence(false);
        builder.AddNso("lsa").WithIpcAccessCheck(builder.AddParameter("lsa-secret", secret: true)).WithTcpIpc(address: "0.0.0.0");
        builder.AddContainer("client", "alpine").WithReference(rfs);
        var token = TestContext.Current.CancellationToken;

        var resources = await published.PublishAsync(token);

        Assert.Empty(PublishedApp.SchemaErrors(PublishedApp.ManifestSchema(), new JsonObject { ["resources"] = resources.DeepClone() }));
        foreach (var name in new[] { "cfs", "rfs", "lsa" })
        {
            Assert.Empty(await DeployableNsoEntry.ProblemsAsync(name, published.Directory, resources, token));
        }

        Assert.Equal(["cli", "ipc", "netconf", "webui"], resources["cfs"]!["bindings"]!.AsObject().Select(b => b.Key).Order());
        Assert.Equal(["ipc", "netconf"], resources["rfs"]!["bindings"]!.AsObject().Select(b => b.Key).Order());
        Assert.Equal("lsa-secret-Hh4", (await published.ContainerFilesAsync(resources, "lsa", token)).Single(f => f.Path == "/nso/etc/ipc_access").Contents);

        // The client finds rfs's secret where its NCS_IPC_ACCESS_FILE points: the same folder, mounted read-only.
        var client = resources["client"]!;
        Assert.Equal("/run/nsodev/rfs/ipc_access", client["env"]!["NCS_IPC_ACCESS_FILE"]!.GetValue<string>());
        var clientFiles = PublishedContainer.Read(published.Directory, client.AsObject()).MountedFiles;
        var rfsFiles = await published.ContainerFilesAsync(resources, "rfs", token);
        Assert.Equal(rfsFiles.Single(f => f.Path == "/nso/etc/ipc_access").Contents, Assert.Single(clientFiles, m => m.File.Path == "/run/nsodev/rfs/ipc_access").File.Contents);
    }

    [Fact]
    public void The_schema_check_fails_a_manifest_that_breaks_the_schema()
    {
        var manifest = JsonNode.Parse("""{ "resources": { "nso-1": { "type": "container.v0", "env": { "ADMIN_USERNAME": "admin" }, "files": [] } } }""")!;

        var errors = PublishedApp.SchemaErrors(PublishedApp.ManifestSchema(), manifest);

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains("/resources/nso-1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not cisco's image")]
    [InlineData("no ncs.conf")]
    [InlineData("ipc on loopback")]
    [InlineData("access check off")]
    [InlineData("netconf port differs")]
    [InlineData("web ui without binding")]
    [InlineData("no ipc binding")]
    [InlineData("no pre-start script")]
    [InlineData("secret not mounted")]
    [InlineData("secret baked into the image")]
    [InlineData("secret in the environment")]
    [InlineData("secret readable by others")]
    [InlineData("secret copied readable by all")]
    public async Task A_schema_valid_entry_that_would_not_deploy_is_caught(string fault)
    {
        using var layout = new HandWrittenEntry();
        var token = TestContext.Current.CancellationToken;
        Assert.Empty(await DeployableNsoEntry.ProblemsAsync("cfs", layout.Directory, layout.Resources, token));

        var expected = fault switch
        {
            "not cisco's image" => HandWrittenEntry.Fault(() => layout.Dockerfile = layout.Dockerfile.Replace("cisco-nso-prod:6.5", "alpine:3", StringComparison.Ordinal), "cfs: the image 'alpine:3' is not Cisco's"),
            "no ncs.conf" => HandWrittenEntry.Fault(() => layout.Dockerfile = layout.Dockerfile.Replace("COPY ncs.conf /nso/etc/ncs.conf", string.Empty, StringComparison.Ordinal), "cfs: no ncs.conf"),
            "ipc on loopback" => HandWrittenEntry.Fault(() => layout.Conf["ipc"] = "127.0.0.1", "cfs: IPC listens on '127.0.0.1'"),
            "access check off" => HandWrittenEntry.Fault(() => layout.Conf["check"] = "false", "cfs: IPC on 0.0.0.0 without the access check"),
            "netconf port differs" => HandWrittenEntry.Fault(() => layout.Conf["netconf"] = "830", "cfs: NETCONF listens on port 830 but its binding targets 2022"),
            "web ui without binding" => HandWrittenEntry.Fault(() => layout.Conf["webui"] = "true", "cfs: web UI is on in ncs.conf but has no binding"),
            "no ipc binding" => HandWrittenEntry.Fault(() => layout.Entry["bindings"]!.AsObject().Remove("ipc"), "cfs: no ipc binding"),
            "no pre-start script" => HandWrittenEntry.Fault(() => layout.Dockerfile = layout.Dockerfile.Replace("COPY pre-ncs-start.d/ /etc/ncs/pre-ncs-start.d/", string.Empty, StringComparison.Ordinal), "cfs: no file at the access check's filename"),
            "secret not mounted" => HandWrittenEntry.Fault(() => layout.Entry.Remove("bindMounts"), "cfs: the pre-start script"),
            "secret baked into the image" => HandWrittenEntry.Fault(() => layout.Dockerfile += "COPY ipc_access /run/nsodev/cfs/ipc_access\n", "cfs: the secret is baked into the image"),
            "secret in the environment" => HandWrittenEntry.Fault(() => layout.Entry["env"]!["IPC_SECRET"] = HandWrittenEntry.Secret, "cfs: the secret reaches the environment as IPC_SECRET"),
            "secret readable by others" => HandWrittenEntry.Fault(() => layout.SecretMode |= UnixFileMode.OtherRead, "cfs: the secret file beside the manifest is readable by others"),
            "secret copied readable by all" => HandWrittenEntry.Fault(() => layout.Hook = layout.Hook.Replace("0400", "0444", StringComparison.Ordinal), "cfs: the secret file has mode"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };

        expected.Apply();
        layout.Write();
        var problems = await DeployableNsoEntry.ProblemsAsync("cfs", layout.Directory, layout.Resources, token);

        Assert.Contains(problems, p => p.StartsWith(expected.Problem, StringComparison.Ordinal));
    }

    /// <summary>A deployable entry written by hand, as the containerized-NSO page describes one, which each fault then breaks.</summary>
    private sealed class HandWrittenEntry : IDisposable
    {
        public const string Secret = "cfs-secret-9Vq";

        public HandWrittenEntry()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("nsodev-entry-").FullName;
            Resources = JsonNode.Parse("""
                {
                  "cfs": {
                    "type": "container.v1",
                    "build": { "context": "cfs", "dockerfile": "cfs.Dockerfile" },
                    "bindMounts": [ { "source": "secrets/cfs", "target": "/run/nsodev/cfs", "readOnly": true } ],
                    "env": { "ADMIN_USERNAME": "admin" },
                    "bindings": {
                      "ipc": { "scheme": "tcp", "protocol": "tcp", "transport": "tcp", "targetPort": 4569 },
                      "netconf": { "scheme": "ssh", "protocol": "tcp", "transport": "tcp", "targetPort": 2022 },
                      "cli": { "scheme": "ssh", "protocol": "tcp", "transport": "tcp", "targetPort": 2024 }
                    }
                  }
                }
                """)!.AsObject();
            Write();
        }

        public string Directory { get; }

        public JsonObject Resources { get; }

        public JsonObject Entry => Resources["cfs"]!.AsObject();

        public Dictionary<string, string> Conf { get; } = new() { ["ipc"] = "0.0.0.0", ["check"] = "true", ["netconf"] = "2022", ["webui"] = "false" };

        public string Dockerfile { get; set; } = "FROM cisco-nso-prod:6.5\nCOPY ncs.conf /nso/etc/ncs.conf\nCOPY pre-ncs-start.d/ /etc/ncs/pre-ncs-start.d/\n";

        public string Hook { get; set; } = "#!/bin/sh\nset -eu\ninstall -m 0400 /run/nsodev/cfs/ipc_access /nso/etc/ipc_access\n";

        public UnixFileMode SecretMode { get; set; } = UnixFileMode.UserRead;

        public static (Action Apply, string Problem) Fault(Action apply, string problem) => (apply, problem);

        public void Write()
        {
            var context = Path.Combine(Directory, "cfs");
            System.IO.Directory.CreateDirectory(Path.Combine(context, "pre-ncs-start.d"));
            File.WriteAllText(Path.Combine(Directory, "cfs.Dockerfile"), Dockerfile);
            File.WriteAllText(Path.Combine(context, "ncs.conf"), $"""
                <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
                  <ncs-ipc-address><ip>{Conf["ipc"]}</ip><port>4569</port></ncs-ipc-address>
                  <ncs-ipc-access-check><enabled>{Conf["check"]}</enabled><filename>/nso/etc/ipc_access</filename></ncs-ipc-access-check>
                  <netconf-north-bound><transport><ssh><enabled>true</enabled><ip>0.0.0.0</ip><port>{Conf["netconf"]}</port></ssh></transport></netconf-north-bound>
                  <cli><ssh><enabled>true</enabled><ip>0.0.0.0</ip><port>2024</port></ssh></cli>
                  <webui><enabled>{Conf["webui"]}</enabled><transport><tcp><enabled>{Conf["webui"]}</enabled><ip>0.0.0.0</ip><port>8080</port></tcp></transport></webui>
                </ncs-config>
                """);
            File.WriteAllText(Path.Combine(context, "pre-ncs-start.d", "50-secret.sh"), Hook);
            File.WriteAllText(Path.Combine(context, "ipc_access"), Secret);
            var secrets = Path.Combine(Directory, "secrets", "cfs");
            System.IO.Directory.CreateDirectory(secrets);
            File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var secret = Path.Combine(secrets, "ipc_access");
            if (File.Exists(secret))
            {
                File.Delete(secret);
            }

            File.WriteAllText(secret, Secret);
            File.SetUnixFileMode(secret, SecretMode);
        }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
