package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put16;
import static io.cairn.scsi.BigEndian.put32;
import static io.cairn.scsi.BigEndian.put64;

import io.cairn.scsi.ItNexus;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.Sense;
import io.cairn.scsi.cdb.CdbFlag;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * INQUIRY (SPC-4 6.6): standard data and the VPD pages an SBC device needs (supported pages, unit
 * serial number, device identification, block limits, block device characteristics, logical block
 * provisioning). Identity is per logical unit; port designators are per gateway (from the nexus).
 */
public final class InquiryHandler implements CommandHandler {

    /** SPC-4 7.8.13: page codes in ascending order. */
    static final int[] VPD_PAGES = {0x00, 0x80, 0x83, 0xB0, 0xB1, 0xB2};

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int alloc = r.cdb().allocationLength();
        if (!r.cdb().has(CdbFlag.EVPD)) {
            return CompletableFuture.completedFuture(Outcome.data(standard(r.unit(), r.core().config()), alloc));
        }
        if (r.unit() == null) {
            // SPC-4 6.6.1: no VPD pages for a LUN that is not there
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(2, 7)));
        }
        byte[] page = switch (r.cdb().pageCode()) {
            case 0x00 -> supportedPages();
            case 0x80 -> serialNumber(r.unit());
            case 0x83 -> deviceIdentification(r.unit(), r.nexus());
            case 0xB0 -> blockLimits(r.core().config());
            case 0xB1 -> blockDeviceCharacteristics();
            case 0xB2 -> logicalBlockProvisioning();
            default -> null;
        };
        Outcome o = page == null ? Outcome.check(Sense.invalidCdbField(2, 7)) : Outcome.data(page, alloc);
        return CompletableFuture.completedFuture(o);
    }

    /** SPC-4 6.6.2 standard INQUIRY data, 74 bytes with version descriptors. */
    static byte[] standard(LogicalUnit unit, ScsiCoreConfig cfg) {
        byte[] b = new byte[74];
        // SPC-4 6.6.2: PERIPHERAL QUALIFIER 011b, type 1Fh when no logical unit is there
        b[0] = (byte) (unit == null ? 0x7F : 0x00);
        b[2] = 0x06; // SPC-4
        b[3] = 0x12; // HISUP, RESPONSE DATA FORMAT 2
        b[4] = (byte) (b.length - 5);
        b[5] = 0x10; // TPGS 01b: implicit ALUA only (SPC-4 6.6.2 Table 142)
        b[6] = 0x10; // MULTIP: the LU is reached through several target ports (gateways)
        b[7] = 0x02; // CMDQUE
        ascii(b, 8, 8, cfg.vendor());
        ascii(b, 16, 16, cfg.product());
        ascii(b, 32, 4, cfg.revision());
        // SPC-4 6.6.2 Table 143 version descriptors: SAM-5, SPC-4, SBC-3, iSCSI (RFC 7143)
        int[] versions = {0x00A0, 0x0460, 0x04C0, 0x0960};
        for (int i = 0; i < versions.length; i++) {
            put16(b, 58 + 2 * i, versions[i]);
        }
        return b;
    }

    static byte[] supportedPages() {
        byte[] b = new byte[4 + VPD_PAGES.length];
        b[3] = (byte) VPD_PAGES.length;
        for (int i = 0; i < VPD_PAGES.length; i++) {
            b[4 + i] = (byte) VPD_PAGES[i];
        }
        return b;
    }

    /** SPC-4 7.8.15 unit serial number: the same from every gateway. */
    static byte[] serialNumber(LogicalUnit unit) {
        byte[] s = unit.serial().getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[4 + s.length];
        b[1] = (byte) 0x80;
        put16(b, 2, s.length);
        System.arraycopy(s, 0, b, 4, s.length);
        return b;
    }

    /**
     * SPC-4 7.8.6 device identification: the LU's NAA (same everywhere), and this gateway's target
     * port name, relative target port, target port group, and the target device name.
     */
    static byte[] deviceIdentification(LogicalUnit unit, ItNexus nexus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // NAA, associated with the logical unit, binary (SPC-4 7.8.6.6)
        designator(out, 0x01, 0x03, HexFormat.of().parseHex(unit.naa()));
        // SCSI name string of the target port: <iqn>,t,0x<tpgt>, PIV=1, iSCSI, UTF-8 (SPC-4 7.8.6.11)
        designator(out, 0x53, 0x98, nameString(nexus.targetPort()));
        // relative target port identifier (SPC-4 7.8.6.7)
        designator(out, 0x51, 0x94, new byte[] {0, 0, (byte) (nexus.relativeTargetPortId() >> 8),
                (byte) nexus.relativeTargetPortId()});
        // target port group (SPC-4 7.8.6.8)
        designator(out, 0x51, 0x95, new byte[] {0, 0, (byte) (nexus.targetPortGroup() >> 8),
                (byte) nexus.targetPortGroup()});
        // SCSI name string of the target device (SPC-4 7.8.6.11, association 10b)
        String port = nexus.targetPort();
        int t = port.indexOf(",t,");
        designator(out, 0x53, 0xA8, nameString(t < 0 ? port : port.substring(0, t)));
        byte[] d = out.toByteArray();
        byte[] b = new byte[4 + d.length];
        b[1] = (byte) 0x83;
        put16(b, 2, d.length);
        System.arraycopy(d, 0, b, 4, d.length);
        return b;
    }

    private static void designator(ByteArrayOutputStream out, int protocolAndCodeSet, int pivAssocType, byte[] id) {
        out.write(protocolAndCodeSet);
        out.write(pivAssocType);
        out.write(0);
        out.write(id.length);
        out.writeBytes(id);
    }

    /** SPC-4 7.8.6.11: null-terminated, padded to a multiple of four bytes. */
    private static byte[] nameString(String name) {
        byte[] s = name.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[(s.length + 1 + 3) & ~3];
        System.arraycopy(s, 0, b, 0, s.length);
        return b;
    }

    /** SBC-4 6.6.4 block limits, page length 3Ch. */
    static byte[] blockLimits(ScsiCoreConfig cfg) {
        byte[] b = new byte[64];
        b[1] = (byte) 0xB0;
        b[3] = 0x3C;
        b[4] = 0x01; // WSNZ: WRITE SAME with NUMBER OF LOGICAL BLOCKS 0 is refused
        b[5] = (byte) Math.min(255, cfg.maxCompareAndWrite());
        put16(b, 6, cfg.optimalGranularity());
        put32(b, 8, cfg.maxTransferBlocks());
        put32(b, 12, cfg.maxTransferBlocks());
        put32(b, 16, 0); // MAXIMUM PREFETCH LENGTH: PRE-FETCH is a hint only
        put32(b, 20, cfg.maxUnmapBlocks());
        put32(b, 24, cfg.maxUnmapDescriptors());
        put32(b, 28, cfg.optimalGranularity()); // OPTIMAL UNMAP GRANULARITY
        put64(b, 36, cfg.maxWriteSameBlocks());
        return b;
    }

    /** SBC-4 6.6.2 block device characteristics: non-rotating medium. */
    static byte[] blockDeviceCharacteristics() {
        byte[] b = new byte[64];
        b[1] = (byte) 0xB1;
        b[3] = 0x3C;
        put16(b, 4, 0x0001);
        return b;
    }

    /** SBC-4 6.6.6 logical block provisioning: LBPU, LBPWS, LBPWS10, LBPRZ 001b; thin provisioned. */
    static byte[] logicalBlockProvisioning() {
        byte[] b = new byte[8];
        b[1] = (byte) 0xB2;
        b[3] = 0x04;
        b[5] = (byte) (0x80 | 0x40 | 0x20 | 0x04);
        b[6] = 0x02;
        return b;
    }

    private static void ascii(byte[] b, int at, int len, String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            b[at + i] = i < v.length ? v[i] : (byte) ' ';
        }
    }
}
