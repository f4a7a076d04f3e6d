package io.cairn.iscsi.conn;

import io.cairn.iscsi.login.AuthConfig;
import io.cairn.iscsi.login.LoginNegotiator;
import io.cairn.iscsi.login.LoginPolicy;
import io.cairn.iscsi.login.LoginReply;
import io.cairn.iscsi.login.LoginRequestFields;
import io.cairn.iscsi.login.SessionParams;
import io.cairn.iscsi.login.TargetLimits;
import io.cairn.iscsi.login.TextKeys;
import io.cairn.iscsi.pdu.LoginRequest;
import io.cairn.iscsi.pdu.LoginResponse;
import io.cairn.iscsi.pdu.OutboundPdu;
import io.cairn.iscsi.session.IscsiSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The login phase of one connection (RFC 7143 6): joins Login Requests continued with the C bit
 * (bounded), runs the negotiation, and on success creates the session, reinstating an older one
 * with the same initiator and ISID (6.3.5). Event-loop confined.
 */
final class LoginPhase {

    /** Status codes this class decides itself (RFC 7143 11.13.5). */
    private static final int TOO_MANY_CONNECTIONS = 0x0206;
    private static final int SESSION_DOES_NOT_EXIST = 0x020A;
    private static final int OUT_OF_RESOURCES = 0x0302;
    private static final int INITIATOR_ERROR = 0x0200;
    /** Bound on one joined Login Request's text. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final GatewayContext gateway;
    private final IscsiConnection connection;
    private final LoginNegotiator negotiator;
    private ByteBuf partial;
    private int cid;

    LoginPhase(GatewayContext gateway, IscsiConnection connection) {
        this.gateway = gateway;
        this.connection = connection;
        this.negotiator = new LoginNegotiator(new Policy(gateway));
    }

    int cid() {
        return cid;
    }

    /** Takes ownership of {@code pdu}. */
    void onRequest(LoginRequest pdu) {
        try {
            cid = pdu.cid();
            if (pdu.tsih() != 0) {
                // MaxConnections=1: no connection can be added to an existing session (RFC 7143 6.3.1).
                boolean exists = gateway.sessions().sessions().stream().anyMatch(s -> s.tsih() == pdu.tsih());
                fail(pdu, exists ? TOO_MANY_CONNECTIONS : SESSION_DOES_NOT_EXIST);
                return;
            }
            if (partial == null) {
                partial = Unpooled.buffer();
            }
            if (partial.readableBytes() + pdu.dataLength() > MAX_REQUEST_BYTES) {
                fail(pdu, INITIATOR_ERROR);
                return;
            }
            partial.writeBytes(pdu.data(), pdu.data().readerIndex(), pdu.dataLength());
            if (pdu.continueBit()) {
                // RFC 7143 11.12.2: ask for the rest with an empty response.
                respond(pdu, false, pdu.csg(), pdu.csg(), 0, 0, List.of(), 0);
                return;
            }
            byte[] text = new byte[partial.readableBytes()];
            partial.readBytes(text);
            partial.release();
            partial = null;
            TextKeys.ParseResult parsed = TextKeys.parse(text);
            if (!parsed.isOk()) {
                fail(pdu, INITIATOR_ERROR);
                return;
            }
            LoginRequestFields fields = new LoginRequestFields(pdu.transit(), pdu.continueBit(), pdu.csg(),
                    pdu.nsg(), pdu.versionMax(), pdu.versionMin(), pdu.isid(), pdu.tsih(), pdu.cid(),
                    pdu.initiatorTaskTag() & 0xffffffffL);
            LoginReply reply = negotiator.onRequest(fields, parsed.keys());
            if (reply.params() != null) {
                complete(pdu, reply);
            } else {
                respond(pdu, reply.transit(), reply.csg(), reply.nsg(), reply.statusClass(), reply.statusDetail(),
                        reply.keys(), 0);
                if (reply.closeConnection() || !reply.isSuccess()) {
                    connection.closeAfterFlush("login failed: status 0x" + Integer.toHexString(reply.status()));
                }
            }
        } finally {
            pdu.release();
        }
    }

    private void complete(LoginRequest pdu, LoginReply reply) {
        SessionParams params = reply.params();
        Optional<Integer> tsih = gateway.sessions().reserveTsih();
        if (tsih.isEmpty()) {
            fail(pdu, OUT_OF_RESOURCES);
            return;
        }
        boolean discovery = params.isDiscovery();
        IscsiSession session = new IscsiSession(tsih.get(), pdu.isid(), params.initiatorName(),
                discovery ? null : params.targetName(), gateway.config().portalGroupTag(),
                gateway.config().relativeTargetPortId(), discovery, connection);
        List<CompletableFuture<Void>> reinstated = new ArrayList<>();
        for (IscsiSession old : gateway.sessions().register(session)) {
            // RFC 7143 6.3.5: session reinstatement closes the old session first; its tasks must not
            // touch data once the new session runs, and its nexus must end before the new one starts.
            reinstated.add(old.connection().close("reinstated by a new login"));
        }
        // The answer waits for the old session's end; the request's fields are copied now.
        byte[] isid = pdu.isid();
        int itt = pdu.initiatorTaskTag();
        int cmdSn = pdu.cmdSn();
        CompletableFuture.allOf(reinstated.toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
                connection.onEventLoop(() -> {
                    connection.enterFullFeature(session, params, cmdSn);
                    respond(isid, itt, cmdSn, true, reply.csg(), reply.nsg(), 0, 0, reply.keys(), tsih.get());
                    connection.startDigestsOnSend();
                    if (!discovery) {
                        gateway.core().nexusCreated(session.nexus(), session.targetName());
                    }
                }));
    }

    private void fail(LoginRequest pdu, int status) {
        respond(pdu, false, pdu.csg(), 0, status >> 8, status & 0xff, List.of(), 0);
        connection.closeAfterFlush("login failed: status 0x" + Integer.toHexString(status));
    }

    private void respond(LoginRequest pdu, boolean transit, int csg, int nsg, int statusClass, int statusDetail,
                         List<io.cairn.iscsi.login.TextKey> keys, int tsih) {
        respond(pdu.isid(), pdu.initiatorTaskTag(), pdu.cmdSn(), transit, csg, nsg, statusClass, statusDetail, keys, tsih);
    }

    private void respond(byte[] isid, int itt, int cmdSn, boolean transit, int csg, int nsg, int statusClass,
                         int statusDetail, List<io.cairn.iscsi.login.TextKey> keys, int tsih) {
        ByteBuf data = keys.isEmpty() ? null : Unpooled.wrappedBuffer(TextKeys.encode(keys));
        OutboundPdu.Sequence seq = new OutboundPdu.Sequence(connection.nextStatSn(), cmdSn,
                cmdSn + gateway.config().queueDepth() - 1);
        connection.send(new LoginResponse(transit, false, csg, nsg, isid, tsih, itt,
                statusClass, statusDetail, seq, data));
    }

    void close() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    /** The negotiator's view of this gateway. */
    private record Policy(GatewayContext gateway) implements LoginPolicy {
        @Override
        public boolean targetExists(String targetName) {
            return gateway.targets().exists(targetName);
        }

        @Override
        public AuthConfig authFor(String targetName) {
            return gateway.targets().auth(targetName);
        }

        @Override
        public int portalGroupTag() {
            return gateway.config().portalGroupTag();
        }

        @Override
        public String targetAlias(String targetName) {
            return null;
        }

        @Override
        public TargetLimits limits() {
            return gateway.config().limits();
        }
    }
}
