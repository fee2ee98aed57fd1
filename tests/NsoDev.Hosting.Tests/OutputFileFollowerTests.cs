using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Tests.Orchestration;

namespace NsoDev.Hosting.Tests;

/// <summary>A detached daemon's output file, followed as `tail -F` does: only new lines, whole lines, and again from the start after a reset.</summary>
public sealed class OutputFileFollowerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nsodev-follow-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Lines_written_after_it_started_arrive_whole_with_their_stream_and_a_last_partial_line_at_the_end()
    {
        var path = Path.Combine(_directory, "daemon.err");
        await File.WriteAllTextAsync(path, "from an earlier run\n", TestContext.Current.CancellationToken);
        var lines = new History<OutputLine>(l => l.Text);
        var follower = new OutputFileFollower(path, isError: true, lines.Add);

        await File.AppendAllTextAsync(path, "first\nsec", TestContext.Current.CancellationToken);
        await lines.WaitForAsync(l => l.Text == "first", "the first line");
        await File.AppendAllTextAsync(path, "ond\r\nunterminated", TestContext.Current.CancellationToken);
        await lines.WaitForAsync(l => l.Text == "second", "the second line");
        await follower.DisposeAsync();
        await follower.DisposeAsync();

        Assert.Equal(["first", "second", "unterminated"], lines.Items.Select(l => l.Text));
        Assert.All(lines.Items, l => Assert.True(l.IsError));
    }

    [Fact]
    public async Task A_file_that_is_removed_and_written_anew_is_read_from_its_start()
    {
        var path = Path.Combine(_directory, "daemon.out");
        await File.WriteAllTextAsync(path, "a long line before the reset\n", TestContext.Current.CancellationToken);
        var lines = new History<OutputLine>(l => l.Text);
        await using var follower = new OutputFileFollower(path, isError: false, lines.Add);

        File.Delete(path);
        await File.WriteAllTextAsync(path, "after\n", TestContext.Current.CancellationToken);

        await lines.WaitForAsync(l => l.Text == "after", "the line after the reset");
        Assert.False(lines.Items.Single().IsError);
    }
}
