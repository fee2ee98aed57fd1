namespace NsoDev.Simulator.Daemon;

/// <summary>
/// <c>--stop-on-eof</c>: reads (and drops) stdin until EOF. The pipe closes when the parent closes
/// it or dies, so an orphaned daemon stops by itself.
/// </summary>
internal static class EndOfInputWatch
{
    public static void Start(Stream stdin, Action onEndOfInput)
    {
        var thread = new Thread(() =>
        {
            var buffer = new byte[512];
            try
            {
                while (stdin.Read(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
                // A broken stdin is as good as EOF.
            }

            onEndOfInput();
        })
        {
            IsBackground = true,
            Name = "stop-on-eof",
        };
        thread.Start();
    }
}
