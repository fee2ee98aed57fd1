using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>The identification strings that open a connection (RFC 4253 section 4.2).</summary>
internal static class VersionExchange
{
    /// <summary>
    /// Ours. The software version names the simulator, so that nobody mistakes it for NSO's
    /// own SSH server.
    /// </summary>
    public const string ServerVersion = "SSH-2.0-nso-sim_1.0";

    /// <summary>The line limit of RFC 4253 section 4.2, CR LF included.</summary>
    public const int MaxLineLength = 255;

    /// <summary>Lines a client may send before its version; RFC 4253 allows them only to servers, some clients send them anyway.</summary>
    public const int MaxPreambleLines = 32;

    public static async Task<string> ReadClientVersionAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var preamble = 0;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (TryReadLine(ref buffer, out var line))
            {
                if (line.StartsWith("SSH-", StringComparison.Ordinal))
                {
                    input.AdvanceTo(buffer.Start);
                    return CheckVersion(line);
                }

                if (++preamble > MaxPreambleLines)
                {
                    throw new SshProtocolException(DisconnectReason.ProtocolVersionNotSupported, $"no SSH version line within {MaxPreambleLines} lines");
                }
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the client closed the connection before sending its SSH version");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n" -> "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13"
    // A bare LF ends a line too (RFC 4253 section 4.2 asks servers to accept that).
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        line = "";
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, (byte)'\n'))
        {
            if (buffer.Length >= MaxLineLength)
            {
                throw new SshProtocolException(DisconnectReason.ProtocolVersionNotSupported, $"a line longer than {MaxLineLength} bytes where the SSH version belongs");
            }

            return false;
        }

        if (bytes.Length + 1 > MaxLineLength)
        {
            throw new SshProtocolException(DisconnectReason.ProtocolVersionNotSupported, $"a line longer than {MaxLineLength} bytes where the SSH version belongs");
        }

        line = Encoding.Latin1.GetString(bytes).TrimEnd('\r');
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    // The exchange hash covers this string exactly, so it must be printable US-ASCII.
    private static string CheckVersion(string line)
    {
        if (!line.StartsWith("SSH-2.0-", StringComparison.Ordinal) && !line.StartsWith("SSH-1.99-", StringComparison.Ordinal))
        {
            throw new SshProtocolException(DisconnectReason.ProtocolVersionNotSupported, $"the client speaks {Printable(line)}; this server speaks SSH-2.0 only");
        }

        if (line.Any(c => c is < ' ' or > '~'))
        {
            throw new SshProtocolException(DisconnectReason.ProtocolVersionNotSupported, "the client's version line has characters that are not printable US-ASCII");
        }

        return line;
    }

    private static string Printable(string text) =>
        new([.. text.Take(40).Select(c => c is < ' ' or > '~' ? '?' : c)]);
}
