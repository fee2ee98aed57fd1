using System.Net.Sockets;
using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NsoDev.Simulator.Devices;

/// <summary>A host key as a device presented it during key exchange.</summary>
/// <param name="Algorithm">The key's type, <c>ssh-ed25519</c> or <c>ssh-rsa</c> (an <c>rsa-sha2-*</c> signature is an ssh-rsa key).</param>
/// <param name="KeyData">The key blob in base64.</param>
internal sealed record PresentedHostKey(string Algorithm, string KeyData)
{
    /// <summary>The MD5 fingerprint NSO shows, <c>4a:c6:5d:...</c>: a name for the key, not a security check.</summary>
#pragma warning disable CA5351 // NSO's fingerprint format is MD5; keys are compared whole, never by fingerprint.
    public string Fingerprint => string.Join(':', MD5.HashData(Convert.FromBase64String(KeyData)).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
#pragma warning restore CA5351

    public static PresentedHostKey From(HostKeyEventArgs e) =>
        new(e.HostKeyName.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : e.HostKeyName, Convert.ToBase64String(e.HostKey));
}

/// <summary>
/// The southbound side: NETCONF over SSH to one device with SSH.NET, the project's one SSH client library.
/// Every failure becomes a <see cref="DeviceFailure"/> in NSO's words; nothing SSH.NET throws escapes.
/// </summary>
internal sealed class DeviceConnection : IDisposable
{
    private const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private readonly NetConfClient _client;
    private readonly string _device;

    private DeviceConnection(NetConfClient client, string device)
    {
        _client = client;
        _device = device;
    }

    /// <summary>Runs the key exchange only, to read the key the device presents; no login is attempted.</summary>
    /// <exception cref="DeviceFailure">The device cannot be reached or offered no key.</exception>
    public static PresentedHostKey FetchHostKey(ManagedDevice device, TimeSpan connectTimeout)
    {
        var address = AddressOf(device);
        PresentedHostKey? presented = null;
        var info = new ConnectionInfo(address, device.Port, "nso-sim-fetch-host-key", new NoneAuthenticationMethod("nso-sim-fetch-host-key")) { Timeout = connectTimeout };
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            presented = PresentedHostKey.From(e);

            // Enough: refusing the key ends the connection before any login.
            e.CanTrust = false;
        };
        try
        {
            client.Connect();
        }
        catch (Exception e) when (presented is not null && IsSshFailure(e))
        {
            return presented;
        }
        catch (Exception e) when (IsSshFailure(e))
        {
            throw Translate(device.Name, e, null);
        }

        return presented ?? throw DeviceFailure.Connect(device.Name, "the device presented no SSH host key");
    }

    /// <summary>Connects, checks the host key against the stored ones, logs in and opens the netconf subsystem.</summary>
    /// <exception cref="DeviceFailure">Unreachable, wrong host key, refused login, or no NETCONF.</exception>
    public static DeviceConnection Open(ManagedDevice device, DeviceCredentials credentials, TimeSpan connectTimeout, TimeSpan readTimeout)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(credentials);

