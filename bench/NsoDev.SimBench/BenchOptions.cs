using System.Globalization;

namespace NsoDev.SimBench;

/// <summary>
/// How many times each measurement repeats. <c>--name value</c> pairs; anything left out keeps its default.
/// <code>
/// --spawns 15 --fresh 5 --rss 5 --repeats 3 --sessions 50 --calls 20 --ipc 5000 --workers 8 --out bench/results/sim-latest.md
/// </code>
/// </summary>
internal sealed record BenchOptions
{
    public int Spawns { get; init; } = 15;

    public int FreshSpawns { get; init; } = 5;

    public int MemorySamples { get; init; } = 5;

    public int Repeats { get; init; } = 3;

    public int Sessions { get; init; } = 50;

    public int CallsPerSession { get; init; } = 20;

    public int IpcConnections { get; init; } = 5000;

    public int IpcWorkers { get; init; } = 8;

    public string? Output { get; init; }

    /// <exception cref="ArgumentException">An unknown option, a missing value, or a count out of 1..100000.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{name} needs a value, e.g. {name} 3");
            options = name switch
            {
                "--out" => options with { Output = value },
                "--spawns" => options with { Spawns = Count(name, value, 1) },
                "--fresh" => options with { FreshSpawns = Count(name, value, 0) },
                "--rss" => options with { MemorySamples = Count(name, value, 1) },
                "--repeats" => options with { Repeats = Count(name, value, 1) },
                "--sessions" => options with { Sessions = Count(name, value, 1) },
                "--calls" => options with { CallsPerSession = Count(name, value, 1) },
                "--ipc" => options with { IpcConnections = Count(name, value, 1) },
                "--workers" => options with { IpcWorkers = Count(name, value, 1) },
                _ => throw new ArgumentException($"unknown option {name}; known: --spawns --fresh --rss --repeats --sessions --calls --ipc --workers --out"),
            };
        }

        return options;
    }

    private static int Count(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= 100_000
            ? n
            : throw new ArgumentException($"{name} {value}: give a whole number from {min} to 100000");
}
