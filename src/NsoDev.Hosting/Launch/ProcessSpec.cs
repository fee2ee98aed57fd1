
namespace NsoDev.Hosting.Launch;

/// <summary>A command to run: the executable, its arguments as a list, and the environment to add.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string? WorkingDirectory { get; init; }

    /// <summary>Text written to the command's stdin, which then closes; null gives it none.</summary>
    public string? StandardInput { get; init; }

    public override string ToString() => string.Join(' ', Arguments.Prepend(FileName));
}

/// <summary>How a short command ended.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>What the command printed, for messages: stderr and stdout trimmed and joined.</summary>
    public string Output => string.Join('\n', new[] { StandardError.Trim(), StandardOutput.Trim() }.Where(s => s.Length > 0));
}

/// <summary>A line a long-running process wrote; <see cref="IsError"/> is true for stderr.</summary>
internal readonly record struct OutputLine(string Text, bool IsError);
