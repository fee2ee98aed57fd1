using System.Security.Cryptography;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Transport;

public sealed class KeyDerivationTests
{
    private static readonly byte[] K = new SshWriter().WriteMpint(Convert.FromHexString("80" + new string('1', 62))).ToArray();
    private static readonly byte[] H = SHA256.HashData("exchange hash"u8);
    private static readonly byte[] SessionId = SHA256.HashData("session id"u8);

    [Fact]
    public void The_first_block_is_the_hash_of_K_H_the_letter_and_the_session_id()
    {
        var expected = SHA256.HashData([.. K, .. H, (byte)'C', .. SessionId]);

        var key = KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, 'C', SessionId, 16);

        Assert.Equal(expected[..16], key);
    }

    [Fact]
    public void A_key_longer_than_one_hash_goes_on_with_the_hash_of_K_H_and_the_key_so_far()
    {
        var k1 = SHA256.HashData([.. K, .. H, (byte)'E', .. SessionId]);
        var k2 = SHA256.HashData([.. K, .. H, .. k1]);
        var k3 = SHA256.HashData([.. K, .. H, .. k1, .. k2]);

        var key = KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, 'E', SessionId, 80);

        Assert.Equal([.. k1, .. k2, .. k3[..16]], key);
    }

    [Fact]
    public void Each_letter_gives_its_own_key()
    {
        var keys = "ABCDEF".Select(letter => Convert.ToHexString(KeyDerivation.Derive(HashAlgorithmName.SHA256, K, H, letter, SessionId, 32)));

        Assert.Equal(6, keys.Distinct().Count());
    }

    [Fact]
    public void K_with_its_high_bit_set_gets_a_leading_zero_as_an_mpint()
    {
        Assert.Equal([0, 0, 0, 33, 0, 0x80], K[..6]);
    }
}
