using System.Globalization;
using NsoDev.Simulator.Cli;

namespace NsoDev.Simulator.Control;

/// <summary>
/// The SimControl request <c>ncs_cli</c> sends for each line it reads, and the daemon's reply. nso-sim's own
/// framing (NSO's CLI protocol is not public), one text frame each way:
/// <code>
/// cli
/// admin
/// show ha-raft status role
/// </code>
/// is answered with the exit status on the first line (0 ran, 1 failed) and the output after it:
/// <code>
/// 0
/// ha-raft status role leader
/// </code>
/// </summary>
internal static class CliRequest
{
    private const string Kind = "cli\n";

    public static string Format(string user, string line) => Kind + user + "\n" + line;

    public static (string User, string Line)? TryParse(string request)
    {
        if (!request.StartsWith(Kind, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = request[Kind.Length..];
        var newline = rest.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? null : (rest[..newline], rest[(newline + 1)..]);
    }

    public static string Reply(CliOutcome? outcome) =>
        outcome is null
            ? "1\nError: the CLI is not available yet; wait until the daemon has started (ncs --wait-started)"
            : (outcome.Failed ? "1" : "0") + "\n" + string.Join('\n', outcome.Lines);

    /// <summary>The reply's exit status and output lines.</summary>
    public static (bool Failed, IReadOnlyList<string> Lines) ParseReply(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var newline = reply.IndexOf('\n', StringComparison.Ordinal);
        var status = newline < 0 ? reply : reply[..newline];
        var output = newline < 0 ? string.Empty : reply[(newline + 1)..];
        var failed = !int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code != 0;
        return (failed, output.Length == 0 ? [] : output.Split('\n'));
    }
}
