namespace NsoDev.Simulator.Ssh.Transport;

/// <summary>The message numbers this server reads or writes (RFC 4250 section 4.1.2).</summary>
internal static class SshMessage
{
    public const byte Disconnect = 1;
    public const byte Ignore = 2;
    public const byte Unimplemented = 3;
    public const byte Debug = 4;
    public const byte ServiceRequest = 5;
    public const byte ServiceAccept = 6;
    public const byte KexInit = 20;
    public const byte NewKeys = 21;
    public const byte KexEcdhInit = 30;
    public const byte KexEcdhReply = 31;
    public const byte UserAuthRequest = 50;
    public const byte UserAuthFailure = 51;
    public const byte UserAuthSuccess = 52;
    public const byte GlobalRequest = 80;
    public const byte RequestFailure = 82;
    public const byte ChannelOpen = 90;
    public const byte ChannelOpenConfirmation = 91;
    public const byte ChannelOpenFailure = 92;
    public const byte ChannelWindowAdjust = 93;
    public const byte ChannelData = 94;
    public const byte ChannelExtendedData = 95;
    public const byte ChannelEof = 96;
    public const byte ChannelClose = 97;
    public const byte ChannelRequest = 98;
    public const byte ChannelSuccess = 99;
    public const byte ChannelFailure = 100;

    /// <summary>
    /// Key exchange messages (20-49) and the generic transport ones other than the service
    /// request (RFC 4253 section 7.1) may be sent while a key exchange is in progress.
    /// </summary>
    public static bool AllowedDuringKeyExchange(byte number) =>
        number is (>= Disconnect and <= Debug) or (>= KexInit and <= 49);
}

/// <summary>Reason codes for SSH_MSG_DISCONNECT (RFC 4253 section 11.1).</summary>
internal enum DisconnectReason : uint
{
    ProtocolError = 2,
    KeyExchangeFailed = 3,
    MacError = 5,
    ServiceNotAvailable = 7,
    ProtocolVersionNotSupported = 8,
    ByApplication = 11,
    NoMoreAuthMethodsAvailable = 14,
}
