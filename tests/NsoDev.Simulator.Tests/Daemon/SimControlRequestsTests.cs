using NsoDev.Simulator.Daemon;

namespace NsoDev.Simulator.Tests.Daemon;

public sealed class SimControlRequestsTests
{
    private readonly FakeDaemon _daemon = new();

    private ValueTask<string> HandleAsync(string request, CancellationToken cancellationToken) =>
        new SimControlRequests(_daemon).HandleAsync(request, cancellationToken);

    [Fact(Timeout = 5000)]
    public async Task Status_returns_the_daemons_report() => Assert.Equal("status: started\n", await HandleAsync("status", TestContext.Current.CancellationToken));

    [Fact(Timeout = 5000)]
    public async Task Stop_asks_for_a_clean_stop_and_says_stopping()
    {
        Assert.Equal("stopping", await HandleAsync("stop", TestContext.Current.CancellationToken));
        Assert.Equal(StopRequest.ByControl, _daemon.Stop);
    }

    [Fact(Timeout = 5000)]
    public async Task Reload_says_ok_or_the_problem()
    {
        Assert.Equal("ok", await HandleAsync("reload", TestContext.Current.CancellationToken));

        _daemon.ReloadProblem = "ncs.conf:3: bad";
        Assert.Equal("error: ncs.conf:3: bad", await HandleAsync("reload", TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 5000)]
    public async Task An_unknown_request_is_answered_with_an_error_that_lists_the_known_ones() =>
        Assert.Equal("error: unknown request \"restart\"; nso-sim understands status, stop, reload and cli", await HandleAsync("restart", TestContext.Current.CancellationToken));

    private sealed class FakeDaemon : IControlledDaemon
    {
        public StopRequest? Stop { get; private set; }

        public string? ReloadProblem { get; set; }

        public string Status() => "status: started\n";

        public void RequestStop(StopRequest request) => Stop = request;

        public string? Reload() => ReloadProblem;
    }
}
