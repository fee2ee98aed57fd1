using System.Net;
using System.Net.Sockets;
using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>A peer that reads the whole hello and closes without a reply: what a daemon does as it stops, or an unknown rejection.</summary>
public sealed class ClosedWithoutReplyTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_close_without_a_reply_names_both_likely_causes_and_the_fix()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = new NsoIpcEndpoint.Tcp("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
        var peer = Task.Run(
            async () =>
            {
                using var accepted = await listener.AcceptSocketAsync(cancellationToken);
                var hello = new byte[9];
                var read = 0;
                while (read < hello.Length)
                {
                    read += await accepted.ReceiveAsync(hello.AsMemory(read), cancellationToken);
                }

                return hello;
            },
            cancellationToken);

        var error = await Assert.ThrowsAsync<IpcPreambleException>(() => IpcPreamble.ConnectAsync(new IpcConnectOptions(endpoint, NsoClientType.Maapi, new NsoRelease(6, 5)), cancellationToken));

        Assert.Equal(IpcFailure.AccessRejected, error.Failure);
        Assert.Equal($"Access Rejected: {endpoint} closed the connection without a reply: its access check is probably on, or the daemon is stopping. If the check is on, give this client the daemon's secret file (NCS_IPC_ACCESS_FILE, or AccessFile= in its connection string).", error.Message);
        // The client id byte asked for no challenge, then protocol 85 and NSO 6.5's library version (ConfD 8.5), in one hello.
        Assert.Equal(new byte[] { (byte)NsoClientType.Maapi, 0, 85, 0x08, 0x05, 0, 0 }, (await peer)[..7]);
    }
}
