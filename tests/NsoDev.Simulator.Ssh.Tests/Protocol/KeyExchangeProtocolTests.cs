using System.Text;
using NsoDev.Simulator.Ssh.Tests.Support;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Protocol;

public sealed class KeyExchangeProtocolTests
{
    [Theory(Timeout = 20_000)]
    [InlineData("aes128-ctr", "hmac-sha2-256", "ecdsa-sha2-nistp256", true)]
    [InlineData("aes256-ctr", "hmac-sha2-512-etm@openssh.com", "rsa-sha2-512", false)]
    [InlineData("aes256-gcm@openssh.com", "", "rsa-sha2-256", true)]
    public async Task A_re_exchange_asked_for_by_the_client_is_answered_and_the_session_carries_on(string cipher, string mac, string hostKey, bool strict)
    {
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["cat"] = TestHandlers.Echo;
        var (client, _) = await server.LogInAsync(new TestSshClient.Choice(cipher, mac, hostKey, strict), TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();
        await client.RequestAsync(channel, "exec", "cat");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        for (var round = 1; round <= 3; round++)
        {
            await client.SendDataAsync(channel, Encoding.ASCII.GetBytes($"before {round}"));
            Assert.Equal($"before {round}", Messages.Data(await client.ReadAsync()));
            await client.KeyExchangeAsync();
            await client.SendDataAsync(channel, Encoding.ASCII.GetBytes($"after {round}"));
            Assert.Equal($"after {round}", Messages.Data(await client.ReadAsync()));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_re_exchange_while_the_server_streams_loses_and_reorders_nothing()
    {
        const int Size = 2 * 1024 * 1024;
        var expected = Enumerable.Range(0, Size).Select(i => (char)('a' + (i % 23))).ToArray();
        await using var server = InProcessServer.Create();
        server.Handlers.Commands["stream"] = async (stream, ct) =>
        {
            var bytes = Encoding.ASCII.GetBytes(expected);
            for (var offset = 0; offset < Size; offset += 10_000)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(10_000, Size - offset)), ct);
            }

            return 0;
        };
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var channel = await client.OpenSessionAsync();
        await client.RequestAsync(channel, "exec", "stream");
        await client.ExpectAsync(SshMessage.ChannelSuccess);

        var received = new StringBuilder(Messages.Data(await client.ReadAsync()));
        await client.KeyExchangeAsync();
        SshPacket packet;
        while ((packet = await client.ReadAsync()).MessageNumber == SshMessage.ChannelData)
        {
            received.Append(Messages.Data(packet));
        }

        Assert.Equal(Size, received.Length);
        Assert.True(received.ToString() == new string(expected), "the data came back changed");
        Assert.Equal(("exit-status", 0u), Messages.ExitStatus(packet));
    }

    [Fact(Timeout = 20_000)]
    public async Task Strict_key_exchange_refuses_a_kexinit_that_is_not_the_first_packet()
    {
        await using var server = InProcessServer.Create();
        var (stream, served) = server.Connect();
        var client = await TestSshClient.ExchangeVersionsAsync(stream, TestContext.Current.CancellationToken);

        await client.SendAsync(SshWriter.Message(SshMessage.Ignore).WriteString("terrapin"));
        await client.SendRawAsync(client.Frame(new SshWriter().WriteRaw(client.KexInitPayload())));

        await client.ExpectAsync(SshMessage.KexInit);
        Assert.Equal(
            (DisconnectReason.ProtocolError, "strict key exchange: the client's KEXINIT must be its first packet"),
            Messages.Disconnect(await client.ReadAsync()));
        await served;
    }

    [Fact(Timeout = 20_000)]
    public async Task Service_messages_in_the_middle_of_a_re_exchange_end_the_connection()
    {
        await using var server = InProcessServer.Create();
        var (client, served) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        await client.SendRawAsync(client.Frame(new SshWriter().WriteRaw(client.KexInitPayload())));
        await client.SendAsync(SshWriter.Message(SshMessage.ChannelOpen).WriteString("session").WriteUInt32(0).WriteUInt32(1024).WriteUInt32(1024));

        await client.ExpectAsync(SshMessage.KexInit);
        Assert.Equal("message 90 in the middle of a key exchange", Messages.Disconnect(await client.ReadAsync()).Description);
        await served;
    }

    [Fact(Timeout = 20_000)]
    public async Task A_damaged_packet_after_the_keys_are_set_ends_the_connection_with_a_mac_error()
    {
        await using var server = InProcessServer.Create();
        var (client, served) = await server.ConnectClientAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var frame = client.Frame(SshWriter.Message(SshMessage.Ignore).WriteString("padding for the test"));
        frame[^40] ^= 0x80;

        await client.SendRawAsync(frame);

        var (reason, description) = Messages.Disconnect(await client.ReadAsync());
        Assert.Equal(DisconnectReason.MacError, reason);
        Assert.Equal("packet 0 failed its integrity check", description);
        await served;
    }

    [Fact(Timeout = 20_000)]
    public async Task An_unknown_message_gets_unimplemented_with_its_sequence_number()
    {
        await using var server = InProcessServer.Create();
        var (client, _) = await server.LogInAsync(TestContext.Current.CancellationToken);
        await using var _client = client;
        var sequence = client.NextSequence;

        await client.SendAsync(SshWriter.Message(192).WriteString("local extension"));

        Assert.Equal(sequence, Messages.SecondUInt32(await client.ExpectAsync(SshMessage.Unimplemented)));
    }

    [Fact(Timeout = 20_000)]
    public async Task The_server_names_itself_as_the_simulator()
    {
        await using var server = InProcessServer.Create();
        var (client, _) = await server.ConnectClientAsync(TestContext.Current.CancellationToken);
        await using var _client = client;

        Assert.Equal("SSH-2.0-nso-sim_1.0", client.ServerVersion);
    }
}