        // SSH.NET sometimes reads a device's hello that arrives while it is still opening its side cut short
        // (NetConfServerException, "not well formed XML"): a client-library race, not the device's fault,
        // so a second connection is tried before the device is reported.
        try
        {
            return OpenOnce(device, credentials, connectTimeout, readTimeout);
        }
        catch (DeviceFailure e) when (e.InnerException is NetConfServerException)
        {
            return OpenOnce(device, credentials, connectTimeout, readTimeout);
        }
    }

    private static DeviceConnection OpenOnce(ManagedDevice device, DeviceCredentials credentials, TimeSpan connectTimeout, TimeSpan readTimeout)
    {
        var info = new ConnectionInfo(AddressOf(device), device.Port, credentials.RemoteName, new PasswordAuthenticationMethod(credentials.RemoteName, credentials.RemotePassword))
        {
            Timeout = connectTimeout,
        };
        var client = new NetConfClient(info) { OperationTimeout = readTimeout };
        string? refusal = null;
        client.HostKeyReceived += (_, e) =>
        {
            refusal = HostKeyRefusal(device, PresentedHostKey.From(e));
            e.CanTrust = refusal is null;
        };
        try
        {
            client.Connect();
            return new DeviceConnection(client, device.Name);
        }
        catch (Exception e) when (IsSshFailure(e))
        {
            client.Dispose();
            throw Translate(device.Name, e, refusal);
        }
    }

    /// <summary>Why <paramref name="presented"/> is refused under the device's host-key-verification, or null to trust it.</summary>
    public static string? HostKeyRefusal(ManagedDevice device, PresentedHostKey presented)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(presented);
        if (device.Verification == HostKeyVerification.None)
        {
            return null;
        }

        var known = device.HostKeys.FirstOrDefault(k => k.Algorithm == presented.Algorithm);
        if (known is null)
        {
            return device.Verification == HostKeyVerification.RejectMismatch
                ? null
                : $"no {presented.Algorithm} host key is known for the device (host-key-verification reject-unknown); run devices fetch-ssh-host-keys";
        }

        return known.KeyData == presented.KeyData
            ? null
            : $"SSH host key mismatch: the device presented {presented.Algorithm} {presented.Fingerprint}, which is not the key in {NcsDevicesXml.PathOf(device.Name)}/ssh/host-key; if the device's key changed on purpose, run devices device {device.Name} ssh fetch-host-keys";
    }

    /// <summary><c>get-config</c> of running: the children of <c>&lt;data&gt;</c>.</summary>
    /// <exception cref="DeviceFailure">The device answered with an error or did not answer in time.</exception>
    public IReadOnlyList<XElement> GetConfig()
    {
        var reply = Send("<get-config><source><running/></source></get-config>");
        return reply.Element(XName.Get("data", Base))?.Elements().ToList() ?? [];
    }

    /// <summary><c>edit-config</c> on running with default-operation merge; the edit carries its own deletes.</summary>
    /// <exception cref="DeviceFailure">The device refused; the message carries its error-message.</exception>
    public void EditConfig(IEnumerable<XElement> config)
    {
        var body = new XElement(
            XName.Get("edit-config", Base),
            new XElement(XName.Get("target", Base), new XElement(XName.Get("running", Base))),
            new XElement(XName.Get("default-operation", Base), "merge"),
            new XElement(XName.Get("config", Base), new XAttribute(XNamespace.Xmlns + "nc", Base), config));
        Send(body.ToString(SaveOptions.DisableFormatting));
    }

    public void Dispose()
    {
        try
        {
            _client.Disconnect();
        }
        catch (Exception e) when (IsSshFailure(e))
        {
            // The device went away first; nothing to close.
        }

        _client.Dispose();
    }

    private XElement Send(string operation)
    {
        var rpc = new XmlDocument();
        rpc.LoadXml($"<rpc message-id=\"1\" xmlns=\"{Base}\">{operation}</rpc>");
        XElement reply;
        try
        {
            reply = XElement.Parse(_client.SendReceiveRpc(rpc).OuterXml);
        }
        catch (Exception e) when (IsSshFailure(e) || e is XmlException)
        {
            throw Translate(_device, e, null);
        }

        if (reply.Element(XName.Get("rpc-error", Base)) is { } error)
        {
            var tag = error.Element(XName.Get("error-tag", Base))?.Value.Trim() ?? "operation-failed";
            var message = error.Element(XName.Get("error-message", Base))?.Value.Trim();
            throw DeviceFailure.Refused(_device, message is { Length: > 0 } ? $"{tag}: {message}" : tag);
        }

        return reply;
    }

    private static string AddressOf(ManagedDevice device) =>
        device.Address ?? throw DeviceFailure.Connect(device.Name, $"no address; set {NcsDevicesXml.PathOf(device.Name)}/address");

    private static bool IsSshFailure(Exception e) =>
        e is SshException or SocketException or IOException or TimeoutException or ObjectDisposedException or InvalidOperationException or ArgumentException;

    /// <summary>SSH.NET's exceptions in NSO's words (NSO-NOTES §11).</summary>
    private static DeviceFailure Translate(string device, Exception e, string? hostKeyRefusal) => e switch
    {
        _ when hostKeyRefusal is not null => DeviceFailure.Connect(device, hostKeyRefusal, e),
        SshAuthenticationException => DeviceFailure.Authenticate(device, $"{e.Message} (check the authgroup's remote-name and remote-password)", e),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => DeviceFailure.Connect(device, "connection refused", e),
        SocketException { SocketErrorCode: SocketError.TimedOut } or SshOperationTimeoutException or TimeoutException => DeviceFailure.Connect(device, "timeout", e),
        SocketException s => DeviceFailure.Connect(device, s.Message, e),
        _ => DeviceFailure.Connect(device, e.Message, e),
    };
}
