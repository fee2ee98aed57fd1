using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace NsoDev.Hosting.Reference;

/// <summary>What <c>WithReference(device)</c> gives a dependent: the device's NETCONF and CLI host and port, and its name in NSO.</summary>
internal static class NetsimDeviceEnvironment
{
    /// <summary>Aspire's longest resource name.</summary>
    public const int MaxResourceNameLength = 64;

    public static void Apply(EnvironmentCallbackContext context, NetsimDeviceResource device)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(device);
        var prefix = Prefix(device.Name);
        context.EnvironmentVariables[$"{prefix}_NETCONF_HOST"] = device.NetconfEndpoint.Property(EndpointProperty.Host);
        context.EnvironmentVariables[$"{prefix}_NETCONF_PORT"] = device.NetconfEndpoint.Property(EndpointProperty.Port);
        context.EnvironmentVariables[$"{prefix}_CLI_HOST"] = device.CliEndpoint.Property(EndpointProperty.Host);
        context.EnvironmentVariables[$"{prefix}_CLI_PORT"] = device.CliEndpoint.Property(EndpointProperty.Port);
        context.EnvironmentVariables[$"{prefix}_DEVICE"] = device.DeviceName;
    }

    /// <summary>The name as Aspire writes a resource into a variable name: capitals, <c>_</c> for anything not a letter or digit.</summary>
    public static string Prefix(string resourceName)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        var text = new StringBuilder(resourceName.Length);
        foreach (var c in resourceName)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return text.ToString();
    }
}
