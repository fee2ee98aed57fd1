using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Support;

/// <summary>
/// Just enough of an SSH client to drive the server where SSH.NET cannot: re-keying on demand,
/// and protocol errors on purpose. It speaks over any stream with the server's own packet
/// code; SSH.NET is the independent check of that code. Its reads and writes end when the
/// token it was created with is cancelled (the test's, so that a test past its timeout stops waiting).
/// </summary>
internal sealed class TestSshClient(Stream stream, TestSshClient.Choice choice, CancellationToken cancellationToken) : IAsyncDisposable
{
    public const string Version = "SSH-2.0-TestSshClient_1.0";

    private readonly PipeReader _input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
    private readonly PacketReader _reader = new();
    private readonly PacketWriter _writer = new();
    private readonly Queue<SshPacket> _early = new();
    private byte[]? _sessionId;
    private bool _strict;

    public sealed record Choice(string Cipher = "aes128-ctr", string Mac = "hmac-sha2-256", string HostKey = "ecdsa-sha2-nistp256", bool Strict = true);

    public string ServerVersion { get; private set; } = "";

    public byte[] HostKeyBlob { get; private set; } = [];

    /// <summary>The sequence number the next packet sent will have.</summary>
    public uint NextSequence => _writer.Sequence;

    public static async Task<TestSshClient> ConnectAsync(Stream stream, Choice? choice, CancellationToken cancellationToken)
    {
        var client = await ExchangeVersionsAsync(stream, choice, cancellationToken);
        await client.KeyExchangeAsync();
        return client;
    }

    /// <summary>Only the identification strings: no key exchange yet.</summary>
    public static Task<TestSshClient> ExchangeVersionsAsync(Stream stream, CancellationToken cancellationToken) =>
        ExchangeVersionsAsync(stream, null, cancellationToken);

