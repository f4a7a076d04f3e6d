package io.cairn.iscsi.conn;

import io.cairn.iscsi.login.TargetRecord;
import io.cairn.iscsi.login.TextExchange;
import io.cairn.iscsi.login.TextKeys;
import io.cairn.iscsi.pdu.Opcode;
import io.cairn.iscsi.pdu.Reject;
import io.cairn.iscsi.pdu.TextRequest;
import io.cairn.iscsi.pdu.TextResponse;
import io.cairn.iscsi.session.IscsiSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Text Request/Response exchanges in full feature phase (RFC 7143 11.10, 11.11): requests joined
 * across PDUs with the C bit (bounded), answers longer than the initiator's
 * MaxRecvDataSegmentLength sent in pieces, each fetched by an empty request with our Target
 * Transfer Tag. Event-loop confined.
 */
final class TextConversation {

    /** Bound on one joined Text Request (keys are at most a few KiB in practice). */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final GatewayContext gateway;
    private final IscsiConnection connection;
    private final IscsiSession session;
    private ByteBuf request;
    /** The TTT we gave when acknowledging a partial request; its continuation must echo it. */
    private int requestTtt = Opcode.RESERVED_TAG;
    private byte[] pendingAnswer;
    private int pendingOffset;
    private int pendingTtt = Opcode.RESERVED_TAG;

    TextConversation(GatewayContext gateway, IscsiConnection connection, IscsiSession session) {
        this.gateway = gateway;
        this.connection = connection;
        this.session = session;
    }

    /** Takes ownership of {@code pdu}. */
    void onRequest(TextRequest pdu) {
        int itt = pdu.initiatorTaskTag();
        long lun = 0;
        int ttt = pdu.targetTransferTag();
        if (ttt != Opcode.RESERVED_TAG && ttt == pendingTtt && pendingAnswer != null) {
            // Continuation of our long answer (RFC 7143 11.10.4).
            pdu.release();
            sendPiece(itt, lun);
            return;
        }
        if (ttt != Opcode.RESERVED_TAG && !(ttt == requestTtt && request != null)) {
            connection.reject(Reject.INVALID_PDU_FIELD, pdu);
            return;
        }
        if (ttt == Opcode.RESERVED_TAG) {
            // RFC 7143 11.10.4: the reserved TTT starts a new exchange; anything pending is dropped.
            close();
        }
        pendingAnswer = null;
        if (request == null) {
            request = Unpooled.buffer();
        }
        if (request.readableBytes() + pdu.dataLength() > MAX_REQUEST_BYTES) {
            close();
            connection.protocolError(pdu, "Text Request longer than " + MAX_REQUEST_BYTES + " bytes");
            return;
        }
        request.writeBytes(pdu.data());
        boolean more = pdu.continueBit();
        if (more) {
            pdu.release();
            // RFC 7143 11.11.2: acknowledge a partial request with an empty response.
            requestTtt = connection.newTargetTransferTag();
            connection.send(new TextResponse(false, false, lun, itt, requestTtt, connection.sequence(true), null));
            return;
        }
        byte[] bytes = new byte[request.readableBytes()];
        request.readBytes(bytes);
        request.release();
        request = null;
        requestTtt = Opcode.RESERVED_TAG;
        TextKeys.ParseResult parsed = TextKeys.parse(bytes);
        if (!parsed.isOk()) {
            connection.reject(Reject.PROTOCOL_ERROR, pdu);
            return;
        }
        pdu.release();
        TextExchange.Response answer = TextExchange.answer(connection.params(), parsed.keys(), visibleTargets());
        connection.updateParams(answer.params());
        pendingAnswer = answer.data();
        pendingOffset = 0;
        sendPiece(itt, lun);
    }

    private void sendPiece(int itt, long lun) {
        int max = connection.params().initiatorMaxRecvDataSegmentLength();
        int n = Math.min(max, pendingAnswer.length - pendingOffset);
        ByteBuf piece = Unpooled.wrappedBuffer(pendingAnswer, pendingOffset, n);
        pendingOffset += n;
        boolean last = pendingOffset >= pendingAnswer.length;
        pendingTtt = last ? Opcode.RESERVED_TAG : connection.newTargetTransferTag();
        connection.send(new TextResponse(last, !last, lun, itt, pendingTtt, connection.sequence(true), piece));
        if (last) {
            pendingAnswer = null;
        }
    }

    private List<TargetRecord> visibleTargets() {
        List<TargetRecord> out = new ArrayList<>();
        for (String name : gateway.targets().targetNames()) {
            out.add(new TargetRecord(name, gateway.targets().portals(name)));
        }
        return out;
    }

    void close() {
        if (request != null) {
            request.release();
            request = null;
        }
        requestTtt = Opcode.RESERVED_TAG;
        pendingAnswer = null;
        pendingTtt = Opcode.RESERVED_TAG;
    }
}
