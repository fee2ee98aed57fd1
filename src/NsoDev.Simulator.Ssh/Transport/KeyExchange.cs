using System.Security.Cryptography;
using NsoDev.Simulator.Ssh.HostKeys;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// The server's side of key exchange and re-exchange: KEXINIT both ways, then the client's
/// KEX_ECDH_INIT, our KEX_ECDH_REPLY and NEWKEYS, then the client's NEWKEYS (RFC 4253 sections
/// 7-9). This server never starts a re-exchange itself; it answers the client's.
/// </summary>
internal sealed class KeyExchange(SshTransport transport, HostKeySet hostKeys)
{
    private byte[]? _ourInit;
    private byte[]? _theirInit;
    private NegotiatedAlgorithms? _algorithms;
    private PacketProtection? _pendingIncoming;
    private bool _ignoreGuess;
    private int _completed;

    /// <summary>H of the first exchange (RFC 4253 section 7.2).</summary>
    public byte[]? SessionId { get; private set; }

    /// <summary>Both sides asked for strict key exchange (OpenSSH PROTOCOL section 1.10).</summary>
    public bool IsStrict { get; private set; }

    /// <summary>From a KEXINIT until the client's NEWKEYS, service messages are out of place.</summary>
    public bool InProgress => _ourInit is not null || _theirInit is not null || _pendingIncoming is not null;

    /// <summary>The first exchange is over: both directions are encrypted.</summary>
    public bool HasKeys => _completed > 0;

    /// <summary>Sends our KEXINIT: at once after the version exchange, and in answer to a client's re-exchange.</summary>
    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        _ourInit = KexInit.ForServer(hostKeys.Algorithms, initial: SessionId is null).ToPayload();
        await transport.SendKexInitAsync(_ourInit, cancellationToken);
    }

    public async Task HandleAsync(SshPacket packet, CancellationToken cancellationToken)
    {
        switch (packet.MessageNumber)
        {
            case SshMessage.KexInit:
                await OnKexInitAsync(packet, cancellationToken);
                break;
            case SshMessage.KexEcdhInit:
                await OnEcdhInitAsync(packet, cancellationToken);
                break;
            case SshMessage.NewKeys:
                OnNewKeys();
                break;
            default:
                throw new SshProtocolException($"unexpected key exchange message {packet.MessageNumber}");
        }
    }

    private async Task OnKexInitAsync(SshPacket packet, CancellationToken cancellationToken)
    {
        if (_theirInit is not null || _pendingIncoming is not null)
        {
            throw new SshProtocolException("a second KEXINIT in the middle of a key exchange");
        }

        var client = KexInit.Parse(packet.Payload.Span);
        _theirInit = packet.Payload.ToArray();
        if (SessionId is null)
        {
            IsStrict = client.KeyExchange.Contains(Algorithms.StrictKexClient);
            if (IsStrict && packet.Sequence != 0)
            {
                throw new SshProtocolException("strict key exchange: the client's KEXINIT must be its first packet");
            }
        }

        if (_ourInit is null)
        {
            await BeginAsync(cancellationToken);
        }

        _algorithms = AlgorithmNegotiation.Negotiate(client, KexInit.Parse(_ourInit!));

        // A wrong guess means the packet the client sent on the strength of it is dropped (RFC 4253 section 7).
        _ignoreGuess = client.FirstKexPacketFollows
            && (First(client.KeyExchange) != _algorithms.KeyExchange || First(client.HostKey) != _algorithms.HostKey);
    }

    private async Task OnEcdhInitAsync(SshPacket packet, CancellationToken cancellationToken)
    {
        if (_algorithms is null || _theirInit is null || _ourInit is null)
        {
            throw new SshProtocolException("KEX_ECDH_INIT outside a key exchange");
        }

        if (_ignoreGuess)
        {
            _ignoreGuess = false;
            return;
        }

        var algorithms = _algorithms;
        var inputs = new ExchangeHashInputs(transport.ClientVersion, VersionExchange.ServerVersion, _theirInit, _ourInit);
        var outcome = EcdhKeyExchange.Respond(packet.Payload.Span, inputs, hostKeys.For(algorithms.HostKey), algorithms.HostKey);
        SessionId ??= outcome.ExchangeHash;

        var incoming = Derive(algorithms.CipherClientToServer, algorithms.MacClientToServer, outcome, 'A', 'C', 'E');
        var outgoing = Derive(algorithms.CipherServerToClient, algorithms.MacServerToClient, outcome, 'B', 'D', 'F');
        CryptographicOperations.ZeroMemory(outcome.SharedSecret);

        await transport.SendNewKeysAsync(outcome.Reply, outgoing, IsStrict, cancellationToken);
        _pendingIncoming = incoming;
        _ourInit = null;
        _theirInit = null;
        _algorithms = null;
    }

    private void OnNewKeys()
    {
        if (_pendingIncoming is null)
        {
            throw new SshProtocolException("NEWKEYS before this server's key exchange reply");
        }

        transport.UseIncomingKeys(_pendingIncoming, IsStrict);
        _pendingIncoming = null;
        _completed++;
    }

    private static string? First(IReadOnlyList<string> names) => names.Count > 0 ? names[0] : null;

    private PacketProtection Derive(CipherAlgorithm cipher, MacAlgorithm? mac, EcdhOutcome outcome, char iv, char key, char integrity)
    {
        byte[] Key(char letter, int length) =>
            KeyDerivation.Derive(HashAlgorithmName.SHA256, outcome.SharedSecret, outcome.ExchangeHash, letter, SessionId, length);

        return Algorithms.CreateProtection(cipher, mac, Key(key, cipher.KeySize), Key(iv, cipher.IvSize), mac is null ? [] : Key(integrity, mac.KeySize));
    }
}
