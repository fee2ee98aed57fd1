// The default NsoDev topology: Nso:Count instances, nso-1 ... nso-N, each shaped by its
// Nso:Instances:NAME section, and a client per instance that proves the injected variables work.
// `dotnet run --project AppHost -- --Nso:Count=5` runs five.

// Before the builder reads them: beside another AppHost, the launch profile's taken ports move to free ones.
LaunchProfilePorts.MoveTakenPorts(args, Console.Out);
var builder = DistributedApplication.CreateBuilder(args);

var topology = NsoTopology.FromConfiguration(builder.Configuration);
var templates = Path.Combine(AppContext.BaseDirectory, "instance-templates");
var statusScript = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "samples", "ncs-status", "ncs-status.sh"));
IResourceBuilder<NsoResource>? first = null;
foreach (var options in topology.Instances)
{
    var nso = builder.AddNso(options.Name);
    first ??= nso;
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

    if (topology.RunRoot is { } runRoot)
    {
        nso.WithRunDirectory(Path.Combine(runRoot, options.Name));
    }

    if (!topology.Clients)
    {
        continue;
    }

    // `ncs --status` with only the injected environment: Running while the variables work.
    builder.AddExecutable($"{options.Name}-status", "/bin/sh", Path.GetDirectoryName(statusScript)!, statusScript)
        .WithReference(nso)
        .WaitFor(nso)
        .WithEnvironment(context => context.EnvironmentVariables["NCS"] = nso.Resource.NcsExecutable ?? "ncs")
        .ExcludeFromManifest();
}

// A .NET client through ServiceDefaults' AddNsoIpc: the IPC preamble every 5 s, with the access check when it is on.
if (topology.Clients)
{
    builder.AddProject<Projects.IpcClient>("ipc-client")
        .WithReference(first!)
        .WaitFor(first!);
}

builder.Build().Run();
