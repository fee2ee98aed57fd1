using System.IO.Pipelines;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

/// <summary>
/// Seeded, bounded fuzzing of one IPC session over pipes: random and truncated input, with and
/// without a plausible start, against a daemon whose access check is on or off. Every session
/// must end by itself once its input ends, and never with an exception.
/// </summary>
public sealed class IpcSessionFuzzTests
{
    private const int Seed = 20261126;
    private const int Sessions = 3000;

    private static readonly NsoVersion Daemon = NsoVersion.Parse("6.5");
    private static readonly byte[] Secret = "fuzz-secret\n"u8.ToArray();

    [Fact(Timeout = 60000)]
    public async Task Random_and_truncated_input_always_ends_the_session_cleanly()
    {
        var random = new Random(Seed);
        for (var i = 0; i < Sessions; i++)
        {
            IIpcAccessCheck check = random.Next(2) == 0 ? new IpcAccessCheckOn(Secret) : IpcAccessCheckOff.Instance;
            var input = Input(random);

            var toDaemon = new Pipe();
            var fromDaemon = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
            var context = new IpcSessionContext(Daemon, check, new AnyControl(), _ => { }, _ => { });
            var session = new IpcSession(toDaemon.Reader, fromDaemon.Writer, context).RunAsync(CancellationToken.None);

            // Written in random slices, as TCP would deliver it, then closed.
            var offset = 0;
            while (offset < input.Length)
            {
                var slice = Math.Min(input.Length - offset, 1 + random.Next(16));
                await toDaemon.Writer.WriteAsync(input.AsMemory(offset, slice), TestContext.Current.CancellationToken);
                offset += slice;
            }

            await toDaemon.Writer.CompleteAsync();
            await session;
        }
    }

    /// <summary>Pure noise, or noise after a plausible first byte, hello, challenge answer or frame header.</summary>
    private static byte[] Input(Random random)
    {
        var noise = new byte[random.Next(0, 96)];
        random.NextBytes(noise);
        return random.Next(7) switch
        {
            0 => noise,
            1 => [.. new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.V2Sha256, 82, 0x08020500).Encode(), 12, .. noise],
            2 => [.. new IpcHello(IpcClientId.Cdb, IpcChallengeRequest.V1Md5, 82, 0x08020500, 60, 18).Encode(), 12, .. noise.Take(random.Next(20))],
            3 => [.. new IpcHello(IpcClientId.SimControl, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), .. noise],
            4 => [.. new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, Daemon.PackedVersion).Encode(), 0x00, 0x0F, 0xFF, 0xFF, .. noise],
            5 => [(byte)IpcClientId.Cli, .. noise.Take(random.Next(8))],
            _ => [0x8c, 12, .. noise.Take(random.Next(20))],
        };
    }

    private sealed class AnyControl : ISimControl
    {
        public ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) => ValueTask.FromResult("error: unknown request");
    }
}
