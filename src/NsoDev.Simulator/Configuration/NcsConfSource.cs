using System.Xml.Linq;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// Marks an element merged in from an <c>ncs.conf.d</c> fragment, so that an error about it
/// names the fragment rather than the main file.
/// </summary>
internal sealed record NcsConfSource(string File)
{
    /// <summary>The file <paramref name="element"/> came from; <paramref name="mainFile"/> unless a fragment says otherwise.</summary>
    public static string FileOf(XElement element, string mainFile) =>
        element.AncestorsAndSelf().Select(e => e.Annotation<NcsConfSource>()).FirstOrDefault(s => s is not null)?.File ?? mainFile;
}
