using System.Xml;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Netconf;

/// <summary>
/// Every rpc-error nso-sim sends is made here: one factory per problem, and the mapping from
/// exceptions (data store refusals, unparsable XML, anything unexpected) to error-type and
/// error-tag. Handlers throw; only the session turns exceptions into replies, through <see cref="From"/>.
/// </summary>
internal static class RpcErrors
{
    public const string Rpc = "rpc";
    public const string Protocol = "protocol";
    public const string Application = "application";

    public static RpcError OperationNotSupported(string operation, string why) =>
        new(Protocol, "operation-not-supported", $"{operation}: {why}")
        {
            Info = [new("bad-element", operation)],
        };

    public static RpcError MissingAttribute(string attribute, string element) =>
        new(Rpc, "missing-attribute", $"<{element}> needs the {attribute} attribute")
        {
            Info = [new("bad-attribute", attribute), new("bad-element", element)],
        };

    public static RpcError MissingElement(string element, string parent) =>
        new(Protocol, "missing-element", $"<{parent}> needs a <{element}> child")
        {
            Info = [new("bad-element", element)],
        };

    public static RpcError InvalidValue(string element, string message) =>
        new(Protocol, "invalid-value", message)
        {
            Info = [new("bad-element", element)],
        };

    public static RpcError MalformedMessage(string why) =>
        new(Rpc, "malformed-message", $"malformed message: {why}");

    public static RpcError OperationFailed(string message) =>
        new(Application, "operation-failed", message);

    /// <summary>The one place where an exception becomes an rpc-error.</summary>
    public static RpcError From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            NetconfRpcException e => e.Error,
            DataStoreException e => FromDataStore(e),
            XmlException e => MalformedMessage(e.Message),
            NetconfFramingException e => MalformedMessage(e.Message),
            _ => OperationFailed($"nso-sim failed to handle the request: {exception.GetType().Name}: {exception.Message}"),
        };
    }

    private static RpcError FromDataStore(DataStoreException e)
    {
        var (type, tag) = e.Error switch
        {
            DataStoreError.DataExists => (Application, "data-exists"),
            DataStoreError.DataMissing => (Application, "data-missing"),
            DataStoreError.InUse => (Protocol, "in-use"),
            DataStoreError.LockDenied => (Protocol, "lock-denied"),
            DataStoreError.BadAttribute => (Protocol, "bad-attribute"),
            DataStoreError.InvalidValue => (Protocol, "invalid-value"),
            _ => (Application, "operation-failed"),
        };
        return new RpcError(type, tag, e.Message) { Path = e.Path, Info = e.Info };
    }

    /// <summary>
    /// Sample output:
    /// <code>
    /// &lt;rpc-error&gt;&lt;error-type&gt;protocol&lt;/error-type&gt;&lt;error-tag&gt;lock-denied&lt;/error-tag&gt;
    /// &lt;error-severity&gt;error&lt;/error-severity&gt;&lt;error-message xml:lang="en"&gt;...&lt;/error-message&gt;
    /// &lt;error-info&gt;&lt;session-id&gt;12&lt;/session-id&gt;&lt;/error-info&gt;&lt;/rpc-error&gt;
    /// </code>
    /// </summary>
    public static async Task WriteAsync(XmlWriter writer, RpcError error)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        var ns = NetconfXml.Base;
        await writer.WriteStartElementAsync(null, "rpc-error", ns);
        await writer.WriteElementStringAsync(null, "error-type", ns, error.Type);
        await writer.WriteElementStringAsync(null, "error-tag", ns, error.Tag);
        await writer.WriteElementStringAsync(null, "error-severity", ns, error.Severity);
        if (error.Path is { } path)
        {
            await writer.WriteElementStringAsync(null, "error-path", ns, path);
        }

        await writer.WriteStartElementAsync(null, "error-message", ns);
        await writer.WriteAttributeStringAsync("xml", "lang", null, "en");
        await writer.WriteStringAsync(error.Message);
        await writer.WriteEndElementAsync();
        if (error.Info.Count > 0)
        {
            await writer.WriteStartElementAsync(null, "error-info", ns);
            foreach (var (name, value) in error.Info)
            {
                await writer.WriteElementStringAsync(null, name, ns, value);
            }

            await writer.WriteEndElementAsync();
        }

        await writer.WriteEndElementAsync();
    }
}
