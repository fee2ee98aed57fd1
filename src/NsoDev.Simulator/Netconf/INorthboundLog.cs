namespace NsoDev.Simulator.Netconf;

/// <summary>
/// Where the northbound layers (NETCONF and CLI) report what users do: NSO's audit.log and
/// netconf.log. Callers pass user names, session ids, operation names and message-ids, never
/// request content, so no password can reach a log.
/// </summary>
internal interface INorthboundLog
{
    /// <summary>A line for audit.log, such as <c>user: admin/12 new netconf session</c>.</summary>
    void Audit(string message);

    /// <summary>A line for netconf.log, such as <c>id=12 got rpc: get-config message-id="101"</c>.</summary>
    void Netconf(string message);
}

/// <summary>Drops every line.</summary>
internal sealed class NullNorthboundLog : INorthboundLog
{
    public static NullNorthboundLog Instance { get; } = new();

    public void Audit(string message)
    {
    }

    public void Netconf(string message)
    {
    }
}
