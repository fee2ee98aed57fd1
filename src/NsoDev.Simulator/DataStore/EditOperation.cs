using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// The <c>nc:operation</c> values of edit-config (RFC 6241 section 7.2). <see cref="None"/> is only
/// a <c>default-operation</c>; merge, replace and none are the values <c>default-operation</c> takes.
/// </summary>
internal enum EditOperation
{
    Merge,
    Replace,
    Create,
    Delete,
    Remove,
    None,
}

internal static class EditOperations
{
    /// <summary>Sample input: <c>merge</c>, <c>replace</c>, <c>none</c>.</summary>
    public static bool TryParseDefault(string text, out EditOperation operation)
    {
        (var known, operation) = text.Trim() switch
        {
            "merge" => (true, EditOperation.Merge),
            "replace" => (true, EditOperation.Replace),
            "none" => (true, EditOperation.None),
            _ => (false, EditOperation.Merge),
        };
        return known;
    }

    /// <summary>The <c>nc:operation</c> attribute of <paramref name="element"/>, or null when it has none.</summary>
    /// <exception cref="DataStoreException">The value is not one of the five operations (bad-attribute).</exception>
    public static EditOperation? Of(XElement element)
    {
        if (element.Attribute(ConfigNamespaces.Operation) is not { } attribute)
        {
            return null;
        }

        return attribute.Value.Trim() switch
        {
            "merge" => EditOperation.Merge,
            "replace" => EditOperation.Replace,
            "create" => EditOperation.Create,
            "delete" => EditOperation.Delete,
            "remove" => EditOperation.Remove,
            _ => throw new DataStoreException(
                DataStoreError.BadAttribute,
                $"operation=\"{attribute.Value}\" on <{element.Name.LocalName}> is not merge, replace, create, delete or remove",
                info: [new("bad-attribute", "operation"), new("bad-element", element.Name.LocalName)]),
        };
    }
}
