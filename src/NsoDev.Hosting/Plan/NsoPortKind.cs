
namespace NsoDev.Hosting.Plan;

/// <summary>The TCP ports an NSO instance can listen on. The value is the offset inside an instance's port block.</summary>
internal enum NsoPortKind
{
    Ipc = 0,
    Netconf = 1,
    Cli = 2,
    WebUi = 3,

    /// <summary>An HA Raft node's own port: 6.7's <c>listen/port</c>, or up to 6.6 its one distribution port (min-port = max-port).</summary>
    HaRaft = 4,
}

internal static class NsoPortKinds
{
    /// <summary>NSO's stock ports (NSO-NOTES §1), which the first instance gets when they are free.</summary>
    public static int StockPort(this NsoPortKind kind) => kind switch
    {
        NsoPortKind.Ipc => 4569,
        NsoPortKind.Netconf => 2022,
        NsoPortKind.Cli => 2024,
        NsoPortKind.WebUi => 8080,
        // NSO's default listen/port; reserved, so never planned (two nodes could not share it).
        NsoPortKind.HaRaft => 4570,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind whose <see cref="EndpointName"/> is <paramref name="name"/>, or null.</summary>
    public static NsoPortKind? FromEndpointName(string name) =>
        Enum.GetValues<NsoPortKind>().Cast<NsoPortKind?>().FirstOrDefault(k => k!.Value.EndpointName() == name);

    /// <summary>The endpoint name used on the Aspire resource and in the manifest.</summary>
    public static string EndpointName(this NsoPortKind kind) => kind switch
    {
        NsoPortKind.Ipc => "ipc",
        NsoPortKind.Netconf => "netconf",
        NsoPortKind.Cli => "cli",
        NsoPortKind.WebUi => "webui",
        NsoPortKind.HaRaft => "ha-raft",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
