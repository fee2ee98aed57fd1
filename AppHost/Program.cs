// The default NsoDev topology: Nso:Count instances, nso-1 ... nso-N, each shaped by its
// Nso:Instances:NAME section, with Nso:Devices netsim devices each (3 unless an instance names its
// own Netsim networks), and a client per instance that proves the injected variables work.
// `dotnet run --project AppHost -- --Nso:Count=5` runs five; Nso:RunRoot (read by the integration)
// moves their runtime directories. --Nso:Raft:Nodes=3 (an HA Raft cluster) and --Nso:Lsa:LowerNodes=2
// (an LSA upper node and its lower nodes) come instead of the default instances.

using Microsoft.Extensions.DependencyInjection;

// Before the builder reads them: beside another AppHost, the launch profile's taken ports move to free ones.
LaunchProfilePorts.MoveTakenPorts(args, Console.Out);
var builder = DistributedApplication.CreateBuilder(args);

var topology = NsoTopology.FromConfiguration(builder.Configuration);
var templates = Path.Combine(AppContext.BaseDirectory, "instance-templates");
var samplePackage = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "samples", "packages", "router-nc"));
var statusScript = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "samples", "ncs-status", "ncs-status.sh"));
var instances = new List<IResourceBuilder<NsoResource>>();
var statusClients = new List<(IResource Client, NsoResource Nso)>();
foreach (var options in topology.Instances)
{
    var nso = builder.AddNso(options.Name);
    instances.Add(nso);
    if (options.AccessCheck)
    {
        nso.WithIpcAccessCheck();
    }

    if (options.Ipc == "unix")
    {
        nso.WithUnixSocketIpc(options.SocketPath);
    }
    else
    {
        nso.WithTcpIpc(options.IpcPort, options.IpcAddress);
    }

    nso.WithNetconf(options.NetconfPort).WithCli(options.CliPort).WithDataPersistence(options.DataPersistence);
    if (options.Lifetime == "persistent")
    {
        nso.WithLifetime(Lifetime.Persistent);
    }

    if (options.WebUi)
    {
        nso.WithWebUi(options.WebUiPort);
    }

    if (options.TemplatePath(templates) is { } template)
    {
        nso.WithTemplate(template);
    }

    if (options.Engine == "simulator" || options.SimulatedRelease is not null)
    {
        nso.RunAsSimulator(options.SimulatedRelease);
    }

    foreach (var netsim in options.Netsim)
    {
        nso.WithNetsimDevices(netsim.Package, netsim.Count, netsim.Prefix);
    }

    // The first run shows the whole picture: each instance with devices, onboarded and in sync.
    if (options.Netsim.Count == 0 && topology.Devices > 0)
    {
        if ((topology.DevicePackage ?? DefaultNed.For(options, samplePackage, Environment.GetEnvironmentVariable)) is { } ned)
        {
            nso.WithNetsimDevices(ned, topology.Devices, "ex");
        }
        else
        {
            Console.WriteLine($"{options.Name}: no default netsim devices, since this NSO has no $NCS_DIR/packages/neds/cisco-ios-cli-* NED. Name one with --Nso:DevicePackage=PATH, or turn them off with --Nso:Devices=0.");
        }
    }

    if (!topology.Clients)
    {
        continue;
    }

    // `ncs --status` with only the injected environment: Running while the variables work. It exits
    // when the instance stops, and runs again when the instance has started again (StatusClientRestarts).
    var status = builder.AddExecutable($"{options.Name}-status", "/bin/sh", Path.GetDirectoryName(statusScript)!, statusScript)
        .WithReference(nso)
        .WaitFor(nso)
        .ExcludeFromManifest();
    statusClients.Add((status.Resource, nso.Resource));
}

// --Nso:Raft:Nodes=3: an HA Raft cluster, created once its nodes run; the IPC client holds each node.
if (topology.RaftNodes > 0)
{
    var raft = builder.AddNsoRaftCluster("raft", topology.RaftNodes);
    foreach (var ordinal in Enumerable.Range(1, topology.RaftNodes))
    {
        var node = raft.GetNode(ordinal);
        if (topology.RaftSimulatedRelease is { } release)
        {
            node.RunAsSimulator(release);
        }

        instances.Add(node);
    }
}

// --Nso:Lsa:LowerNodes=2: an LSA upper node and its lower nodes, each lower node with the default
// devices, so the three layers (upper, lower, devices) are there from the first run.
if (topology.LsaLowerNodes > 0)
{
    var lsa = builder.AddNsoLsa("lsa", topology.LsaLowerNodes);
    foreach (var number in Enumerable.Range(1, topology.LsaLowerNodes))
    {
        var lower = lsa.GetLowerNode(number);
        if (topology.Devices > 0 && (topology.DevicePackage ?? DefaultNed.For(new NsoInstanceOptions(lower.Resource.Name), samplePackage, Environment.GetEnvironmentVariable)) is { } ned)
        {
            lower.WithNetsimDevices(ned, topology.Devices, "ex");
        }

        instances.Add(lower);
    }

    instances.Add(lsa.GetUpperNode());
}

if (statusClients.Count > 0 && builder.ExecutionContext.IsRunMode)
{
    builder.Services.AddHostedService(services => new StatusClientRestarts(
        statusClients,
        services.GetRequiredService<ResourceNotificationService>(),
        services.GetRequiredService<ResourceCommandService>(),
        services.GetRequiredService<ResourceLoggerService>()));
}

// A .NET client that holds every instance as a connection string, and the first also as the plain
// NCS_IPC_* variables: the IPC preamble to each every 5 s, with the access check where it is on.
if (topology.Clients)
{
    var client = builder.AddProject<Projects.IpcClient>("ipc-client");
    foreach (var (nso, index) in instances.Select((nso, index) => (nso, index)))
    {
        client.WithReference(nso, ncsIpcVariables: index == 0).WaitFor(nso);
    }
}

builder.Build().Run();
