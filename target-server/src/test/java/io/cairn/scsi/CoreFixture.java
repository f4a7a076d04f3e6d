package io.cairn.scsi;

import io.cairn.testkit.replica.MemorySubUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.core.DefaultScsiCore;
import io.cairn.scsi.pr.ConflictClass;
import io.cairn.scsi.pr.PrOutRequest;
import io.cairn.scsi.pr.PrOutcome;
import io.cairn.scsi.pr.Reservations;
import io.cairn.testkit.coord.InMemoryScsiContextStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A {@link DefaultScsiCore} over one 512-byte-block {@link MemorySubUnit} (LUN 0 of target T) and a
 * {@link InMemoryScsiContextStore}, with two logged-in nexuses A and B. Every Data-Out given to it is
 * checked to be released exactly once; every Data-In is copied out and released.
 */
public final class CoreFixture {

    public static final String TARGET = "iqn.2024-01.io.cairn:t";
    public static final ItNexus A = new ItNexus("iqn.1994-05.com.redhat:a,i,0x23d000000001", TARGET + ",t,0x0001", 1, 1);
    public static final ItNexus B = new ItNexus("iqn.1994-05.com.redhat:b,i,0x23d000000002", TARGET + ",t,0x0001", 1, 1);
    public static final int BLOCKS = 1024;

    public final MemorySubUnit device = new MemorySubUnit(BLOCKS, 512);
    public final InMemoryScsiContextStore store = new InMemoryScsiContextStore();
    public final LogicalUnit unit = new LogicalUnit("lun-1", "6001405abcdef0123456789abcdef012", "CAIRN0001", device);
    public final FakeReservations reservations = new FakeReservations();
    public final DefaultScsiCore core;

    public CoreFixture() {
        this(ScsiCoreConfig.defaults());
    }

    public CoreFixture(ScsiCoreConfig config) {
        LunDirectory dir = new LunDirectory() {
            @Override
            public Optional<LogicalUnit> find(String targetName, long lun) {
                return TARGET.equals(targetName) && lun == 0 ? Optional.of(unit) : Optional.empty();
            }

            @Override
            public List<Long> luns(String targetName) {
                return TARGET.equals(targetName) ? List.of(0L) : List.of();
            }
        };
        core = new DefaultScsiCore(dir, store, config, reservations, TaskAborter.NONE, Runnable::run);
    }

    /** Logs A and B in and clears their POWER ON unit attentions. */
    public CoreFixture loggedIn() {
        core.nexusCreated(A, TARGET);
        core.nexusCreated(B, TARGET);
        store.update(unit.id(), c -> new io.cairn.coord.scsi.ScsiContextStore.Update<>(
                c.withUnitAttentions(java.util.Map.of()), null));
        return this;
    }

    public Reply run(ItNexus n, String cdbHex) {
        return run(n, 0, HexFormat.of().parseHex(cdbHex.replace(" ", "")), null);
    }

    public Reply run(ItNexus n, byte[] cdb) {
        return run(n, 0, cdb, null);
    }

    public Reply run(ItNexus n, byte[] cdb, byte[] dataOut) {
        return run(n, 0, cdb, dataOut);
    }

    public Reply run(ItNexus n, long lun, byte[] cdb, byte[] dataOut) {
        ByteBuf out = dataOut == null ? null : Unpooled.directBuffer(dataOut.length).writeBytes(dataOut);
        ScsiResult r = core.execute(new ScsiCommand(n, TARGET, lun, cdb, 1, dataOut == null ? 4096 : dataOut.length, out))
                .join();
        if (out != null) {
            assertEquals(0, out.refCnt(), "Data-Out released exactly once");
        }
        byte[] in = null;
        if (r.dataIn() != null) {
            in = ByteBufUtil.getBytes(r.dataIn());
            assertEquals(true, r.dataIn().release(), "Data-In handed over with one reference");
        }
        return new Reply(r.status(), r.sense(), in, r.commandBytes());
    }

