using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Logging;

/// <summary>
/// The daemon's logs, by the names ncs.conf gives them (NSO-NOTES §1): <see cref="Ncs"/>
/// (ncs.log), <see cref="Devel"/> (devel.log, <c>logs/developer-log</c>), <see cref="Audit"/>
/// (audit.log, <c>logs/audit-log</c>) and <see cref="Netconf"/> (netconf.log, <c>logs/netconf-log</c>,
/// written only when enabled). The northbound code writes through these, for example
/// <c>logs.Audit.Info("user admin: logged in over netconf")</c>.
/// </summary>
internal sealed class NcsLogs : IDisposable
{
    private NcsLogs(NcsLog ncs, NcsLog devel, NcsLog audit, NcsLog netconf)
    {
        Ncs = ncs;
        Devel = devel;
        Audit = audit;
        Netconf = netconf;
    }

    public NcsLog Ncs { get; }

    public NcsLog Devel { get; }

    public NcsLog Audit { get; }

    public NcsLog Netconf { get; }

    private IEnumerable<NcsLog> All => [Ncs, Devel, Audit, Netconf];

    /// <summary>
    /// <paramref name="verbose"/> (<c>-v</c>) sends ncs.log lines to stdout too;
    /// <paramref name="noFile"/> (<c>--nolog</c>) writes no log files at all.
    /// </summary>
    /// <exception cref="NcsLogOpenException">A log file cannot be created; it names the file and the ncs.conf element.</exception>
    public static NcsLogs Open(NcsLogsConf conf, bool verbose, bool noFile, TextWriter stdout, TimeProvider time)
    {
        var opened = new List<NcsLog>();
        try
        {
            foreach (var log in conf.All)
            {
                opened.Add(OpenOne(log, verbose && log == conf.Ncs, noFile, stdout, time));
            }
        }
        catch (NcsLogOpenException)
        {
            opened.ForEach(l => l.Dispose());
            throw;
        }

        return new NcsLogs(opened[0], opened[1], opened[2], opened[3]);
    }

    /// <summary><c>ncs --reload</c>: new settings, every file reopened (so a rotated file starts anew).</summary>
    /// <exception cref="NcsLogOpenException">One file cannot be created; the ones before it are already switched.</exception>
    public void Reopen(NcsLogsConf conf)
    {
        foreach (var (log, settings) in All.Zip(conf.All))
        {
            try
            {
                log.Reopen(settings);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw NcsLogOpenException.For(settings, e);
            }
        }
    }

    public void Dispose()
    {
        foreach (var log in All)
        {
            log.Dispose();
        }
    }

    private static NcsLog OpenOne(NcsLogConf conf, bool verbose, bool noFile, TextWriter stdout, TimeProvider time)
    {
        try
        {
            return NcsLog.Open(conf, verbose, stdout, time, noFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NcsLogOpenException.For(conf, e);
        }
    }
}

/// <summary>A log file cannot be created; the daemon exits 21 at start, and keeps the old file on reload.</summary>
internal sealed class NcsLogOpenException : Exception
{
    public NcsLogOpenException()
    {
    }

    public NcsLogOpenException(string message)
        : base(message)
    {
    }

    public NcsLogOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static NcsLogOpenException For(NcsLogConf conf, Exception error) =>
        new($"cannot open {conf.FilePath}: {error.Message}; check {conf.ConfPath}/file/name in ncs.conf", error);
}
