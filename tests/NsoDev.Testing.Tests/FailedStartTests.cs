using System.Globalization;
using System.Xml.Linq;
using NsoDev.Testing.Tests.SideBySide;
using Xunit;

namespace NsoDev.Testing.Tests;

/// <summary>A start in which one instance cannot start.</summary>
public sealed class FailedStartTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nsodev-failed-start-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact(Timeout = 180_000)]
    public async Task A_start_in_which_one_instance_fails_throws_at_once_with_that_instances_reason_and_frees_its_leases()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMinutes(2));
        var broken = Path.Combine(_scratch, "broken.conf");
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default", "6.5", "ncs.conf"), cts.Token);
        await File.WriteAllTextAsync(broken, template.Replace("<rollback>\n    <enabled>true</enabled>", "<rollback>\n    <enabled>maybe</enabled>", StringComparison.Ordinal), cts.Token);
        Assert.NotEqual(template, await File.ReadAllTextAsync(broken, cts.Token));
        var healthy = Path.Combine(_scratch, "healthy");

        try
        {
            var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => NsoTestEnvironment.StartAsync(
                b =>
                {
                    b.AddNso("healthy").RunAsSimulator().WithRunDirectory(healthy);
                    b.AddNso("broken").RunAsSimulator().WithTemplate(broken);
                },
                cts.Token));

            // Well before the start timeout: the failure ends the wait, it does not run out the clock.
            Assert.False(cts.IsCancellationRequested);
            Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
            // The instance's own reason, not only Aspire's "failed to start": the exit code and what it means.
            Assert.Contains("'broken' is FailedToStart", error.Message, StringComparison.Ordinal);
            Assert.Contains("exit code 21 (bad configuration file", error.Message, StringComparison.Ordinal);
            // And the daemon's own words, which name the bad value.
            Assert.Matches("Its last error: .*maybe", error.Message);
            Assert.IsType<DistributedApplicationException>(error.InnerException);
            // The lease went with the app (other classes of this process may hold leases of their own).
            var ipcPort = IpcPortOf(Path.Combine(healthy, "ncs.conf"));
            Assert.DoesNotContain(LeaseDirectory.OfThisProcess().Values, ports => ports.Contains(ipcPort));
            // And the instance that did start was stopped with the failed environment.
            var survivors = ProcessTable.NsoSimWithArgumentContaining(healthy);
            Assert.True(survivors.Count == 0, $"The healthy instance's daemon outlived the failed start: {ProcessTable.Describe(survivors)}");
        }
        finally
        {
            // Whatever the asserts found, no daemon of this test holds its ports through the rest of the run.
            await ProcessTable.KillAsync(ProcessTable.NsoSimWithArgumentContaining(healthy));
        }
    }

    /// <summary>The IPC port written into an instance's ncs.conf: <c>&lt;ncs-ipc-address&gt;&lt;ip&gt;127.0.0.1&lt;/ip&gt;&lt;port&gt;20000&lt;/port&gt;</c>.</summary>
    private static int IpcPortOf(string ncsConf) =>
        int.Parse(
            XDocument.Load(ncsConf).Descendants().Single(e => e.Name.LocalName == "ncs-ipc-address").Elements().Single(e => e.Name.LocalName == "port").Value,
            CultureInfo.InvariantCulture);
}