    /** What came back, with Data-In copied out. */
    public record Reply(int status, byte[] sense, byte[] data, long commandBytes) {
        public int key() {
            return sense[0] == 0x72 ? sense[1] & 0x0F : sense[2] & 0x0F;
        }

        public int asc() {
            return sense[0] == 0x72 ? sense[2] & 0xFF : sense[12] & 0xFF;
        }

        public int ascq() {
            return sense[0] == 0x72 ? sense[3] & 0xFF : sense[13] & 0xFF;
        }

        public boolean is(SenseReason r) {
            return status == ScsiResult.CHECK_CONDITION && key() == r.key() && asc() == r.asc() && ascq() == r.ascq();
        }

        /** INFORMATION field of fixed-format sense (VALID set), else -1. */
        public long information() {
            if ((sense[0] & 0x80) == 0) {
                return -1;
            }
            return ((sense[3] & 0xFFL) << 24) | ((sense[4] & 0xFF) << 16) | ((sense[5] & 0xFF) << 8) | (sense[6] & 0xFF);
        }
    }

    /** Reservation rules for core tests: SPC-2 RESERVE only; conflicts when another nexus holds it. */
    public static final class FakeReservations implements Reservations {
        public final List<String> calls = new ArrayList<>();

        @Override
        public PrOutcome out(ScsiContext ctx, ItNexus nexus, PrOutRequest request) {
            calls.add("out " + request.serviceAction());
            return new PrOutcome(null, ScsiResult.GOOD, null);
        }

        @Override
        public byte[] in(ScsiContext ctx, int serviceAction) {
            return serviceAction == 0 ? new byte[] {0, 0, 0, 7, 0, 0, 0, 0} : null;
        }

        @Override
        public boolean conflicts(ScsiContext ctx, ItNexus nexus, ConflictClass cls) {
            ScsiContext.Spc2Reservation h = ctx.spc2Holder();
            return cls != ConflictClass.ALLOWED && h != null
                    && !(h.initiatorPort().equals(nexus.initiatorPort()) && h.targetPort().equals(nexus.targetPort()));
        }

        @Override
        public PrOutcome reserve(ScsiContext ctx, ItNexus nexus) {
            if (conflicts(ctx, nexus, ConflictClass.SPC2_RESERVATION)) {
                return new PrOutcome(null, ScsiResult.RESERVATION_CONFLICT, null);
            }
            return new PrOutcome(ctx.withSpc2Holder(new ScsiContext.Spc2Reservation(nexus.initiatorPort(),
                    nexus.targetPort())), ScsiResult.GOOD, null);
        }

        @Override
        public PrOutcome release(ScsiContext ctx, ItNexus nexus) {
            return new PrOutcome(ctx.withSpc2Holder(null), ScsiResult.GOOD, null);
        }

        @Override
        public ScsiContext onLogicalUnitReset(ScsiContext ctx, ItNexus nexus) {
            return ctx.withSpc2Holder(null);
        }

        @Override
        public ScsiContext onNexusLoss(ScsiContext ctx, ItNexus nexus) {
            return ctx;
        }
    }

    /** CDB builder: opcode then big-endian fields at byte offsets. */
    public static byte[] cdb(int length, int opcode, int... offsetAndByte) {
        byte[] b = new byte[length];
        b[0] = (byte) opcode;
        for (int i = 0; i < offsetAndByte.length; i += 2) {
            b[offsetAndByte[i]] = (byte) offsetAndByte[i + 1];
        }
        return b;
    }

    public static byte[] rw10(int opcode, long lba, int blocks, int flags) {
        byte[] b = cdb(10, opcode, 1, flags);
        BigEndian.put32(b, 2, lba);
        BigEndian.put16(b, 7, blocks);
        return b;
    }

    public static byte[] rw16(int opcode, long lba, long blocks, int flags) {
        byte[] b = cdb(16, opcode, 1, flags);
        BigEndian.put64(b, 2, lba);
        BigEndian.put32(b, 10, blocks);
        return b;
    }

    public static byte[] pattern(int bytes, int seed) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }
}
