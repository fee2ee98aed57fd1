namespace NsoDev.Simulator.Netconf;

/// <summary>How messages are delimited on the channel (RFC 6242 section 4).</summary>
internal enum NetconfFraming
{
    /// <summary>:base:1.0, and every hello: the message, then <c>]]&gt;]]&gt;</c>.</summary>
    EndOfMessage,

    /// <summary>:base:1.1, once both hellos advertised it: <c>\n#&lt;len&gt;\n</c> data ... <c>\n##\n</c>.</summary>
    Chunked,
}

/// <summary>
/// The byte stream cannot be cut into messages any more (a bad chunk header, a message or chunk
/// over the limits); the session answers malformed-message once and ends.
/// </summary>
internal sealed class NetconfFramingException : Exception
{
    public NetconfFramingException()
    {
    }

    public NetconfFramingException(string message)
        : base(message)
    {
    }

    public NetconfFramingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
