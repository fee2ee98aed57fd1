using System.Globalization;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The access-check secret (NSO-NOTES §4): the whole file, byte for byte; a trailing
/// newline is part of it. The daemon reads <c>ncs-ipc-access-check/filename</c>, clients read
/// <c>NCS_IPC_ACCESS_FILE</c>.
/// </summary>
internal static class IpcSecretFile
{
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <exception cref="IpcSecretFileException">Missing or unreadable; the message says why.</exception>
    public static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IpcSecretFileException(e.Message.TrimEnd('.'), e);
        }
    }

    /// <summary>
    /// The seed page asks for mode 0400: a warning when group or others have any access, or null.
    /// Sample: <c>/srv/nso/ipc_access is mode 0644: group or others can read the IPC secret; run chmod 0400 /srv/nso/ipc_access</c>.
    /// </summary>
    public static string? ModeWarning(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) == 0)
        {
            return null;
        }

        var octal = Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{path} is mode {octal}: group or others can read the IPC secret; run chmod 0400 {path}");
    }
}

/// <summary>The secret file cannot be read: the daemon exits 21, a control command exits 1.</summary>
internal sealed class IpcSecretFileException : Exception
{
    public IpcSecretFileException()
    {
    }

    public IpcSecretFileException(string message)
        : base(message)
    {
    }

    public IpcSecretFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The daemon refused this client's access-check exchange; the client reports "Access Rejected".</summary>
internal sealed class IpcAccessRejectedException : Exception
{
    public IpcAccessRejectedException()
    {
    }

    public IpcAccessRejectedException(string message)
        : base(message)
    {
    }

    public IpcAccessRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
