using System.Net;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>How clients reach an instance over IPC, as declared (NSO-FACTS section 1).</summary>
internal abstract record IpcSettings
{
    /// <summary>TCP IPC on <paramref name="Address"/>; a null port is planned.</summary>
    public sealed record Tcp(int? Port, string Address) : IpcSettings
    {
        public bool IsLoopback => IPAddress.TryParse(Address, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>Unix-socket IPC at <paramref name="Path"/>; null means a short per-user path.</summary>
    public sealed record UnixSocket(string? Path) : IpcSettings;
}

/// <summary>A planned IPC endpoint.</summary>
internal abstract record IpcEndpoint
{
    public sealed record Tcp(string Address, int Port) : IpcEndpoint
    {
        public override string ToString() => $"tcp {Address}:{Port}";
    }

    public sealed record UnixSocket(string Path) : IpcEndpoint
    {
        public override string ToString() => $"local {Path}";
    }
}
