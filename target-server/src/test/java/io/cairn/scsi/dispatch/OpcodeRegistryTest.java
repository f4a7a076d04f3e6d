package io.cairn.scsi.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.scsi.cdb.CdbField;
import io.cairn.scsi.cdb.CdbLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rows of the one opcode table agree with themselves. */
class OpcodeRegistryTest {

    @Test
    void everyFieldARowDecodesIsMarkedInItsCdbUsageData() {
        // SPC-4 6.35.3: CDB USAGE DATA has a bit set for every CDB bit the device server interprets
        List<String> unmarked = new ArrayList<>();
        for (OpcodeEntry e : OpcodeRegistry.standard().entries()) {
            CdbLayout layout = e.layout();
            List<CdbField> fields = new ArrayList<>(layout.flags().values());
            fields.addAll(layout.values().values());
            for (CdbField f : new CdbField[] {layout.lba(), layout.transferLength(), layout.allocationLength()}) {
                if (f != null) {
                    fields.add(f);
                }
            }
            for (CdbField f : fields) {
                for (int i = 0; i < f.bytes(); i++) {
                    int decoded = i == 0 ? f.mask() : 0xFF;
                    int usage = e.usage()[f.offset() + i] & 0xFF;
                    if ((decoded & ~usage) != 0) {
                        unmarked.add(e.name() + " byte " + (f.offset() + i));
                    }
                }
            }
        }
        assertEquals(List.of(), unmarked);
    }

    @Test
    void usageDataStartsWithTheOpcodeAndServiceAction() {
        for (OpcodeEntry e : OpcodeRegistry.standard().entries()) {
            assertEquals(e.opcode(), e.usage()[0] & 0xFF, e.name());
            assertEquals(e.cdbLength(), e.usage().length, e.name());
            if (e.hasServiceAction()) {
                assertEquals(e.serviceAction(), e.usage()[1] & 0x1F, e.name() + ": SPC-4 6.35.3 usage of the service action");
            }
        }
    }
}
