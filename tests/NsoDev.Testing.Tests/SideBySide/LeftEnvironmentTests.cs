using Xunit;

namespace NsoDev.Testing.Tests.SideBySide;

/// <summary>
/// One of two classes (two xunit collections, so they run in parallel) that each start an environment
/// and check, while both run, that their plans share nothing. Run them together: alone, this one
/// waits for its partner and then fails.
/// </summary>
public sealed class LeftEnvironmentTests
{
    public const string Name = nameof(LeftEnvironmentTests);

    [Fact(Timeout = SideBySideScenario.TestTimeout)]
    public Task An_environment_shares_no_port_socket_or_directory_with_one_running_beside_it_and_leaves_nothing_behind() =>
        SideBySideScenario.RunAsync(Name, RightEnvironmentTests.Name, TestContext.Current.CancellationToken);
}
