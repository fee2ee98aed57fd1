namespace NsoDev.Simulator.Ssh.HostKeys;

/// <summary>The host keys one server offers, and which of them signs for each algorithm name.</summary>
internal sealed class HostKeySet : IDisposable
{
    private readonly HostKey[] _keys;

    public HostKeySet(params HostKey[] keys)
    {
        _keys = keys;
        Algorithms = [.. keys.SelectMany(k => k.SignatureAlgorithms)];
    }

    public IReadOnlyList<HostKey> Keys => _keys;

    /// <summary>The server_host_key_algorithms of our KEXINIT.</summary>
    public IReadOnlyList<string> Algorithms { get; }

    public HostKey For(string algorithm) =>
        _keys.First(k => k.SignatureAlgorithms.Contains(algorithm, StringComparer.Ordinal));

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
