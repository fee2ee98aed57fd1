using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;

namespace NsoDev.Hosting.Publishing;

/// <summary>
/// Writes an instance as a deployable <c>container.v0</c>: NSO's container image with its IPC, NETCONF
/// and CLI bindings on the stock ports, since a container has a network of its own.
/// </summary>
internal static class NsoManifestWriter
{
    /// <summary>Cisco's official development image; it is loaded from Cisco's download, not pulled from a public registry.</summary>
    public const string DefaultImage = "cisco-nso-dev";

    public const string DefaultTag = "6.5";

    public static async Task WriteAsync(ManifestPublishingContext context, NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        context.Writer.WriteString("type", "container.v0");
        context.Writer.WriteString("image", $"{DefaultImage}:{DefaultTag}");
        await context.WriteEnvironmentVariablesAsync(resource);
        context.WriteBindings(resource);
    }
}
