using System.Text;

namespace NsoDev.Ipc;

/// <summary>The limit of a Unix socket path (NSO-NOTES §1): <c>sun_path</c> holds 108 bytes, NUL included.</summary>
public static class IpcSocketPath
{
    /// <summary>The most bytes a socket path may have.</summary>
    public const int MaxBytes = 107;

    /// <summary>The path's length in bytes, as the kernel counts it.</summary>
    /// <param name="path">The socket path.</param>
    /// <returns>Its UTF-8 length.</returns>
    public static int ByteLength(string path) => Encoding.UTF8.GetByteCount(path);

    /// <summary>Whether the path fits.</summary>
    /// <param name="path">The socket path.</param>
    /// <returns>True when it has at most <see cref="MaxBytes"/> bytes.</returns>
    public static bool Fits(string path) => ByteLength(path) <= MaxBytes;
}
