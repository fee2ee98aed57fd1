namespace NsoDev.Simulator.Netsim;

/// <summary>
/// One device of a network, as one block of <c>.netsiminfo</c> records it (NSO-NOTES §10).
/// </summary>
/// <param name="Name">The device name, such as <c>device0</c>.</param>
/// <param name="Prefix">The prefix it was created with; its folder is <c>PREFIX/NAME</c>.</param>
/// <param name="Ports">Its five ports.</param>
/// <param name="DeviceDir">Its folder, relative to the netsim directory: <c>device/device0</c>.</param>
/// <param name="PackageDir">The package, relative to the netsim directory.</param>
/// <param name="AbsPackageDir">The package, absolute.</param>
internal sealed record NetsimDevice(string Name, string Prefix, NetsimPorts Ports, string DeviceDir, string PackageDir, string AbsPackageDir);
