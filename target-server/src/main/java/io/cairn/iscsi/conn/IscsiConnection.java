package io.cairn.iscsi.conn;

import io.cairn.iscsi.login.SessionParams;
import io.cairn.iscsi.pdu.DataOut;
import io.cairn.iscsi.pdu.InboundPdu;
import io.cairn.iscsi.pdu.InboundPduVisitor;
import io.cairn.iscsi.pdu.LoginRequest;
import io.cairn.iscsi.pdu.LogoutRequest;
import io.cairn.iscsi.pdu.LogoutResponse;
import io.cairn.iscsi.pdu.MalformedPdu;
import io.cairn.iscsi.pdu.NopIn;
import io.cairn.iscsi.pdu.NopOut;
import io.cairn.iscsi.pdu.Opcode;
import io.cairn.iscsi.pdu.OutboundPdu;
import io.cairn.iscsi.pdu.ReceivedPdu;
import io.cairn.iscsi.pdu.Reject;
import io.cairn.iscsi.pdu.ScsiCommandPdu;
import io.cairn.iscsi.pdu.TaskMgmtRequest;
import io.cairn.iscsi.pdu.TextRequest;
import io.cairn.iscsi.pdu.UnsupportedPdu;
import io.cairn.iscsi.session.CommandOrdering;
import io.cairn.iscsi.session.IscsiSession;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iSCSI connection, from login to logout (RFC 7143 5, 6): the phase it is in, PDU dispatch,
 * NOP-In pings, and protocol errors. Commands reach their handler in CmdSN order through
 * {@link CommandOrdering}; SCSI commands are carried by {@link CommandFlow}, task management by
 * {@link TaskManagement}, login by {@link LoginPhase}.
 *
 * <p>Everything here runs on the channel's event loop; other threads reach it only through
 * {@link IscsiSession.Connection}, which hops onto the loop.
 */
