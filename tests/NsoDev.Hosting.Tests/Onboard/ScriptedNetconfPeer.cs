using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.Ssh;

namespace NsoDev.Hosting.Tests.Onboard;

/// <summary>
/// An NSO northbound that follows the facts, not nso-sim: SSH on 127.0.0.1, the netconf subsystem with
/// NETCONF 1.0 framing (RFC 6242's end-of-message marker), and for each request the next scripted reply,
/// written as NSO's documentation shows it (NSO-NOTES §11, §12). It records every request it gets.
/// </summary>
internal sealed class ScriptedNetconfPeer : IAsyncDisposable
{
    private const string EndOfMessage = "]]>]]>";
    private readonly SshListener _listener;
    private readonly SshServer _server;
    private readonly string _keys = Directory.CreateTempSubdirectory("nsodev-peer-keys-").FullName;
    private readonly ConcurrentQueue<string> _replies;

    public ScriptedNetconfPeer(IEnumerable<string> replies, string password = "admin")
    {
        _replies = new(replies);
        _server = new SshServer(new SshServerOptions
        {
            HostKeyDirectory = _keys,
            CheckPassword = (user, given) => user == "admin" && given == password,
            Handlers = new Handlers(this),
        });
        _listener = new SshListener(_server);
        Port = _listener.Start(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public int Port { get; }

    /// <summary>Each rpc the client sent, parsed, in order (its hello not included).</summary>
    public ConcurrentQueue<XElement> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    private async Task<int> ServeAsync(Stream channel, CancellationToken cancellationToken)
    {
        await WriteAsync(channel, """<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability><capability>urn:ietf:params:netconf:capability:writable-running:1.0</capability><capability>http://tail-f.com/ns/netconf/actions/1.0</capability></capabilities><session-id>7</session-id></hello>""", cancellationToken);
        var reader = new MessageReader(channel);
        if (await reader.NextAsync(cancellationToken) is null)
        {
            return 0;
        }

        while (await reader.NextAsync(cancellationToken) is { } message)
        {
            var rpc = XElement.Parse(message);
            if (rpc.Elements().FirstOrDefault()?.Name.LocalName == "close-session")
            {
                await WriteAsync(channel, Reply(rpc, "<ok/>"), cancellationToken);
                return 0;
            }

            Requests.Enqueue(rpc);
            var body = _replies.TryDequeue(out var next) ? next : """<rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag><error-severity>error</error-severity><error-message>the script has no more replies</error-message></rpc-error>""";
            await WriteAsync(channel, Reply(rpc, body), cancellationToken);
        }

        return 0;
    }

    private static string Reply(XElement rpc, string body) =>
        $"""<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="{rpc.Attribute("message-id")?.Value}">{body}</rpc-reply>""";

    private static async Task WriteAsync(Stream channel, string message, CancellationToken cancellationToken)
    {
        await channel.WriteAsync(Encoding.UTF8.GetBytes(message + EndOfMessage), cancellationToken);
        await channel.FlushAsync(cancellationToken);
    }

    /// <summary>Messages up to each end-of-message marker; null at the client's EOF.</summary>
    private sealed class MessageReader(Stream channel)
    {
        private readonly StringBuilder _pending = new();
        private readonly byte[] _buffer = new byte[8192];

        public async Task<string?> NextAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var text = _pending.ToString();
                var end = text.IndexOf(EndOfMessage, StringComparison.Ordinal);
                if (end >= 0)
                {
                    _pending.Remove(0, end + EndOfMessage.Length);
                    return text[..end];
                }

                var read = await channel.ReadAsync(_buffer, cancellationToken);
                if (read == 0)
                {
                    return null;
                }

                _pending.Append(Encoding.UTF8.GetString(_buffer, 0, read));
            }
        }
    }

    private sealed class Handlers(ScriptedNetconfPeer peer) : ISshChannelHandlers
    {
        public Func<Stream, CancellationToken, Task<int>>? Subsystem(string name, SshSessionInfo session) =>
            name == "netconf" ? peer.ServeAsync : null;

        public Func<Stream, CancellationToken, Task<int>>? Shell(SshSessionInfo session) => null;

        public Func<Stream, CancellationToken, Task<int>>? Exec(string command, SshSessionInfo session) => null;
    }
}