    public static async Task<TestSshClient> ExchangeVersionsAsync(Stream stream, Choice? choice, CancellationToken cancellationToken)
    {
        var client = new TestSshClient(stream, choice ?? new Choice(), cancellationToken);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(Version + "\r\n"));
        client.ServerVersion = await VersionExchange.ReadClientVersionAsync(client._input, cancellationToken);
        return client;
    }

    public Task SendRawAsync(byte[] bytes) => stream.WriteAsync(bytes, cancellationToken).AsTask();

    public Task SendAsync(SshWriter message) => SendRawAsync(Frame(message));

    /// <summary>A packet ready for the wire, for tests that damage it first.</summary>
    public byte[] Frame(SshWriter message) => _writer.Frame(message.WrittenSpan);

    public byte[] KexInitPayload()
    {
        IReadOnlyList<string> kex = _sessionId is null && choice.Strict ? [Algorithms.EcdhNistp256, Algorithms.StrictKexClient] : [Algorithms.EcdhNistp256];
        return new KexInit(kex, [choice.HostKey], [choice.Cipher], [choice.Cipher], [choice.Mac], [choice.Mac], ["none"], ["none"], false).ToPayload();
    }

    /// <summary>The next packet; packets that arrived during a re-exchange come first.</summary>
    public async Task<SshPacket> ReadAsync() => _early.TryDequeue(out var early) ? early : await ReadWireAsync();

    private async Task<SshPacket> ReadWireAsync()
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (_reader.TryRead(ref buffer, out var packet))
            {
                _input.AdvanceTo(buffer.Start);
                return packet;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the server closed the connection");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async Task<SshPacket> ExpectAsync(byte messageNumber) => Expect(await ReadAsync(), messageNumber);

    private static SshPacket Expect(SshPacket packet, byte messageNumber)
    {
        Assert.True(packet.MessageNumber == messageNumber, $"expected message {messageNumber}, got {packet.MessageNumber}");
        return packet;
    }

    /// <summary>A full key exchange; messages the server sent before its KEXINIT are kept for <see cref="ReadAsync"/>.</summary>
    public async Task KeyExchangeAsync()
    {
        var ours = KexInitPayload();
        await SendRawAsync(_writer.Frame(ours));
        var theirs = await NextKexInitAsync();
        _strict |= _sessionId is null && choice.Strict && KexInit.Parse(theirs.Span).KeyExchange.Contains(Algorithms.StrictKexServer);

        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdh.ExportParameters(false).Q;
        byte[] clientPoint = [0x04, .. q.X!, .. q.Y!];
        await SendAsync(SshWriter.Message(SshMessage.KexEcdhInit).WriteBinary(clientPoint));

        var reply = Expect(await ReadWireAsync(), SshMessage.KexEcdhReply);
        var (hostKey, serverPoint) = ParseReply(reply.Payload.ToArray());
        using var server = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = serverPoint[1..33], Y = serverPoint[33..] },
        });
        using var serverKey = server.PublicKey;
        var k = new SshWriter().WriteMpint(ecdh.DeriveRawSecretAgreement(serverKey)).ToArray();
        var h = SHA256.HashData(new SshWriter()
            .WriteString(Version).WriteString(ServerVersion).WriteBinary(ours).WriteBinary(theirs.Span)
            .WriteBinary(hostKey).WriteBinary(clientPoint).WriteBinary(serverPoint).WriteRaw(k).WrittenSpan);
        _sessionId ??= h;
        HostKeyBlob = hostKey;

        await SendAsync(SshWriter.Message(SshMessage.NewKeys));
        _writer.Protection = Keys(k, h, 'A', 'C', 'E');
        _writer.Sequence = _strict ? 0 : _writer.Sequence;
        Expect(await ReadWireAsync(), SshMessage.NewKeys);
        _reader.Protection = Keys(k, h, 'B', 'D', 'F');
        _reader.Sequence = _strict ? 0 : _reader.Sequence;
    }

    /// <summary>Asks for ssh-userauth and tries one password; true when the server let us in.</summary>
    public async Task<bool> LoginAsync(string user, string password)
    {
        await SendAsync(SshWriter.Message(SshMessage.ServiceRequest).WriteString("ssh-userauth"));
        await ExpectAsync(SshMessage.ServiceAccept);
        return await TryPasswordAsync(user, password);
    }

    public async Task<bool> TryPasswordAsync(string user, string password)
    {
        await SendAsync(SshWriter.Message(SshMessage.UserAuthRequest)
            .WriteString(user).WriteString("ssh-connection").WriteString("password").WriteBoolean(false).WriteString(password));
        return (await ReadAsync()).MessageNumber == SshMessage.UserAuthSuccess;
    }

    /// <summary>Opens a session channel with a large window, so that tests need not adjust it.</summary>
    public async Task<uint> OpenSessionAsync(uint clientChannel = 0)
    {
        await SendAsync(SshWriter.Message(SshMessage.ChannelOpen).WriteString("session")
            .WriteUInt32(clientChannel).WriteUInt32(64 * 1024 * 1024).WriteUInt32(32 * 1024));
        var confirmation = await ExpectAsync(SshMessage.ChannelOpenConfirmation);
        var reader = new SshReader(confirmation.Payload.Span);
        reader.ReadByte();
        reader.ReadUInt32();
        return reader.ReadUInt32();
    }

    public Task RequestAsync(uint serverChannel, string type, string? argument, bool wantReply = true)
    {
        var message = SshWriter.Message(SshMessage.ChannelRequest).WriteUInt32(serverChannel).WriteString(type).WriteBoolean(wantReply);
        return SendAsync(argument is null ? message : message.WriteString(argument));
    }

    public Task SendDataAsync(uint serverChannel, byte[] data) =>
        SendAsync(SshWriter.Message(SshMessage.ChannelData).WriteUInt32(serverChannel).WriteBinary(data));

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        await stream.DisposeAsync();
    }

    private async Task<ReadOnlyMemory<byte>> NextKexInitAsync()
    {
        while (true)
        {
            var packet = await ReadWireAsync();
            if (packet.MessageNumber == SshMessage.KexInit)
            {
                return packet.Payload;
            }

            _early.Enqueue(packet);
        }
    }

    private static (byte[] HostKey, byte[] ServerPoint) ParseReply(byte[] payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        return (reader.ReadBinary().ToArray(), reader.ReadBinary().ToArray());
    }

    private PacketProtection Keys(byte[] k, byte[] h, char iv, char key, char integrity)
    {
        var cipher = Algorithms.Ciphers.Single(c => c.Name == choice.Cipher);
        var mac = cipher.IsAead ? null : Algorithms.Macs.Single(m => m.Name == choice.Mac);
        byte[] Derive(char letter, int length) => KeyDerivation.Derive(HashAlgorithmName.SHA256, k, h, letter, _sessionId, length);
        return Algorithms.CreateProtection(cipher, mac, Derive(key, cipher.KeySize), Derive(iv, cipher.IvSize), mac is null ? [] : Derive(integrity, mac.KeySize));
    }
}
