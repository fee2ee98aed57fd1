namespace NsoDev.Client.Tests;

/// <summary>An access file of its own for one test, deleted afterwards.</summary>
internal sealed class TempSecret : IDisposable
{
    public TempSecret(string content)
    {
        Path = System.IO.Path.GetTempFileName();
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
