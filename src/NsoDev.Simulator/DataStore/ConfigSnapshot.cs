using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// One committed version of running. It is never changed after it is published, so any number
/// of readers use it without a lock while an edit builds the next version.
/// </summary>
internal sealed class ConfigSnapshot
{
    private readonly XElement _root;

    public ConfigSnapshot(XElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = root;
    }

    /// <summary>The top-level data nodes. They are shared by every reader: read or copy them, never change them.</summary>
    public IEnumerable<XElement> Nodes => _root.Elements();

    public bool IsEmpty => !_root.HasElements;

    /// <summary>A private copy, wrapped in <c>&lt;config xmlns="http://tail-f.com/ns/config/1.0"&gt;</c>.</summary>
    public XElement ToConfigXml() => new(_root);
}
