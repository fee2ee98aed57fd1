using System.Globalization;

namespace NsoDev.Hosting.Launch;

/// <summary>
/// The thin layer over the <c>ncs</c> command: one method per verb, arguments always as a list.
/// <paramref name="engineEnvironment"/> goes to every verb, on top of the verb's own environment.
/// </summary>
internal sealed class NcsCommandLine(string executable, IReadOnlyDictionary<string, string?>? engineEnvironment = null)
{
    public string Executable { get; } = executable;

    public ProcessSpec Version() => new(Executable, ["--version"]) { Environment = With(new Dictionary<string, string?>()) };

    /// <summary>
    /// The daemon in the foreground, so its pid is the one started. It stops on EOF, so it never outlives
    /// its app host; <paramref name="outliveAppHost"/> (a persistent instance) leaves that out.
    /// </summary>
    public ProcessSpec Daemon(string runDirectory, string ncsConf, IReadOnlyDictionary<string, string?> environment, bool outliveAppHost = false) =>
        new(Executable, ["--cd", runDirectory, "-c", ncsConf, "--foreground", "-v", .. outliveAppHost ? Array.Empty<string>() : ["--stop-on-eof"]])
        {
            Environment = With(environment),
            WorkingDirectory = runDirectory,
        };

    public ProcessSpec Status(IReadOnlyDictionary<string, string?> environment) => Control(environment, "--status");

    public ProcessSpec Stop(IReadOnlyDictionary<string, string?> environment) => Control(environment, "--stop");

    public ProcessSpec Reload(IReadOnlyDictionary<string, string?> environment) => Control(environment, "--reload");

    /// <summary>
    /// <c>--wait-started TryTime --timeout MaxTime</c>: tries to connect for at most TryTime, then waits for
    /// phase 2 for at most MaxTime in all; both in whole seconds, rounded up [ncs(1)].
    /// </summary>
    public ProcessSpec WaitStarted(IReadOnlyDictionary<string, string?> environment, TimeSpan budget)
    {
        var seconds = ((int)Math.Ceiling(budget.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Control(environment, "--wait-started", seconds, "--timeout", seconds);
    }

    private ProcessSpec Control(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        new(Executable, arguments) { Environment = With(environment) };

    private IReadOnlyDictionary<string, string?> With(IReadOnlyDictionary<string, string?> environment)
    {
        if (engineEnvironment is not { Count: > 0 })
        {
            return environment;
        }

        var merged = new Dictionary<string, string?>(environment);
        foreach (var (name, value) in engineEnvironment)
        {
            merged[name] = value;
        }

        return merged;
    }
}
