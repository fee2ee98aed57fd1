using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Ipc;

public sealed class IpcHelloTests
{
    [Fact]
    public void A_library_hello_is_the_id_then_protocol_and_library_versions_big_endian()
    {
        var hello = new IpcHello(IpcClientId.Maapi, IpcChallengeRequest.None, 85, 0x06050000);

        Assert.Equal(new byte[] { 0x07, 0x00, 0x55, 0x06, 0x05, 0x00, 0x00, 0x00, 0x00 }, hello.Encode());
    }

    [Fact]
    public void A_hello_decodes_to_what_was_encoded()
    {
        var bytes = new IpcHello(IpcClientId.Cdb, IpcChallengeRequest.None, 82, 0x06020500).Encode();

        var hello = IpcHello.Decode(bytes[0], bytes.AsSpan(1));

        Assert.Equal(new IpcHello(IpcClientId.Cdb, IpcChallengeRequest.None, 82, 0x06020500), hello);
    }

    [Theory]
    [InlineData(0x07, 7, "None")]
    [InlineData(0x87, 7, "V1Md5")]
    [InlineData(0xC5, 5, "V2Sha256")]
    [InlineData(0x29, 41, "None")]
    public void The_first_byte_carries_the_client_id_and_the_challenge_flags(byte first, byte clientId, string flags)
    {
        var id = (IpcClientId)clientId;
        var challenge = Enum.Parse<IpcChallengeRequest>(flags);

        Assert.Equal((id, challenge), IpcHello.DecodeFirstByte(first));
        Assert.Equal(first, new IpcHello(id, challenge, 85, 0).Encode()[0]);
    }

    [Fact]
    public void A_6_5_daemon_accepts_a_6_5_client_with_its_versions_and_limits()
    {
        var reply = IpcHelloReply.For(NsoVersion.Parse("6.5"), 85);

        // The server version is the embedded ConfD release, 8.5 for NSO 6.5 (NSO-NOTES §4).
        Assert.Equal(new byte[] { 0x00, 0x00, 0x55, 0x08, 0x05, 0x00, 0x00, 20, 9 }, reply.Encode());
    }

    [Theory]
    [InlineData("6.5", 60, 0)]
    [InlineData("6.5", 82, 0)]
    [InlineData("6.5", 86, 1)]
    [InlineData("6.5", 59, 1)]
    [InlineData("6.6", 86, 0)]
    [InlineData("6.7", 87, 0)]
    [InlineData("6.7", 88, 1)]
    public void A_client_newer_than_the_daemon_is_incompatible(string daemon, ushort client, byte status) =>
        Assert.Equal((IpcHelloStatus)status, IpcHelloReply.For(NsoVersion.Parse(daemon), client).Status);

    [Fact]
    public void A_reply_decodes_to_what_was_encoded()
    {
        var reply = IpcHelloReply.For(NsoVersion.Parse("6.4.1"), 90);

        Assert.Equal(reply, IpcHelloReply.Decode(reply.Encode()));
        Assert.Equal(0x08040100u, reply.ServerVersion);
        Assert.Equal(84, reply.ProtocolVersion);
    }

    [Theory]
    [InlineData("6.2.5", 82, 0x08020500u)]
    [InlineData("6.5", 85, 0x08050000u)]
    [InlineData("6.6", 86, 0x08060000u)]
    [InlineData("6.7", 87, 0x08070000u)]
    [InlineData("6.4.1.2", 84, 0x08040100u)]
    public void A_simulated_version_decides_the_protocol_and_packed_versions(string text, ushort protocol, uint packed)
    {
        var version = NsoVersion.Parse(text);

        Assert.Equal(protocol, version.ProtocolVersion);
        Assert.Equal(packed, version.PackedVersion);
    }

    [Theory]
    [InlineData("6")]
    [InlineData("5.8")]
    [InlineData("6.x")]
    [InlineData("6.5.1.2.3")]
    [InlineData("")]
    public void A_version_nso_sim_cannot_simulate_is_refused(string text) =>
        Assert.Throws<FormatException>(() => NsoVersion.Parse(text));
}
