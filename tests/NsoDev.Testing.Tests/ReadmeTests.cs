using System.Text.RegularExpressions;
using Xunit;

namespace NsoDev.Testing.Tests;

/// <summary>The README's test example is ReadmeExample.cs, which compiles and runs; this keeps the README from going stale.</summary>
public sealed partial class ReadmeTests
{
    private const string Section = "## Use NsoDev in your integration tests";

    [Fact]
    public void The_readme_example_is_the_code_of_ReadmeExample_cs_between_its_markers()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var example = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "NsoDev.Testing.Tests", "ReadmeExample.cs"));

        Assert.Equal(Between(example, "// README:begin\n", "// README:end"), CSharpBlockOfSection(readme));
    }

    private static string CSharpBlockOfSection(string readme)
    {
        var start = readme.IndexOf("\n" + Section + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section \"{Section}\".");
        var section = readme[(start + 1)..];
        var next = NextSection().Match(section, Section.Length);
        if (next.Success)
        {
            section = section[..next.Index];
        }

        var block = CSharpBlock().Match(section);
        Assert.True(block.Success, $"The section \"{Section}\" of README.md has no ```csharp block.");
        return block.Groups["code"].Value;
    }

    private static string Between(string text, string begin, string end)
    {
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"ReadmeExample.cs must hold \"{begin.Trim()}\" and then \"{end}\".");
        return text[(from + begin.Length)..to];
    }

    [GeneratedRegex(@"^## ", RegexOptions.Multiline)]
    private static partial Regex NextSection();

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
