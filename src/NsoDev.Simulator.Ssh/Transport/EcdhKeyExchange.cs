using System.Security.Cryptography;
using NsoDev.Simulator.Ssh.HostKeys;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>The strings both sides put into the exchange hash besides the keys.</summary>
internal sealed record ExchangeHashInputs(string ClientVersion, string ServerVersion, byte[] ClientKexInit, byte[] ServerKexInit);

/// <summary>The server's part of one exchange: the reply to send, H, and K as an mpint.</summary>
internal sealed record EcdhOutcome(byte[] Reply, byte[] ExchangeHash, byte[] SharedSecret);

/// <summary>The server side of ecdh-sha2-nistp256 (RFC 5656 section 4).</summary>
internal static class EcdhKeyExchange
{
    private const int PointSize = 65;

    // 1e                         SSH_MSG_KEX_ECDH_INIT
    // 00 00 00 41 04 <X> <Y>     Q_C, the client's ephemeral key: an uncompressed P-256 point
    public static EcdhOutcome Respond(ReadOnlySpan<byte> ecdhInit, ExchangeHashInputs inputs, HostKey hostKey, string hostKeyAlgorithm)
    {
        var reader = new SshReader(ecdhInit);
        reader.ReadByte();
        var clientPoint = reader.ReadBinary().ToArray();
        if (clientPoint.Length != PointSize || clientPoint[0] != 0x04)
        {
            throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, $"the client's ECDH key is {clientPoint.Length} bytes, not an uncompressed P-256 point");
        }

        using var server = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = server.ExportParameters(includePrivateParameters: false).Q;
        byte[] serverPoint = [0x04, .. q.X!, .. q.Y!];
        var secret = Agree(server, clientPoint);

        var k = new SshWriter().WriteMpint(secret).ToArray();
        CryptographicOperations.ZeroMemory(secret);

        // H = SHA256(V_C || V_S || I_C || I_S || K_S || Q_C || Q_S || K), RFC 5656 section 4.
        var hash = SHA256.HashData(new SshWriter(2048)
            .WriteString(inputs.ClientVersion)
            .WriteString(inputs.ServerVersion)
            .WriteBinary(inputs.ClientKexInit)
            .WriteBinary(inputs.ServerKexInit)
            .WriteBinary(hostKey.PublicKeyBlob)
            .WriteBinary(clientPoint)
            .WriteBinary(serverPoint)
            .WriteRaw(k)
            .WrittenSpan);

        var reply = SshWriter.Message(SshMessage.KexEcdhReply, 1024)
            .WriteBinary(hostKey.PublicKeyBlob)
            .WriteBinary(serverPoint)
            .WriteBinary(hostKey.Sign(hostKeyAlgorithm, hash))
            .ToArray();
        return new EcdhOutcome(reply, hash, k);
    }

    private static byte[] Agree(ECDiffieHellman server, byte[] clientPoint)
    {
        try
        {
            using var client = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = clientPoint[1..33], Y = clientPoint[33..] },
            });
            using var publicKey = client.PublicKey;
            return server.DeriveRawSecretAgreement(publicKey);
        }
        catch (CryptographicException)
        {
            throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, "the client's ECDH key is not a point on P-256");
        }
    }
}
