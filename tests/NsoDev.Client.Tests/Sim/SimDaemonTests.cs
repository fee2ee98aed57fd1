namespace NsoDev.Client.Tests.Sim;

/// <summary>
/// A test class against the one nso-sim daemon of its class fixture: the derived class names the fixture
/// (<c>IClassFixture&lt;TcpSimFixture&gt;</c>, ...) and passes it here.
/// </summary>
public abstract class SimDaemonTests
{
    private readonly SimDaemonFixture _fixture;

    private protected SimDaemonTests(SimDaemonFixture fixture)
    {
        _fixture = fixture;
    }

    private protected SimDaemon Daemon => _fixture.Daemon;
}
