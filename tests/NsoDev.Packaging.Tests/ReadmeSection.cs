using System.Text.RegularExpressions;

namespace NsoDev.Packaging.Tests;

/// <summary>A fenced block of a section of the repository's README.md, so that what the tests run is what it shows.</summary>
internal static partial class ReadmeSection
{
    public static string Block(string section, string language)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var start = readme.IndexOf($"\n{section}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section \"{section}\".");
        var end = readme.IndexOf("\n## ", start + section.Length + 2, StringComparison.Ordinal);
        var body = end < 0 ? readme[start..] : readme[start..end];
        var block = Regex.Match(body, $"^```{Regex.Escape(language)}\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(block.Success, $"The section \"{section}\" of README.md has no ```{language} block.");
        return block.Groups["code"].Value;
    }

    /// <summary>A PackageReference line of a project file, version and all.</summary>
    [GeneratedRegex(@"^\s*<PackageReference Include=""(?<id>[^""]+)"" Version=""[^""]*"" />\n", RegexOptions.Multiline)]
    public static partial Regex PackageReferenceLine();
}
