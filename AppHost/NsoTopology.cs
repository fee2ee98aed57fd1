using System.Globalization;
using Microsoft.Extensions.Configuration;

/// <summary>The AppHost's topology, read from configuration (appsettings.json, command line, environment).</summary>
/// <param name="Instances">The instances, nso-1 to nso-N.</param>
/// <param name="Clients">Whether the sample clients run (Nso:Clients, default true); benchmarks turn them off.</param>
/// <param name="Devices">Netsim devices per instance that has no Netsim section of its own (Nso:Devices, default 3); benchmarks use 0.</param>
/// <param name="DevicePackage">Their NED package (Nso:DevicePackage); null picks one for the engine (<see cref="DefaultNed"/>).</param>
/// <param name="RaftNodes">Nodes of the HA Raft cluster <c>raft</c> (Nso:Raft:Nodes); 0 for none.</param>
/// <param name="RaftSimulatedRelease">The release nso-sim plays on the cluster's nodes (Nso:Raft:SimulatedRelease); null for the engine's own.</param>
/// <param name="LsaLowerNodes">Lower nodes of the LSA deployment <c>lsa</c> (Nso:Lsa:LowerNodes); 0 for none.</param>
internal sealed record NsoTopology(IReadOnlyList<NsoInstanceOptions> Instances, bool Clients = true, int Devices = NsoTopology.DefaultDevices, string? DevicePackage = null, int RaftNodes = 0, string? RaftSimulatedRelease = null, int LsaLowerNodes = 0)
{
    public const int DefaultCount = 2;
    public const int MaxCount = 100;
    public const int DefaultDevices = 3;
    public const int MaxDevices = 100;

    public const int MaxLowerNodes = 20;

    public static NsoTopology FromConfiguration(IConfiguration configuration)
    {
        var raftNodes = WholeNumber(configuration, "Nso:Raft:Nodes", 1, NsoRaftBuilderExtensions.MaxNodes, "--Nso:Raft:Nodes=3 for a three-node HA Raft cluster");
        var lowerNodes = WholeNumber(configuration, "Nso:Lsa:LowerNodes", 1, MaxLowerNodes, "--Nso:Lsa:LowerNodes=2 for an LSA upper node with two lower nodes");
        var text = configuration["Nso:Count"];
        // A cluster or an LSA deployment comes instead of the default instances, unless a count is given too.
        var count = raftNodes + lowerNodes > 0 ? 0 : DefaultCount;
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 0 or > MaxCount))
        {
            // 0 runs Aspire alone: the benchmark's measure of Aspire's own start-up.
            throw new InvalidOperationException($"Nso:Count is '{text}', but it must be a whole number from 0 to {MaxCount}. Run, for example, `dotnet run --project AppHost -- --Nso:Count=5`.");
        }

        var names = Enumerable.Range(1, count).Select(i => $"nso-{i}").ToList();
        var sections = configuration.GetSection("Nso:Instances");
        // Sections of instances beyond Nso:Count are kept for when the count rises; a name that
        // can never be an instance is a typo.
        foreach (var section in sections.GetChildren())
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(section.Key, "^nso-[1-9][0-9]*$"))
            {
                throw new InvalidOperationException($"Nso:Instances:{section.Key} names no instance: the instances are nso-1 to nso-N (N = Nso:Count, now {count}). Rename the section.");
            }
        }

        var instances = names.Select(name => NsoInstanceOptions.Read(name, sections.GetSection(name))).ToList();
        var clients = configuration["Nso:Clients"] is not { } text2 || (bool.TryParse(text2, out var on)
            ? on
            : throw new InvalidOperationException($"Nso:Clients is '{text2}', but it must be true or false."));
        var devicesText = configuration["Nso:Devices"];
        var devices = DefaultDevices;
        if (devicesText is not null && (!int.TryParse(devicesText, NumberStyles.None, CultureInfo.InvariantCulture, out devices) || devices > MaxDevices))
        {
            throw new InvalidOperationException($"Nso:Devices is '{devicesText}', but it must be a whole number of netsim devices per instance from 0 to {MaxDevices}. Run, for example, `dotnet run --project AppHost -- --Nso:Devices=0` for instances without devices.");
        }

        return new NsoTopology(instances, clients, devices, configuration["Nso:DevicePackage"], raftNodes, configuration["Nso:Raft:SimulatedRelease"], lowerNodes);
    }

    /// <summary>A key that is absent (0) or a whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    private static int WholeNumber(IConfiguration configuration, string key, int min, int max, string example)
    {
        if (configuration[key] is not { } text)
        {
            return 0;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{key} is '{text}', but it must be a whole number from {min} to {max}. Run, for example, `dotnet run --project AppHost -- {example}`.");
    }
}

/// <summary>
/// The NED package of the default devices: on the simulator the repository's sample package, with
/// NSO the IOS CLI NED that a local install ships under $NCS_DIR/packages/neds, as Cisco's examples use.
/// </summary>
internal static class DefaultNed
{
    public static string? For(NsoInstanceOptions options, string samplePackage, Func<string, string?> environment)
    {
        var simulated = options.Engine == "simulator" || options.SimulatedRelease is not null;
        if (simulated || NcsDir(environment) is not { } ncsDir)
        {
            return samplePackage;
        }

        var neds = Path.Combine(ncsDir, "packages", "neds");
        return Directory.Exists(neds)
            ? Directory.EnumerateDirectories(neds, "cisco-ios-cli-*").Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }

