using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Publishing;

/// <summary>
/// Writes an instance as a deployable <c>container.v0</c> of Cisco's NSO image: the image comes from the
/// <c>nso-image</c> parameter, the bindings are NSO's stock ports (a container has a network of its own),
/// and the environment holds the image's documented toggles. Secrets are parameters, never values.
/// </summary>
internal static class NsoManifestWriter
{
    public const string ImageParameterName = "nso-image";

    /// <summary>Cisco's official production image, loaded from Cisco's download (<c>docker load</c>), not pulled.</summary>
    public const string DefaultImage = "cisco-nso-prod:6.5";

    public const string AdminPasswordParameterName = "nso-admin-password";

    /// <summary>Adds the parameters the manifest refers to; only when publishing, so a run asks for nothing.</summary>
    public static void AddParameters(IDistributedApplicationBuilder builder, NsoResource resource)
    {
        if (!builder.ExecutionContext.IsPublishMode)
        {
            return;
        }

        resource.Annotations.Add(new NsoPublishingAnnotation
        {
            Image = Existing(builder, ImageParameterName) ?? builder.AddParameter(ImageParameterName, DefaultImage, publishValueAsDefault: true).Resource,
            AdminPassword = Existing(builder, AdminPasswordParameterName) ?? builder.AddParameter(AdminPasswordParameterName, secret: true).Resource,
        });
    }

    /// <summary>The access check's secret, as a secret parameter, when the user gave none.</summary>
    public static ParameterResource? AddSecretParameter(IDistributedApplicationBuilder builder, NsoResource resource) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddParameter($"{resource.Name}-ipc-secret", secret: true).Resource
            : null;

    public static async Task WriteAsync(ManifestPublishingContext context, NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        var writer = context.Writer;
        var publishing = resource.Annotations.OfType<NsoPublishingAnnotation>().FirstOrDefault();
        writer.WriteString("type", "container.v0");
        context.WriteConnectionString(resource);
        writer.WriteString("image", publishing?.Image is { } image ? $"{{{image.Name}.value}}" : DefaultImage);

        writer.WriteStartObject("env");
        writer.WriteString("ADMIN_USERNAME", "admin");
        if (publishing?.AdminPassword is { } password)
        {
            writer.WriteString("ADMIN_PASSWORD", $"{{{password.Name}.value}}");
            context.TryAddDependentResources(password);
        }

        writer.WriteString("HTTP_ENABLE", resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == "webui") ? "true" : "false");
        writer.WriteString("HTTPS_ENABLE", "false");
        if (resource.Declaration().AccessCheck?.Secret is { } secret)
        {
            // For the image's start-up hook to write into the file named by ncs-ipc-access-check/filename.
            writer.WriteString("NSODEV_IPC_SECRET", $"{{{secret.Name}.value}}");
            context.TryAddDependentResources(secret);
        }

        writer.WriteEndObject();
        context.WriteBindings(resource);
        await Task.CompletedTask;
    }

    private static ParameterResource? Existing(IDistributedApplicationBuilder builder, string name) =>
        builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name);
}
