using System.Buffers.Binary;
using System.Text;
using NsoDev.Simulator.Ssh.Tests.Support;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests;

public sealed class RobustnessTests
{
    private static readonly byte[] VersionLine = Encoding.ASCII.GetBytes("SSH-2.0-Fuzzer_1.0\r\n");

    // A connection that hangs is a bug; this bound only tells it apart from a slow machine.
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 20_000)]
    public async Task An_oversized_packet_length_gets_a_disconnect_that_names_the_limit()
    {
        await using var server = InProcessServer.Create();
        var (stream, served) = server.Connect();

        await stream.WriteAsync(VersionLine, TestContext.Current.CancellationToken);
        await stream.WriteAsync(new byte[] { 0x00, 0x40, 0x00, 0x00, 0x05, 0x14, 0, 0 }, TestContext.Current.CancellationToken);

        var (version, packets) = await InProcessServer.ReadPlainToEndAsync(stream, TestContext.Current.CancellationToken);
        await served.WaitAsync(HangBound, TestContext.Current.CancellationToken);
        Assert.Equal("SSH-2.0-nso-sim_1.0", version);
        Assert.Equal(SshMessage.KexInit, packets[0].MessageNumber);
        Assert.Equal((DisconnectReason.ProtocolError, "packet length 4194304 is over the limit of 262144 bytes"), Messages.Disconnect(packets[1]));
        Assert.Contains(server.Log, line => line.EndsWith("disconnecting: packet length 4194304 is over the limit of 262144 bytes", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_kexinit_cut_short_gets_a_disconnect()
    {
        await using var server = InProcessServer.Create();
        var (stream, served) = server.Connect();

        await stream.WriteAsync(VersionLine, TestContext.Current.CancellationToken);
        await stream.WriteAsync(new PacketWriter().Frame([SshMessage.KexInit, .. new byte[16], 0, 0, 0, 50, .. "ecdh"u8]), TestContext.Current.CancellationToken);

        var (_, packets) = await InProcessServer.ReadPlainToEndAsync(stream, TestContext.Current.CancellationToken);
        await served.WaitAsync(HangBound, TestContext.Current.CancellationToken);
        Assert.Equal("a string of 50 bytes runs past the end of the message (4 bytes left)", Messages.Disconnect(packets[^1]).Description);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_client_that_hangs_up_in_the_middle_of_a_packet_ends_its_connection_quietly()
    {
        await using var server = InProcessServer.Create();
        var (stream, served) = server.Connect();

        await stream.WriteAsync(VersionLine, TestContext.Current.CancellationToken);
        await stream.WriteAsync(new PacketWriter().Frame(new KexInit(["ecdh-sha2-nistp256"], [], [], [], [], [], [], [], false).ToPayload()).AsMemory(0, 30), TestContext.Current.CancellationToken);
        await stream.DisposeAsync();

        await served.WaitAsync(HangBound, TestContext.Current.CancellationToken);
        Assert.Contains(server.Log, line => line.EndsWith(": the client closed the connection in the middle of a packet", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task Seeded_random_input_ends_each_connection_cleanly_and_the_server_keeps_serving()
    {
        const int Seed = 4253;
        const int Connections = 300;
        var random = new Random(Seed);
        var handlers = new TestHandlers();
        handlers.Commands["alive"] = TestHandlers.Writes("yes");
        await using var server = TestServer.Start(handlers);
        var ssh = server.Server;

        for (var i = 0; i < Connections; i++)
        {
            var (stream, served) = Connect(ssh);
            var input = FuzzInput(random, i % 5);
            try
            {
                await stream.WriteAsync(input, TestContext.Current.CancellationToken);
            }
            catch (InvalidOperationException)
            {
                // The server already closed its end.
            }

            await stream.DisposeAsync();
            var finished = await Task.WhenAny(served, Task.Delay(HangBound, TestContext.Current.CancellationToken));
            Assert.True(finished == served, $"connection {i} (seed {Seed}) did not end: input {Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}");
            await served;
        }

        Assert.DoesNotContain(server.Log, line => line.Contains("internal error", StringComparison.Ordinal));
        using var client = await server.ConnectAsync(TestContext.Current.CancellationToken);
        Assert.Equal("yes", client.RunCommand("alive").Result);
    }

    private static (DuplexPipeStream Client, Task Served) Connect(SshServer server)
    {
        var (client, end) = DuplexPipeStream.CreatePair();
        var served = Task.Run(async () =>
        {
            await using (end)
            {
                await server.HandleConnectionAsync(end, remote: null, CancellationToken.None);
            }
        });
        return (client, served);
    }

    // Five shapes: noise; noise after a version line; well-framed packets with random payloads;
    // a real KEXINIT with a few bytes flipped; a random length prefix.
    private static byte[] FuzzInput(Random random, int shape)
    {
        byte[] Noise(int max)
        {
            var bytes = new byte[random.Next(max)];
            random.NextBytes(bytes);
            return bytes;
        }

        switch (shape)
        {
            case 0:
                return Noise(600);
            case 1:
                return [.. VersionLine, .. Noise(600)];
            case 2:
                var writer = new PacketWriter();
                var packets = Enumerable.Range(0, random.Next(1, 4)).SelectMany(_ => writer.Frame([(byte)random.Next(256), .. Noise(200)]));
                return [.. VersionLine, .. packets];
            case 3:
                var kexinit = new PacketWriter().Frame(new KexInit(["ecdh-sha2-nistp256"], ["ecdsa-sha2-nistp256"], ["aes128-ctr"], ["aes128-ctr"], ["hmac-sha2-256"], ["hmac-sha2-256"], ["none"], ["none"], false).ToPayload());
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    kexinit[random.Next(5, kexinit.Length)] ^= (byte)random.Next(1, 256);
                }

                return [.. VersionLine, .. kexinit];
            default:
                var head = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(head, (uint)random.Next());
                return [.. VersionLine, .. head, .. Noise(100)];
        }
    }
}
