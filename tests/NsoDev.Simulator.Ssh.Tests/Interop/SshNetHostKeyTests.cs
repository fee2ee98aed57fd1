using NsoDev.Simulator.Ssh.Tests.Support;

namespace NsoDev.Simulator.Ssh.Tests.Interop;

public sealed class SshNetHostKeyTests
{
    [Fact(Timeout = 60_000)]
    public async Task The_client_sees_the_same_host_keys_from_two_servers_on_one_key_directory()
    {
        var directory = SharedHostKeys.NewTemporaryDirectory();
        string[] algorithms = ["ecdsa-sha2-nistp256", "rsa-sha2-512"];

        var first = await Task.WhenAll(algorithms.Select(a => FingerprintAsync(directory, a, TestContext.Current.CancellationToken)));
        var second = await Task.WhenAll(algorithms.Select(a => FingerprintAsync(directory, a, TestContext.Current.CancellationToken)));

        Assert.Equal(first, second);
        Assert.NotEqual(first[0], first[1]);
        Assert.All(first, fingerprint => Assert.Matches("^[A-Za-z0-9+/]{43}$", fingerprint));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_client_sees_the_fingerprint_the_server_logs()
    {
        await using var server = TestServer.Start(new TestHandlers());
        var info = server.ConnectionInfo();
        info.HostKeyAlgorithms.Remove("ssh-ed25519");
        var seen = "";
        using var client = new Renci.SshNet.SshClient(info);
        client.HostKeyReceived += (_, e) => seen = e.FingerPrintSHA256;

        await client.ConnectAsync(TestContext.Current.CancellationToken);

        Assert.Equal("SHA256:" + seen, server.Server.HostKeys.For("ecdsa-sha2-nistp256").Fingerprint);
    }

    private static async Task<string> FingerprintAsync(string directory, string algorithm, CancellationToken cancellationToken)
    {
        await using var server = TestServer.Start(new TestHandlers(), directory);
        var info = server.ConnectionInfo();
        foreach (var other in info.HostKeyAlgorithms.Keys.Where(k => k != algorithm).ToList())
        {
            info.HostKeyAlgorithms.Remove(other);
        }

        var fingerprint = "";
        using var client = new Renci.SshNet.SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            Assert.Equal(algorithm, e.HostKeyName);
            fingerprint = e.FingerPrintSHA256;
        };
        await client.ConnectAsync(cancellationToken);
        return fingerprint;
    }
}
