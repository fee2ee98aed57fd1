using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Declare;

/// <summary>
/// The rules a declaration must keep. Explicit ports are checked as they are declared; the rules that
/// join two calls are checked once the declaration is complete, before anything starts, so the order
/// of the calls does not matter.
/// </summary>
internal static class DeclarationRules
{
    /// <summary>In range, not reserved, not a privileged port this user cannot bind, not given twice.</summary>
    public static void CheckExplicitPort(IResourceBuilder<NsoResource> builder, int? port, NsoPortKind kind)
    {
        if (port is not int p)
        {
            return;
        }

        var what = $"'{builder.Resource.Name}' {kind.EndpointName()}";
        if (p is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), p, $"Port {p} for {what} is not a TCP port. Use a port from 1 to 65535, or leave it out to have one planned.");
        }

        if (PortPlanner.ReservedPorts.Contains(p))
        {
            throw new ArgumentOutOfRangeException(nameof(port), p, $"Port {p} for {what} is reserved for NSO (2023 NETCONF over TCP, 4334 call-home, 4369 epmd for HA Raft, 4570 HA). Choose another port.");
        }

        // Only where this machine binds it: a published container maps its ports itself.
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode && LowPorts.Refusal(p) is { } refusal)
        {
            throw new ArgumentOutOfRangeException(nameof(port), p, $"Port {p} for {what} {refusal}");
        }

        foreach (var other in builder.ApplicationBuilder.Resources.OfType<NsoResource>())
        {
            foreach (var (otherKind, otherPort) in other.Declaration().PortRequests())
            {
                if (otherPort == p && !(ReferenceEquals(other, builder.Resource) && otherKind == kind))
                {
                    throw new InvalidOperationException($"Port {p} is given to both '{other.Name}' {otherKind.EndpointName()} and {what}. Give each its own port, or leave one out to have it planned.");
                }
            }
        }
    }

    /// <summary>The rules that join calls, for a complete declaration.</summary>
    /// <exception cref="NsoDeclarationException">A rule is broken; the message names the fix.</exception>
    public static void CheckComplete(NsoResource resource)
    {
        var declaration = resource.Declaration();
        if (declaration.Ipc is IpcDeclaration.Tcp { IsLoopback: false } tcp && declaration.AccessCheck is null)
        {
            throw new NsoDeclarationException($"NSO instance '{resource.Name}' would serve IPC on {tcp.Address}, which opens it to unauthenticated clients on other hosts. Add WithIpcAccessCheck() to it, or keep IPC on 127.0.0.1.");
        }

        if (declaration.Lifetime == Lifetime.Persistent && !declaration.DataPersistence)
        {
            throw new NsoDeclarationException($"NSO instance '{resource.Name}' has a persistent lifetime, which keeps its daemon and CDB across app host runs, and WithDataPersistence(false), which wipes CDB before every start. Remove one of the two.");
        }

        // NSO-NOTES §1: ncs-local-ipc came in 6.4; a real engine's version is checked once it is known.
        if (declaration.Ipc is IpcDeclaration.UnixSocket && declaration.Engine is EngineChoice.Simulator { Release: { } release } && release < NsoRelease.LocalIpcIntroduced)
        {
            throw new NsoDeclarationException(
                $"NSO instance '{resource.Name}' runs on nso-sim as NSO {release}, which has no local IPC (ncs-local-ipc came in NSO {NsoRelease.LocalIpcIntroduced}), so it cannot serve IPC on a Unix socket. Use WithTcpIpc() for this instance, or RunAsSimulator(\"{NsoRelease.LocalIpcIntroduced}\") or later.");
        }
    }
}
