package io.cairn.scsi.dispatch;

import static io.cairn.scsi.cdb.CdbLayouts.*;
import static io.cairn.scsi.dispatch.CommandTrait.*;
import static io.cairn.scsi.dispatch.DataPhase.*;
import static io.cairn.scsi.mode.ModeParameterHeader.SIX;
import static io.cairn.scsi.mode.ModeParameterHeader.TEN;
import static io.cairn.scsi.pr.ConflictClass.*;

import io.cairn.scsi.AluaState;
import io.cairn.scsi.cdb.CdbLayout;
import io.cairn.scsi.handler.*;
import io.cairn.scsi.mode.ModeSelectHandler;
import io.cairn.scsi.mode.ModeSenseHandler;
import io.cairn.scsi.pr.ConflictClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of supported commands. The pipeline (reservation and ALUA checks), REPORT SUPPORTED
 * OPERATION CODES, CDB decoding (each row's {@link CdbLayout}) and dispatch all read it: a new
 * command is one handler and one {@link #add} line (with a {@link io.cairn.scsi.cdb.CdbLayouts}
 * entry if no existing CDB format fits). Nothing outside this table tests opcode numbers.
 */
public final class OpcodeRegistry implements SupportedCommands {

    /** SPC-4 5.11.2.4.2/3: active states process everything. */
    private static final Set<AluaState> ACTIVE =
            Collections.unmodifiableSet(EnumSet.of(AluaState.ACTIVE_OPTIMIZED, AluaState.ACTIVE_NON_OPTIMIZED));
    /** SPC-4 5.11.2.4.4: standby also processes mode, reservation and identification commands. */
    private static final Set<AluaState> STANDBY = Collections.unmodifiableSet(
            EnumSet.of(AluaState.ACTIVE_OPTIMIZED, AluaState.ACTIVE_NON_OPTIMIZED, AluaState.STANDBY));
    /** SPC-4 5.11.2.4.5/6: INQUIRY, REPORT LUNS, REQUEST SENSE, RTPG, RSOC work in every state. */
    private static final Set<AluaState> ANY = Collections.unmodifiableSet(EnumSet.allOf(AluaState.class));

    private final Map<Integer, OpcodeEntry> byKey = new HashMap<>();
    private final List<OpcodeEntry> entries = new ArrayList<>();
    private final boolean[] known = new boolean[256];
    private final boolean[] withServiceActions = new boolean[256];

    public static OpcodeRegistry standard() {
        OpcodeRegistry r = new OpcodeRegistry();
        ReadHandler read = new ReadHandler();
        WriteHandler write = WriteHandler.write();
        WriteHandler writeAndVerify = WriteHandler.writeAndVerify();
        VerifyHandler verify = new VerifyHandler();
        PrefetchHandler prefetch = new PrefetchHandler();
        SynchronizeCacheHandler sync = new SynchronizeCacheHandler();
        WriteSameHandler writeSame = new WriteSameHandler();
        ReservationHandlers pr = new ReservationHandlers();
        String lba8 = "ffffffffffffffff";
        // SPC-4 4.6.3 / SAM-5 5.9 and 5.14: the commands that work without a logical unit and
        // neither report nor wait on a pending unit attention
        CommandTrait[] anyLun = {SERVED_WITHOUT_LOGICAL_UNIT, IGNORES_UNIT_ATTENTION};
        // RFC 7143 11.4.5.2 (residual overflow): with an expected data transfer length below the
        // CDB's, a write transfers the whole blocks the initiator sent, as LIO does and libiscsi's
        // iSCSIResiduals tests expect
        CommandTrait shortWrite = WRITES_WHOLE_BLOCKS_RECEIVED;

        // SPC-4 commands
        r.add(0x00, -1, "TEST UNIT READY", NO_FIELDS_6, NONE, new TestUnitReadyHandler(), "000000000000",
                ALLOWED, ACTIVE, false);
        r.add(0x03, -1, "REQUEST SENSE", REQUEST_SENSE, IN, new RequestSenseHandler(), "03010000ff00",
                ALLOWED, ANY, false, anyLun);
        r.add(0x12, -1, "INQUIRY", INQUIRY, IN, new InquiryHandler(), "1201ffffff00", ALLOWED, ANY, false, anyLun);
        r.add(0x15, -1, "MODE SELECT(6)", MODE_SELECT_6, PARAMETERS_OUT, new ModeSelectHandler(SIX), "15110000ff00",
                WRITE, STANDBY, false);
        r.add(0x1A, -1, "MODE SENSE(6)", MODE_SENSE_6, IN, new ModeSenseHandler(SIX), "1a08ffffff00",
                READ, STANDBY, false);
        r.add(0x55, -1, "MODE SELECT(10)", MODE_SELECT_10, PARAMETERS_OUT, new ModeSelectHandler(TEN),
                "55110000000000ffff00", WRITE, STANDBY, false);
        r.add(0x5A, -1, "MODE SENSE(10)", MODE_SENSE_10, IN, new ModeSenseHandler(TEN), "5a18ffff000000ffff00",
                READ, STANDBY, false);
        r.add(0xA0, -1, "REPORT LUNS", REPORT_LUNS, IN, new ReportLunsHandler(), "a000ff000000ffffffff0000",
                ALLOWED, ANY, false, anyLun);
        r.add(0xA3, 0x0A, "REPORT TARGET PORT GROUPS", REPORT_TARGET_PORT_GROUPS, IN,
                new ReportTargetPortGroupsHandler(), "a3ff00000000ffffffff0000", ALLOWED, ANY, false);
        r.add(0xA3, 0x0C, "REPORT SUPPORTED OPERATION CODES", REPORT_SUPPORTED_OPCODES, IN,
                new ReportSupportedOpcodesHandler(), "a31f87ffffffffffffff0000", ALLOWED, ANY, false);
        // SPC-2 reservations and SPC-4 persistent reservations
        r.add(0x16, -1, "RESERVE(6)", NO_FIELDS_6, NONE, pr.reserve(), "160000000000", SPC2_RESERVATION, STANDBY, false);
        r.add(0x17, -1, "RELEASE(6)", NO_FIELDS_6, NONE, pr.release(), "170000000000", SPC2_RESERVATION, STANDBY, false);
        r.add(0x56, -1, "RESERVE(10)", RESERVE_RELEASE_10, PARAMETERS_OUT, pr.reserve(), "56020000000000ffff00",
                SPC2_RESERVATION, STANDBY, false);
        r.add(0x57, -1, "RELEASE(10)", RESERVE_RELEASE_10, PARAMETERS_OUT, pr.release(), "57020000000000ffff00",
                SPC2_RESERVATION, STANDBY, false);
        for (int sa = 0; sa <= 3; sa++) { // SPC-4 6.15.1: READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL STATUS
            r.add(0x5E, sa, "PERSISTENT RESERVE IN", PERSISTENT_RESERVE_IN, IN, pr.in(), "5e1f0000000000ffff00",
                    ALLOWED, STANDBY, false);
        }
        for (int sa = 0; sa <= 7; sa++) { // SPC-4 6.16.1: REGISTER .. REGISTER AND MOVE
            r.add(0x5F, sa, "PERSISTENT RESERVE OUT", PERSISTENT_RESERVE_OUT, PARAMETERS_OUT, pr.out(),
                    "5f1fff0000ffffffff00", ALLOWED, STANDBY, false);
        }
        // SBC-4 commands
        r.add(0x08, -1, "READ(6)", READ_WRITE_6, IN, read, "081fffffff00", READ, ACTIVE, false);
        r.add(0x0A, -1, "WRITE(6)", READ_WRITE_6, MEDIUM_OUT, write, "0a1fffffff00", WRITE, ACTIVE, true, shortWrite);
        r.add(0x1B, -1, "START STOP UNIT", START_STOP_UNIT, NONE, new StartStopUnitHandler(), "1b01000ff700",
                ALLOWED, ACTIVE, false);
        r.add(0x1E, -1, "PREVENT ALLOW MEDIUM REMOVAL", PREVENT_ALLOW, NONE, new PreventAllowHandler(), "1e0000000300",
                WRITE, ACTIVE, false);
        r.add(0x25, -1, "READ CAPACITY(10)", READ_CAPACITY_10, IN, ReadCapacityHandler.ten(), "2500ffffffff00000100",
                ALLOWED, ACTIVE, false);
        r.add(0x28, -1, "READ(10)", READ_WRITE_10, IN, read, "2818ffffffff00ffff00", READ, ACTIVE, false);
        r.add(0x2A, -1, "WRITE(10)", READ_WRITE_10, MEDIUM_OUT, write, "2a18ffffffff00ffff00",
                WRITE, ACTIVE, true, shortWrite);
        r.add(0x2E, -1, "WRITE AND VERIFY(10)", WRITE_AND_VERIFY_10, MEDIUM_OUT, writeAndVerify, "2e12ffffffff00ffff00",
                WRITE, ACTIVE, true, shortWrite);
        r.add(0x2F, -1, "VERIFY(10)", VERIFY_10, MEDIUM_OUT, verify, "2f16ffffffff00ffff00", READ, ACTIVE, false);
        r.add(0x34, -1, "PRE-FETCH(10)", CACHE_RANGE_10, NONE, prefetch, "3402ffffffff00ffff00", READ, ACTIVE, false);
        r.add(0x35, -1, "SYNCHRONIZE CACHE(10)", CACHE_RANGE_10, NONE, sync, "3502ffffffff00ffff00",
                WRITE, ACTIVE, false);
        r.add(0x37, -1, "READ DEFECT DATA(10)", READ_DEFECT_DATA_10, IN, ReadDefectDataHandler.ten(),
                "37001f00000000ffff00", READ, ACTIVE, false);
        r.add(0x41, -1, "WRITE SAME(10)", WRITE_SAME_10, MEDIUM_OUT, writeSame, "4118ffffffff00ffff00",
                WRITE, ACTIVE, true);
        r.add(0x42, -1, "UNMAP", UNMAP, PARAMETERS_OUT, new UnmapHandler(), "42010000000000ffff00", WRITE, ACTIVE, true);
        r.add(0x88, -1, "READ(16)", READ_WRITE_16, IN, read, "8818" + lba8 + "ffffffff0000", READ, ACTIVE, false);
        r.add(0x89, -1, "COMPARE AND WRITE", COMPARE_AND_WRITE, MEDIUM_OUT, new CompareAndWriteHandler(),
                "8918" + lba8 + "000000ff0000", WRITE, ACTIVE, true,
                REFUSES_DATA_WITHOUT_BLOCKS); // SBC-4 5.3: libiscsi sends 256 blocks, which wraps to 0
        r.add(0x8A, -1, "WRITE(16)", READ_WRITE_16, MEDIUM_OUT, write, "8a18" + lba8 + "ffffffff0000",
                WRITE, ACTIVE, true, shortWrite);
        r.add(0x8E, -1, "WRITE AND VERIFY(16)", WRITE_AND_VERIFY_16, MEDIUM_OUT, writeAndVerify,
                "8e12" + lba8 + "ffffffff0000", WRITE, ACTIVE, true, shortWrite);
        r.add(0x8F, -1, "VERIFY(16)", VERIFY_16, MEDIUM_OUT, verify, "8f16" + lba8 + "ffffffff0000",
                READ, ACTIVE, false);
        r.add(0x90, -1, "PRE-FETCH(16)", CACHE_RANGE_16, NONE, prefetch, "9002" + lba8 + "ffffffff0000",
                READ, ACTIVE, false);
        r.add(0x91, -1, "SYNCHRONIZE CACHE(16)", CACHE_RANGE_16, NONE, sync, "9102" + lba8 + "ffffffff0000",
                WRITE, ACTIVE, false);
        r.add(0x93, -1, "WRITE SAME(16)", WRITE_SAME_16, MEDIUM_OUT, writeSame, "9319" + lba8 + "ffffffff0000",
                WRITE, ACTIVE, true);
        r.add(0x9E, 0x10, "READ CAPACITY(16)", READ_CAPACITY_16, IN, ReadCapacityHandler.sixteen(),
                "9e1f" + lba8 + "ffffffff0100", ALLOWED, ACTIVE, false);
        r.add(0x9E, 0x12, "GET LBA STATUS", GET_LBA_STATUS, IN, new GetLbaStatusHandler(),
                "9e1f" + lba8 + "ffffffff0000", READ, ACTIVE, false);
        r.add(0xA8, -1, "READ(12)", READ_WRITE_12, IN, read, "a818ffffffffffffffff0000", READ, ACTIVE, false);
        r.add(0xAA, -1, "WRITE(12)", READ_WRITE_12, MEDIUM_OUT, write, "aa18ffffffffffffffff0000",
                WRITE, ACTIVE, true, shortWrite);
        r.add(0xAE, -1, "WRITE AND VERIFY(12)", WRITE_AND_VERIFY_12, MEDIUM_OUT, writeAndVerify,
                "ae12ffffffffffffffff0000", WRITE, ACTIVE, true, shortWrite);
        r.add(0xAF, -1, "VERIFY(12)", VERIFY_12, MEDIUM_OUT, verify, "af16ffffffffffffffff0000", READ, ACTIVE, false);
        r.add(0xB7, -1, "READ DEFECT DATA(12)", READ_DEFECT_DATA_12, IN, ReadDefectDataHandler.twelve(),
                "b71f00000000ffffffff0000", READ, ACTIVE, false);
        return r;
    }

    private void add(int opcode, int sa, String name, CdbLayout layout, DataPhase phase, CommandHandler handler,
            String usage, ConflictClass conflict, Set<AluaState> alua, boolean writesMedium, CommandTrait... traits) {
        byte[] u = HexFormat.of().parseHex(usage);
        if (u.length != layout.length()) {
            throw new IllegalArgumentException(name + ": usage data is " + u.length + " bytes, CDB is " + layout.length());
        }
        if (sa >= 0) {
            // SPC-4 6.35.3: the usage data holds the service action code where the CDB's SERVICE
            // ACTION field is (byte 1 bits 4..0, SPC-4 4.2.5.2), not a usage map of it
            u[1] = (byte) ((u[1] & 0xE0) | sa);
        }
        OpcodeEntry e = new OpcodeEntry(opcode, sa, name, layout, phase, handler, u, conflict, alua, writesMedium,
                Set.of(traits));
        if (byKey.put(key(opcode, sa), e) != null) {
            throw new IllegalArgumentException("duplicate entry " + name);
        }
        entries.add(e);
        known[opcode] = true;
        withServiceActions[opcode] |= e.hasServiceAction();
    }

    /** The entry for {@code opcode} and {@code serviceAction} (-1 for none), or null. */
    @Override
    public OpcodeEntry find(int opcode, int serviceAction) {
        return byKey.get(key(opcode, serviceAction));
    }

    /** Whether the opcode is known and carries a service action field (SPC-4 6.35.2 SERVACTV). */
    @Override
    public boolean hasServiceActions(int opcode) {
        return withServiceActions[opcode & 0xFF]; // asked for every command: no search
    }

    public boolean knowsOpcode(int opcode) {
        return known[opcode & 0xFF];
    }

    /** The service action in a raw CDB of an opcode that has one (SPC-4 4.2.5.x: byte 1 bits 4..0), else -1. */
    public int serviceActionOf(byte[] cdb) {
        int opcode = cdb[0] & 0xFF;
        return hasServiceActions(opcode) && cdb.length > 1 ? cdb[1] & 0x1F : -1;
    }

    /** Every entry, ascending by opcode then service action. */
    @Override
    public List<OpcodeEntry> entries() {
        List<OpcodeEntry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.opcode() != b.opcode() ? Integer.compare(a.opcode(), b.opcode())
                : Integer.compare(a.serviceAction(), b.serviceAction()));
        return sorted;
    }

    private static int key(int opcode, int sa) {
        return (opcode << 16) | (sa & 0xFFFF);
    }
}
