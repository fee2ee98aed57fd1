using Xunit;

namespace NsoDev.Testing.Tests.SideBySide;

/// <summary>The partner of <see cref="LeftEnvironmentTests"/>, in a collection of its own.</summary>
public sealed class RightEnvironmentTests
{
    public const string Name = nameof(RightEnvironmentTests);

    [Fact(Timeout = SideBySideScenario.TestTimeout)]
    public Task An_environment_shares_no_port_socket_or_directory_with_one_running_beside_it_and_leaves_nothing_behind() =>
        SideBySideScenario.RunAsync(Name, LeftEnvironmentTests.Name, TestContext.Current.CancellationToken);
}
