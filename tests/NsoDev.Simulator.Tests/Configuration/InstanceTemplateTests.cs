using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Tests.Configuration;

/// <summary>The stock-shaped template the orchestrator copies must be an ncs.conf nso-sim accepts.</summary>
public sealed class InstanceTemplateTests
{
    public static string DefaultTemplate { get; } = Path.Combine(RepositoryRoot.Path, "instance-templates", "default", "ncs.conf");

    [Fact]
    public void The_default_instance_template_parses()
    {
        var runDirectory = Path.Combine(Path.GetTempPath(), "cfs");

        var conf = NcsConfParser.Load(DefaultTemplate, runDirectory, _ => null);

        Assert.True(conf.Ipc.Enabled);
        Assert.Equal(Path.Combine(runDirectory, "logs", "ncs.log"), conf.NcsLog.FilePath);
        Assert.Equal(Path.Combine(runDirectory, "state"), conf.StateDir);
        Assert.Contains(Path.Combine(runDirectory, "packages"), conf.LoadPath);
    }
}
