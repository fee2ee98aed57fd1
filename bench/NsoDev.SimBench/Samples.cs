using System.Globalization;

namespace NsoDev.SimBench;

/// <summary>Repeated measurements of one figure: median, percentiles and the range.</summary>
internal sealed class Samples(IEnumerable<double> values)
{
    private readonly double[] _sorted = [.. values.Order()];

    public int Count => _sorted.Length;

    public double Median => Percentile(50);

    public double Min => _sorted[0];

    public double Max => _sorted[^1];

    /// <summary>Linear interpolation between the closest ranks.</summary>
    public double Percentile(double percent)
    {
        if (_sorted.Length == 0)
        {
            throw new InvalidOperationException("no samples");
        }

        var rank = percent / 100 * (_sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, _sorted.Length - 1);
        return _sorted[low] + ((rank - low) * (_sorted[high] - _sorted[low]));
    }

    /// <summary><c>median (min-max)</c>.</summary>
    public string MedianAndRange(string format) => $"{Number(Median, format)} ({Number(Min, format)}-{Number(Max, format)})";

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
