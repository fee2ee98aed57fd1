using NsoDev.Simulator.Ssh.Transport;

namespace NsoDev.Simulator.Ssh.Connection;

/// <summary>
/// The ssh-connection service (RFC 4254): session channels only, several per connection.
/// Other channel types get OPEN_FAILURE and global requests get REQUEST_FAILURE.
/// </summary>
internal sealed class ConnectionService(ChannelContext context, int maxChannels)
{
    private const uint UnknownChannelType = 3;
    private const uint ResourceShortage = 4;

    private readonly Dictionary<uint, SessionChannel> _channels = [];
    private readonly Lock _lock = new();

    /// <returns>False for a message number this service does not know.</returns>
    public async Task<bool> HandleAsync(SshPacket packet)
    {
        var payload = packet.Payload;
        switch (packet.MessageNumber)
        {
            case SshMessage.GlobalRequest:
                await OnGlobalRequestAsync(payload);
                break;
            case SshMessage.ChannelOpen:
                await OnOpenAsync(payload);
                break;
            case SshMessage.ChannelWindowAdjust:
                Find(payload).OnWindowAdjust(ChannelMessage.ReadUInt32After(payload.Span, 5));
                break;
            case SshMessage.ChannelData:
                await Find(payload).OnDataAsync(ChannelMessage.Data(payload, offset: 5));
                break;
            case SshMessage.ChannelExtendedData:
                await Find(payload).OnExtendedDataAsync(ChannelMessage.Data(payload, offset: 9).Length);
                break;
            case SshMessage.ChannelEof:
                Find(payload).OnEof();
                break;
            case SshMessage.ChannelClose:
                await Find(payload).OnCloseAsync();
                break;
            case SshMessage.ChannelRequest:
                await Find(payload).OnRequestAsync(ChannelRequest.Parse(payload.Span));
                break;
            case SshMessage.ChannelSuccess or SshMessage.ChannelFailure:
                // Replies to requests this server never makes with want-reply; nothing waits for them.
                break;
            default:
                return false;
        }

        return true;
    }

    /// <summary>Ends every channel and waits a little for the handlers to notice.</summary>
    public async Task ShutdownAsync(TimeSpan grace)
    {
        SessionChannel[] live;
        lock (_lock)
        {
            live = [.. _channels.Values];
            _channels.Clear();
        }

        foreach (var channel in live)
        {
            channel.Abort();
        }

        try
        {
            await Task.WhenAll(live.Select(c => c.Completion)).WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            context.Log.Write("a channel handler ignored cancellation; leaving it behind");
            return;
        }

        foreach (var channel in live)
        {
            channel.Dispose();
        }
    }

    // 50 00 00 00 15 "keepalive@openssh.com" 01   GLOBAL_REQUEST, want reply
    private async Task OnGlobalRequestAsync(ReadOnlyMemory<byte> payload)
    {
        if (ChannelMessage.GlobalRequestWantsReply(payload.Span))
        {
            await context.Transport.SendAsync(new[] { SshMessage.RequestFailure }, context.Connection);
        }
    }

    // 5a                          SSH_MSG_CHANNEL_OPEN
    // 00 00 00 07 "session"       channel type
    // 00 00 00 00                 sender channel
    // 00 20 00 00                 initial window size
    // 00 00 80 00                 maximum packet size
    private async Task OnOpenAsync(ReadOnlyMemory<byte> payload)
    {
        var open = ChannelMessage.ParseOpen(payload.Span);
        if (open.Type != "session")
        {
            await RefuseAsync(open.Sender, UnknownChannelType, $"only session channels are supported, not {AuditLog.Printable(open.Type)}");
            return;
        }

        SessionChannel? channel = null;
        lock (_lock)
        {
            if (_channels.Count < maxChannels)
            {
                var id = 0u;
                while (_channels.ContainsKey(id))
                {
                    id++;
                }

                channel = new SessionChannel(id, open.Sender, open.Window, open.MaxPacket, context, Release);
                _channels.Add(id, channel);
            }
        }

        if (channel is null)
        {
            await RefuseAsync(open.Sender, ResourceShortage, $"at most {maxChannels} channels per connection");
            return;
        }

        var confirmation = SshWriter.Message(SshMessage.ChannelOpenConfirmation)
            .WriteUInt32(open.Sender)
            .WriteUInt32(channel.LocalId)
            .WriteUInt32(InboundData.InitialWindow)
            .WriteUInt32(SessionChannel.MaxPacket);
        await context.Transport.SendAsync(confirmation.WrittenMemory, context.Connection);
    }

    private async Task RefuseAsync(uint sender, uint reason, string description)
    {
        var failure = SshWriter.Message(SshMessage.ChannelOpenFailure).WriteUInt32(sender).WriteUInt32(reason).WriteString(description).WriteString("");
        await context.Transport.SendAsync(failure.WrittenMemory, context.Connection);
    }

    private SessionChannel Find(ReadOnlyMemory<byte> payload)
    {
        var id = ChannelMessage.ReadUInt32After(payload.Span, 1);
        lock (_lock)
        {
            return _channels.GetValueOrDefault(id)
                ?? throw new SshProtocolException($"message {payload.Span[0]} for channel {id}, which is not open");
        }
    }

    private void Release(SessionChannel channel)
    {
        lock (_lock)
        {
            _channels.Remove(channel.LocalId);
        }
    }
}
