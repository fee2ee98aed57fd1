using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Planning;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>What a declaration asked of one instance; the planner and the runner read it.</summary>
internal sealed class NsoInstanceSettings
{
    public EngineChoice Engine { get; set; } = new EngineChoice.Automatic();

    /// <summary>The ncs.conf template; null means instance-templates/default/ncs.conf beside the app host.</summary>
    public string? TemplatePath { get; set; }

    /// <summary>The runtime directory; null means .nso/NAME under the app host's directory.</summary>
    public string? RunDirectory { get; set; }

    /// <summary>Ports the user fixed; a kind that is present but null is planned.</summary>
    public Dictionary<NsoPortKind, int?> Ports { get; } = new()
    {
        [NsoPortKind.Ipc] = null,
        [NsoPortKind.Netconf] = null,
        [NsoPortKind.Cli] = null,
    };

    /// <summary>The address the northbound interfaces (NETCONF, CLI) listen on.</summary>
    public string NorthboundAddress { get; set; } = "127.0.0.1";

    /// <summary>The longest wait for <c>ncs --wait-started</c> to succeed.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <c>ncs --stop</c> may take before the daemon is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
