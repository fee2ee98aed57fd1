using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>Garbage, truncation and floods: a session ends or answers, never throws, never buffers without bound.</summary>
public sealed class NetconfRobustnessTests
{
    private static readonly XNamespace Nc = NetconfXml.Base;

    private static NetconfServer Server(NetconfLimits limits) =>
        new(RunningDatastore.InMemory(), new FixedNcsState("6.5", "started", []), NullNorthboundLog.Instance, limits: limits);

    [Fact(Timeout = 30000)]
    public async Task An_unterminated_message_past_the_limit_ends_the_session_before_the_flood_is_read()
    {
        var server = Server(new NetconfLimits { MaxMessageBytes = 1024 * 1024 });
        await using var client = await NetconfTestClient.ConnectAsync(server, base11: false, cancellationToken: TestContext.Current.CancellationToken);
        var drain = client.Channel.ReadToEndAsync(TestContext.Current.CancellationToken);
        var piece = new byte[64 * 1024];
        Array.Fill(piece, (byte)'a');

        long sent = 0;
        while (sent < 64L * 1024 * 1024 && !(await client.Channel.ToServer.WriteAsync(piece, TestContext.Current.CancellationToken)).IsCompleted)
        {
            sent += piece.Length;
        }

        Assert.Equal(1, await client.Session);
        Assert.InRange(sent, 1024 * 1024, 4 * 1024 * 1024);
        Assert.Contains("malformed-message", Encoding.UTF8.GetString(await drain), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Elements_nested_past_the_depth_limit_get_malformed_message()
    {
        await using var client = await NetconfTestClient.ConnectAsync(Server(NetconfLimits.Default), cancellationToken: TestContext.Current.CancellationToken);
        var deep = string.Concat(Enumerable.Repeat("<a>", 100_000)) + string.Concat(Enumerable.Repeat("</a>", 100_000));

        var reply = await client.RpcAsync($"<edit-config><target><running/></target><config>{deep}</config></edit-config>");

        Assert.Equal("malformed-message", reply.Element(Nc + "rpc-error")?.Element(Nc + "error-tag")?.Value);
    }

    [Fact(Timeout = 10000)]
    public async Task A_dtd_is_refused_as_malformed()
    {
        await using var client = await NetconfTestClient.ConnectAsync(Server(NetconfLimits.Default), cancellationToken: TestContext.Current.CancellationToken);

        await client.SendAsync("<?xml version=\"1.0\"?><!DOCTYPE rpc [<!ENTITY x \"boom\">]><rpc message-id=\"1\">&x;</rpc>");

        Assert.Equal("malformed-message", (await client.ReadAsync())?.Element(Nc + "rpc-error")?.Element(Nc + "error-tag")?.Value);
    }

    /// <summary>
    /// A seeded, bounded fuzz: 300 inputs built from framing and XML fragments and random bytes,
    /// each fed to a fresh session with small limits. Every session must end by itself once the
    /// input ends, with status 0 or 1, and send only well-framed messages.
    /// </summary>
    [Fact(Timeout = 60000)]
    public async Task Random_garbage_and_truncated_input_never_crashes_a_session()
    {
        var random = new Random(20240617);
        var server = Server(new NetconfLimits { MaxMessageBytes = 16 * 1024, MaxChunkBytes = 4096 });
        string[] fragments =
        [
            $"<hello xmlns=\"{NetconfXml.Base}\"><capabilities><capability>{NetconfXml.Base11}</capability></capabilities></hello>]]>]]>",
            $"<hello xmlns=\"{NetconfXml.Base}\"><capabilities><capability>{NetconfXml.Base10}</capability></capabilities></hello>]]>]]>",
            "]]>]]>", "\n#", "\n##\n", "\n#12\n", "\n#0\n", "\n#4096\n", "\n#4097\n", "\n",
            $"<rpc xmlns=\"{NetconfXml.Base}\" message-id=\"1\"><get/></rpc>",
            $"<rpc xmlns=\"{NetconfXml.Base}\" message-id=\"2\"><edit-config><target><running/></target><config><a xmlns=\"urn:x\"><b>1</b></a></config></edit-config></rpc>",
            $"<rpc xmlns=\"{NetconfXml.Base}\"><lock><target><running/></target></lock></rpc>",
            "<rpc message-id=\"3\">", "</rpc>", "<", "<?xml version=\"1.0\"?>", "&amp;", "&undefined;", "<![CDATA[", "\u00e9\u4e2d",
            string.Concat(Enumerable.Repeat("<a>", 300)),
        ];

        for (var i = 0; i < 300; i++)
        {
            var input = new MemoryStream();
            var pieces = random.Next(1, 12);
            for (var p = 0; p < pieces; p++)
            {
                if (random.Next(3) == 0)
                {
                    var bytes = new byte[random.Next(0, 200)];
                    random.NextBytes(bytes);
                    input.Write(bytes);
                }
                else
                {
                    var fragment = Encoding.UTF8.GetBytes(fragments[random.Next(fragments.Length)]);
                    input.Write(fragment, 0, random.Next(4) == 0 ? random.Next(fragment.Length + 1) : fragment.Length);
                }
            }

            var client = NetconfTestClient.Start(server, cancellationToken: TestContext.Current.CancellationToken);
            var output = client.Channel.ReadToEndAsync(TestContext.Current.CancellationToken);
            await client.SendRawAsync(input.ToArray());
            await client.CloseOutputAsync();

            var status = await client.Session.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            var sent = Encoding.UTF8.GetString(await output.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

            Assert.InRange(status, 0, 1);
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><hello", sent, StringComparison.Ordinal);
            Assert.EndsWith(sent.Contains("\n##\n", StringComparison.Ordinal) ? "\n##\n" : "]]>]]>", sent, StringComparison.Ordinal);
            await client.DisposeAsync();
        }

        Assert.Equal(0, server.Sessions.Count);
    }
}
