using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>NETCONF sessions over in-memory channels: hellos, framing, operations, errors, locks.</summary>
public sealed class NetconfSessionTests
{
    private static readonly XNamespace Nc = NetconfXml.Base;
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    private static readonly FixedNcsState State = new(
        "6.5",
        "started",
        [new("netconf-ssh", "127.0.0.1", 2022), new("cli-ssh", "127.0.0.1", 2024)]);

    private readonly RunningDatastore _datastore = RunningDatastore.InMemory();
    private readonly RecordingNorthboundLog _log = new();
    private readonly NetconfServer _server;

    public NetconfSessionTests()
    {
        _server = new NetconfServer(_datastore, State, _log);
    }

    private const string GetConfig = "<get-config><source><running/></source></get-config>";

    private const string LockRunning = "<lock><target><running/></target></lock>";

    private static string EditConfig(string data, string options = "") =>
        $"<edit-config><target><running/></target>{options}<config>{data}</config></edit-config>";

    private static string Device(string name, string rest = "") =>
        $"<devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>{name}</name>{rest}</device></devices>";

    private static XElement Error(XElement reply) => Assert.Single(reply.Elements(Nc + "rpc-error"));

    private static void AssertError(XElement reply, string type, string tag)
    {
        var error = Error(reply);
        Assert.Equal(type, error.Element(Nc + "error-type")?.Value);
        Assert.Equal(tag, error.Element(Nc + "error-tag")?.Value);
        Assert.Equal("error", error.Element(Nc + "error-severity")?.Value);
    }

    private static void AssertOk(XElement reply) => Assert.NotNull(reply.Element(Nc + "ok"));

    [Fact(Timeout = 10000)]
    public async Task The_server_sends_its_hello_first_with_a_session_id_and_only_what_it_honours()
    {
        await using var client = NetconfTestClient.Start(_server, cancellationToken: TestContext.Current.CancellationToken);

        var hello = XElement.Parse((await client.ReadRawAsync("]]>]]>"))[..^6]);

        Assert.Equal(Nc + "hello", hello.Name);
        Assert.Equal(
            [NetconfXml.Base10, NetconfXml.Base11, NetconfXml.WritableRunning],
            hello.Descendants(Nc + "capability").Select(c => c.Value));
        Assert.Equal("1", hello.Element(Nc + "session-id")?.Value);
    }

    [Fact(Timeout = 10000)]
    public async Task Every_session_gets_its_own_session_id()
    {
        await using var first = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        await using var second = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.NotEqual(0u, second.SessionId);
    }

