using System.Net.Sockets;
using System.Xml;
using System.Xml.Linq;
using Polly;
using Polly.Retry;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NsoDev.Hosting.Onboard;

/// <summary>Opens NETCONF sessions to an instance's northbound, as the steps after start need (NSO-NOTES §12).</summary>
internal interface INorthboundConnector
{
    /// <summary>Logs in as the target's user and opens the netconf subsystem.</summary>
    /// <exception cref="NorthboundException">The instance cannot be reached, refused the login, or did not answer in time.</exception>
    Task<INorthboundSession> OpenAsync(NorthboundTarget target, CancellationToken cancellationToken);
}

/// <summary>One NETCONF session: an operation in, its <c>rpc-reply</c> out.</summary>
internal interface INorthboundSession : IDisposable
{
    /// <summary>Sends <paramref name="operation"/> in an <c>rpc</c> and returns the reply.</summary>
    /// <exception cref="NorthboundException">The reply is an <c>rpc-error</c>, or none came in time.</exception>
    Task<XElement> RpcAsync(XElement operation, CancellationToken cancellationToken);
}

/// <summary>Where and as whom: an instance's NETCONF address and port, and the operation timeout.</summary>
internal sealed record NorthboundTarget(string Host, int Port, string User, string Password, TimeSpan Timeout)
{
    public override string ToString() => $"NETCONF {Host}:{Port} as {User}";
}

/// <summary>The instance's NETCONF could not be used; the message says what failed and where.</summary>
internal sealed class NorthboundException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>NETCONF over SSH with SSH.NET, the project's one SSH client library.</summary>
internal sealed class SshNetNorthboundConnector : INorthboundConnector
{
    public const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";

    /// <summary>
    /// Right after <c>--wait-started</c> NSO's listeners are up; a few tries cover a slow accept, not a down
    /// instance. They also cover a race in SSH.NET's NETCONF session: a server hello that arrives while the
    /// client is still opening its side is sometimes read cut short ("Server capabilities received are not
    /// well formed XML"); a new connection reads it whole.
    /// </summary>
    private static readonly ResiliencePipeline ConnectRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<SocketException>().Handle<SshConnectionException>().Handle<SshOperationTimeoutException>().Handle<NetConfServerException>(),
            MaxRetryAttempts = 4,
            Delay = TimeSpan.FromMilliseconds(250),
            BackoffType = DelayBackoffType.Exponential,
        })
        .Build();

    public async Task<INorthboundSession> OpenAsync(NorthboundTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            return await ConnectRetry.ExecuteAsync(async ct => await ConnectOnceAsync(target, ct), cancellationToken);
        }
        catch (Exception e) when (IsSshFailure(e))
        {
            throw new NorthboundException(e switch
            {
                SshAuthenticationException => $"{target} refused the login ({e.Message}); NsoDev logs in as admin/admin, as the stock AAA init data allows",
                _ => $"Could not open {target}: {e.Message}",
            }, e);
        }
    }

    /// <summary>One attempt on a client of its own: SSH.NET's client is not reused after a failed connect.</summary>
    private static async Task<INorthboundSession> ConnectOnceAsync(NorthboundTarget target, CancellationToken cancellationToken)
    {
        var info = new ConnectionInfo(target.Host, target.Port, target.User, new PasswordAuthenticationMethod(target.User, target.Password))
        {
            Timeout = target.Timeout,
        };
        var client = new NetConfClient(info) { OperationTimeout = target.Timeout };

        // The instance NsoDev itself started, on this machine; its host key is the run directory's own.
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        try
        {
            await client.ConnectAsync(cancellationToken);
            return new Session(client, target);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static bool IsSshFailure(Exception e) =>
        e is SshException or SocketException or IOException or TimeoutException or ObjectDisposedException or InvalidOperationException;

    private sealed class Session(NetConfClient client, NorthboundTarget target) : INorthboundSession
    {
        public async Task<XElement> RpcAsync(XElement operation, CancellationToken cancellationToken)
        {
            var rpc = new XmlDocument();
            rpc.LoadXml(new XElement(XName.Get("rpc", Base), new XAttribute("message-id", "1"), operation).ToString(SaveOptions.DisableFormatting));

            // SSH.NET's NETCONF call blocks, with its own OperationTimeout.
            XElement reply;
            try
            {
                reply = await Task.Run(() => XElement.Parse(client.SendReceiveRpc(rpc).OuterXml), cancellationToken);
            }
            catch (Exception e) when (IsSshFailure(e) || e is XmlException)
            {
                throw new NorthboundException($"{target}: no reply to <{operation.Name.LocalName}> ({e.Message})", e);
            }

            if (reply.Element(XName.Get("rpc-error", Base)) is { } error)
            {
                var tag = error.Element(XName.Get("error-tag", Base))?.Value.Trim();
                var message = error.Element(XName.Get("error-message", Base))?.Value.Trim();
                throw new NorthboundException($"{target}: <{operation.Name.LocalName}> failed: {tag}{(message is { Length: > 0 } ? $": {message}" : "")}");
            }

            return reply;
        }

        public void Dispose()
        {
            try
            {
                client.Disconnect();
            }
            catch (Exception e) when (IsSshFailure(e))
            {
                // The instance went away first; nothing to close.
            }

            client.Dispose();
        }
    }
}
