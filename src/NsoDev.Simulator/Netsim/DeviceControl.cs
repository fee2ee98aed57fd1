using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Netsim;

/// <summary>
/// What a device daemon serves on its IPC port. ConfD's IPC protocol is not public, so this is
/// nso-sim's own (NSO-NOTES §10): the client sends one line, <c>status</c> or <c>stop</c>, and reads
/// the reply until the daemon closes. <c>status</c> answers
/// <code>
/// status: started
/// pid: 4242
/// name: device0
/// listen:
///   ipc: tcp 127.0.0.1:5010
///   netconf-ssh: tcp 127.0.0.1:12022
///   cli-ssh: tcp 127.0.0.1:10022
/// </code>
/// and <c>stop</c> answers <c>stopping pid: 4242</c>, then the daemon exits.
/// </summary>
internal sealed class DeviceControl(Func<string> status, Action stop) : IConnectionHandler
{
    public const string StatusRequest = "status";
    public const string StopRequest = "stop";

    private const int MaxRequest = 64;
    private static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(5);

    public async Task HandleAsync(Stream connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RequestWait);
        var request = await ReadLineAsync(connection, limit.Token);
        var reply = request switch
        {
            StatusRequest => status(),
            StopRequest => string.Create(CultureInfo.InvariantCulture, $"stopping pid: {Environment.ProcessId}\n"),
            _ => $"error: unknown request \"{request}\"; send status or stop\n",
        };
        await connection.WriteAsync(Encoding.UTF8.GetBytes(reply), cancellationToken);
        await connection.FlushAsync(cancellationToken);
        if (request == StopRequest)
        {
            stop();
        }
    }

    /// <summary>
    /// Sends one request to the daemon at <paramref name="endPoint"/>; null when nothing
    /// answers there (nothing listens, or it closed without a reply).
    /// </summary>
    public static async Task<string?> RequestAsync(IPEndPoint endPoint, string request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
            await client.ConnectAsync(endPoint, limit.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n"), limit.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var reply = await reader.ReadToEndAsync(limit.Token);
            return reply.Length == 0 ? null : reply;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<string> ReadLineAsync(Stream connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequest];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await connection.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            var newline = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (newline >= 0)
            {
                length = newline;
                break;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }
}
