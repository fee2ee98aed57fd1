using System.Buffers;
using System.Text;

namespace NsoDev.Simulator.Cli;

/// <summary>What a byte typed at the prompt completed.</summary>
internal enum CliKey
{
    None,

    /// <summary>CR or LF (a CR LF pair counts once): the line is ready.</summary>
    Enter,

    /// <summary>Ctrl-C: the line is dropped and a new prompt is due.</summary>
    Interrupt,

    /// <summary>Ctrl-D on an empty line: the user logs out.</summary>
    EndOfInput,
}

/// <summary>
/// The minimal line editing a pty client expects: typed characters are echoed, backspace (0x7f or
/// 0x08) erases one character, Ctrl-U erases the line, and escape sequences (arrow keys send
/// <c>ESC [ A</c>, some terminals <c>ESC O A</c>) are swallowed whole. No history, no completion.
/// </summary>
internal sealed class CliLineEditor
{
    /// <summary>Input past this is not kept (nor echoed), so a stuck key costs no memory.</summary>
    public const int MaxLineBytes = 4096;

    private static readonly byte[] Erase = "\b \b"u8.ToArray();
    private static readonly byte[] NewLine = "\r\n"u8.ToArray();

    private readonly List<byte> _line = [];
    private Escape _escape;
    private bool _afterCr;

    private enum Escape
    {
        None,
        Started,
        ControlSequence,
        SingleShift,
    }

    /// <summary>Takes one byte from the client; what should be shown goes to <paramref name="echo"/>.</summary>
    public CliKey Feed(byte b, IBufferWriter<byte> echo)
    {
        ArgumentNullException.ThrowIfNull(echo);
        if (SwallowEscape(b))
        {
            return CliKey.None;
        }

        var afterCr = _afterCr;
        _afterCr = b == (byte)'\r';
        switch (b)
        {
            case (byte)'\n' when afterCr:
                return CliKey.None;
            case (byte)'\r' or (byte)'\n':
                echo.Write(NewLine);
                return CliKey.Enter;
            case 0x7f or 0x08:
                if (_line.Count > 0)
                {
                    RemoveLastCharacter();
                    echo.Write(Erase);
                }

                return CliKey.None;
            case 0x15:
                while (_line.Count > 0)
                {
                    RemoveLastCharacter();
                    echo.Write(Erase);
                }

                return CliKey.None;
            case 0x1b:
                _escape = Escape.Started;
                return CliKey.None;
            case 0x03:
                _line.Clear();
                echo.Write("^C\r\n"u8);
                return CliKey.Interrupt;
            case 0x04:
                return _line.Count == 0 ? CliKey.EndOfInput : CliKey.None;
            case < 0x20:
                return CliKey.None;
            default:
                if (_line.Count < MaxLineBytes)
                {
                    _line.Add(b);
                    echo.Write([b]);
                }

                return CliKey.None;
        }
    }

    /// <summary>The line typed so far, which the editor then forgets.</summary>
    public string TakeLine()
    {
        var line = Encoding.UTF8.GetString([.. _line]);
        _line.Clear();
        return line;
    }

    private bool SwallowEscape(byte b)
    {
        switch (_escape)
        {
            case Escape.Started:
                _escape = b switch
                {
                    (byte)'[' => Escape.ControlSequence,
                    (byte)'O' => Escape.SingleShift,
                    _ => Escape.None,
                };
                return true;
            case Escape.ControlSequence:
                // Parameters and intermediates (0x20-0x3f) until the final byte (0x40-0x7e).
                if (b is >= 0x40 and <= 0x7e || b < 0x20)
                {
                    _escape = Escape.None;
                }

                return true;
            case Escape.SingleShift:
                _escape = Escape.None;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Drops one UTF-8 character: its continuation bytes (10xxxxxx), then its lead byte.</summary>
    private void RemoveLastCharacter()
    {
        while (_line.Count > 1 && (_line[^1] & 0xc0) == 0x80)
        {
            _line.RemoveAt(_line.Count - 1);
        }

        _line.RemoveAt(_line.Count - 1);
    }
}
