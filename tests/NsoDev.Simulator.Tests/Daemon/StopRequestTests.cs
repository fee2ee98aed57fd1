using System.Runtime.InteropServices;
using NsoDev.Simulator.Daemon;

namespace NsoDev.Simulator.Tests.Daemon;

public sealed class StopRequestTests
{
    [Fact]
    public void A_stop_request_logs_a_clean_shutdown() =>
        Assert.Equal("Stopping (clean shutdown: --stop)", StopRequest.ByControl.LogMessage);

    [Theory]
    [InlineData(PosixSignal.SIGINT, "Stopping (unclean shutdown (SIGINT))", 130)]
    [InlineData(PosixSignal.SIGTERM, "Stopping (unclean shutdown (SIGTERM))", 143)]
    public void A_signal_is_an_unclean_shutdown_with_128_plus_its_number(PosixSignal signal, string message, int exitCode)
    {
        var stop = StopRequest.BySignal(signal);

        Assert.False(stop.Clean);
        Assert.Equal(message, stop.LogMessage);
        Assert.Equal(exitCode, stop.ExitCode);
    }
}
