using System.Security.Cryptography;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// The bytes of the <c>ncs-ipc-access-check</c> challenge (NSO-FACTS section 4), shared by the
/// daemon and nso-sim's own client. The exchange, in the order nso-sim uses; a v2 control
/// client (id 41) against NSO 6.5:
/// <code>
/// C→S  E9                                 first byte: id 0x29 | 0xC0 (0x80 alone asks for v1)
/// S→C  0B &lt;32 random bytes&gt;               [11][challenge]; v1: 16 bytes
/// C→S  0C &lt;SHA-256(secret ‖ challenge)&gt;    [12][answer]; v1: MD5, 16 bytes
/// S→C  00                                 granted
/// C→S  00 55 06 05 00 00 00 00            the rest of a library client's hello (ncs_cli sends none)
/// S→C  00 00 55 06 05 00 00 14 09         the 9-byte hello reply
/// </code>
/// A rejected client gets the single byte <see cref="Rejected"/>, then the connection closes.
/// </summary>
internal static class IpcAccessChallenge
{
    public const byte ChallengeTag = 11;
    public const byte AnswerTag = 12;
    public const byte Granted = 0;

    /// <summary>
    /// What NSO sends on a rejection is not public (inferred). nso-sim sends 3: not 11 (a challenge),
    /// not 0 (granted), not 1 or 2 (hello statuses), not 13 (the CLI's "unavailable"); so every
    /// client sees "a first byte other than 11", or a bad status, and reports Access Rejected.
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
