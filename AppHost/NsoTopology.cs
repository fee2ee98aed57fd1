using System.Globalization;
using Microsoft.Extensions.Configuration;

/// <summary>The AppHost's topology, read from configuration (appsettings.json, command line, environment).</summary>
internal sealed record NsoTopology(IReadOnlyList<string> InstanceNames, string? RunRoot)
{
    public const int DefaultCount = 2;
    public const int MaxCount = 100;

    public static NsoTopology FromConfiguration(IConfiguration configuration)
    {
        var text = configuration["Nso:Count"];
        var count = DefaultCount;
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxCount))
        {
            throw new InvalidOperationException($"Nso:Count is '{text}', but it must be a whole number from 1 to {MaxCount}. Run, for example, `dotnet run --project AppHost -- --Nso:Count=5`.");
        }

        var names = Enumerable.Range(1, count).Select(i => $"nso-{i}").ToList();
        var runRoot = configuration["Nso:RunRoot"];
        return new NsoTopology(names, string.IsNullOrWhiteSpace(runRoot) ? null : Path.GetFullPath(runRoot));
    }
}
