using System.Diagnostics;
using System.Text;

namespace NsoDev.Packaging.Tests;

/// <summary>The <c>dotnet</c> command as a user runs it in a shell, outside the test host's MSBuild and VSTest settings.</summary>
internal static class DotnetCli
{
    public static string Executable { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// A start of <c>dotnet ARGS</c> in <paramref name="directory"/>, without the variables the test host
    /// inherited from its own build and runner, which would steer a user's build; nothing is left running
    /// after a build (no node reuse, no compiler server).
    /// </summary>
    public static ProcessStartInfo StartInfo(string directory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(IsInherited).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        return start;
    }

    /// <summary>Runs <c>dotnet ARGS</c> to its end; returns its output, or throws with it when the exit code is not 0.</summary>
    public static async Task<string> RunAsync(string directory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = StartInfo(directory, arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit();
        var text = Text(output);
        return process.ExitCode == 0
            ? text
            : throw new InvalidOperationException($"`dotnet {string.Join(' ', start.ArgumentList)}` in {directory} exited with {process.ExitCode}:\n{text}");
    }

    public static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Append(line).Append('\n');
            }
        }
    }

    public static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static bool IsInherited(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_DASHBOARD", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_RESOURCE_SERVICE", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPIRE_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("NSODEV_SIMULATOR", StringComparison.Ordinal);
}
