using System.Net;

namespace NsoDev.Hosting.Declare;

/// <summary>How clients reach an instance over IPC, as declared (NSO-NOTES §1).</summary>
internal abstract record IpcDeclaration
{
    /// <summary>TCP IPC on <paramref name="Address"/>; a null port is planned.</summary>
    public sealed record Tcp(int? Port, string Address) : IpcDeclaration
    {
        public bool IsLoopback => IPAddress.TryParse(Address, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>Unix-socket IPC at <paramref name="Path"/>; null means a short per-user path.</summary>
    public sealed record UnixSocket(string? Path) : IpcDeclaration;
}
