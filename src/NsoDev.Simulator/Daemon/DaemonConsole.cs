namespace NsoDev.Simulator.Daemon;

/// <summary>The daemon's standard streams; stdin is opened only for <c>--stop-on-eof</c>.</summary>
internal sealed record DaemonConsole(Func<Stream> OpenStdin, TextWriter Out, TextWriter Error)
{
    public static DaemonConsole System { get; } = new(Console.OpenStandardInput, Console.Out, Console.Error);
}
