using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Authentication;

/// <summary>
/// The ssh-userauth service (RFC 4252) with the password method only: "none" and every other
/// method get a failure that lists "password", and too many failed attempts end the connection.
/// </summary>
internal sealed class UserAuthentication(SshTransport transport, Func<string, string, bool> checkPassword, int maxAttempts, AuditLog log)
{
    public const string ServiceName = "ssh-userauth";
    public const string ConnectionService = "ssh-connection";
    private const string Password = "password";

    private int _failures;

    /// <summary>The authenticated user, once there is one.</summary>
    public string? User { get; private set; }

    // 32                          SSH_MSG_USERAUTH_REQUEST
    // 00 00 00 05 "admin"         user name
    // 00 00 00 0e "ssh-connection" service
    // 00 00 00 08 "password"      method
    // 00                          FALSE: not a password change (RFC 4252 section 8)
    // 00 00 00 05 "admin"         password
    public async Task HandleAsync(SshPacket packet, CancellationToken cancellationToken)
    {
        if (packet.MessageNumber != SshMessage.UserAuthRequest)
        {
            throw new SshProtocolException($"message {packet.MessageNumber} before authentication");
        }

        var request = Parse(packet.Payload.Span);
        if (request.Service != ConnectionService)
        {
            throw new SshProtocolException(DisconnectReason.ServiceNotAvailable, $"service {AuditLog.Printable(request.Service)} is not available; only {ConnectionService} is");
        }

        if (request.Method == Password && request.Password is not null && Check(request.User, request.Password))
        {
            User = request.User;
            log.Write($"login ok: user {AuditLog.Printable(request.User)}, method password");
            await transport.SendAsync(new[] { SshMessage.UserAuthSuccess }, cancellationToken);
            return;
        }

        if (request.Method != "none")
        {
            _failures++;
            log.Write($"login failed: user {AuditLog.Printable(request.User)}, method {AuditLog.Printable(request.Method)} ({_failures} of {maxAttempts})");
            if (_failures >= maxAttempts)
            {
                throw new SshProtocolException(DisconnectReason.NoMoreAuthMethodsAvailable, $"too many authentication failures ({_failures})");
            }
        }

        // name-list of methods that can continue, then partial success FALSE.
        var failure = SshWriter.Message(SshMessage.UserAuthFailure).WriteNameList([Password]).WriteBoolean(false);
        await transport.SendAsync(failure.WrittenMemory, cancellationToken);
    }

    private static Request Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        reader.ReadByte();
        var user = reader.ReadString();
        var service = reader.ReadString();
        var method = reader.ReadString();
        string? password = null;
        if (method == Password && !reader.ReadBoolean())
        {
            password = reader.ReadString();
        }

        return new Request(user, service, method, password);
    }

    // The check is the caller's code; its failure is a refused login, not a broken connection.
    private bool Check(string user, string password)
    {
        try
        {
            return checkPassword(user, password);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Write($"password check for user {AuditLog.Printable(user)} threw {e.GetType().Name}; login refused");
            return false;
        }
    }

    private sealed record Request(string User, string Service, string Method, string? Password);
}
