namespace NsoDev.Simulator.Ipc;

/// <summary>The peer broke the IPC protocol; the connection is closed, the daemon goes on.</summary>
internal sealed class IpcProtocolException : Exception
{
    public IpcProtocolException()
    {
    }

    public IpcProtocolException(string message)
        : base(message)
    {
    }

    public IpcProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
