using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests;

/// <summary>Plans and planned resources for tests, built the one way the planner builds them.</summary>
internal static class TestPlans
{
    public static NsoInstancePlan Plan(string name, NsoIpcEndpoint ipc, string? accessFile = null, IReadOnlyDictionary<NsoPortKind, int>? ports = null, string runDirectory = "/tmp/x") => new()
    {
        Name = name,
        Engine = new EngineChoice.Automatic(),
        Ipc = ipc,
        Ports = new InstancePorts(name, ports ?? new Dictionary<NsoPortKind, int>()),
        RunDirectory = new RunDirectory(Path.Combine(runDirectory, name)),
        Template = new NcsConfTemplate.SingleFile("/t"),
        AccessFile = accessFile,
        NorthboundAddress = NsoDeclaration.LoopbackAddress,
    };

    /// <summary>A resource as the app host has it after planning, with its engine located.</summary>
    public static NsoResource Planned(NsoIpcEndpoint ipc, string? accessFile = null, NcsEngine? engine = null, string name = "nso-1")
    {
        var nso = new NsoResource(name);
        nso.Annotations.Add(new NsoDeclaration
        {
            Ipc = ipc is NsoIpcEndpoint.UnixSocket unix ? new IpcDeclaration.UnixSocket(unix.Path) : new IpcDeclaration.Tcp(null, ((NsoIpcEndpoint.Tcp)ipc).Address),
            AccessCheck = accessFile is null ? null : new AccessCheckDeclaration(null),
        });
        nso.Annotations.Add(new NsoPlanAnnotation { Plan = Plan(name, ipc, accessFile), Engine = engine ?? new NcsEngine("/opt/nso/bin/ncs", new NsoRelease(6, 5), IsSimulator: false) });
        return nso;
    }
}
