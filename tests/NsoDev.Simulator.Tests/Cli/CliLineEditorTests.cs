using System.Buffers;
using System.Text;
using NsoDev.Simulator.Cli;

namespace NsoDev.Simulator.Tests.Cli;

public sealed class CliLineEditorTests
{
    private readonly CliLineEditor _editor = new();
    private readonly ArrayBufferWriter<byte> _echo = new();

    private List<CliKey> Type(string keys) => [.. Encoding.UTF8.GetBytes(keys).Select(b => _editor.Feed(b, _echo)).Where(k => k != CliKey.None)];

    private string Echo => Encoding.UTF8.GetString(_echo.WrittenSpan);

    [Fact]
    public void Typed_characters_are_echoed_and_enter_returns_the_line()
    {
        Assert.Equal([CliKey.Enter], Type("show\r"));
        Assert.Equal("show", _editor.TakeLine());
        Assert.Equal("show\r\n", Echo);
    }

    [Fact]
    public void Cr_lf_counts_as_one_enter_and_lf_alone_is_enter_too()
    {
        Assert.Equal([CliKey.Enter, CliKey.Enter], Type("a\r\nb\n"));
    }

    [Fact]
    public void Backspace_erases_one_character_even_a_multibyte_one()
    {
        Type("shox\u007f\bw é\u007f");

        Assert.Equal("shw ", _editor.TakeLine());
        Assert.Contains("\b \b", Echo, StringComparison.Ordinal);
    }

    [Fact]
    public void Escape_sequences_such_as_arrow_keys_are_swallowed()
    {
        Type("sh\u001b[A\u001b[1;5Cow\u001bOB");

        Assert.Equal("show", _editor.TakeLine());
        Assert.DoesNotContain("\u001b", Echo, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_c_drops_the_line_and_ctrl_d_on_an_empty_line_ends_input()
    {
        Assert.Equal([CliKey.Interrupt, CliKey.EndOfInput], Type("junk\u0003\u0004"));
        Assert.Equal(string.Empty, _editor.TakeLine());
    }

    [Fact]
    public void A_line_stops_growing_at_its_limit()
    {
        Type(new string('x', CliLineEditor.MaxLineBytes + 100));

        Assert.Equal(CliLineEditor.MaxLineBytes, _editor.TakeLine().Length);
    }
}
