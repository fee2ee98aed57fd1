namespace NsoDev.Hosting.Launch;

/// <summary>
/// NSO's <c>ncs_cli</c> run non-interactively, as Cisco's HA Raft example drives it
/// (<c>printf CMD | ncs_cli -nsCu admin -g admin</c>, NSO-NOTES §14): <c>$NCS_DIR/bin/ncs_cli</c> beside NSO's
/// <c>ncs</c>, or nso-sim's <c>ncs_cli</c> verb, which takes the same command line. The commands go to stdin;
/// <c>-s</c> makes the first error end it with a non-zero exit code.
/// </summary>
internal sealed record NcsCliCommandLine(string Executable, IReadOnlyList<string> LeadingArguments, IReadOnlyDictionary<string, string?> EngineEnvironment)
{
    /// <summary>The user the commands run as; NSO's local-install default, which ncs_cli takes without a password.</summary>
    public const string User = "admin";

    public static NcsCliCommandLine Of(NcsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.IsSimulator
            ? new NcsCliCommandLine(engine.Executable, ["ncs_cli"], engine.Environment)
            : new NcsCliCommandLine(Path.Combine(Path.GetDirectoryName(engine.Executable)!, "ncs_cli"), [], engine.Environment);
    }

    /// <summary>C-style CLI commands, one per line, against the instance that <paramref name="environment"/> (its NCS_IPC_*) names.</summary>
    public ProcessSpec Run(IReadOnlyList<string> commands, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(environment);
        var merged = new Dictionary<string, string?>(environment);
        foreach (var (name, value) in EngineEnvironment)
        {
            merged[name] = value;
        }

        return new ProcessSpec(Executable, [.. LeadingArguments, "-nsCu", User, "-g", User])
        {
            Environment = merged,
            StandardInput = string.Join('\n', commands) + "\n",
        };
    }
}