    [Fact(Timeout = 10000)]
    public async Task When_both_sides_advertise_base_1_1_replies_use_chunked_framing()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, base11: true, cancellationToken: TestContext.Current.CancellationToken);

        await client.SendAsync($"<rpc xmlns=\"{NetconfXml.Base}\" message-id=\"1\">{GetConfig}</rpc>");
        var raw = await client.ReadRawAsync("\n##\n");

        Assert.StartsWith("\n#", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("]]>]]>", raw, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_base_1_0_client_keeps_end_of_message_framing()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, base11: false, cancellationToken: TestContext.Current.CancellationToken);

        await client.SendAsync($"<rpc xmlns=\"{NetconfXml.Base}\" message-id=\"1\">{GetConfig}</rpc>");
        var raw = await client.ReadRawAsync("]]>]]>");

        Assert.StartsWith("<?xml", raw, StringComparison.Ordinal);
        Assert.Contains("<rpc-reply", raw, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Edit_config_then_get_config_returns_the_new_data()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        AssertOk(await client.RpcAsync(EditConfig(Device("ce0", "<address>10.0.0.1</address>"))));
        var reply = await client.RpcAsync(GetConfig, "2");

        var device = Assert.Single(reply.Element(Nc + "data")!.Descendants(Ncs + "device"));
        Assert.Equal("10.0.0.1", device.Element(Ncs + "address")?.Value);
    }

    [Fact(Timeout = 10000)]
    public async Task Every_reply_copies_all_attributes_of_the_rpc()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var ok = await client.RpcAsync(GetConfig, "101", " xmlns:ex=\"urn:example\" ex:trace=\"t-7\" user-tag=\"abc\"");
        var error = await client.RpcAsync("<commit/>", "102", " user-tag=\"def\"");

        Assert.Equal("101", ok.Attribute("message-id")?.Value);
        Assert.Equal("t-7", ok.Attribute(XName.Get("trace", "urn:example"))?.Value);
        Assert.Equal("abc", ok.Attribute("user-tag")?.Value);
        Assert.Equal("102", error.Attribute("message-id")?.Value);
        Assert.Equal("def", error.Attribute("user-tag")?.Value);
    }

    [Theory(Timeout = 10000)]
    [InlineData("<commit/>")]
    [InlineData("<copy-config><target><running/></target><source><running/></source></copy-config>")]
    [InlineData("<get-schema xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring\"><identifier>x</identifier></get-schema>")]
    public async Task An_unknown_operation_gets_an_operation_not_supported_error_not_an_echo(string operation)
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync(operation, "7");

        AssertError(reply, "protocol", "operation-not-supported");
        Assert.Equal("7", reply.Attribute("message-id")?.Value);
        Assert.All(reply.Elements(), e => Assert.Equal(Nc + "rpc-error", e.Name));
    }

    [Fact(Timeout = 10000)]
    public async Task An_rpc_without_a_message_id_gets_a_missing_attribute_error()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        await client.SendAsync($"<rpc xmlns=\"{NetconfXml.Base}\">{GetConfig}</rpc>");
        var reply = (await client.ReadAsync())!;

        AssertError(reply, "rpc", "missing-attribute");
        Assert.Equal("message-id", Error(reply).Element(Nc + "error-info")?.Element(Nc + "bad-attribute")?.Value);
    }

    [Fact(Timeout = 10000)]
    public async Task Malformed_xml_gets_a_malformed_message_error_and_the_session_goes_on()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        await client.SendAsync("<rpc message-id=\"1\"><get-config>");
        var error = (await client.ReadAsync())!;
        var next = await client.RpcAsync(GetConfig, "2");

        AssertError(error, "rpc", "malformed-message");
        Assert.NotNull(next.Element(Nc + "data"));
    }

    [Fact(Timeout = 10000)]
    public async Task Get_includes_ncs_state_with_version_status_and_listeners()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync("<get/>");

        XNamespace ns = "http://tail-f.com/ns/ncs-state";
        var state = Assert.Single(reply.Element(Nc + "data")!.Elements(ns + "ncs-state"));
        Assert.Equal("6.5", state.Element(ns + "version")?.Value);
        Assert.Equal("started", state.Element(ns + "daemon-status")?.Value);
        Assert.Equal(["netconf-ssh:2022", "cli-ssh:2024"], state.Elements(ns + "listener").Select(l => $"{l.Element(ns + "name")?.Value}:{l.Element(ns + "port")?.Value}"));
    }

    [Fact(Timeout = 10000)]
    public async Task Get_config_does_not_include_ncs_state()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync(GetConfig);

        Assert.Empty(reply.Element(Nc + "data")!.Elements());
    }

    [Fact(Timeout = 10000)]
    public async Task A_subtree_filter_narrows_get_config()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        AssertOk(await client.RpcAsync(EditConfig(Device("ce0", "<port>22</port>") + Device("ce1", "<port>830</port>"))));

        var reply = await client.RpcAsync(
            "<get-config><source><running/></source><filter type=\"subtree\">" + Device("ce1", "<port/>") + "</filter></get-config>");

        Assert.Equal(["830"], reply.Descendants(Ncs + "port").Select(p => p.Value));
    }

    [Fact(Timeout = 10000)]
    public async Task An_xpath_filter_is_operation_not_supported()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync("<get><filter type=\"xpath\" select=\"/devices\"/></get>");

        AssertError(reply, "protocol", "operation-not-supported");
        Assert.Contains("subtree", Error(reply).Element(Nc + "error-message")?.Value, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10000)]
    [InlineData("<get-config><source><candidate/></source></get-config>")]
    [InlineData("<get-config><source><startup/></source></get-config>")]
    [InlineData("<lock><target><candidate/></target></lock>")]
    public async Task A_datastore_other_than_running_is_an_invalid_value(string operation)
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync(operation);

        AssertError(reply, "protocol", "invalid-value");
        Assert.Contains("only the running datastore", Error(reply).Element(Nc + "error-message")?.Value, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Create_of_an_existing_entry_is_data_exists_with_an_error_path()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        AssertOk(await client.RpcAsync(EditConfig(Device("ce0"))));

        var reply = await client.RpcAsync(EditConfig(
            "<devices xmlns=\"http://tail-f.com/ns/ncs\" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><device nc:operation=\"create\"><name>ce0</name></device></devices>"));

        AssertError(reply, "application", "data-exists");
        Assert.Equal("/devices/device[name='ce0']", Error(reply).Element(Nc + "error-path")?.Value);
    }

    [Fact(Timeout = 10000)]
    public async Task A_bad_default_operation_is_an_invalid_value()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync(EditConfig(Device("ce0"), "<default-operation>upsert</default-operation>"));

        AssertError(reply, "protocol", "invalid-value");
    }

    [Fact(Timeout = 10000)]
    public async Task Test_option_and_error_option_are_accepted()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        AssertOk(await client.RpcAsync(EditConfig(Device("ce0"), "<test-option>test-then-set</test-option><error-option>rollback-on-error</error-option>")));
    }

    [Fact(Timeout = 10000)]
    public async Task A_lock_held_by_one_session_is_denied_to_another_with_the_holders_session_id()
    {
        await using var holder = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        await using var other = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        AssertOk(await holder.RpcAsync(LockRunning));
        var denied = await other.RpcAsync(LockRunning);

        AssertError(denied, "protocol", "lock-denied");
        Assert.Equal(holder.SessionId.ToString(System.Globalization.CultureInfo.InvariantCulture), Error(denied).Element(Nc + "error-info")?.Element(Nc + "session-id")?.Value);
    }

    [Fact(Timeout = 10000)]
    public async Task Edits_from_another_session_are_in_use_while_running_is_locked()
    {
        await using var holder = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        await using var other = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        AssertOk(await holder.RpcAsync(LockRunning));

        AssertError(await other.RpcAsync(EditConfig(Device("ce1"))), "protocol", "in-use");
        AssertOk(await holder.RpcAsync(EditConfig(Device("ce0"))));
        AssertOk(await holder.RpcAsync("<unlock><target><running/></target></unlock>"));
        AssertOk(await other.RpcAsync(EditConfig(Device("ce1"))));
    }

    [Fact(Timeout = 10000)]
    public async Task Kill_session_ends_the_other_session_and_releases_its_lock()
    {
        await using var victim = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        await using var killer = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        AssertOk(await victim.RpcAsync(LockRunning));

        AssertOk(await killer.RpcAsync($"<kill-session><session-id>{victim.SessionId}</session-id></kill-session>"));

        Assert.Equal(0, await victim.Session);
        Assert.Null(await victim.ReadAsync());
        AssertOk(await killer.RpcAsync(LockRunning));
        Assert.Contains(_log.AuditLines, l => l.Contains($"killed session admin/{victim.SessionId}", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10000)]
    public async Task Kill_session_of_the_own_session_is_an_invalid_value()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        var reply = await client.RpcAsync($"<kill-session><session-id>{client.SessionId}</session-id></kill-session>");

        AssertError(reply, "protocol", "invalid-value");
        Assert.Contains("close-session", Error(reply).Element(Nc + "error-message")?.Value, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Kill_session_of_an_unknown_session_is_an_invalid_value()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        AssertError(await client.RpcAsync("<kill-session><session-id>999</session-id></kill-session>"), "protocol", "invalid-value");
    }

    [Fact(Timeout = 10000)]
    public async Task Close_session_replies_ok_then_ends_the_session()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        AssertOk(await client.RpcAsync("<close-session/>"));

        Assert.Null(await client.ReadAsync());
        Assert.Equal(0, await client.Session);
        Assert.Equal(0, _server.Sessions.Count);
    }

    [Fact(Timeout = 10000)]
    public async Task A_session_that_ends_releases_its_lock()
    {
        var holder = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);
        AssertOk(await holder.RpcAsync(LockRunning));

        await holder.CloseOutputAsync();
        await holder.Session;
        await using var other = await NetconfTestClient.ConnectAsync(_server, cancellationToken: TestContext.Current.CancellationToken);

        AssertOk(await other.RpcAsync(LockRunning));
        await holder.DisposeAsync();
    }

    [Fact(Timeout = 10000)]
    public async Task A_client_hello_without_a_base_capability_ends_the_session()
    {
        await using var client = NetconfTestClient.Start(_server, cancellationToken: TestContext.Current.CancellationToken);
        await client.ReadAsync();

        await client.SendRawAsync($"<hello xmlns=\"{NetconfXml.Base}\"><capabilities><capability>urn:example:only</capability></capabilities></hello>]]>]]>");

        Assert.Equal(1, await client.Session);
        Assert.Null(await client.ReadAsync());
        Assert.Contains(_log.NetconfLines, l => l.Contains("neither", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10000)]
    public async Task A_message_arriving_one_byte_at_a_time_is_answered_once_whole()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, base11: true, cancellationToken: TestContext.Current.CancellationToken);
        var message = $"<rpc xmlns=\"{NetconfXml.Base}\" message-id=\"9\">{GetConfig}</rpc>";
        var framed = $"\n#{message.Length}\n{message}\n##\n";

        foreach (var b in System.Text.Encoding.UTF8.GetBytes(framed))
        {
            await client.SendRawAsync([b]);
        }

        Assert.Equal("9", (await client.ReadAsync())?.Attribute("message-id")?.Value);
    }

    [Fact(Timeout = 10000)]
    public async Task A_broken_chunk_header_gets_malformed_message_and_ends_the_session()
    {
        await using var client = await NetconfTestClient.ConnectAsync(_server, base11: true, cancellationToken: TestContext.Current.CancellationToken);

        await client.SendRawAsync("\n#12x\n");

        AssertError((await client.ReadAsync())!, "rpc", "malformed-message");
        Assert.Equal(1, await client.Session);
    }

    [Fact(Timeout = 10000)]
    public async Task The_log_names_user_session_operation_and_message_id_but_no_content()
    {
        await using (var client = await NetconfTestClient.ConnectAsync(_server, user: "oper", cancellationToken: TestContext.Current.CancellationToken))
        {
            await client.RpcAsync(EditConfig("<users xmlns=\"urn:x\"><user><name>bob</name><password>s3cret-value</password></user></users>"), "55");
            await client.RpcAsync("<close-session/>", "56");
        }

        var lines = _log.AuditLines.Concat(_log.NetconfLines).ToList();
        Assert.Contains("user: oper/1 new netconf session", lines);
        Assert.Contains("user: oper/1 netconf session ended", lines);
        Assert.Contains(lines, l => l.Contains("edit-config", StringComparison.Ordinal) && l.Contains("message-id=\"55\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10000)]
    public async Task A_stopping_daemon_ends_open_sessions()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var client = await NetconfTestClient.ConnectAsync(_server, cancellationToken: stop.Token);

        await stop.CancelAsync();

        Assert.Equal(0, await client.Session);
        Assert.Equal(0, _server.Sessions.Count);
        await client.DisposeAsync();
    }
}
