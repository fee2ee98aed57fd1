using System.Net;

namespace NsoDev.Simulator.Ssh;

/// <summary>
/// Audit lines for one connection, prefixed with the client's address. Text from the client
/// is made printable and short before it gets here; secrets never do.
/// </summary>
internal sealed class AuditLog(Action<string>? sink, IPEndPoint? remote)
{
    private readonly string _prefix = $"ssh {remote?.ToString() ?? "(stream)"}: ";

    public void Write(string line) => sink?.Invoke(_prefix + line);

    /// <summary>Client-supplied text, safe for one log line.</summary>
    public static string Printable(string text, int max = 64)
    {
        var chars = text.Take(max).Select(c => char.IsControl(c) ? '?' : c);
        return new string([.. chars]) + (text.Length > max ? "..." : "");
    }
}
