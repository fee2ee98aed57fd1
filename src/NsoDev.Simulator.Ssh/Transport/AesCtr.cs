using System.Numerics;
using System.Security.Cryptography;

namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>
/// AES in counter mode (RFC 4344 section 4): the keystream is AES-ECB of a 128-bit big-endian
/// counter that starts at the IV and goes up by one per block. .NET has no CTR mode, so it is
/// built here on the ECB primitive.
/// </summary>
internal sealed class AesCtr : IDisposable
{
    public const int BlockSize = 16;
    private const int BlocksPerBatch = 256;

    private readonly Aes _aes;
    private readonly byte[] _counter = new byte[BlockSize];
    private readonly byte[] _counters = new byte[BlockSize * BlocksPerBatch];
    private readonly byte[] _keystream = new byte[BlockSize * BlocksPerBatch];

    public AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (iv.Length != BlockSize)
        {
            throw new ArgumentException($"the CTR IV must be {BlockSize} bytes, not {iv.Length}", nameof(iv));
        }

        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        iv.CopyTo(_counter);
    }

    /// <summary>Encrypts or decrypts whole blocks in place and advances the counter.</summary>
    public void Transform(Span<byte> data)
    {
        if (data.Length % BlockSize != 0)
        {
            throw new ArgumentException($"CTR input must be whole {BlockSize}-byte blocks; got {data.Length} bytes", nameof(data));
        }

        while (!data.IsEmpty)
        {
            var blocks = Math.Min(data.Length / BlockSize, BlocksPerBatch);
            var size = blocks * BlockSize;
            for (var i = 0; i < blocks; i++)
            {
                _counter.CopyTo(_counters, i * BlockSize);
                Increment(_counter);
            }

            _aes.EncryptEcb(_counters.AsSpan(0, size), _keystream.AsSpan(0, size), PaddingMode.None);
            Xor(data[..size], _keystream.AsSpan(0, size));
            data = data[size..];
        }
    }

    /// <summary>The keystream of the next block without consuming it: enough to read a packet length early.</summary>
    public void PeekKeystream(Span<byte> block) =>
        _aes.EncryptEcb(_counter, block[..BlockSize], PaddingMode.None);

    public void Dispose() => _aes.Dispose();

    private static void Increment(byte[] counter)
    {
        for (var i = counter.Length - 1; i >= 0; i--)
        {
            if (++counter[i] != 0)
            {
                return;
            }
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(data[i..]);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
