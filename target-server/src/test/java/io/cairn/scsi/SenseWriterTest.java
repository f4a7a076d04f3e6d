package io.cairn.scsi;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SenseWriterTest {

    @Test
    void fixedFormatCarriesKeyAscAscqAndInformation() {
        byte[] s = SenseWriter.encode(Sense.withInformation(SenseReason.MISCOMPARE_DURING_VERIFY, 0x1234), false);
        assertEquals(18, s.length);
        assertEquals((byte) 0xF0, s[0]); // VALID + 70h
        assertEquals(0x0E, s[2]);
        assertArrayEquals(new byte[] {0, 0, 0x12, 0x34}, new byte[] {s[3], s[4], s[5], s[6]});
        assertEquals(10, s[7]);
        assertEquals(0x1D, s[12]);
        assertEquals(0x00, s[13]);
    }

    @Test
    void fixedFormatFieldPointer() {
        byte[] s = SenseWriter.encode(Sense.invalidCdbField(2, 5), false);
        assertEquals(0x70, s[0]);
        assertEquals(0x05, s[2]);
        assertEquals(0x24, s[12]);
        assertEquals((byte) (0x80 | 0x40 | 0x08 | 5), s[15]); // SKSV, C/D, BPV, bit 5
        assertEquals(0, s[16]);
        assertEquals(2, s[17]);
    }

    @Test
    void descriptorFormatWithInformationAndFieldPointer() {
        Sense sense = new Sense(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 7, 300, false, -1);
        byte[] s = SenseWriter.encode(sense, true);
        assertEquals(0x72, s[0]);
        assertEquals(0x05, s[1]);
        assertEquals(0x26, s[2]);
        assertEquals(0x00, s[3]);
        assertEquals(20, s[7]);
        assertEquals(s.length, 8 + s[7]);
        assertEquals(0x00, s[8]); // information descriptor
        assertEquals(0x0A, s[9]);
        assertEquals((byte) 0x80, s[10]);
        assertEquals(7, s[19]);
        assertEquals(0x02, s[20]); // sense key specific descriptor
        assertEquals((byte) 0x80, s[24]); // SKSV, parameter list, no bit pointer
        assertEquals(300, ((s[25] & 0xFF) << 8) | (s[26] & 0xFF));
    }

    @Test
    void descriptorFormatMinimal() {
        byte[] s = SenseWriter.encode(Sense.of(SenseReason.POWER_ON_RESET), true);
        assertArrayEquals(new byte[] {0x72, 0x06, 0x29, 0x00, 0, 0, 0, 0}, s);
    }

    @Test
    void noSense() {
        byte[] s = SenseWriter.noSense(false);
        assertEquals(0x70, s[0]);
        assertEquals(0, s[2]);
        assertEquals(0, s[12]);
    }
}
