using NsoDev.Simulator;
using NsoDev.Simulator.Control;
using NsoDev.Simulator.Daemon;
using NsoDev.Simulator.HaRaft.Transport.Epmd;
using NsoDev.Simulator.Ipc;
using NsoDev.Simulator.Netsim;

try
{
    // ncs-netsim and the devices it starts have command lines of their own (NSO-NOTES §10).
    switch (args.FirstOrDefault())
    {
        case "netsim":
            return await NetsimCommands.RunAsync(args[1..], Environment.CurrentDirectory, Environment.GetEnvironmentVariable, Console.Out, Console.Error);
        case DeviceDaemon.Verb:
            return await DeviceDaemon.RunAsync(args[1..], NsoVersion.FromEnvironment(Environment.GetEnvironmentVariable), Console.Out);
        case NcsCliCommandLine.Verb:
            return await new NcsCliCommand(NsoVersion.FromEnvironment(Environment.GetEnvironmentVariable), Environment.GetEnvironmentVariable, Console.In, Console.Out, Console.Error)
                .RunAsync(NcsCliCommandLine.Parse(args[1..]), ClientSecret(Environment.GetEnvironmentVariable), CancellationToken.None);
        case EpmdCommand.Verb:
            // The port mapper a ≤6.6 HA Raft node starts when none runs, as Erlang starts epmd (NSO-NOTES §15).
            return await EpmdCommand.RunAsync(args[1..], Environment.GetEnvironmentVariable, Console.Out, Console.Error);
    }

    var commandLine = NcsCommandLine.Parse(args);
    var version = NsoVersion.FromEnvironment(Environment.GetEnvironmentVariable);
    switch (commandLine.Command)
    {
        case NcsCommand.Version:
            Console.WriteLine($"{version} (nso-sim, a simulator of Cisco NSO; {SimulatorBuild.Name})");
            return NcsExitCode.Ok;
        case NcsCommand.Help:
            Console.WriteLine(NcsCommandLine.Usage);
            return NcsExitCode.Ok;
        case NcsCommand.Daemon:
            return await NcsDaemon.RunAsync(commandLine.Daemon, version, DaemonConsole.System, TimeProvider.System, Environment.GetEnvironmentVariable);
    }

    var control = new ControlCommands(
        version,
        NcsIpcEnvironment.Resolve(Environment.GetEnvironmentVariable),
        ClientSecret(Environment.GetEnvironmentVariable),
        Console.Out,
        Console.Error,
        TimeProvider.System);
    return commandLine.Command switch
    {
        NcsCommand.Status => await control.StatusAsync(commandLine.Timeout),
        NcsCommand.Stop => await control.StopAsync(commandLine.Timeout),
        NcsCommand.Reload => await control.ReloadAsync(commandLine.Timeout),
        _ => await control.WaitStartedAsync(commandLine.TryTime, commandLine.Timeout),
    };
}
catch (NcsUsageException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return NcsExitCode.InternalError;
}
catch (FormatException e)
{
    // NSO_SIM_VERSION or an NCS_IPC_* variable.
    await Console.Error.WriteLineAsync("nso-sim: " + e.Message);
    return NcsExitCode.InternalError;
}

// The secret a control command proves it knows, as the client libraries find it (NSO-NOTES §4).
static byte[]? ClientSecret(Func<string, string?> getVariable)
{
    if (NcsIpcEnvironment.AccessFile(getVariable) is not { } accessFile)
    {
        return null;
    }

    var (variable, path) = accessFile;
    try
    {
        return IpcSecretFile.Read(path);
    }
    catch (IpcSecretFileException e)
    {
        throw new NcsUsageException($"nso-sim: {variable}={path}: cannot read the IPC access secret: {e.Message}; point {variable} at the file named by ncs-ipc-access-check/filename, or unset it when the check is off");
    }
}
