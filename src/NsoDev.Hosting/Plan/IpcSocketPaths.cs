using System.Security.Cryptography;
using System.Text;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Plan;

/// <summary>Unix socket paths for local IPC: short, per user, stable per runtime directory.</summary>
internal static class IpcSocketPaths
{
    public static string Directory => Path.Combine(UserRuntimeDirectory.Root, "ipc");

    /// <summary>A default path such as <c>/run/user/1000/nsodev/ipc/nso-2.3f9a2c1b.sock</c>: the hash of the runtime directory keeps app hosts apart.</summary>
    public static string Default(string instanceName, string runDirectory)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runDirectory)))[..8];
        var named = Path.Combine(Directory, $"{instanceName}.{hash}.sock");
        return IpcSocketPath.Fits(named) ? named : Path.Combine(Directory, $"{hash}.sock");
    }

    public static void EnsureFits(string path, string instanceName)
    {
        if (!IpcSocketPath.Fits(path))
        {
            throw new NsoDeclarationException($"The IPC socket path for '{instanceName}' is {IpcSocketPath.ByteLength(path)} bytes long, but a Unix socket path must fit in {IpcSocketPath.MaxBytes} bytes: '{path}'. Choose a shorter path in WithUnixSocketIpc(path), or leave it out to get a short per-user path.");
        }
    }
}

/// <summary>A declaration that cannot run; the message names the problem and the fix.</summary>
internal sealed class NsoDeclarationException(string message) : InvalidOperationException(message);
