package io.cairn.scsi.handler;

import static io.cairn.scsi.CoreFixture.A;
import static io.cairn.scsi.CoreFixture.cdb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.scsi.AluaState;
import io.cairn.scsi.BigEndian;
import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.CoreFixture.Reply;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.ListedPortGroups;
import io.cairn.scsi.PortGroups.PortGroup;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReportTargetPortGroupsTest {

    private final ListedPortGroups groups = new ListedPortGroups(
            new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1),
            new PortGroup(2, AluaState.TRANSITIONING, 2),
            new PortGroup(3, AluaState.UNAVAILABLE, 7));
    private final CoreFixture f = new CoreFixture(ScsiCoreConfig.defaults().withPortGroups(groups)).loggedIn();

    private static byte[] rtpg(int format, int allocation) {
        byte[] c = cdb(12, 0xA3, 1, (format << 5) | 0x0A);
        BigEndian.put32(c, 6, allocation);
        return c;
    }

    private static void assertDescriptor(byte[] d, int at, int group, int stateCode, int relativePort) {
        assertEquals(stateCode, d[at] & 0xFF, "PREF 0 and the ASYMMETRIC ACCESS STATE of group " + group);
        assertEquals(0x89, d[at + 1] & 0xFF, "T_SUP, U_SUP, AO_SUP");
        assertEquals(group, BigEndian.get16(d, at + 2));
        assertEquals(stateCode == 0 ? 0 : 2, d[at + 5], "STATUS CODE: altered by implicit behaviour");
        assertEquals(1, d[at + 7], "TARGET PORT COUNT");
        assertEquals(relativePort, BigEndian.get16(d, at + 10));
    }

    @Test
    void lengthOnlyFormatListsEveryGroupInGroupOrder() {
        Reply r = f.run(A, rtpg(0, 4096));
        assertEquals(ScsiResult.GOOD, r.status());
        byte[] d = r.data();
        assertEquals(4 + 3 * 12, d.length);
        assertEquals(3 * 12, BigEndian.get32(d, 0), "RETURN DATA LENGTH");
        assertDescriptor(d, 4, 1, 0x0, 1);
        assertDescriptor(d, 16, 2, 0xF, 2);
        assertDescriptor(d, 28, 3, 0x3, 7);
    }

    @Test
    void extendedFormatHasTheLongerHeaderAndTheSameDescriptors() {
        byte[] d = f.run(A, rtpg(1, 4096)).data();
        assertEquals(8 + 3 * 12, d.length);
        assertEquals(4 + 3 * 12, BigEndian.get32(d, 0), "RETURN DATA LENGTH counts the header's last 4 bytes");
        assertEquals(0x10, d[4], "FORMAT TYPE 001b");
        byte[] shortForm = f.run(A, rtpg(0, 4096)).data();
        assertArrayEquals(Arrays.copyOfRange(shortForm, 4, shortForm.length), Arrays.copyOfRange(d, 8, d.length));
    }

    @Test
    void sameAnswerThroughEveryPort() {
        ItNexus viaGroup3 = new ItNexus(A.initiatorPort(), CoreFixture.TARGET + ",t,0x0003", 7, 3);
        f.core.nexusCreated(viaGroup3, CoreFixture.TARGET);
        assertArrayEquals(f.run(A, rtpg(0, 4096)).data(), f.run(viaGroup3, rtpg(0, 4096)).data());
    }

    @Test
    void allocationLengthTruncatesButReturnDataLengthCountsAll() {
        byte[] d = f.run(A, rtpg(0, 10)).data();
        assertEquals(10, d.length);
        assertEquals(36, BigEndian.get32(d, 0));
        assertEquals(0, f.run(A, rtpg(0, 0)).data() == null ? 0 : f.run(A, rtpg(0, 0)).data().length);
    }

    @Test
    void unknownFormatIsAnInvalidCdbField() {
        assertTrue(f.run(A, rtpg(2, 4096)).is(SenseReason.INVALID_FIELD_IN_CDB));
    }

    @Test
    void singleGatewayReportsTheAskingPortsGroup() {
        CoreFixture one = new CoreFixture().loggedIn();
        byte[] d = one.run(A, rtpg(0, 4096)).data();
        assertEquals(4 + 12, d.length);
        assertDescriptor(d, 4, A.targetPortGroup(), 0x0, A.relativeTargetPortId());
    }
}
