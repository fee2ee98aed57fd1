using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>Session keys from the shared secret, RFC 4253 section 7.2.</summary>
internal static class KeyDerivation
{
    /// <summary>
    /// K1 = HASH(K || H || letter || session_id), Kn = HASH(K || H || K1 || ... || Kn-1), the
    /// key being the first <paramref name="length"/> bytes of K1 || K2 || ... . The letters are
    /// 'A'/'B' for the IVs, 'C'/'D' for the cipher keys, 'E'/'F' for the MAC keys, client to
    /// server first. <paramref name="sharedSecret"/> is K already encoded as an mpint, length
    /// prefix included.
    /// </summary>
    public static byte[] Derive(HashAlgorithmName hash, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> exchangeHash, char letter, ReadOnlySpan<byte> sessionId, int length)
    {
        using var digest = IncrementalHash.CreateHash(hash);
        digest.AppendData(sharedSecret);
        digest.AppendData(exchangeHash);
        digest.AppendData([(byte)letter]);
        digest.AppendData(sessionId);
        var key = new List<byte>(digest.GetHashAndReset());
        while (key.Count < length)
        {
            digest.AppendData(sharedSecret);
            digest.AppendData(exchangeHash);
            digest.AppendData([.. key]);
            key.AddRange(digest.GetHashAndReset());
        }

        return key.GetRange(0, length).ToArray();
    }
}
