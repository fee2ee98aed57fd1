using System.Text.Json.Nodes;
using Aspire.Hosting;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>
/// The manifest as Aspire publishes it, checked against Aspire's manifest schema, and each NSO entry
/// against what Cisco's image needs to start as declared (<see cref="DeployableNsoEntry"/>).
/// </summary>
public sealed class PublishedManifestTests
{
    private static readonly Dictionary<string, string> ParameterValues = new()
    {
        ["nso-admin-password"] = "admin-password-3kd",
        ["cfs-ipc-secret"] = "cfs-secret-9Vq",
        ["rfs-ipc-secret"] = "rfs-secret-T2m",
        ["lsa-secret"] = "lsa-secret-Hh4",
    };

    [Fact]
    public void The_committed_manifest_is_valid_against_aspires_manifest_schema()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "aspire-manifest.json")))!;

        Assert.Empty(PublishedApp.SchemaErrors(PublishedApp.ManifestSchema(), manifest));
    }

    [Fact]
    public void The_committed_manifest_gives_every_nso_entry_cisco_image_bindings_and_no_secret_in_its_environment()
    {
        var resources = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "aspire-manifest.json")))!["resources"]!.AsObject();

        var entries = resources.Where(r => r.Value!["bindings"]?["ipc"] is not null).ToList();
        Assert.Equal(["nso-1", "nso-2"], entries.Select(e => e.Key).Order());
        foreach (var (name, entry) in entries)
        {
            Assert.Equal("container.v0", entry!["type"]!.GetValue<string>());
            Assert.StartsWith("cisco-nso-prod:", entry["image"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(["cli", "ipc", "netconf"], entry["bindings"]!.AsObject().Select(b => b.Key).Order());
            Assert.DoesNotContain(entry["env"]!.AsObject(), e => e.Value!.GetValue<string>().Contains("ipc-secret", StringComparison.Ordinal));
            var secret = resources[$"{name}-ipc-secret"]!["inputs"]!["value"]!;
            Assert.True(secret["secret"]!.GetValue<bool>(), $"{name}-ipc-secret is not secret");
            Assert.Null(secret["default"]);
        }
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

        var (resources, files) = await published.PublishAsync(TestContext.Current.CancellationToken);

        Assert.Empty(PublishedApp.SchemaErrors(PublishedApp.ManifestSchema(), new JsonObject { ["resources"] = resources.DeepClone() }));
        foreach (var name in new[] { "cfs", "rfs", "lsa" })
        {
            Assert.Empty(DeployableNsoEntry.Problems(name, resources, files[name], ParameterValues));
        }

        Assert.Equal(["cli", "ipc", "netconf", "webui"], resources["cfs"]!["bindings"]!.AsObject().Select(b => b.Key).Order());
        Assert.Equal(["ipc", "netconf"], resources["rfs"]!["bindings"]!.AsObject().Select(b => b.Key).Order());
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
    [InlineData("no image")]
    [InlineData("ipc on loopback")]
    [InlineData("access check off")]
    [InlineData("netconf port differs")]
    [InlineData("secret in the environment")]
    [InlineData("secret as a literal")]
    [InlineData("secret readable by all")]
    [InlineData("web ui without binding")]
    [InlineData("no ipc binding")]
    public void A_schema_valid_entry_that_would_not_deploy_is_caught(string fault)
    {
        var resources = JsonNode.Parse("""
            {
              "cfs-ipc-secret": { "type": "parameter.v0", "value": "{cfs-ipc-secret.inputs.value}", "inputs": { "value": { "type": "string", "secret": true } } },
              "cfs": {
                "type": "container.v0",
                "image": "cisco-nso-prod:6.5",
                "env": { "ADMIN_USERNAME": "admin" },
                "bindings": {
                  "ipc": { "scheme": "tcp", "protocol": "tcp", "transport": "tcp", "targetPort": 4569 },
                  "netconf": { "scheme": "ssh", "protocol": "tcp", "transport": "tcp", "targetPort": 2022 },
                  "cli": { "scheme": "ssh", "protocol": "tcp", "transport": "tcp", "targetPort": 2024 }
                }
              }
            }
            """)!.AsObject();
        var conf = new Dictionary<string, string>
        {
            ["ipc"] = "0.0.0.0",
            ["check"] = "true",
            ["netconf"] = "2022",
            ["webui"] = "false",
        };
        var secret = new DeliveredFile("/nso/etc/ipc_access", ParameterValues["cfs-ipc-secret"], UnixFileMode.UserRead);
        var expected = fault switch
        {
            "no image" => Fault(() => resources["cfs"]!.AsObject().Remove("image"), "cfs: no image"),
            "ipc on loopback" => Fault(() => conf["ipc"] = "127.0.0.1", "cfs: IPC listens on '127.0.0.1'"),
            "access check off" => Fault(() => conf["check"] = "false", "cfs: IPC on 0.0.0.0 without the access check"),
            "netconf port differs" => Fault(() => conf["netconf"] = "830", "cfs: NETCONF listens on port 830 but its binding targets 2022"),
            "secret in the environment" => Fault(() => resources["cfs"]!["env"]!["IPC_SECRET"] = "{cfs-ipc-secret.value}", "cfs: the secret reaches the environment as IPC_SECRET"),
            "secret as a literal" => Fault(() => secret = secret with { Contents = "hard-coded" }, "cfs: the secret file's contents come from no secret parameter"),
            "secret readable by all" => Fault(() => secret = secret with { Mode = UnixFileMode.UserRead | UnixFileMode.OtherRead }, "cfs: the secret file has mode"),
            "no ipc binding" => Fault(() => resources["cfs"]!["bindings"]!.AsObject().Remove("ipc"), "cfs: no ipc binding"),
            "web ui without binding" => Fault(() => conf["webui"] = "true", "cfs: web UI is on in ncs.conf but has no binding"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        Assert.Empty(DeployableNsoEntry.Problems("cfs", resources, Files(conf, secret), ParameterValues));

        expected.Apply();
        var problems = DeployableNsoEntry.Problems("cfs", resources, Files(conf, secret), ParameterValues);

        Assert.Contains(problems, p => p.StartsWith(expected.Problem, StringComparison.Ordinal));
    }

    private static IReadOnlyList<DeliveredFile> Files(Dictionary<string, string> conf, DeliveredFile secret) =>
    [
        new DeliveredFile("/nso/etc/ncs.conf", $"""
            <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
              <ncs-ipc-address><ip>{conf["ipc"]}</ip><port>4569</port></ncs-ipc-address>
              <ncs-ipc-access-check><enabled>{conf["check"]}</enabled><filename>/nso/etc/ipc_access</filename></ncs-ipc-access-check>
              <netconf-north-bound><transport><ssh><enabled>true</enabled><ip>0.0.0.0</ip><port>{conf["netconf"]}</port></ssh></transport></netconf-north-bound>
              <cli><ssh><enabled>true</enabled><ip>0.0.0.0</ip><port>2024</port></ssh></cli>
              <webui><enabled>{conf["webui"]}</enabled><transport><tcp><enabled>{conf["webui"]}</enabled><ip>0.0.0.0</ip><port>8080</port></tcp></transport></webui>
            </ncs-config>
            """, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead),
        secret,
    ];

    private static (Action Apply, string Problem) Fault(Action apply, string problem) => (apply, problem);
}
