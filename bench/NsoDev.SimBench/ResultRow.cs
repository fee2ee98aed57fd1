namespace NsoDev.SimBench;

/// <summary>One line of the results table; <see cref="Met"/> is empty for rows without a target.</summary>
internal sealed record ResultRow(string Measurement, string Unit, string Result, string Baseline, string Ratio, string Target = "", string Met = "")
{
    public static string Verdict(bool met) => met ? "yes" : "**no**";

    public string ToMarkdown() => $"| {Measurement} | {Unit} | {Result} | {Baseline} | {Ratio} | {Target} | {Met} |";
}
