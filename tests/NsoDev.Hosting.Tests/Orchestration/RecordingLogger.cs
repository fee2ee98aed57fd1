using Microsoft.Extensions.Logging;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>An instance's log, kept so a test can wait for a line that marks a decision.</summary>
internal sealed class RecordingLogger : ILogger
{
    public History<(LogLevel Level, string Message)> Lines { get; } = new(l => $"{l.Level}: {l.Message}");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Lines.Add((logLevel, formatter(state, exception)));
    }

    public Task<(LogLevel Level, string Message)> WaitForAsync(string fragment) =>
        Lines.WaitForAsync(l => l.Message.Contains(fragment, StringComparison.Ordinal), $"a log line with '{fragment}'");
}
