using System.Globalization;

namespace NsoDev.SimBench;

/// <summary>
/// A process's memory from /proc, in MB: VmRSS from <c>status</c>, and PSS from <c>smaps_rollup</c>
/// (shared pages divided among the processes that map them, so the .NET runtime counts once).
/// <code>
/// VmRSS:     40192 kB
/// Pss:       18342 kB
/// </code>
/// </summary>
internal readonly record struct ProcessMemory(double RssMb, double PssMb)
{
    public static ProcessMemory Read(int pid) =>
        new(Kilobytes($"/proc/{pid}/status", "VmRSS:") / 1024, Kilobytes($"/proc/{pid}/smaps_rollup", "Pss:") / 1024);

    private static double Kilobytes(string file, string field)
    {
        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{file} has no {field} line; this benchmark needs Linux /proc");
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
