namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One simulated device of an NSO instance (<c>WithNetsimDevices</c>), shown as a child of the instance.
/// It serves NETCONF and CLI over SSH on planned ports; <c>WithReference(device)</c> gives a dependent both.
/// </summary>
public sealed class NetsimDeviceResource : Resource, IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The name of the NETCONF-over-SSH endpoint.</summary>
    public const string NetconfEndpointName = "netconf";

    /// <summary>The name of the CLI-over-SSH endpoint.</summary>
    public const string CliEndpointName = "cli";

    /// <summary>Creates the resource of device <paramref name="deviceName"/> of <paramref name="instance"/>.</summary>
    /// <param name="name">The resource name, <c>INSTANCE-DEVICE</c>.</param>
    /// <param name="deviceName">The device's name in ncs-netsim and in the instance's <c>/devices/device</c>.</param>
    /// <param name="instance">The NSO instance the device belongs to.</param>
    public NetsimDeviceResource(string name, string deviceName, NsoResource instance)
        : base(name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        ArgumentNullException.ThrowIfNull(instance);
        DeviceName = deviceName;
        Instance = instance;
        NetconfEndpoint = new EndpointReference(this, NetconfEndpointName);
        CliEndpoint = new EndpointReference(this, CliEndpointName);
    }

    /// <summary>The device's name in ncs-netsim and in the instance's <c>/devices/device</c>, such as <c>ex0</c>.</summary>
    public string DeviceName { get; }

    /// <summary>The NSO instance the device belongs to.</summary>
    public NsoResource Instance { get; }

    /// <summary>The device's NETCONF over SSH.</summary>
    public EndpointReference NetconfEndpoint { get; }

    /// <summary>The device's CLI over SSH.</summary>
    public EndpointReference CliEndpoint { get; }
}
