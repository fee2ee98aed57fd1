using System.Globalization;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// <c>NSO_SIM_START_DELAY</c>: seconds the daemon spends in its start phases, half in phase 0 and half in
/// phase 1, as a real NSO spends seconds there loading schemas and packages. For benchmarks and tests
/// that need NSO-like start times; <c>--status</c> shows it. Unset or 0: no delay.
/// </summary>
internal static class StartDelay
{
    public const string EnvironmentVariable = "NSO_SIM_START_DELAY";

    public static readonly TimeSpan Maximum = TimeSpan.FromMinutes(10);

    /// <exception cref="FormatException">Not a number of seconds from 0 to 600.</exception>
    public static TimeSpan FromEnvironment(Func<string, string?> getVariable)
    {
        if (getVariable(EnvironmentVariable) is not { Length: > 0 } text)
        {
            return TimeSpan.Zero;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > Maximum.TotalSeconds)
        {
            throw new FormatException($"{EnvironmentVariable}=\"{text}\" is not a number of seconds from 0 to {Maximum.TotalSeconds:0}, such as 2 or 0.5");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
