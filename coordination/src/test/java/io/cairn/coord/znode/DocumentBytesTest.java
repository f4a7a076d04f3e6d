package io.cairn.coord.znode;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeInfoCodec;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.lun.LunDefinitionCodec;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.coord.placement.SubUnitPlacementCodec;
import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextCodec;
import io.cairn.testkit.coord.ScsiContextStoreContract;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the exact bytes every versioned document is written as: the {@code "format"} field first,
 * then the body, compact UTF-8 JSON, map entries sorted by key. The codec tests compare JSON
 * trees (what a reader sees); this compares bytes, so the shape of the envelope cannot drift.
 */
class DocumentBytesTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void nodeRegistration() {
        assertEquals("{\"format\":1,\"id\":513,\"site\":\"osaka\",\"host\":\"store-3.example.net\",\"port\":7000}",
                text(NodeInfoCodec.encode(new NodeInfo(513, "osaka", "store-3.example.net", 7000))));
        assertEquals("{\"format\":2,\"id\":513,\"site\":\"osaka\",\"host\":\"store-3.example.net\",\"port\":7000,"
                + "\"shipPort\":7001}",
                text(NodeInfoCodec.encode(new NodeInfo(513, "osaka", "store-3.example.net", 7000, 7001))));
    }

    @Test
    void lunDefinition() {
        LunDefinition lun = new LunDefinition("db-01", "iqn.2024-01.io.cairn:db-01", 4096, 26_214_400L, 262_144L, 2,
                "60014055f3c2a1b0e9d8c7b6a5948372", "CAIRN-DB01", 1_700_000_000_000L);
        assertEquals("{\"format\":1,\"id\":\"db-01\",\"targetIqn\":\"iqn.2024-01.io.cairn:db-01\",\"blockSize\":4096,"
                + "\"blockCount\":26214400,\"subUnitBlocks\":262144,\"copies\":2,"
                + "\"naa\":\"60014055f3c2a1b0e9d8c7b6a5948372\",\"serial\":\"CAIRN-DB01\",\"createdMillis\":1700000000000}",
                text(LunDefinitionCodec.encode(lun)));
    }

    @Test
    void subUnitPlacement() {
        assertEquals("{\"format\":1,\"lunId\":\"db-01\",\"index\":17,\"replicas\":[3,1,5],\"primary\":1,\"epoch\":42,"
                + "\"inSync\":[1,3]}",
                text(SubUnitPlacementCodec.encode(new SubUnitPlacement("db-01", 17, List.of(3, 1, 5), 1, 42, List.of(1, 3)))));
        assertEquals("{\"format\":2,\"lunId\":\"db-01\",\"index\":17,\"replicas\":[3,1,5],\"primary\":1,\"epoch\":42,"
                + "\"inSync\":[1,3],\"drCopies\":{\"kobe\":12,\"nara\":9}}",
                text(SubUnitPlacementCodec.encode(new SubUnitPlacement("db-01", 17, List.of(3, 1, 5), 1, 42, List.of(1, 3),
                        java.util.Map.of("nara", 9, "kobe", 12)))));
    }

    private static final String RICH_BODY = "\"prGeneration\":7,\"registrations\":["
            + "{\"initiatorPort\":\"iqn.1994-05.com.redhat:host1,i,0x23d000000001\",\"targetPort\":\"iqn.2024-01.io.cairn:lun0,t,0x1\",\"key\":4369},"
            + "{\"initiatorPort\":\"iqn.1991-05.com.microsoft:host2,i,0x400001370000\",\"targetPort\":\"iqn.2024-01.io.cairn:lun0,t,0x1\",\"key\":-6066930334832433271}],"
            + "\"reservation\":{\"initiatorPort\":\"iqn.1994-05.com.redhat:host1,i,0x23d000000001\",\"targetPort\":\"iqn.2024-01.io.cairn:lun0,t,0x1\",\"key\":4369,\"type\":5},"
            + "\"aptpl\":true,"
            + "\"spc2Holder\":{\"initiatorPort\":\"iqn.1991-05.com.microsoft:host2,i,0x400001370000\",\"targetPort\":\"iqn.2024-01.io.cairn:lun0,t,0x1\"},"
            + "\"unitAttentions\":{\"iqn.1991-05.com.microsoft:host2,i,0x400001370000|iqn.2024-01.io.cairn:lun0,t,0x1\":[{\"asc\":42,\"ascq\":3},{\"asc\":41,\"ascq\":0}]},"
            + "\"modePages\":{\"8\":\"CBIU\",\"10\":\"CgoCAA==\"}";

    @Test
    void scsiContextWithoutTaskAbortsIsFormat1() {
        assertEquals("{\"format\":1," + RICH_BODY + "}", text(ScsiContextCodec.encode(ScsiContextStoreContract.richContext())));
        assertEquals("{\"format\":1,\"prGeneration\":0,\"registrations\":[],\"reservation\":null,\"aptpl\":false,"
                + "\"spc2Holder\":null,\"unitAttentions\":{},\"modePages\":{}}", text(ScsiContextCodec.encode(ScsiContext.EMPTY)));
    }

    @Test
    void scsiContextWithTaskAbortsIsFormat2() {
        ScsiContext base = ScsiContextStoreContract.richContext();
        ScsiContext aborted = new ScsiContext(base.prGeneration(), base.registrations(), base.reservation(), base.aptpl(),
                base.spc2Holder(), base.unitAttentions(), base.modePages(),
                List.of(new ScsiContext.TaskAbort(4, List.of("x|y")), new ScsiContext.TaskAbort(5, List.of("a|b", "c|d"))));
        assertEquals("{\"format\":2," + RICH_BODY + ",\"taskAborts\":[{\"sequence\":4,\"nexusKeys\":[\"x|y\"]},"
                + "{\"sequence\":5,\"nexusKeys\":[\"a|b\",\"c|d\"]}]}", text(ScsiContextCodec.encode(aborted)));
    }
}
