using System.Text;
using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Logging;

/// <summary>
/// One of the daemon's logs (ncs.log, devel.log, audit.log, netconf.log): the file named in
/// ncs.conf (its directory is created), and stdout too with <c>-v</c> (ncs.log only; ncs.conf has
/// no switch for stdout). Every line is flushed at once, so the file tells the truth even after
/// an abrupt stop. A log that is off, or under <c>--nolog</c>, drops file lines silently.
/// </summary>
internal sealed class NcsLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly bool _echo;
    private readonly bool _noFile;
    private readonly TextWriter _stdout;
    private readonly TimeProvider _time;
    private readonly string _host = Environment.MachineName;
    private readonly int _pid = Environment.ProcessId;
    private NcsLogConf _conf;
    private StreamWriter? _file;

    private NcsLog(NcsLogConf conf, bool echo, bool noFile, TextWriter stdout, TimeProvider time)
    {
        _conf = conf;
        _echo = echo;
        _noFile = noFile;
        _stdout = stdout;
        _time = time;
    }

    public NcsLogConf Conf
    {
        get
        {
            lock (_gate)
            {
                return _conf;
            }
        }
    }

    /// <summary>
    /// <paramref name="verbose"/> (<c>-v</c>) echoes every line to stdout whatever ncs.conf says;
    /// <paramref name="noFile"/> (<c>--nolog</c>) writes no file.
    /// </summary>
    /// <exception cref="IOException">The log file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The log file cannot be created.</exception>
    public static NcsLog Open(NcsLogConf conf, bool verbose, TextWriter stdout, TimeProvider time, bool noFile = false)
    {
        var log = new NcsLog(conf, verbose, noFile, stdout, time);
        log._file = log.OpenFile(conf);
        return log;
    }

    public void Info(string message) => Write(NcsLogLevel.Info, message);

    public void Warning(string message) => Write(NcsLogLevel.Warning, message);

    public void Error(string message) => Write(NcsLogLevel.Error, message);

    public void Critical(string message) => Write(NcsLogLevel.Critical, message);

    public void Write(NcsLogLevel level, string message)
    {
        var line = NcsLogLine.Format(level, _time.GetLocalNow(), _host, _pid, message);
        lock (_gate)
        {
            _file?.WriteLine(line);
            if (_echo)
            {
                _stdout.WriteLine(line);
            }
        }
    }

    /// <summary>Switches to (possibly) new settings and reopens the file, as <c>ncs --reload</c> does.</summary>
    /// <exception cref="IOException">The new file cannot be created; the old one stays.</exception>
    /// <exception cref="UnauthorizedAccessException">The new file cannot be created; the old one stays.</exception>
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

    private StreamWriter? OpenFile(NcsLogConf conf)
    {
        if (!conf.WritesFile || _noFile)
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(conf.FilePath)!);
        var stream = new FileStream(conf.FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
    }
}
