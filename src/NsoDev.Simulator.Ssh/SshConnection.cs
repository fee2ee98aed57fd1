using System.Net;
using NsoDev.Simulator.Ssh.Authentication;
using NsoDev.Simulator.Ssh.Connection;
using NsoDev.Simulator.Ssh.HostKeys;
using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh;

/// <summary>
/// One client connection on any duplex stream: a single loop reads packets and passes each to
/// its layer (transport, ssh-userauth, ssh-connection). Every protocol error is turned into a
/// DISCONNECT here, in one place, and ends only this connection.
/// </summary>
internal sealed class SshConnection(Stream stream, IPEndPoint? remote, SshServerOptions options, HostKeySet hostKeys, TimeProvider time)
{
    private readonly AuditLog _log = new(options.Log, remote);
    private UserAuthentication? _authentication;
    private ConnectionService? _connection;
    private bool _clientDisconnected;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var deadline = new CancellationTokenSource(options.AuthenticationTimeout, time);
        using var beforeLogin = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token, deadline.Token);
        var transport = new SshTransport(stream, lifetime.Token);
        var keyExchange = new KeyExchange(transport, hostKeys);
        try
        {
            await transport.ExchangeVersionsAsync(beforeLogin.Token);
            _log.Write($"connected: {AuditLog.Printable(transport.ClientVersion)}");
            await keyExchange.BeginAsync(beforeLogin.Token);
            while (!_clientDisconnected)
            {
                var token = _connection is null ? beforeLogin.Token : lifetime.Token;
                var packet = await transport.ReadPacketAsync(token);
                await DispatchAsync(packet, transport, keyExchange, lifetime.Token, token);
            }
        }
        catch (SshProtocolException e)
        {
            _log.Write($"disconnecting: {e.Message}");
            await transport.TryDisconnectAsync(e.Reason, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await transport.TryDisconnectAsync(DisconnectReason.ByApplication, "the server is stopping");
        }
        catch (OperationCanceledException) when (_connection is null)
        {
            // Before login only the deadline cancels anything.
            _log.Write($"no login within {options.AuthenticationTimeout.TotalSeconds:0} s; disconnecting");
            await transport.TryDisconnectAsync(DisconnectReason.ByApplication, "authentication timed out");
        }
        catch (EndOfStreamException e)
        {
            _log.Write(e.Message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _log.Write($"connection lost: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug here must not take the daemon with it; the log says what to report.
            _log.Write($"internal error, disconnecting: {e}");
            await transport.TryDisconnectAsync(DisconnectReason.ByApplication, "internal error in nso-sim");
        }
        finally
        {
            await lifetime.CancelAsync();
            if (_connection is not null)
            {
                await _connection.ShutdownAsync(SshServerDefaults.ShutdownGrace);
            }

            await transport.DisposeAsync();
        }
    }

    private async Task DispatchAsync(SshPacket packet, SshTransport transport, KeyExchange keyExchange, CancellationToken lifetime, CancellationToken token)
    {
        var number = packet.MessageNumber;
        if (keyExchange.IsStrict && !keyExchange.HasKeys && number is not (SshMessage.KexInit or SshMessage.KexEcdhInit or SshMessage.NewKeys))
        {
            throw new SshProtocolException($"strict key exchange: message {number} during the first key exchange");
        }

        if (keyExchange.InProgress && !SshMessage.AllowedDuringKeyExchange(number))
        {
            throw new SshProtocolException($"message {number} in the middle of a key exchange");
        }

        switch (number)
        {
            case SshMessage.Disconnect:
                _clientDisconnected = true;
                _log.Write("the client disconnected");
                return;
            case SshMessage.Ignore or SshMessage.Debug or SshMessage.Unimplemented:
                return;
            case >= SshMessage.KexInit and <= 49:
                await keyExchange.HandleAsync(packet, token);
                return;
            case SshMessage.ServiceRequest:
                await AcceptServiceAsync(packet, transport, token);
                return;
            case >= SshMessage.UserAuthRequest and <= 79 when _connection is null:
                await LogInAsync(packet, transport, lifetime, token);
                return;
            case >= SshMessage.UserAuthRequest and <= 79:
                // RFC 4252 section 5.1: authentication requests after success are ignored.
                return;
            case >= SshMessage.GlobalRequest and <= 127 when _connection is null:
                throw new SshProtocolException($"message {number} before authentication");
            case >= SshMessage.GlobalRequest and <= 127:
                if (await _connection.HandleAsync(packet))
                {
                    return;
                }

                break;
        }

        await transport.SendAsync(SshWriter.Message(SshMessage.Unimplemented).WriteUInt32(packet.Sequence).WrittenMemory, token);
    }

    // 05 00 00 00 0c "ssh-userauth"   SERVICE_REQUEST (RFC 4253 section 10)
    private async Task AcceptServiceAsync(SshPacket packet, SshTransport transport, CancellationToken token)
    {
        var reader = new SshReader(packet.Payload.Span);
        reader.ReadByte();
        var service = reader.ReadString();
        if (service != UserAuthentication.ServiceName || _authentication is not null)
        {
            throw new SshProtocolException(DisconnectReason.ServiceNotAvailable, $"service {AuditLog.Printable(service)} is not available here");
        }

        _authentication = new UserAuthentication(transport, options.CheckPassword, options.MaxAuthenticationAttempts, _log);
        await transport.SendAsync(SshWriter.Message(SshMessage.ServiceAccept).WriteString(service).WrittenMemory, token);
    }

    private async Task LogInAsync(SshPacket packet, SshTransport transport, CancellationToken lifetime, CancellationToken token)
    {
        if (_authentication is null)
        {
            throw new SshProtocolException($"message {packet.MessageNumber} before the ssh-userauth service was requested");
        }

        await _authentication.HandleAsync(packet, token);
        if (_authentication.User is { } user)
        {
            var context = new ChannelContext(transport, options.Handlers, user, remote, _log, lifetime);
            _connection = new ConnectionService(context, options.MaxChannelsPerConnection);
        }
    }
}
