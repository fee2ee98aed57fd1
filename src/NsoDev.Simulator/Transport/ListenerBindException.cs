using System.Net.Sockets;
using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Transport;

/// <summary>A listener could not bind its address; NSO exits 20 for this (NSO-NOTES §2).</summary>
internal sealed class ListenerBindException : Exception
{
    public ListenerBindException()
    {
    }

    public ListenerBindException(string message)
        : base(message)
    {
    }

    public ListenerBindException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static ListenerBindException For(ListenerConf listener, SocketException error)
    {
        var reason = error.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse => "address already in use; stop what holds it or pick another port in ncs.conf",
            SocketError.AddressNotAvailable => "address not available on this host; check the ip in ncs.conf",
            SocketError.AccessDenied => "permission denied; ports below 1024 need privileges",
            _ => error.Message,
        };
        return new ListenerBindException($"cannot bind {listener.ConfPath} on {listener.EndPoint}: {reason}", error);
    }
}
