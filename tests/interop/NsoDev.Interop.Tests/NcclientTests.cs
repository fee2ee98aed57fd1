using CliWrap;
using CliWrap.Buffered;

namespace NsoDev.Interop.Tests;

/// <summary>Debian's python3-ncclient (run with /usr/bin/python3, which has it) against nso-sim's NETCONF server.</summary>
public sealed class NcclientTests(SimulatedInstance nso) : IClassFixture<SimulatedInstance>
{
    [Fact(Timeout = 90_000)]
    public async Task Ncclient_gets_locks_edits_unlocks_and_reads_back_over_base_1_1()
    {
        var device = $"ce{Environment.ProcessId}";

        var result = await Cli.Wrap("/usr/bin/python3")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "ncclient_session.py"), nso.NetconfPort.ToString(System.Globalization.CultureInfo.InvariantCulture), device])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(["framing 1.1", "get True", "lock True", "edit-config True", "unlock True", "get-config True"], result.StandardOutput.Trim().Split('\n'));
    }
}
