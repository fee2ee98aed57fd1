using System.Xml.Linq;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.Devices;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.Devices;

/// <summary>The NETCONF form of the device actions, their CLI rendering, authgroups and host-key checks.</summary>
public sealed class DeviceActionParsingTests
{
    private static readonly XNamespace Ncs = NcsDevicesXml.Ns;

    private static XElement YangAction(string path) =>
        XElement.Parse($"<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><devices xmlns=\"http://tail-f.com/ns/ncs\">{path}</devices></action>");

    [Theory]
    [InlineData("<sync-from/>", "SyncFrom", null, false)]
    [InlineData("<fetch-ssh-host-keys/>", "FetchSshHostKeys", null, false)]
    [InlineData("<connect><suppress-positive-result/></connect>", "Connect", null, true)]
    [InlineData("<device><name>d0</name><check-sync/></device>", "CheckSync", "d0", false)]
    [InlineData("<device><name>d0</name><ssh><fetch-host-keys/></ssh></device>", "FetchSshHostKeys", "d0", false)]
    public void A_yang_action_names_the_action_and_its_device(string path, string kind, string? device, bool suppress)
    {
        Assert.Equal(new DeviceAction(Enum.Parse<DeviceActionKind>(kind), device, suppress), NetconfDeviceActions.Parse(YangAction(path)));
    }

    [Fact]
    public void The_tailf_action_form_with_data_is_understood_too()
    {
        var action = XElement.Parse("<action xmlns=\"http://tail-f.com/ns/netconf/actions/1.0\"><data><devices xmlns=\"http://tail-f.com/ns/ncs\"><sync-from/></devices></data></action>");

        Assert.Equal(new DeviceAction(DeviceActionKind.SyncFrom), NetconfDeviceActions.Parse(action));
    }

    [Theory]
    [InlineData("<sync-to/>", "no such action on /devices: sync-to")]
    [InlineData("<device><name>d0</name><fetch-ssh-host-keys/></device>", "no such action on /devices/device{d0}: fetch-ssh-host-keys")]
    [InlineData("<device><name>d0</name><fetch-host-keys/></device>", "no such action on /devices/device{d0}: none given")]
    public void An_action_nso_sim_does_not_run_is_operation_not_supported_naming_it(string path, string problem)
    {
        var error = Assert.Throws<NetconfRpcException>(() => NetconfDeviceActions.Parse(YangAction(path))).Error;

        Assert.Equal("operation-not-supported", error.Tag);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("nso-sim runs /devices/fetch-ssh-host-keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Action_output_is_printed_in_braces_as_nsos_cli_does()
    {
        XElement[] output =
        [
            new(Ncs + "fetch-result", new XElement(Ncs + "device", "d0"), new XElement(Ncs + "result", "updated"),
                new XElement(Ncs + "fingerprint", new XElement(Ncs + "algorithm", "ssh-ed25519"), new XElement(Ncs + "value", "4a:c6"))),
        ];

        Assert.Equal(
            ["fetch-result {", "    device d0", "    result updated", "    fingerprint {", "        algorithm ssh-ed25519", "        value 4a:c6", "    }", "}"],
            ActionOutputRenderer.Render(output));
    }

    private static List<XElement> Running(string authgroups) =>
        [XElement.Parse($"<devices xmlns=\"http://tail-f.com/ns/ncs\"><authgroups>{authgroups}</authgroups></devices>")];

    [Fact]
    public void Credentials_come_from_the_users_umap_entry_before_the_default_map()
    {
        var running = Running("<group><name>default</name><umap><local-user>oper</local-user><remote-name>o</remote-name><remote-password>$0$op</remote-password></umap><default-map><remote-name>admin</remote-name><remote-password>admin</remote-password></default-map></group>");

        Assert.Equal(new DeviceCredentials("o", "op"), NcsDevicesXml.Credentials(running, "default", "oper").Credentials);
        Assert.Equal(new DeviceCredentials("admin", "admin"), NcsDevicesXml.Credentials(running, "default", "admin").Credentials);
    }

    [Theory]
    [InlineData("<group><name>other</name></group>", "authgroup default does not exist; add /devices/authgroups/group default")]
    [InlineData("<group><name>default</name></group>", "authgroup default has no umap for admin and no default-map")]
    [InlineData("<group><name>default</name><default-map><remote-name>a</remote-name><remote-password>$9$xyz</remote-password></default-map></group>", "cannot decrypt")]
    public void Missing_credentials_are_explained(string authgroups, string problem)
    {
        var (credentials, why) = NcsDevicesXml.Credentials(Running(authgroups), "default", "admin");

        Assert.Null(credentials);
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    private static ManagedDevice Device(HostKeyVerification verification, params DeviceHostKey[] keys) =>
        new("d0", "127.0.0.1", 830, "default", keys, verification, "unlocked");

    [Fact]
    public void A_host_key_is_trusted_when_stored_refused_when_different_or_unknown_and_the_levels_relax_that()
    {
        var presented = new PresentedHostKey("ssh-ed25519", Convert.ToBase64String([1, 2, 3]));
        var other = new DeviceHostKey("ssh-ed25519", Convert.ToBase64String([9, 9, 9]));

        Assert.Null(DeviceConnection.HostKeyRefusal(Device(HostKeyVerification.RejectUnknown, new DeviceHostKey("ssh-ed25519", presented.KeyData)), presented));
        Assert.Contains("SSH host key mismatch", DeviceConnection.HostKeyRefusal(Device(HostKeyVerification.RejectUnknown, other), presented), StringComparison.Ordinal);
        Assert.Contains("SSH host key mismatch", DeviceConnection.HostKeyRefusal(Device(HostKeyVerification.RejectMismatch, other), presented), StringComparison.Ordinal);
        Assert.Contains("run devices fetch-ssh-host-keys", DeviceConnection.HostKeyRefusal(Device(HostKeyVerification.RejectUnknown), presented), StringComparison.Ordinal);
        Assert.Null(DeviceConnection.HostKeyRefusal(Device(HostKeyVerification.RejectMismatch), presented));
        Assert.Null(DeviceConnection.HostKeyRefusal(Device(HostKeyVerification.None, other), presented));
    }

    [Fact]
    public void A_device_entry_reads_its_port_keys_and_the_global_verification_level()
    {
        var running = new List<XElement>
        {
            XElement.Parse("<ssh xmlns=\"http://tail-f.com/ns/ncs\"><host-key-verification>none</host-key-verification></ssh>"),
            XElement.Parse("<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>d0</name><address>127.0.0.1</address><port>12022</port><ssh><host-key><algorithm>ssh-ed25519</algorithm><key-data>AAAA\n BBBB</key-data></host-key></ssh></device><device><name>d1</name></device></devices>"),
        };

        var devices = NcsDevicesXml.Read(running);

        Assert.Equal(new DeviceHostKey("ssh-ed25519", "AAAABBBB"), Assert.Single(devices[0].HostKeys));
        Assert.Equal((12022, HostKeyVerification.None), (devices[0].Port, devices[0].Verification));
        Assert.Equal((ManagedDevice.DefaultNetconfPort, "default", (string?)null), (devices[1].Port, devices[1].AuthGroup, devices[1].Address));
    }
}
