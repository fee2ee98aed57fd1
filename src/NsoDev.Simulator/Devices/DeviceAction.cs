namespace NsoDev.Simulator.Devices;

/// <summary>The device manager's actions that nso-sim runs (NSO-NOTES §11).</summary>
internal enum DeviceActionKind
{
    /// <summary><c>/devices/fetch-ssh-host-keys</c>, or <c>/devices/device/ssh/fetch-host-keys</c> for one device.</summary>
    FetchSshHostKeys,
    Connect,
    SyncFrom,
    CheckSync,
}

/// <summary>One action call: on every device (<see cref="Device"/> null, <c>/devices/ACTION</c>) or on one.</summary>
internal sealed record DeviceAction(DeviceActionKind Kind, string? Device = null, bool SuppressPositiveResult = false)
{
    /// <summary>The YANG name of the action, <c>sync-from</c>; for one device's key fetch, <c>fetch-host-keys</c> (under <c>ssh</c>).</summary>
    public string Name => Kind switch
    {
        DeviceActionKind.FetchSshHostKeys => Device is null ? "fetch-ssh-host-keys" : "fetch-host-keys",
        DeviceActionKind.Connect => "connect",
        DeviceActionKind.SyncFrom => "sync-from",
        _ => "check-sync",
    };

    /// <summary>The list each device's result goes in when the action runs on all of them.</summary>
    public string ResultList => Kind switch
    {
        DeviceActionKind.FetchSshHostKeys => "fetch-result",
        DeviceActionKind.Connect => "connect-result",
        _ => "sync-result",
    };

    /// <summary>The action by its YANG name on <c>/devices</c> (<paramref name="oneDevice"/> false) or on a device.</summary>
    public static DeviceActionKind? KindOf(string name, bool oneDevice) => name switch
    {
        "fetch-ssh-host-keys" when !oneDevice => DeviceActionKind.FetchSshHostKeys,
        "fetch-host-keys" when oneDevice => DeviceActionKind.FetchSshHostKeys,
        "connect" => DeviceActionKind.Connect,
        "sync-from" => DeviceActionKind.SyncFrom,
        "check-sync" => DeviceActionKind.CheckSync,
        _ => null,
    };
}

/// <summary>A device action cannot run at all (not one device's failure): the device does not exist.</summary>
internal sealed class DeviceActionException : Exception
{
    public DeviceActionException()
    {
    }

    public DeviceActionException(string message)
        : base(message)
    {
    }

    public DeviceActionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
