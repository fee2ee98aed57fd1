using Aspire.Hosting.ApplicationModel;

namespace NsoDev.Hosting.Publishing;

/// <summary>
/// An NSO instance as a container of Cisco's image, in publish mode only. It shares the instance's
/// annotations (endpoints, environment, base image, Dockerfile, mounts), as Aspire's <c>PublishAsDockerFile</c> does for an
/// executable, so Aspire's own container writers (the manifest, Docker Compose, Kubernetes) publish it.
/// </summary>
internal sealed class NsoContainerResource(NsoResource nso) : ContainerResource(nso.Name), IResourceWithConnectionString
{
    public NsoResource Nso { get; } = nso;

    public override ResourceAnnotationCollection Annotations => Nso.Annotations;

    public ReferenceExpression ConnectionStringExpression => Nso.ConnectionStringExpression;

    public IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties() => Nso.GetConnectionProperties();
}
