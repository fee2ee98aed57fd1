namespace NsoDev.Simulator.Netsim;

/// <summary>
/// Which netsim directory a command works on (NSO-NOTES §10): <c>--dir</c>; else <c>./netsim</c> for
/// create-network, create-device and delete-network; else the current directory when it holds
/// <c>.netsiminfo</c>, <c>./netsim</c> when that does, <c>$NETSIM_DIR</c>, or the first directory
/// above (or its <c>netsim/</c>) that holds one.
/// </summary>
internal static class NetsimDirectory
{
    public const string DefaultName = "netsim";
    public const string Variable = "NETSIM_DIR";

    /// <exception cref="NetsimException">No netsim directory is found, or the one named is not one.</exception>
    public static string Resolve(NetsimCommandLine commandLine, string workingDirectory, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(getVariable);
        if (commandLine.Dir is { } given)
        {
            return Path.GetFullPath(given, workingDirectory).TrimEnd(Path.DirectorySeparatorChar);
        }

        if (commandLine.Verb is NetsimVerb.CreateNetwork or NetsimVerb.CreateDevice or NetsimVerb.DeleteNetwork)
        {
            return Path.Combine(workingDirectory, DefaultName);
        }

        if (Holds(workingDirectory))
        {
            return workingDirectory;
        }

        if (Holds(Path.Combine(workingDirectory, DefaultName)))
        {
            return Path.Combine(workingDirectory, DefaultName);
        }

        if (getVariable(Variable) is { Length: > 0 } fromVariable)
        {
            return Path.GetFullPath(fromVariable, workingDirectory).TrimEnd(Path.DirectorySeparatorChar);
        }

        for (var up = Path.GetDirectoryName(workingDirectory); up is not null; up = Path.GetDirectoryName(up))
        {
            if (Holds(up))
            {
                return up;
            }

            if (Holds(Path.Combine(up, DefaultName)))
            {
                return Path.Combine(up, DefaultName);
            }
        }

        throw new NetsimException(
            "Need to either specify a netsim directory with --dir or be able to find a netsim directory above us in the directory hierarchy; " +
            "create one with nso-sim netsim create-network <NcsPackage> <NumDevices> <Prefix>, or set NETSIM_DIR");
    }

    /// <summary>The devices of an existing network.</summary>
    /// <exception cref="NetsimException"><paramref name="dest"/> is missing or is not a netsim directory.</exception>
    public static IReadOnlyList<NetsimDevice> Open(string dest)
    {
        if (!Directory.Exists(dest))
        {
            throw new NetsimException(File.Exists(dest)
                ? $"'{dest}' exists but is not a directory; give the netsim directory with --dir"
                : $"Dir '{dest}' does not exist; create the network first with create-network, or give the right --dir");
        }

        if (!Holds(dest))
        {
            throw new NetsimException($"Dir {dest} is not a netsim directory (it has no {NetsimInfo.FileName}); give the right --dir, or create a network there with create-network");
        }

        return NetsimInfo.Load(dest);
    }

    public static bool Holds(string directory) => File.Exists(Path.Combine(directory, NetsimInfo.FileName));
}
