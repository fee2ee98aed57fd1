namespace NsoDev.Client.Tests.Sim;

/// <summary>One nso-sim daemon for a test class, started before its first test and stopped after its last.</summary>
public abstract class SimDaemonFixture : IAsyncLifetime
{
    private readonly SimDaemonOptions _options;
    private SimDaemon? _daemon;

    private protected SimDaemonFixture(SimDaemonOptions options)
    {
        _options = options;
    }

    internal SimDaemon Daemon => _daemon ?? throw new InvalidOperationException("The daemon has not started.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        _daemon = await SimDaemon.StartAsync(_options, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>NSO 6.5 on TCP IPC, access check off.</summary>
public sealed class TcpSimFixture() : SimDaemonFixture(new SimDaemonOptions());

/// <summary>NSO 6.5 on a Unix socket, access check on.</summary>
public sealed class UnixSocketWithAccessCheckSimFixture() : SimDaemonFixture(new SimDaemonOptions(UnixSocket: true, AccessCheck: true));

/// <summary>NSO 6.5 on TCP IPC, access check on.</summary>
public sealed class TcpWithAccessCheckSimFixture() : SimDaemonFixture(new SimDaemonOptions(AccessCheck: true));

/// <summary>Two daemons of different releases, 6.5 (protocol 85) and 6.7 (protocol 87), both on TCP without the check.</summary>
public sealed class TwoReleasesSimFixture : IAsyncLifetime
{
    private SimDaemon? _nso65;
    private SimDaemon? _nso67;

    internal SimDaemon Nso65 => _nso65 ?? throw new InvalidOperationException("The 6.5 daemon has not started.");

    internal SimDaemon Nso67 => _nso67 ?? throw new InvalidOperationException("The 6.7 daemon has not started.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var nso65 = SimDaemon.StartAsync(new SimDaemonOptions(Version: "6.5"), timeout.Token);
        var nso67 = SimDaemon.StartAsync(new SimDaemonOptions(Version: "6.7"), timeout.Token);
        try
        {
            await Task.WhenAll(nso65, nso67);
        }
        finally
        {
            _nso65 = nso65.IsCompletedSuccessfully ? nso65.Result : null;
            _nso67 = nso67.IsCompletedSuccessfully ? nso67.Result : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in new[] { _nso65, _nso67 })
        {
            if (daemon is not null)
            {
                await daemon.DisposeAsync();
            }
        }
    }
}
