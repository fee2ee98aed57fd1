using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NsoDev.Simulator.HaRaft.Transport.Epmd;

/// <summary>
/// A node's side of epmd (NSO-NOTES §15): register a name for as long as a connection stays open, look
/// up another node's port, list the names. Talks to any epmd: Erlang's own, or <c>nso-sim epmd</c>.
/// </summary>
internal static class EpmdClient
{
    /// <summary>Registers <paramref name="node"/>; the name stays registered until the registration is disposed.</summary>
    /// <exception cref="SocketException">No epmd listens at <paramref name="epmd"/>.</exception>
    /// <exception cref="EpmdRefusedException">epmd refused the name: another node holds it.</exception>
    /// <exception cref="InvalidDataException">What answered is not epmd.</exception>
    public static async Task<EpmdRegistration> RegisterAsync(IPEndPoint epmd, EpmdNode node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var socket = await ConnectAsync(epmd, cancellationToken);
        var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await stream.WriteAsync(EpmdProtocol.Alive2(node), cancellationToken);
            var header = new byte[2];
            await stream.ReadExactlyAsync(header, cancellationToken);
            var creation = header[0] switch
            {
                EpmdProtocol.Alive2ExtendedResponse => await ReadUInt32Async(stream, cancellationToken),
                EpmdProtocol.Alive2Response => await ReadUInt16Async(stream, cancellationToken),
                _ => throw new InvalidDataException($"{epmd} answered ALIVE2_REQ with the byte {header[0]}, not ALIVE2_X_RESP (118) or ALIVE2_RESP (121)"),
            };
            if (header[1] != 0)
            {
                throw new EpmdRefusedException(node.Name, header[1]);
            }

            return new EpmdRegistration(stream, creation);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port a node of that name registered, or null when epmd knows none.</summary>
    /// <exception cref="SocketException">No epmd listens at <paramref name="epmd"/>.</exception>
    /// <exception cref="InvalidDataException">What answered is not epmd.</exception>
    public static async Task<EpmdNode?> PortPleaseAsync(IPEndPoint epmd, string name, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(await ConnectAsync(epmd, cancellationToken), ownsSocket: true);
        await stream.WriteAsync(EpmdProtocol.PortPlease2(name), cancellationToken);
        var answer = await ReadToEndAsync(stream, cancellationToken);
        if (answer.Length < 2 || answer[0] != EpmdProtocol.Port2Response)
        {
            throw new InvalidDataException($"{epmd} answered PORT_PLEASE2_REQ with {answer.Length} bytes, not PORT2_RESP (119)");
        }

        return answer[1] == 0 ? EpmdProtocol.ReadNodeTail(answer.AsSpan(2)) : null;
    }

    /// <summary>epmd's own port and the names it holds, from its <c>name N at port P</c> lines.</summary>
    /// <exception cref="SocketException">No epmd listens at <paramref name="epmd"/>.</exception>
    /// <exception cref="InvalidDataException">What answered is not epmd.</exception>
    public static async Task<EpmdNames> NamesAsync(IPEndPoint epmd, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(await ConnectAsync(epmd, cancellationToken), ownsSocket: true);
        await stream.WriteAsync(EpmdProtocol.Names(), cancellationToken);
        var answer = await ReadToEndAsync(stream, cancellationToken);
        if (answer.Length < 4)
        {
            throw new InvalidDataException($"{epmd} answered NAMES_REQ with {answer.Length} bytes, fewer than its 4-byte port");
        }

        var names = new List<(string, int)>();
        foreach (var line in Encoding.UTF8.GetString(answer.AsSpan(4)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "name ncsd1 at port 4370"
            var at = line.LastIndexOf(" at port ", StringComparison.Ordinal);
            if (!line.StartsWith("name ", StringComparison.Ordinal) || at < 5
                || !int.TryParse(line.AsSpan(at + 9), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                throw new InvalidDataException($"{epmd} listed '{line}', not 'name NAME at port PORT'");
            }

            names.Add((line[5..at], port));
        }

        return new EpmdNames((int)BinaryPrimitives.ReadUInt32BigEndian(answer), names);
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint epmd, CancellationToken cancellationToken)
    {
        var socket = new Socket(epmd.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(epmd, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>epmd closes the connection after PORT2_RESP and NAMES_RESP; this reads up to that, at most 1 MiB.</summary>
    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > 1024 * 1024)
            {
                throw new InvalidDataException("an epmd answer of more than 1 MiB");
            }
        }

        return buffer.ToArray();
    }

    private static async Task<uint> ReadUInt32Async(NetworkStream stream, CancellationToken cancellationToken)
    {
        var bytes = new byte[4];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static async Task<uint> ReadUInt16Async(NetworkStream stream, CancellationToken cancellationToken)
    {
        var bytes = new byte[2];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return BinaryPrimitives.ReadUInt16BigEndian(bytes);
    }
}

/// <summary>A name registered with epmd: it stays registered while this holds the connection open.</summary>
internal sealed class EpmdRegistration : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    public EpmdRegistration(NetworkStream stream, uint creation)
    {
        _stream = stream;
        Creation = creation;
        Lost = WatchAsync();
    }

    /// <summary>The creation number epmd gave this registration.</summary>
    public uint Creation { get; }

    /// <summary>Completes when epmd closes the connection (it stopped), or this is disposed.</summary>
    public Task Lost { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _disposing.CancelAsync();
        await _stream.DisposeAsync();
        await Lost;
        _disposing.Dispose();
    }

    private async Task WatchAsync()
    {
        var sink = new byte[64];
        try
        {
            while (await _stream.ReadAsync(sink, _disposing.Token) > 0)
            {
                // epmd sends nothing more on a registration's connection.
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset by epmd (lost, as after a close), or disposed here.
        }
    }
}

/// <summary>What NAMES_REQ returns.</summary>
internal sealed record EpmdNames(int EpmdPort, IReadOnlyList<(string Name, int Port)> Nodes);

/// <summary>epmd answered ALIVE2_REQ with an error: the name is registered by a node that still holds it.</summary>
internal sealed class EpmdRefusedException(string name, byte result)
    : Exception($"epmd refused to register the name '{name}' (result {result}): another node holds it")
{
    public string Name { get; } = name;
}
