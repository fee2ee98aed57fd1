using System.Net;

namespace NsoDev.Simulator.Configuration;

/// <summary>One socket the daemon listens on.</summary>
/// <param name="Name">The name <c>--status</c> shows, such as <c>cli-ssh</c>.</param>
/// <param name="ConfPath">Where ncs.conf sets it, such as <c>cli/ssh</c>; errors name this.</param>
/// <param name="Enabled">False when ncs.conf turns the service or its transport off.</param>
/// <param name="Address">The <c>ip</c> leaf.</param>
/// <param name="Port">The <c>port</c> leaf; 0 lets the OS choose.</param>
internal sealed record ListenerConf(string Name, string ConfPath, bool Enabled, IPAddress Address, int Port)
{
    public IPEndPoint EndPoint => new(Address, Port);
}
