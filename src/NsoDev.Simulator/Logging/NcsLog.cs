using System.Text;
using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Logging;

/// <summary>
/// The daemon's ncs.log: the file named in ncs.conf (its directory is created), and stdout too
/// with <c>-v</c> or <c>ncs-log/stdout</c>. Every line is flushed at once, so the file tells the
/// truth even after an abrupt stop.
/// </summary>
internal sealed class NcsLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly bool _verbose;
    private readonly TextWriter _stdout;
    private readonly TimeProvider _time;
    private readonly string _host = Environment.MachineName;
    private readonly int _pid = Environment.ProcessId;
    private NcsLogConf _conf;
    private StreamWriter? _file;

    private NcsLog(NcsLogConf conf, bool verbose, TextWriter stdout, TimeProvider time)
    {
        _conf = conf;
        _verbose = verbose;
        _stdout = stdout;
        _time = time;
    }

    /// <exception cref="IOException">The log file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The log file cannot be created.</exception>
    public static NcsLog Open(NcsLogConf conf, bool verbose, TextWriter stdout, TimeProvider time)
    {
        var log = new NcsLog(conf, verbose, stdout, time);
        log._file = OpenFile(conf);
        return log;
    }

    public void Info(string message) => Write(NcsLogLevel.Info, message);

    public void Error(string message) => Write(NcsLogLevel.Error, message);

    public void Critical(string message) => Write(NcsLogLevel.Critical, message);

    public void Write(NcsLogLevel level, string message)
    {
        var line = NcsLogLine.Format(level, _time.GetLocalNow(), _host, _pid, message);
        lock (_gate)
        {
            _file?.WriteLine(line);
            if (_verbose || _conf.WritesStdout)
            {
                _stdout.WriteLine(line);
            }
        }
    }

    /// <summary>Switches to (possibly) new settings and reopens the file, as <c>ncs --reload</c> does.</summary>
    public void Reopen(NcsLogConf conf)
    {
        var file = OpenFile(conf);
        lock (_gate)
        {
            _file?.Dispose();
            _file = file;
            _conf = conf;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
            _stdout.Flush();
        }
    }

    private static StreamWriter? OpenFile(NcsLogConf conf)
    {
        if (!conf.WritesFile)
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(conf.FilePath)!);
        var stream = new FileStream(conf.FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
    }
}
