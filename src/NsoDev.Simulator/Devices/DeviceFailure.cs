namespace NsoDev.Simulator.Devices;

/// <summary>
/// Talking to a device failed. <see cref="Exception.Message"/> is the whole reason as NSO words it in an
/// action's <c>info</c> and a commit's error, such as <c>Failed to connect to device d0: connection refused</c>
/// (NSO-NOTES §11).
/// </summary>
internal sealed class DeviceFailure : Exception
{
    public DeviceFailure()
    {
    }

    public DeviceFailure(string message)
        : base(message)
    {
    }

    public DeviceFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static DeviceFailure Connect(string device, string reason, Exception? inner = null) =>
        new($"Failed to connect to device {device}: {reason}", inner!);

    public static DeviceFailure Authenticate(string device, string reason, Exception? inner = null) =>
        new($"Failed to authenticate towards device {device}: {reason}", inner!);

    /// <summary>The device answered with an rpc-error (a refused edit-config or get-config).</summary>
    public static DeviceFailure Refused(string device, string reason) =>
        new($"External error in the NED implementation for device {device}: {reason}");
}
