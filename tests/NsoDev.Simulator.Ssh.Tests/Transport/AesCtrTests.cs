using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Tests.Transport;

public sealed class AesCtrTests
{
    // NIST SP 800-38A appendix F.5: the same counter block and plaintext for both key sizes.
    private const string InitialCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    private const string Plaintext =
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51" +
        "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

    [Theory]
    [InlineData( // F.5.1 CTR-AES128.Encrypt
        "2b7e151628aed2a6abf7158809cf4f3c",
        "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff" +
        "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee")]
    [InlineData( // F.5.5 CTR-AES256.Encrypt
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5" +
        "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6")]
    public void Encryption_matches_the_NIST_SP_800_38A_vectors(string key, string ciphertext)
    {
        using var ctr = new AesCtr(Convert.FromHexString(key), Convert.FromHexString(InitialCounter));
        var data = Convert.FromHexString(Plaintext);

        ctr.Transform(data);

        Assert.Equal(ciphertext, Convert.ToHexStringLower(data));
    }

    [Fact]
    public void The_counter_carries_into_the_next_byte_and_wraps_at_the_top()
    {
        // Keystream of counters ff..ff then 00..00 under key 00..0f (checked with openssl enc -aes-128-ctr).
        using var ctr = new AesCtr(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), Convert.FromHexString(new string('f', 32)));
        var zeros = new byte[32];

        ctr.Transform(zeros);

        Assert.Equal("3c441f32ce07822364d7a2990e50bb13c6a13b37878f5b826f4f8162a1c8d879", Convert.ToHexStringLower(zeros));
    }

    [Fact]
    public void Decrypting_in_pieces_after_a_peek_gives_the_same_bytes_as_at_once()
    {
        var key = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
        var iv = Convert.FromHexString(InitialCounter);
        using var whole = new AesCtr(key, iv);
        using var pieces = new AesCtr(key, iv);
        var expected = Convert.FromHexString(Plaintext);
        var actual = Convert.FromHexString(Plaintext);
        Span<byte> peeked = stackalloc byte[16];

        whole.Transform(expected);
        pieces.PeekKeystream(peeked);
        pieces.Transform(actual.AsSpan(0, 16));
        pieces.Transform(actual.AsSpan(16));

        Assert.Equal(expected, actual);
        Assert.Equal(Convert.FromHexString(Plaintext)[0] ^ peeked[0], expected[0]);
    }

    [Fact]
    public void Input_that_is_not_whole_blocks_is_refused_with_its_length()
    {
        using var ctr = new AesCtr(new byte[16], new byte[16]);

        var error = Assert.Throws<ArgumentException>(() => ctr.Transform(new byte[20]));

        Assert.Contains("20 bytes", error.Message, StringComparison.Ordinal);
    }
}