    /// <summary>$NCS_DIR, or the install whose bin/ncs is first on PATH: where the engine locator finds NSO too.</summary>
    private static string? NcsDir(Func<string, string?> environment)
    {
        if (environment("NCS_DIR") is { Length: > 0 } ncsDir)
        {
            return ncsDir;
        }

        foreach (var directory in (environment("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "ncs")))
            {
                return Path.GetDirectoryName(Path.GetFullPath(directory));
            }
        }

        return null;
    }
}

/// <summary>One instance's section, <c>Nso:Instances:NAME</c>; every key is optional.</summary>
internal sealed record NsoInstanceOptions(string Name)
{
    /// <summary><c>tcp</c> (the default) or <c>unix</c>.</summary>
    public string Ipc { get; init; } = "tcp";

    public int? IpcPort { get; init; }

    public string IpcAddress { get; init; } = "127.0.0.1";

    public string? SocketPath { get; init; }

    public bool AccessCheck { get; init; }

    /// <summary>A template folder name under instance-templates/ (default, local-ipc), or a path to an ncs.conf or to a template folder.</summary>
    public string? Template { get; init; }

    public int? NetconfPort { get; init; }

    public int? CliPort { get; init; }

    public bool WebUi { get; init; }

    public int? WebUiPort { get; init; }

    /// <summary><c>auto</c> (NSO when found, else the simulator) or <c>simulator</c>.</summary>
    public string Engine { get; init; } = "auto";

    /// <summary>The NSO release nso-sim simulates, such as 6.4; setting it runs the instance on nso-sim.</summary>
    public string? SimulatedRelease { get; init; }

    public bool DataPersistence { get; init; } = true;

    /// <summary><c>session</c> (the default: stopped with the AppHost) or <c>persistent</c> (left running, adopted by the next run).</summary>
    public string Lifetime { get; init; } = "session";

    /// <summary>The instance's netsim networks, <c>Netsim:0:Package</c>, <c>Netsim:0:Count</c>, <c>Netsim:0:Prefix</c>, ...; when none, the topology's default devices.</summary>
    public IReadOnlyList<NetsimOptions> Netsim { get; init; } = [];

    public static NsoInstanceOptions Read(string name, IConfigurationSection section)
    {
        var options = new NsoInstanceOptions(name)
        {
            Ipc = section["Ipc"]?.ToLowerInvariant() ?? "tcp",
            IpcPort = Port(section, "IpcPort"),
            IpcAddress = section["IpcAddress"] ?? "127.0.0.1",
            SocketPath = section["SocketPath"],
            AccessCheck = Flag(section, "AccessCheck", false),
            Template = section["Template"],
            NetconfPort = Port(section, "NetconfPort"),
            CliPort = Port(section, "CliPort"),
            WebUi = Flag(section, "WebUi", false),
            WebUiPort = Port(section, "WebUiPort"),
            Engine = section["Engine"]?.ToLowerInvariant() ?? "auto",
            SimulatedRelease = section["SimulatedRelease"],
            DataPersistence = Flag(section, "DataPersistence", true),
            Lifetime = section["Lifetime"]?.ToLowerInvariant() ?? "session",
            Netsim = [.. section.GetSection("Netsim").GetChildren().Select(NetsimOptions.Read)],
        };
        if (options.Ipc is not ("tcp" or "unix"))
        {
            throw new InvalidOperationException($"Nso:Instances:{name}:Ipc is '{options.Ipc}', but it must be 'tcp' or 'unix'.");
        }

        if (options.Lifetime is not ("session" or "persistent"))
        {
            throw new InvalidOperationException($"Nso:Instances:{name}:Lifetime is '{options.Lifetime}', but it must be 'session' or 'persistent'.");
        }

        if (options.Engine is not ("auto" or "simulator"))
        {
            throw new InvalidOperationException($"Nso:Instances:{name}:Engine is '{options.Engine}', but it must be 'auto' or 'simulator'.");
        }

        return options;
    }

    /// <summary>The template's path: a template folder under instance-templates/ beside the app host, or a path.</summary>
    public string? TemplatePath(string templatesRoot) =>
        Template is null ? null
        : Template.Contains('/', StringComparison.Ordinal) || Template.EndsWith(".conf", StringComparison.Ordinal) ? Path.GetFullPath(Template)
        : Path.Combine(templatesRoot, Template);

    private static int? Port(IConfigurationSection section, string key)
    {
        var text = section[key];
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new InvalidOperationException($"{section.Path}:{key} is '{text}', but it must be a port number.");
    }

    private static bool Flag(IConfigurationSection section, string key, bool fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return bool.TryParse(text, out var flag)
            ? flag
            : throw new InvalidOperationException($"{section.Path}:{key} is '{text}', but it must be true or false.");
    }
}

/// <summary>One netsim network of an instance, <c>Nso:Instances:NAME:Netsim:N</c>: what WithNetsimDevices takes.</summary>
/// <param name="Package">The NED package directory, relative to the AppHost's directory.</param>
/// <param name="Count">How many devices.</param>
/// <param name="Prefix">The start of each device name.</param>
internal sealed record NetsimOptions(string Package, int Count, string Prefix)
{
    public static NetsimOptions Read(IConfigurationSection section)
    {
        var package = section["Package"];
        var prefix = section["Prefix"];
        var countText = section["Count"];
        if (string.IsNullOrWhiteSpace(package) || string.IsNullOrWhiteSpace(prefix) || countText is null)
        {
            throw new InvalidOperationException($"{section.Path} needs Package, Count and Prefix, as in `--{section.Path}:Package=../samples/packages/router-nc --{section.Path}:Count=3 --{section.Path}:Prefix=ex`.");
        }

        return int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? new NetsimOptions(package, count, prefix)
            : throw new InvalidOperationException($"{section.Path}:Count is '{countText}', but it must be a whole number of devices.");
    }
}
