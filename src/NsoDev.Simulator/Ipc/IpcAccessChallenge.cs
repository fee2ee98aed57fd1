using System.Security.Cryptography;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The bytes of the <c>ncs-ipc-access-check</c> challenge (docs/NSO-NOTES.md §4), shared by the
/// daemon and nso-sim's own client. A library client sends its whole hello first, in one write, and
/// only then is challenged. MAAPI from NSO 6.2.5's C library, as recorded:
/// <code>
/// C→S  87 0052 08020500 3c 12             hello: id 7 | 0x80 (v1, MD5; 0xC0 asks for v2, SHA-256),
///                                         protocol 82, library 8.2.5 (ConfD's), its limits 60 and 18
/// S→C  0B &lt;16 random bytes&gt;               [11][challenge]; v2: 32 bytes
/// C→S  0C &lt;MD5(secret ‖ challenge)&gt;       [12][answer]; v2: SHA-256, 32 bytes
/// S→C  00                                 the verdict: granted (03: wrong, then close)
/// S→C  00 0055 08050000 14 09             the 9-byte hello reply (here nso-sim's, simulating 6.5)
/// </code>
/// <c>ncs_cli</c> (id 4) and the NETCONF subsystem client (id 12) send their first byte alone
/// (<see cref="IpcSession"/> has their order). A malformed answer is closed without a verdict.
/// </summary>
internal static class IpcAccessChallenge
{
    public const byte ChallengeTag = 11;
    public const byte AnswerTag = 12;
    public const byte Granted = 0;

    /// <summary>
    /// The verdict on a wrong answer, recorded from NSO 6.2.5 (then NSO closes). nso-sim also sends it
    /// where no public source gives the byte (inferred): to a client that asks for no challenge while
    /// the check is on, and to one that asks for a challenge while it is off. It is not 11 (a
    /// challenge), 0 (granted), 1 or 2 (hello statuses) or 13 (the CLI's "unavailable"), so every
    /// client reports Access Rejected.
    /// </summary>
    public const byte Rejected = 3;

    public static int ChallengeLength(IpcChallengeRequest kind) => kind == IpcChallengeRequest.V1Md5 ? 16 : 32;

    public static int AnswerLength(IpcChallengeRequest kind) => kind == IpcChallengeRequest.V1Md5 ? MD5.HashSizeInBytes : SHA256.HashSizeInBytes;

    /// <summary>H(secret ‖ challenge): MD5 for v1, SHA-256 for v2. The secret is the whole access file, byte for byte.</summary>
    public static byte[] Answer(IpcChallengeRequest kind, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> challenge)
    {
        var input = new byte[secret.Length + challenge.Length];
        secret.CopyTo(input);
        challenge.CopyTo(input.AsSpan(secret.Length));
        try
        {
#pragma warning disable CA5351 // MD5 is what v1 clients of the NSO IPC protocol use; nso-sim must speak it.
            return kind == IpcChallengeRequest.V1Md5 ? MD5.HashData(input) : SHA256.HashData(input);
#pragma warning restore CA5351
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    public static string Describe(IpcChallengeRequest kind) => kind switch
    {
        IpcChallengeRequest.V1Md5 => "v1 (MD5)",
        IpcChallengeRequest.V2Sha256 => "v2 (SHA-256)",
        _ => "no",
    };
}
