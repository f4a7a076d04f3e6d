package io.cairn.coord.scsi;

import io.cairn.testkit.coord.ScsiContextStoreContract;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import io.cairn.coord.scsi.ScsiContext.TaskAbort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins the stored SCSI context formats: documents written by format 1 and 2 must always read back. */
class ScsiContextCodecTest {

    private static final String H3_T2 = "iqn.1994-05.com.redhat:host3,i,0x23d000000002|iqn.2024-01.io.cairn:lun0,t,0x2";
    private static final String H3_T1 = "iqn.1994-05.com.redhat:host3,i,0x23d000000002|iqn.2024-01.io.cairn:lun0,t,0x1";
    private static final String H4_T1 = "iqn.1991-05.com.microsoft:host4,i,0x400001370001|iqn.2024-01.io.cairn:lun0,t,0x1";

    private static byte[] sample() throws IOException {
        return resource("scsi-context-format-1.json");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ScsiContextCodecTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    /** The rich context after two PREEMPT AND ABORTs, numbered 4 and 5 (older ones forgotten). */
    private static ScsiContext withAborts() {
        ScsiContext base = ScsiContextStoreContract.richContext();
        return new ScsiContext(base.prGeneration(), base.registrations(), base.reservation(), base.aptpl(),
                base.spc2Holder(), base.unitAttentions(), base.modePages(),
                List.of(new TaskAbort(4, List.of(H3_T2)), new TaskAbort(5, List.of(H4_T1, H3_T1))));
    }

    @Test
    void format1ReadsAsNoTaskAborts() throws Exception {
        assertEquals(List.of(), ScsiContextCodec.decode(sample()).taskAborts());
        assertEquals(0, ScsiContextCodec.decode(sample()).lastTaskAbort());
    }

    @Test
    void format2SampleDecodesToTheContextItRecords() throws Exception {
        ScsiContext decoded = ScsiContextCodec.decode(resource("scsi-context-format-2.json"));
        ScsiContextStoreContract.assertSameContext(withAborts(), decoded);
        assertEquals(5, decoded.lastTaskAbort());
    }

    @Test
    void contextWithTaskAbortsEncodesAsPinnedFormat2() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(resource("scsi-context-format-2.json")), json.readTree(ScsiContextCodec.encode(withAborts())));
    }

    @Test
    void format1WithTaskAbortsIsRefused() throws Exception {
        String text = new String(resource("scsi-context-format-2.json"), StandardCharsets.UTF_8)
                .replace("\"format\": 2", "\"format\": 1");
        assertThrows(IllegalArgumentException.class, () -> ScsiContextCodec.decode(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void taskAbortsAreNumberedAndBounded() {
        ScsiContext ctx = ScsiContext.EMPTY;
        for (int i = 1; i <= ScsiContext.MAX_TASK_ABORTS + 3; i++) {
            ctx = ctx.withTaskAbort(Set.of("b" + i, "a" + i));
        }
        assertEquals(ScsiContext.MAX_TASK_ABORTS, ctx.taskAborts().size());
        assertEquals(ScsiContext.MAX_TASK_ABORTS + 3, ctx.lastTaskAbort());
        assertEquals(new TaskAbort(4, List.of("a4", "b4")), ctx.taskAborts().get(0), "oldest forgotten first; keys sorted");
        assertEquals(ctx, ScsiContextCodec.decode(ScsiContextCodec.encode(ctx)));
    }

    @Test
    void format1SampleDecodesToTheContextItRecords() throws Exception {
        ScsiContextStoreContract.assertSameContext(ScsiContextStoreContract.richContext(),
                ScsiContextCodec.decode(sample()));
    }

    @Test
    void encodingWritesFormat1AsPinned() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(sample()), json.readTree(ScsiContextCodec.encode(ScsiContextStoreContract.richContext())));
    }

    @Test
    void equalContextsEncodeToEqualBytes() {
        ScsiContext a = ScsiContextStoreContract.richContext();
        ScsiContext b = ScsiContextStoreContract.richContext();
        assertArrayEquals(ScsiContextCodec.encode(a), ScsiContextCodec.encode(b));
    }

    @Test
    void emptyContextRoundTrips() {
        ScsiContext decoded = ScsiContextCodec.decode(ScsiContextCodec.encode(ScsiContext.EMPTY));
        assertEquals(ScsiContext.EMPTY, decoded);
        assertSame(null, decoded.reservation());
    }

    @Test
    void unknownFormatsAndFieldsAreRefused() throws Exception {
        String text = new String(sample(), StandardCharsets.UTF_8);
        IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(text.replace("\"format\": 1", "\"format\": 3").getBytes(StandardCharsets.UTF_8)));
        assertTrue(newer.getMessage().contains("format 3"), newer.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(text.replace("\"aptpl\"", "\"alua\": 1, \"aptpl\"").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(text.replace("\"format\": 1,", "").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(Arrays.copyOf(sample(), 40)));
    }
}
