using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;

namespace NsoDev.Hosting.Plan;

/// <summary>
/// Where the orchestration publishes an instance's plan and engine for the readers that hold only the
/// resource: the connection string, the health check, the dashboard commands. Written once by the
/// planner and once when the engine is located.
/// </summary>
internal sealed class NsoPlanAnnotation : IResourceAnnotation
{
    public NsoInstancePlan? Plan { get; set; }

    public NcsEngine? Engine { get; set; }
}

/// <summary>Reads the annotations that carry an instance's declaration and published plan.</summary>
internal static class NsoResourceAnnotations
{
    public static NsoDeclaration Declaration(this NsoResource resource) => Single<NsoDeclaration>(resource);

    public static NsoPlanAnnotation Published(this NsoResource resource) => Single<NsoPlanAnnotation>(resource);

    /// <summary>The plan, or null before the app host has planned (always null when publishing).</summary>
    public static NsoInstancePlan? PlanOrNull(this NsoResource resource) => resource.Published().Plan;

    public static NsoInstancePlan RequirePlan(this NsoResource resource) =>
        resource.PlanOrNull() ?? throw new InvalidOperationException($"NSO instance '{resource.Name}' has no plan yet; it is made when the app host starts.");

    /// <summary>AddNso adds both annotations; a resource without them was not made by AddNso.</summary>
    private static T Single<T>(NsoResource resource)
        where T : class, IResourceAnnotation =>
        resource.Annotations.OfType<T>().SingleOrDefault()
            ?? throw new InvalidOperationException($"'{resource.Name}' has no {typeof(T).Name}; declare NSO instances with AddNso.");
}
