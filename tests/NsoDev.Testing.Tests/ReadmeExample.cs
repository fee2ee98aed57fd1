// The example of README.md, "Use NsoDev in your integration tests"; ReadmeTests keeps the two equal.
// README:begin
using System.Diagnostics;
using NsoDev.Testing;
using Xunit;

namespace MyNsoTests;

/// <summary>One NSO instance (on the simulator) for all the tests of a class.</summary>
public sealed class CfsFixture : IAsyncLifetime
{
    public NsoTestEnvironment Nso { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Nso = await NsoTestEnvironment.StartAsync(b => b.AddNso("cfs").RunAsSimulator(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Nso.DisposeAsync();
}

public sealed class CfsTests(CfsFixture fixture) : IClassFixture<CfsFixture>
{
    [Fact(Timeout = 60_000)]
    public async Task Cfs_reports_started_to_a_client_that_has_only_its_environment()
    {
        var cfs = fixture.Nso["cfs"];
        var status = new ProcessStartInfo(cfs.NcsExecutable, ["--status"]) { RedirectStandardOutput = true };
        foreach (var (name, value) in cfs.Environment)
        {
            status.Environment[name] = value; // NCS_IPC_ADDR and NCS_IPC_PORT, or NCS_IPC_PATH
        }

        using var ncs = Process.Start(status)!;
        var output = await ncs.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await ncs.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, ncs.ExitCode);
        Assert.Contains("status: started", output);
    }
}
// README:end
