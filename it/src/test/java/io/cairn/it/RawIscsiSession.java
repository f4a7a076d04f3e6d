package io.cairn.it;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * A minimal iSCSI initiator over a plain socket, one connection per session, ErrorRecoveryLevel 0: login
 * straight into the operational stage (RFC 7143 6.3: the security stage is optional), SCSI commands with
 * immediate data and R2T-solicited Data-Out, Data-In reassembly, NOP-Out, logout; and raw bytes for the
 * robustness tests. Synchronous: one command at a time. Every read is bounded by a timeout.
 */
final class RawIscsiSession implements Closeable {

    /** What the test asks for at login. */
    record LoginOptions(boolean headerDigest, boolean dataDigest, int maxRecvDataSegmentLength) {
        static LoginOptions plain() {
            return new LoginOptions(false, false, 262_144);
        }
    }

    /**
     * Who logs in: the InitiatorName key and the ISID qualifier (bytes 11-13 of an ISID of type "random",
     * RFC 7143 11.12.5). Name and ISID together name the initiator port, so two logins with the same
     * identity are the same I_T nexus (SAM-5 4.7, RFC 7143 4.4.6) — what persistent reservations key on.
     */
    record Initiator(String name, int isidQualifier) {
        static final String DEFAULT_NAME = "iqn.2026-11.io.cairn:it-raw";

        Initiator {
            if (isidQualifier < 0 || isidQualifier > 0xffffff) {
                throw new IllegalArgumentException("ISID qualifier is 24 bits: " + isidQualifier);
            }
        }

        /** The default name with an ISID no other session of this JVM uses: a new I_T nexus each time. */
        static Initiator fresh() {
            return new Initiator(DEFAULT_NAME, ISID_COUNTER.incrementAndGet());
        }
    }

    /** What came back while waiting: a PDU, the connection closed, or silence until the timeout. */
    enum Event { PDU, CLOSED, SILENT }

    record Received(Event event, IscsiPdu pdu) {
        boolean isReject() {
            return event == Event.PDU && pdu.opcode() == IscsiPdu.REJECT;
        }

        /** Reject reason, RFC 7143 11.17.1. */
        int rejectReason() {
            return pdu.byte2();
        }

        @Override
        public String toString() {
            return event == Event.PDU ? pdu.toString() : event.name();
        }
    }

    /** The outcome of a SCSI command: status (SAM-5), Data-In bytes and sense, or the Reject PDU. */
    record ScsiReply(int status, byte[] data, byte[] sense, IscsiPdu reject) {
        boolean good() {
            return reject == null && status == 0;
        }
    }

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger ISID_COUNTER = new AtomicInteger();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int lun;
    private boolean headerDigest;
    private boolean dataDigest;
    private int targetMaxRecv = 8192;
    private boolean immediateData;
    private int firstBurst = 65_536;
    private int cmdSn;
    private int expStatSn;
    private int maxCmdSn;
    private int nextItt = 1;
    private int blockSize;

