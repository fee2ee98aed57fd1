using NsoDev.Ipc;

namespace NsoDev.Client.Tests.Preamble;

/// <summary>
/// The protocol version a client announces for each release (docs/NSO-NOTES.md §4): 82 was recorded
/// from NSO 6.2.5's C library, and 85, 86, 87 are the 6.5, 6.6 and 6.7 libraries'. A client that
/// announces more than its daemon's release is refused, so a 6.4 instance needs 84, not 85.
/// </summary>
public sealed class ProtocolVersionRuleTests
{
    [Theory]
    [InlineData(6, 2, 82)]
    [InlineData(6, 3, 83)]
    [InlineData(6, 4, 84)]
    [InlineData(6, 5, 85)]
    [InlineData(6, 6, 86)]
    [InlineData(6, 7, 87)]
    public void Each_NSO_6_release_announces_80_plus_its_minor_version(int major, int minor, int expected) =>
        Assert.Equal(expected, new NsoRelease(major, minor).ProtocolVersion);
}
