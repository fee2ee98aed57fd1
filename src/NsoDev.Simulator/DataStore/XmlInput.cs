using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// Parses XML that comes from outside (NETCONF messages, init files, A.cdb) safely: no DTD,
/// no external entities, and a bound on nesting so that the recursive walks over the tree (edit,
/// filter, CLI rendering) cannot overflow the stack on hostile input.
/// </summary>
internal static class XmlInput
{
    /// <summary>Far deeper than any real model (NSO configuration rarely goes past 30 levels).</summary>
    public const int DefaultMaxDepth = 256;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    /// <exception cref="XmlException">Not well-formed, or nested deeper than <paramref name="maxDepth"/>.</exception>
    public static XElement Load(ReadOnlyMemory<byte> bytes, int maxDepth = DefaultMaxDepth)
    {
        // Clients often put whitespace (a newline after the previous ]]>]]>) before the XML declaration.
        var span = bytes.Span;
        var start = 0;
        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        bytes = bytes[start..];
        CheckDepth(bytes, maxDepth);
        using var stream = new ReadOnlyMemoryStream(bytes);
        using var reader = XmlReader.Create(stream, Settings);
        return XElement.Load(reader, LoadOptions.None);
    }

    /// <summary>
    /// A first pass with a bare XmlReader, which is linear in the depth: building an XElement tree
    /// is quadratic in it (each added node walks up to the root), so 100 000 nested elements would
    /// take minutes before any check on the tree could run.
    /// </summary>
    private static void CheckDepth(ReadOnlyMemory<byte> bytes, int maxDepth)
    {
        using var stream = new ReadOnlyMemoryStream(bytes);
        using var reader = XmlReader.Create(stream, Settings);
        while (reader.Read())
        {
            if (reader.Depth >= maxDepth)
            {
                throw new XmlException($"elements are nested deeper than {maxDepth} levels (at <{reader.LocalName}>)");
            }
        }
    }

    /// <summary>A read-only stream over memory, so a received message is parsed without a copy.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => memory.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