public final class IscsiConnection extends ChannelInboundHandlerAdapter
        implements InboundPduVisitor, IscsiSession.Connection {

    private static final Logger log = LoggerFactory.getLogger(IscsiConnection.class);

    private enum Phase { LOGIN, FULL_FEATURE, LOGGING_OUT, CLOSED }

    private final GatewayContext gateway;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.LOGIN;
    private LoginPhase login;
    private IscsiSession session;
    private SessionParams params;
    private CommandOrdering ordering;
    private CommandFlow commands;
    private TaskManagement taskManagement;
    private TextConversation text;
    private int statSn;
    private int nextTtt = 1;
    private int pingTtt = Opcode.RESERVED_TAG;
    /** Completes when the connection has ended and its tasks can no longer touch data. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Set once by {@link #endNexus}; guarded by {@code this}. */
    private CompletableFuture<Void> nexusEnded;

    public IscsiConnection(GatewayContext gateway) {
        this.gateway = gateway;
    }

    // ---- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.statSn = (int) (System.nanoTime() & 0x7fffffff);
        this.login = new LoginPhase(gateway, this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ReceivedPdu pdu = (ReceivedPdu) msg; // all the decoder emits
        try {
            pdu.accept(this);
        } catch (RuntimeException e) {
            log.warn("{}: failed handling {}", ctx.channel().remoteAddress(), pdu, e);
            close("internal error: " + e);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (phase == Phase.LOGIN) {
            close("login not completed in time");
        } else if (pingTtt != Opcode.RESERVED_TAG) {
            close("no answer to NOP-In ping");
        } else if (phase == Phase.FULL_FEATURE) {
            // RFC 7143 11.19: a target-initiated ping carries a TTT and the reserved ITT.
            pingTtt = newTargetTransferTag();
            send(new NopIn(0, Opcode.RESERVED_TAG, pingTtt, sequence(false), null));
        }
    }

    /**
     * Outbound backpressure: while the socket cannot take more, stop reading, so an initiator that
     * does not read its Data-In cannot make the target queue responses without bound.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ended("connection closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {}", ctx.channel().remoteAddress(), cause.toString());
        close("transport error: " + cause.getMessage());
    }

    // ---- PDU dispatch (each method owns its PDU; commands go on to their handler in CmdSN order)

    @Override
    public void onLoginRequest(LoginRequest pdu) {
        if (phase != Phase.LOGIN) {
            // RFC 7143 6.3: a Login Request in full feature phase is a protocol error.
            protocolError(pdu, "login request in full feature phase");
            return;
        }
        login.onRequest(pdu);
    }

    @Override
    public void onScsiCommand(ScsiCommandPdu pdu) {
        if (!requireFullFeature(pdu)) {
            return;
        }
        if (session.discovery()) {
            // RFC 7143 4.3: a discovery session carries only Text, NOP and Logout.
            ordering.consumeCmdSn(pdu.cmdSn(), pdu.immediate());
            reject(Reject.PROTOCOL_ERROR, pdu);
            return;
        }
        ordering.submitTask(pdu, commands::onCommand);
    }

    @Override
    public void onDataOut(DataOut pdu) {
        if (!requireFullFeature(pdu)) {
            return;
        }
        commands.onDataOut(pdu);
    }

    @Override
    public void onNopOut(NopOut pdu) {
        if (!requireFullFeature(pdu)) {
            return;
        }
        if (pdu.initiatorTaskTag() == Opcode.RESERVED_TAG) {
            // An answer to our ping (or a bare keep-alive): no reply, no CmdSN (RFC 7143 11.18).
            if (pdu.targetTransferTag() == pingTtt) {
                pingTtt = Opcode.RESERVED_TAG;
            }
            pdu.release();
            return;
        }
        ordering.submit(pdu, pdu.cmdSn(), this::answerPing);
    }

    @Override
    public void onTaskMgmtRequest(TaskMgmtRequest pdu) {
        if (!requireFullFeature(pdu)) {
            return;
        }
        ordering.submit(pdu, pdu.cmdSn(), taskManagement::onRequest);
    }

    @Override
    public void onTextRequest(TextRequest pdu) {
        if (!requireFullFeature(pdu)) {
            return;
        }
        ordering.submit(pdu, pdu.cmdSn(), text::onRequest);
    }

    @Override
    public void onLogoutRequest(LogoutRequest pdu) {
        if (!requireFullFeature(pdu)) {
            return;
        }
        ordering.submit(pdu, pdu.cmdSn(), this::onLogout);
    }

    @Override
    public void onUnsupported(UnsupportedPdu pdu) {
        if (phase == Phase.LOGIN) {
            protocolError(pdu, "opcode 0x" + Integer.toHexString(pdu.opcode()) + " during login");
            return;
        }
        // RFC 7143 11.17.1: SNACK at ErrorRecoveryLevel 0, and unknown opcodes, are rejected.
        int reason = pdu.opcode() == Opcode.SNACK_REQUEST ? Reject.PROTOCOL_ERROR : Reject.COMMAND_NOT_SUPPORTED;
        reject(reason, pdu);
    }

    @Override
    public void onMalformed(MalformedPdu bad) {
        log.info("{}: {}", ctx.channel().remoteAddress(), bad.detail());
        if (bad.reason() == MalformedPdu.NO_REJECT) {
            // RFC 7143 7.8: a header that fails its digest is not trusted, not even for a Reject.
            closeAfterFlush(bad.detail());
            return;
        }
        if (bad.fatal() || phase == Phase.LOGIN) {
            send(new Reject(bad.reason(), bad.header(), sequence(false)));
            closeAfterFlush(bad.detail());
            return;
        }
        send(new Reject(bad.reason(), bad.header(), sequence(true)));
        int opcode = bad.header()[0] & 0x3f;
        if (bad.reason() == Reject.COMMAND_NOT_SUPPORTED && opcode == Opcode.SCSI_COMMAND && ordering != null) {
            // The rejected command still used its CmdSN; without this the window would wait for it forever.
            ordering.consumeCmdSn(int32(bad.header(), 24), (bad.header()[0] & 0x40) != 0);
            return;
        }
        if (bad.reason() == Reject.DATA_DIGEST_ERROR && opcode == Opcode.DATA_OUT && commands != null) {
            // RFC 7143 7.8: the Data-Out is lost; its task ends in CHECK CONDITION, the session goes on.
            commands.onDataOutDigestError(int32(bad.header(), 16));
        } else if (bad.reason() == Reject.DATA_DIGEST_ERROR && opcode != Opcode.NOP_OUT) {
            // A command or request whose data was lost leaves a hole in the CmdSN sequence that
            // ErrorRecoveryLevel 0 cannot fill (RFC 7143 7.1.5): end the session.
            closeAfterFlush("data digest error at ErrorRecoveryLevel 0");
        }
    }

    private static int int32(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
                | (b[offset + 3] & 0xff);
    }

    /** Selects SCSI commands for {@code lun} (all LUNs if null). */
    static Predicate<ScsiCommandPdu> scsiCommandsFor(Long lun) {
        return p -> lun == null || LunField.decode(p.lun()) == lun;
    }

    /** RFC 7143 11.19.5: a ping is answered with its data (at most what the initiator can receive). Takes ownership. */
    private void answerPing(NopOut nop) {
        int max = params.initiatorMaxRecvDataSegmentLength();
        var echo = nop.data().retainedSlice(nop.data().readerIndex(), Math.min(nop.dataLength(), max));
        nop.release();
        send(new NopIn(nop.lun(), nop.initiatorTaskTag(), Opcode.RESERVED_TAG, sequence(true), echo));
    }

    /** Takes ownership of {@code pdu}. */
    private void onLogout(LogoutRequest pdu) {
        int itt = pdu.initiatorTaskTag();
        int reason = pdu.reasonCode();
        int cid = pdu.cid();
        pdu.release();
        int response;
        if (reason == LogoutRequest.REMOVE_CONNECTION_FOR_RECOVERY) {
            response = LogoutResponse.RECOVERY_NOT_SUPPORTED; // RFC 7143 11.15.1 at ErrorRecoveryLevel 0
        } else if (reason == LogoutRequest.CLOSE_CONNECTION && cid != login.cid()) {
            response = LogoutResponse.CID_NOT_FOUND;
        } else {
            response = LogoutResponse.CLOSED_SUCCESSFULLY;
        }
        if (response != LogoutResponse.CLOSED_SUCCESSFULLY) {
            send(new LogoutResponse(itt, response, sequence(true)));
            return;
        }
        // RFC 7143 11.15: answer once no task of the session can still touch data, and once what
        // SPC ties to the nexus is released on every gateway: an initiator that logs in again
        // right after must not find its own old reservation (libiscsi Reserve6.Logout).
        phase = Phase.LOGGING_OUT;
        ordering.stopDelivery();
        commands.abortAll(null, "logout").thenCompose(v -> endNexus()).whenComplete((v, e) -> onEventLoop(() -> {
            send(new LogoutResponse(itt, response, sequence(true)));
            closeAfterFlush("logout");
        }));
    }

    // ---- called by LoginPhase

    /** Login completed: the connection enters full feature phase with these parameters. */
    void enterFullFeature(IscsiSession session, SessionParams params, int expCmdSn) {
        this.session = session;
        this.params = params;
        this.ordering = new CommandOrdering(expCmdSn, gateway.config().queueDepth(), peer());
        this.commands = new CommandFlow(gateway, this, session);
        this.taskManagement = new TaskManagement(gateway, this, session, commands);
        this.text = new TextConversation(gateway, this, session);
        this.phase = Phase.FULL_FEATURE;
        if (ctx.pipeline().get("login-deadline") != null) {
            ctx.pipeline().remove("login-deadline");
        }
        ctx.pipeline().get(io.cairn.iscsi.pdu.PduDecoder.class).limits(
                new io.cairn.iscsi.pdu.PduLimits(params.headerDigest(), params.dataDigest(),
                        params.targetMaxRecvDataSegmentLength()));
    }

    /** Applies digests to what we send from now on (after the final Login Response is written). */
    void startDigestsOnSend() {
        ctx.pipeline().get(io.cairn.iscsi.pdu.PduEncoder.class).limits(
                new io.cairn.iscsi.pdu.PduLimits(params.headerDigest(), params.dataDigest(),
                        params.initiatorMaxRecvDataSegmentLength()));
    }

    // ---- services for the collaborators (event loop only)

    /** StatSN/ExpCmdSN/MaxCmdSN for a PDU; {@code status} PDUs take the next StatSN (RFC 7143 4.2.2.2). */
    OutboundPdu.Sequence sequence(boolean status) {
        int sn = status ? statSn++ : statSn;
        if (ordering == null) {
            return new OutboundPdu.Sequence(sn, 0, 0);
        }
        return new OutboundPdu.Sequence(sn, ordering.expCmdSn(), ordering.maxCmdSn());
    }

    /** StatSN for login responses, which advance it like status PDUs. */
    int nextStatSn() {
        return statSn++;
    }

    SessionParams params() {
        return params;
    }

    /** A Text exchange changed a declarative parameter (RFC 7143 13.12: MaxRecvDataSegmentLength). */
    void updateParams(SessionParams changed) {
        this.params = changed;
        startDigestsOnSend();
    }

    CommandOrdering ordering() {
        return ordering;
    }

    int newTargetTransferTag() {
        int t = nextTtt++;
        if (t == Opcode.RESERVED_TAG || t == 0) {
            nextTtt = 1;
            t = nextTtt++;
        }
        return t;
    }

    void send(OutboundPdu pdu) {
        if (phase == Phase.CLOSED || !ctx.channel().isActive()) {
            pdu.data().release();
            return;
        }
        ctx.write(pdu, ctx.voidPromise());
        ctx.flush();
    }

    /** Writes without flushing; the caller flushes once after a batch (Data-In sequences). */
    void sendDeferred(OutboundPdu pdu) {
        if (phase == Phase.CLOSED || !ctx.channel().isActive()) {
            pdu.data().release();
            return;
        }
        ctx.write(pdu, ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    void reject(int reason, InboundPdu pdu) {
        byte[] header = pdu.header();
        pdu.release();
        send(new Reject(reason, header, sequence(true)));
    }

    /** A protocol error ends the session at ErrorRecoveryLevel 0 (RFC 7143 7.1.5): Reject, then close. */
    void protocolError(InboundPdu pdu, String why) {
        byte[] header = pdu.header();
        pdu.release();
        log.info("{}: protocol error: {}", ctx.channel().remoteAddress(), why);
        send(new Reject(Reject.PROTOCOL_ERROR, header, sequence(true)));
        closeAfterFlush(why);
    }

    void closeAfterFlush(String why) {
        if (phase == Phase.CLOSED) {
            return;
        }
        log.debug("{}: closing: {}", ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ended(why);
    }

    void onEventLoop(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
        } else {
            ctx.executor().execute(r);
        }
    }

    String peer() {
        return String.valueOf(ctx.channel().remoteAddress());
    }

    private boolean requireFullFeature(InboundPdu pdu) {
        if (phase == Phase.FULL_FEATURE) {
            return true;
        }
        if (phase == Phase.LOGIN) {
            // RFC 7143 6.3: only Login Requests before full feature phase.
            protocolError(pdu, "opcode 0x" + Integer.toHexString(pdu.opcode()) + " before login completed");
        } else {
            pdu.release();
        }
        return false;
    }

    /** Ends the session's life on this connection once: tasks aborted, session unregistered. */
    private void ended(String why) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        if (ordering != null) {
            ordering.close();
        }
        if (text != null) {
            text.close();
        }
        if (login != null) {
            login.close();
        }
        CompletableFuture<Void> drained = commands != null
                ? commands.abortAll(null, why) : CompletableFuture.completedFuture(null);
        // Only once no task can touch data does the nexus end; reinstatement waits for the release,
        // so a late one cannot drop what the new session of the same nexus reserved.
        drained.handle((v, e) -> null).thenCompose(v -> endNexus()).whenComplete((v, e) -> ended.complete(null));
    }

    /**
     * Once per connection, on any thread: the session leaves the registry and its nexus ends.
     * Never completes exceptionally: a release that could not be written is logged (the holder's
     * reservation then stays until a reset or a PREEMPT clears it).
     */
    private synchronized CompletableFuture<Void> endNexus() {
        if (nexusEnded != null) {
            return nexusEnded;
        }
        IscsiSession s = session;
        if (s == null) {
            nexusEnded = CompletableFuture.completedFuture(null);
            return nexusEnded;
        }
        gateway.sessions().remove(s);
        nexusEnded = s.discovery() ? CompletableFuture.completedFuture(null)
                : gateway.core().nexusLost(s.nexus(), s.targetName()).exceptionally(e -> {
                    log.warn("nexus {} of {} ended but its release could not be written: {}",
                            s.nexus().key(), s.targetName(), e.toString());
                    return null;
                });
        return nexusEnded;
    }

    // ---- IscsiSession.Connection (any thread)

    @Override
    public CompletableFuture<Void> close(String why) {
        onEventLoop(() -> {
            if (phase != Phase.CLOSED) {
                ended(why);
                ctx.close();
            }
        });
        return ended;
    }

    @Override
    public CompletableFuture<Void> abortTasks(Long lun, String why) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onEventLoop(() -> {
            if (commands == null) {
                done.complete(null);
            } else {
                ordering.dropTasks(scsiCommandsFor(lun));
                commands.abortAll(lun, why).whenComplete((v, e) -> done.complete(null));
            }
        });
        return done;
    }
}
