namespace NsoDev.Packaging.Tests;

/// <summary>
/// What a new user of the fixture does: a fresh xunit v3 project outside the repository with the README's
/// project file, NsoDev.Testing added from the package feed, the README's example as its test, then <c>dotnet test</c>.
/// </summary>
[Collection(nameof(LocalPackageFeed))]
public sealed class NewTestProjectTests(LocalPackageFeed feed)
{
    private const string Section = "## Use NsoDev in your integration tests";

    [Fact(Timeout = 300_000)]
    public async Task A_test_project_with_the_readme_project_file_and_the_package_passes_the_readme_example_and_leaves_no_daemon()
    {
        var token = TestContext.Current.CancellationToken;
        var directory = feed.NewProjectDirectory("MyNsoTests");

        // The README's project file, without its NsoDev.Testing line: dotnet add package writes it back, at this run's version.
        var project = ReadmeSection.Block(Section, "xml");
        var withoutPackage = ReadmeSection.PackageReferenceLine().Replace(project, m => m.Groups["id"].Value == "NsoDev.Testing" ? string.Empty : m.Value);
        Assert.NotEqual(project, withoutPackage);
        File.WriteAllText(Path.Combine(directory, "MyNsoTests.csproj"), withoutPackage);
        File.WriteAllText(Path.Combine(directory, "CfsTests.cs"), ReadmeSection.Block(Section, "csharp"));

        await DotnetCli.RunAsync(directory, ["add", "package", "NsoDev.Testing", "--version", feed.Version], token);
        Assert.Contains($"Include=\"NsoDev.Testing\" Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(directory, "MyNsoTests.csproj")), StringComparison.Ordinal);
        var output = await DotnetCli.RunAsync(directory, ["test", "--no-restore"], token);

        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+1,", output);
        Assert.Empty(ProcessTable.NsoSimWithArgumentContaining(directory));
    }
}