    private RawIscsiSession(Socket socket, int lun) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.lun = lun;
    }

    /** Opens a TCP connection only (no login), bounded by {@code timeout}. */
    static Socket connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        return socket;
    }

    /** Connects and logs in to {@code targetIqn} as a new I_T nexus; throws when the target refuses the login. */
    static RawIscsiSession login(Appliance target, LoginOptions options) throws IOException {
        return login(target, options, Initiator.fresh());
    }

    /** Connects and logs in to {@code targetIqn} as {@code initiator}; throws when the target refuses the login. */
    static RawIscsiSession login(Appliance target, LoginOptions options, Initiator initiator) throws IOException {
        return login(target.host(), target.port(), target.targetIqn(), target.lun(), options, initiator);
    }

    /** Logs in to {@code targetIqn} at portal {@code host:port} (a cluster gateway) as {@code initiator}, for {@code lun}. */
    static RawIscsiSession login(String host, int port, String targetIqn, int lun, LoginOptions options,
                                 Initiator initiator) throws IOException {
        Socket socket = connect(host, port, DEFAULT_TIMEOUT);
        RawIscsiSession session = new RawIscsiSession(socket, lun);
        try {
            session.doLogin(targetIqn, options, initiator);
            return session;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void doLogin(String targetIqn, LoginOptions options, Initiator initiator) throws IOException {
        int isidQualifier = initiator.isidQualifier();
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", initiator.name());
        keys.put("TargetName", targetIqn);
        keys.put("SessionType", "Normal");
        keys.put("HeaderDigest", options.headerDigest() ? "CRC32C" : "None");
        keys.put("DataDigest", options.dataDigest() ? "CRC32C" : "None");
        keys.put("MaxRecvDataSegmentLength", Integer.toString(options.maxRecvDataSegmentLength()));
        keys.put("ErrorRecoveryLevel", "0");
        keys.put("InitialR2T", "Yes");
        keys.put("ImmediateData", "Yes");
        keys.put("MaxBurstLength", "262144");
        keys.put("FirstBurstLength", "65536");
        keys.put("MaxConnections", "1");
        keys.put("DataPDUInOrder", "Yes");
        keys.put("DataSequenceInOrder", "Yes");
        keys.put("MaxOutstandingR2T", "1");
        keys.put("DefaultTime2Wait", "0");
        keys.put("DefaultTime2Retain", "0");
        Map<String, String> answered = new LinkedHashMap<>();
        for (int round = 0; round < 4; round++) {
            // RFC 7143 11.12: T=1, CSG=1 (operational), NSG=3 (full feature)
            IscsiPdu request = IscsiPdu.of(IscsiPdu.LOGIN_REQUEST, true, 0x80 | (1 << 2) | 3);
            byte[] bhs = request.bhs();
            bhs[8] = 0x40; // ISID type "random", RFC 7143 11.12.5
            bhs[11] = (byte) (isidQualifier >>> 16);
            bhs[12] = (byte) (isidQualifier >>> 8);
            bhs[13] = (byte) isidQualifier;
            request.putInt(16, nextItt++);
            request.putInt(24, cmdSn);
            request.putInt(28, expStatSn);
            send(request.withData(round == 0 ? textKeys(keys) : new byte[0]));
            Received r = receive(DEFAULT_TIMEOUT);
            if (r.event() != Event.PDU || r.pdu().opcode() != IscsiPdu.LOGIN_RESPONSE) {
                throw new IOException("login: expected Login Response, got " + r);
            }
            IscsiPdu response = r.pdu();
            int statusClass = response.bhs()[36] & 0xff;
            int statusDetail = response.bhs()[37] & 0xff;
            if (statusClass != 0) {
                throw new IOException(String.format("login refused: status 0x%02x%02x", statusClass, statusDetail));
            }
            answered.putAll(parseKeys(response.data()));
            expStatSn = response.statSn() + 1;
            cmdSn = response.expCmdSn();
            maxCmdSn = response.maxCmdSn();
            boolean transit = (response.flags() & 0x80) != 0;
            if (transit && (response.flags() & 0x03) == 3) {
                applyNegotiated(answered);
                return;
            }
        }
        throw new IOException("login did not reach full feature phase: " + answered);
    }

    private void applyNegotiated(Map<String, String> answered) {
        headerDigest = "CRC32C".equals(answered.get("HeaderDigest"));
        dataDigest = "CRC32C".equals(answered.get("DataDigest"));
        targetMaxRecv = Integer.parseInt(answered.getOrDefault("MaxRecvDataSegmentLength", "8192"));
        immediateData = "Yes".equals(answered.getOrDefault("ImmediateData", "Yes"));
        firstBurst = Integer.parseInt(answered.getOrDefault("FirstBurstLength", "65536"));
    }

    boolean headerDigest() {
        return headerDigest;
    }

    boolean dataDigest() {
        return dataDigest;
    }

    /** The largest data segment the target declared it accepts (RFC 7143 13.12). */
    int targetMaxRecvDataSegmentLength() {
        return targetMaxRecv;
    }

    int cmdSn() {
        return cmdSn;
    }

    int maxCmdSn() {
        return maxCmdSn;
    }

    int expStatSn() {
        return expStatSn;
    }

    int lun() {
        return lun;
    }

    /** For a non-immediate command sent through {@link #send} by the caller: the next one takes CmdSN + 1. */
    void advanceCmdSn() {
        cmdSn++;
    }

    int newItt() {
        return nextItt++;
    }

    // ---- SCSI commands ----

    /** TEST UNIT READY until GOOD (a new I_T nexus may first see a unit attention), then READ CAPACITY(10). */
    int blockSize() throws IOException {
        if (blockSize == 0) {
            for (int i = 0; i < 5 && !command(new byte[6], null, 0).good(); i++) {
                // unit attention consumed; try again
            }
            ScsiReply capacity = command(new byte[] {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 8);
            if (!capacity.good()) {
                throw new IOException("READ CAPACITY(10) failed: status " + capacity.status());
            }
            blockSize = ByteBuffer.wrap(capacity.data()).getInt(4);
        }
        return blockSize;
    }

    ScsiReply testUnitReady() throws IOException {
        return command(new byte[6], null, 0);
    }

    ScsiReply read10(long lba, int blocks) throws IOException {
        return command(cdb10(0x28, lba, blocks), null, blocks * blockSize());
    }

    ScsiReply write10(long lba, byte[] data) throws IOException {
        return command(cdb10(0x2a, lba, data.length / blockSize()), data, 0);
    }

    static byte[] cdb10(int opcode, long lba, int blocks) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) opcode;
        ByteBuffer.wrap(cdb).putInt(2, (int) lba).putShort(7, (short) blocks);
        return cdb;
    }

    /** A SCSI Command PDU header (RFC 7143 11.3) with the session's current CmdSN; does not send it. */
    IscsiPdu scsiCommand(byte[] cdb, int itt, int expectedLength, boolean read, boolean write) {
        IscsiPdu pdu = IscsiPdu.of(IscsiPdu.SCSI_COMMAND, false, 0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 0x01);
        pdu.setLun(lun);
        pdu.putInt(16, itt);
        pdu.putInt(20, expectedLength);
        pdu.putInt(24, cmdSn);
        pdu.putInt(28, expStatSn);
        System.arraycopy(cdb, 0, pdu.bhs(), 32, cdb.length);
        return pdu;
    }

    /**
     * Runs one SCSI command to completion: immediate data up to FirstBurstLength, the rest on R2T; Data-In
     * gathered by buffer offset. A Reject ends the command too.
     */
    ScsiReply command(byte[] cdb, byte[] dataOut, int readLength) throws IOException {
        int itt = newItt();
        boolean write = dataOut != null && dataOut.length > 0;
        IscsiPdu pdu = scsiCommand(cdb, itt, write ? dataOut.length : readLength, readLength > 0, write);
        if (write && immediateData) {
            int immediate = Math.min(dataOut.length, Math.min(firstBurst, targetMaxRecv));
            pdu = pdu.withData(Arrays.copyOf(dataOut, immediate));
        }
        send(pdu);
        cmdSn++;
        byte[] dataIn = new byte[readLength];
        while (true) {
            Received r = receive(DEFAULT_TIMEOUT);
            if (r.event() != Event.PDU) {
                throw new IOException("command 0x" + Integer.toHexString(cdb[0] & 0xff) + ": " + r);
            }
            IscsiPdu reply = r.pdu();
            switch (reply.opcode()) {
                case IscsiPdu.REJECT -> {
                    return new ScsiReply(-1, new byte[0], new byte[0], reply);
                }
                case IscsiPdu.R2T -> sendSolicited(itt, reply, dataOut);
                case IscsiPdu.DATA_IN -> {
                    int offset = reply.intAt(40);
                    System.arraycopy(reply.data(), 0, dataIn, offset,
                            Math.max(0, Math.min(reply.data().length, dataIn.length - offset)));
                    if ((reply.flags() & 0x01) != 0) { // S bit: status in this PDU, RFC 7143 11.7.1
                        return new ScsiReply(reply.byte3(), dataIn, new byte[0], null);
                    }
                }
                case IscsiPdu.SCSI_RESPONSE -> {
                    byte[] sense = reply.data().length >= 2
                            ? Arrays.copyOfRange(reply.data(), 2, Math.min(reply.data().length,
                                    2 + ((reply.data()[0] & 0xff) << 8 | (reply.data()[1] & 0xff))))
                            : new byte[0];
                    return new ScsiReply(reply.byte3(), dataIn, sense, null);
                }
                default -> throw new IOException("unexpected " + reply + " during a SCSI command");
            }
        }
    }

    /** Answers an R2T (RFC 7143 11.8) with Data-Out PDUs no larger than the target's MaxRecvDataSegmentLength. */
    private void sendSolicited(int itt, IscsiPdu r2t, byte[] dataOut) throws IOException {
        int offset = r2t.intAt(40);
        int end = offset + r2t.intAt(44);
        int dataSn = 0;
        while (offset < end) {
            int length = Math.min(end - offset, targetMaxRecv);
            boolean last = offset + length == end;
            send(dataOut(itt, r2t.intAt(20), dataSn++, offset, Arrays.copyOfRange(dataOut, offset, offset + length), last));
            offset += length;
        }
    }

    /** A Data-Out PDU (RFC 7143 11.7); does not send it. */
    IscsiPdu dataOut(int itt, int ttt, int dataSn, int bufferOffset, byte[] data, boolean last) {
        IscsiPdu pdu = IscsiPdu.of(IscsiPdu.DATA_OUT, false, last ? 0x80 : 0);
        pdu.setLun(lun);
        pdu.putInt(16, itt);
        pdu.putInt(20, ttt);
        pdu.putInt(28, expStatSn);
        pdu.putInt(36, dataSn);
        pdu.putInt(40, bufferOffset);
        return pdu.withData(data);
    }

    /** An immediate NOP-Out ping that asks for a NOP-In (RFC 7143 11.18); does not send it. */
    IscsiPdu nopOut(byte[] pingData) {
        IscsiPdu pdu = IscsiPdu.of(IscsiPdu.NOP_OUT, true, 0x80);
        pdu.setLun(lun);
        pdu.putInt(16, newItt());
        pdu.putInt(20, IscsiPdu.NO_TAG);
        pdu.putInt(24, cmdSn);
        pdu.putInt(28, expStatSn);
        return pdu.withData(pingData);
    }

    // ---- framing ----

    /** Sends a PDU framed with the negotiated digests. */
    void send(IscsiPdu pdu) throws IOException {
        sendRaw(frame(pdu, false, false));
    }

    /** The wire bytes of a PDU: BHS, header digest, padded data, data digest; optionally with a corrupt digest. */
    byte[] frame(IscsiPdu pdu, boolean corruptHeaderDigest, boolean corruptDataDigest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(pdu.bhs());
        if (headerDigest) {
            bytes.writeBytes(digest(pdu.bhs(), corruptHeaderDigest));
        }
        if (pdu.data().length > 0) {
            byte[] padded = pdu.paddedData();
            bytes.writeBytes(padded);
            if (dataDigest) {
                bytes.writeBytes(digest(padded, corruptDataDigest));
            }
        }
        return bytes.toByteArray();
    }

    /** CRC32C over the bytes, sent least significant byte first as libiscsi and Linux do (RFC 7143 13.1). */
    static byte[] digest(byte[] bytes, boolean corrupt) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int value = (int) crc.getValue() ^ (corrupt ? 0x5a5a5a5a : 0);
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Waits up to {@code timeout} for the next PDU. Answers target NOP-In pings and skips asynchronous
     * messages on the way. A connection reset counts as closed.
     */
    Received receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            IscsiPdu pdu;
            try {
                pdu = readPdu();
            } catch (SocketTimeoutException e) {
                return new Received(Event.SILENT, null);
            } catch (EOFException | SocketException e) {
                return new Received(Event.CLOSED, null);
            }
            int op = pdu.opcode();
            if (op == IscsiPdu.SCSI_RESPONSE || op == IscsiPdu.LOGOUT_RESPONSE || op == IscsiPdu.REJECT
                    || (op == IscsiPdu.DATA_IN && (pdu.flags() & 0x01) != 0)
                    || (op == IscsiPdu.NOP_IN && pdu.itt() != IscsiPdu.NO_TAG)) {
                expStatSn = pdu.statSn() + 1;
            }
            maxCmdSn = pdu.maxCmdSn(); // bytes 32-35 of every target PDU, RFC 7143 11.*
            if (op == IscsiPdu.NOP_IN && pdu.itt() == IscsiPdu.NO_TAG) {
                if (pdu.intAt(20) != IscsiPdu.NO_TAG) { // target ping wants an answer, RFC 7143 11.19
                    IscsiPdu answer = IscsiPdu.of(IscsiPdu.NOP_OUT, true, 0x80);
                    answer.setLun(lun);
                    answer.putInt(16, IscsiPdu.NO_TAG);
                    answer.putInt(20, pdu.intAt(20));
                    answer.putInt(24, cmdSn);
                    answer.putInt(28, expStatSn);
                    send(answer);
                }
                continue;
            }
            if (op == IscsiPdu.ASYNC_MESSAGE) {
                continue;
            }
            return new Received(Event.PDU, pdu);
        }
    }

    private IscsiPdu readPdu() throws IOException {
        byte[] bhs = new byte[IscsiPdu.BHS_LENGTH];
        in.readFully(bhs);
        IscsiPdu header = new IscsiPdu(bhs, new byte[0]);
        in.readFully(new byte[header.totalAhsLength()]);
        if (headerDigest) {
            in.readFully(new byte[4]);
        }
        int length = header.dataSegmentLength();
        byte[] data = new byte[length];
        if (length > 0) {
            in.readFully(data);
            in.readFully(new byte[((length + 3) & ~3) - length]);
            if (dataDigest) {
                in.readFully(new byte[4]);
            }
        }
        return new IscsiPdu(bhs, data);
    }

    /** Logs out (bounded wait), then closes the socket. */
    void logout() throws IOException {
        IscsiPdu logout = IscsiPdu.of(IscsiPdu.LOGOUT_REQUEST, true, 0x80); // reason 0: close the session
        logout.putInt(16, newItt());
        logout.putInt(24, cmdSn);
        logout.putInt(28, expStatSn);
        try {
            send(logout);
            receive(Duration.ofSeconds(10));
        } finally {
            close();
        }
    }

    boolean isClosedWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Received r = receive(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (r.event() == Event.CLOSED) {
                return true;
            }
            if (r.event() == Event.SILENT) {
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static byte[] textKeys(Map<String, String> keys) {
        StringBuilder sb = new StringBuilder();
        keys.forEach((k, v) -> sb.append(k).append('=').append(v).append('\0'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> parseKeys(byte[] data) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : new String(data, StandardCharsets.UTF_8).split("\0")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                keys.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return keys;
    }
}
