using System.Buffers.Binary;
using System.Net;
using System.Text;
using NsoDev.Simulator.Control;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Tests.Ipc;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// Seeded, bounded fuzzing of a real daemon's IPC port with the access check on: a fixed seed,
/// a fixed number of connections, and the test's timeout as the time bound. Afterwards the
/// daemon must still be running, still small, and still serving a normal client.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class IpcFuzzProcessTests : DaemonProcessTest
{
    private const int Seed = 4569;
    private const int Connections = 1000;
    private const int Parallel = 8;

    /// <summary>Generous: the daemon idles near 50 MB; unbounded buffering of 16 MB frames would pass this quickly.</summary>
    private const long MaxResidentBytes = 512L * 1024 * 1024;

    private static readonly byte[] Secret = "fuzz-secret-4569\n"u8.ToArray();
    private static readonly NsoVersion Version = NsoVersion.Default;

    [Fact(Timeout = 90000)]
    public async Task Random_and_truncated_bytes_on_the_ipc_port_never_stop_the_daemon_from_serving_a_normal_client()
    {
        await StartAsync(new SimDaemonOptions { Secret = Encoding.UTF8.GetString(Secret) }, TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string>(Run.ClientEnvironment) { ["NCS_IPC_ACCESS_FILE"] = Run.SecretPath };
        var endpoint = new TcpIpcEndpoint(new IPEndPoint(IPAddress.Loopback, Run.IpcPort));

        await System.Threading.Tasks.Parallel.ForEachAsync(
            Enumerable.Range(0, Connections),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = TestContext.Current.CancellationToken },
            async (i, cancellationToken) =>
            {
                await FuzzOneAsync(endpoint, new Random(Seed + i), cancellationToken);
                if (i == Connections / 2)
                {
                    // In the middle of the storm, a well-behaved client is served.
                    await using var client = await SimControlClient.ConnectAsync(endpoint, Version, Secret, cancellationToken);
                    Assert.Contains("status: started", await client.RequestAsync("status", cancellationToken), StringComparison.Ordinal);
                }
            });

        var status = await NsoSimProcess.RunAsync(["--status"], environment, TestContext.Current.CancellationToken);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("status: started", status.Stdout, StringComparison.Ordinal);
        Assert.False(Daemon!.HasExited);
        if (Daemon.ResidentBytes() is { } resident)
        {
            Assert.InRange(resident, 0, MaxResidentBytes);
        }
    }

    private static async Task FuzzOneAsync(IpcEndpoint endpoint, Random random, CancellationToken cancellationToken)
    {
        await using var client = await IpcTestClient.ConnectAsync(endpoint, cancellationToken);
        var kind = random.Next(6);
        if (kind is 2 or 3)
        {
            // Admitted properly, garbage after: the challenge must keep working throughout.
            var reply = await client.HelloAsync(kind == 2 ? IpcClientId.Maapi : IpcClientId.SimControl, Kind(random), Secret, Version);
            Assert.Equal(IpcHelloStatus.Ok, reply.Status);
        }

        try
        {
            switch (kind)
            {
                case 0:
                    await client.SendAsync(Noise(random, 128));
                    break;
                case 1:
                    await PartialAnswerAsync(client, random, cancellationToken);
                    break;
                case 2:
                    await client.SendAsync([.. FrameHeader(random.Next(0, IpcFrame.MaxPayloadLength)), .. Noise(random, 256)]);
                    break;
                case 3:
                    await client.SendAsync([.. FrameHeader(random.Next(0, 64)), .. Noise(random, 64)]);
                    break;
                case 4:
                    break;
                default:
                    await client.SendAsync([(byte)((byte)IpcClientId.Cli | 0xC0), .. Noise(random, 8)]);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or IpcAccessRejectedException or EndOfStreamException)
        {
            // The daemon closed on us: that is its right.
        }
    }

    /// <summary>Sends a hello that asks for a challenge, then part of an answer (right or wrong), and leaves.</summary>
    private static async Task PartialAnswerAsync(IpcTestClient client, Random random, CancellationToken cancellationToken)
    {
        var kind = Kind(random);
        await client.SendAsync(new IpcHello(IpcClientId.Maapi, kind, Version.ProtocolVersion, Version.PackedVersion).Encode());
        if (await client.Input.ReadBytesAsync(1 + IpcAccessChallenge.ChallengeLength(kind), cancellationToken) is not { } challenge)
        {
            return;
        }

        byte[] answer = random.Next(2) == 0
            ? [IpcAccessChallenge.AnswerTag, .. IpcAccessChallenge.Answer(kind, Secret, challenge.AsSpan(1))]
            : Noise(random, 40);
        await client.SendAsync(answer[..random.Next(0, answer.Length)]);
    }

    private static IpcChallengeRequest Kind(Random random) => random.Next(2) == 0 ? IpcChallengeRequest.V1Md5 : IpcChallengeRequest.V2Sha256;

    private static byte[] FrameHeader(int length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        return header;
    }

    private static byte[] Noise(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(0, maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
