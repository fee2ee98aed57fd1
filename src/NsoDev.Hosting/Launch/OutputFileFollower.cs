using System.Text;

namespace NsoDev.Hosting.Launch;

/// <summary>
/// Follows a file a detached daemon appends to, as <c>tail -F</c> does: every line written after it
/// started goes to the callback. A file that shrank (a reset removed the logs) is read again from
/// its start.
/// </summary>
internal sealed class OutputFileFollower : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly string _path;
    private readonly bool _isError;
    private readonly Action<OutputLine> _onOutput;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private readonly StringBuilder _partial = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _position;
    private int _disposed;

    public OutputFileFollower(string path, bool isError, Action<OutputLine> onOutput)
    {
        _path = path;
        _isError = isError;
        _onOutput = onOutput;
        _position = File.Exists(path) ? new FileInfo(path).Length : 0;
        _loop = FollowAsync();
    }

    /// <summary>Reads what is left, passes on a last unterminated line, and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        // Twice is normal: once when the daemon is released, again when it exits.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task FollowAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                ReadNew();
                await Task.Delay(PollInterval, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }

        ReadNew();
        if (_partial.Length > 0)
        {
            _onOutput(new OutputLine(_partial.ToString(), _isError));
            _partial.Clear();
        }
    }

    private void ReadNew()
    {
        try
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length < _position)
            {
                _position = 0;
                _partial.Clear();
            }

            file.Seek(_position, SeekOrigin.Begin);
            var bytes = new byte[8192];
            var chars = new char[_decoder.GetCharCount(bytes, 0, bytes.Length)];
            int read;
            while ((read = file.Read(bytes, 0, bytes.Length)) > 0)
            {
                var count = _decoder.GetChars(bytes, 0, read, chars, 0);
                Split(chars.AsSpan(0, count));
            }

            _position = file.Position;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Not written yet, or removed by a reset: the daemon creates it again.
            _position = 0;
        }
    }

    private void Split(ReadOnlySpan<char> text)
    {
        while (text.IndexOf('\n') is var newline and >= 0)
        {
            _partial.Append(text[..newline]);
            var line = _partial.ToString().TrimEnd('\r');
            _partial.Clear();
            _onOutput(new OutputLine(line, _isError));
            text = text[(newline + 1)..];
        }

        _partial.Append(text);
    }
}
