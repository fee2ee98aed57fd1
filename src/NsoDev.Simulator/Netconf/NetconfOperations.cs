using System.Globalization;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Netconf;

/// <summary>
/// The table of operations one session serves (RFC 6241 section 7). Each handler reads the
/// operation element and returns a reply or throws (<see cref="NetconfRpcException"/>,
/// <see cref="DataStoreException"/>); the session maps the exception with <see cref="RpcErrors.From"/>.
/// Only the running datastore exists: :candidate and :startup are not advertised.
/// </summary>
internal sealed class NetconfOperations
{
    private static readonly Dictionary<string, Func<NetconfOperations, XElement, RpcReply>> Handlers = new(StringComparer.Ordinal)
    {
        ["get"] = (o, e) => o.Get(e),
        ["get-config"] = (o, e) => o.GetConfig(e),
        ["edit-config"] = (o, e) => o.EditConfig(e),
        ["lock"] = (o, e) => o.Lock(e),
        ["unlock"] = (o, e) => o.Unlock(e),
        ["close-session"] = (o, _) => o.CloseSession(),
        ["kill-session"] = (o, e) => o.KillSession(e),
    };

    private readonly NetconfServer _server;
    private readonly uint _sessionId;
    private readonly string _user;

    public NetconfOperations(NetconfServer server, uint sessionId, string user)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        _sessionId = sessionId;
        _user = user;
    }

    /// <summary>Set by close-session: the session ends after the reply.</summary>
    public bool CloseRequested { get; private set; }

    /// <summary>Serves <paramref name="operation"/>, the only child of <c>&lt;rpc&gt;</c>.</summary>
    public RpcReply Handle(XElement operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (HaRaft.HaRaftNetconfActions.Targets(operation))
        {
            return HaRaft.HaRaftNetconfActions.Handle(_server.HaRaft, operation);
        }

        if (Devices.NetconfDeviceActions.IsAction(operation))
        {
            return Devices.NetconfDeviceActions.Handle(_server.Devices, operation, _user, _sessionId);
        }

        if (operation.Name.Namespace != NetconfXml.Ns || !Handlers.TryGetValue(operation.Name.LocalName, out var handler))
        {
            throw new NetconfRpcException(RpcErrors.OperationNotSupported(
                operation.Name.LocalName,
                $"nso-sim serves only {string.Join(", ", Handlers.Keys)} in {NetconfXml.Base}"));
        }

        return handler(this, operation);
    }

    private RpcReply Get(XElement operation)
    {
        var data = _server.Datastore.Current.Nodes.Append(NcsStateXml.Build(_server.State));
        if (_server.HaRaft is { } haRaft)
        {
            data = data.Append(HaRaft.HaRaftXml.Build(haRaft.Status));
        }

        return RpcReply.Data(Filter(operation, data));
    }

    private RpcReply GetConfig(XElement operation)
    {
        RequireRunning(operation, "source");
        return RpcReply.Data(Filter(operation, _server.Datastore.Current.Nodes));
    }

    private RpcReply EditConfig(XElement operation)
    {
        RequireRunning(operation, "target");
        var defaultOperation = EditOperation.Merge;
        if (operation.Element(NetconfXml.Ns + "default-operation") is { } element
            && !EditOperations.TryParseDefault(element.Value, out defaultOperation))
        {
            throw new NetconfRpcException(RpcErrors.InvalidValue(
                "default-operation",
                $"default-operation \"{element.Value.Trim()}\" is not merge, replace or none"));
        }

        // test-option and error-option are accepted and ignored: every edit is all or nothing.
        if (operation.Element(NetconfXml.Ns + "config") is not { } config)
        {
            throw new NetconfRpcException(operation.Element(NetconfXml.Ns + "url") is not null
                ? RpcErrors.OperationNotSupported("url", "edit-config from a <url> needs :url, which nso-sim does not advertise; send <config>")
                : RpcErrors.MissingElement("config", "edit-config"));
        }

        _server.Datastore.Edit(_sessionId, config, defaultOperation, _user);
        return RpcReply.Ok;
    }

    private RpcReply Lock(XElement operation)
    {
        RequireRunning(operation, "target");
        _server.Datastore.Lock(_sessionId);
        _server.Log.Audit($"user: {_user}/{_sessionId} locked running");
        return RpcReply.Ok;
    }

    private RpcReply Unlock(XElement operation)
    {
        RequireRunning(operation, "target");
        _server.Datastore.Unlock(_sessionId);
        _server.Log.Audit($"user: {_user}/{_sessionId} unlocked running");
        return RpcReply.Ok;
    }

    private RpcReply CloseSession()
    {
        CloseRequested = true;
        return RpcReply.Ok;
    }

    private RpcReply KillSession(XElement operation)
    {
        if (operation.Element(NetconfXml.Ns + "session-id") is not { } element)
        {
            throw new NetconfRpcException(RpcErrors.MissingElement("session-id", "kill-session"));
        }

        if (!uint.TryParse(element.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var victim) || victim == 0)
        {
            throw new NetconfRpcException(RpcErrors.InvalidValue("session-id", $"session-id \"{element.Value.Trim()}\" is not a session id (1 to 4294967295)"));
        }

        if (victim == _sessionId)
        {
            throw new NetconfRpcException(RpcErrors.InvalidValue("session-id", $"session {victim} is this session; use close-session to end it"));
        }

        if (!_server.Sessions.TryKill(victim, out var victimUser))
        {
            throw new NetconfRpcException(RpcErrors.InvalidValue("session-id", $"there is no NETCONF session {victim}"));
        }

        _server.Log.Audit($"user: {_user}/{_sessionId} killed session {victimUser}/{victim}");
        return RpcReply.Ok;
    }

    /// <summary>Subtree filters only; no filter selects everything (RFC 6241 section 6).</summary>
    private static IEnumerable<XElement> Filter(XElement operation, IEnumerable<XElement> data)
    {
        if (operation.Element(NetconfXml.Ns + "filter") is not { } filter)
        {
            return data;
        }

        var type = (filter.Attribute("type") ?? filter.Attribute(NetconfXml.Ns + "type"))?.Value.Trim() ?? "subtree";
        if (type != "subtree")
        {
            throw new NetconfRpcException(RpcErrors.OperationNotSupported(
                "filter",
                $"filter type \"{type}\" is not supported (:xpath is not advertised); use type=\"subtree\""));
        }

        return SubtreeFilter.Select(data, filter);
    }

    /// <summary>Checks that <c>&lt;source&gt;</c> or <c>&lt;target&gt;</c> names <c>&lt;running/&gt;</c>.</summary>
    private static void RequireRunning(XElement operation, string parameter)
    {
        if (operation.Element(NetconfXml.Ns + parameter) is not { } element)
        {
            throw new NetconfRpcException(RpcErrors.MissingElement(parameter, operation.Name.LocalName));
        }

        var datastore = element.Elements().FirstOrDefault();
        if (datastore?.Name != NetconfXml.Ns + "running")
        {
            var name = datastore?.Name.LocalName ?? "nothing";
            throw new NetconfRpcException(RpcErrors.InvalidValue(
                parameter,
                $"{operation.Name.LocalName} {parameter} is {name}; nso-sim has only the running datastore (:candidate and :startup are not advertised)"));
        }
    }
}
