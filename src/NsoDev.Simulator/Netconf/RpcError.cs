namespace NsoDev.Simulator.Netconf;

/// <summary>One <c>&lt;rpc-error&gt;</c> (RFC 6241 section 4.3). Build it with <see cref="RpcErrors"/>.</summary>
/// <param name="Type">transport, rpc, protocol or application.</param>
/// <param name="Tag">The error-tag of RFC 6241 appendix A, such as <c>operation-not-supported</c>.</param>
/// <param name="Message">What went wrong and what to do, for a human.</param>
internal sealed record RpcError(string Type, string Tag, string Message)
{
    public string Severity { get; init; } = "error";

    public string? Path { get; init; }

    /// <summary>error-info children in the NETCONF namespace, such as <c>session-id</c> or <c>bad-element</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Info { get; init; } = [];
}

/// <summary>An operation handler refuses the request; the session answers with <see cref="Error"/> and goes on.</summary>
internal sealed class NetconfRpcException : Exception
{
    public NetconfRpcException()
    {
        Error = RpcErrors.OperationFailed("the operation failed");
    }

    public NetconfRpcException(string message)
        : base(message)
    {
        Error = RpcErrors.OperationFailed(message);
    }

    public NetconfRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = RpcErrors.OperationFailed(message);
    }

    public NetconfRpcException(RpcError error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public RpcError Error { get; }
}
