package io.cairn.scsi;

import static io.cairn.scsi.CoreFixture.A;
import static io.cairn.scsi.CoreFixture.B;
import static io.cairn.scsi.CoreFixture.TARGET;
import static io.cairn.scsi.CoreFixture.cdb;
import static io.cairn.scsi.CoreFixture.rw10;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.scsi.PortGroups.PortGroup;
import org.junit.jupiter.api.Test;

/** The ALUA step of the pre-dispatch pipeline and the unit attention of a state change elsewhere. */
class AluaTransitionTest {

    /** A and B come through group 1 (this gateway); groups 2 and 3 are other gateways. */
    private final ListedPortGroups groups = new ListedPortGroups(
            new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1),
            new PortGroup(2, AluaState.ACTIVE_OPTIMIZED, 2),
            new PortGroup(3, AluaState.ACTIVE_OPTIMIZED, 3));
    private final CoreFixture f = new CoreFixture(ScsiCoreConfig.defaults().withPortGroups(groups)).loggedIn();

    private void ownGroup(AluaState state) {
        groups.set(new PortGroup(1, state, 1), new PortGroup(2, AluaState.ACTIVE_OPTIMIZED, 2),
                new PortGroup(3, AluaState.ACTIVE_OPTIMIZED, 3));
        f.store.update(f.unit.id(), c -> new io.cairn.coord.scsi.ScsiContextStore.Update<>(
                c.withUnitAttentions(java.util.Map.of()), null)); // only the check is under test here
    }

    @Test
    void transitioningRefusesMediumAccessWithAsymmetricAccessStateTransition() {
        ownGroup(AluaState.TRANSITIONING);
        assertTrue(f.run(A, rw10(0x28, 0, 1, 0)).is(SenseReason.LUN_NOT_READY_ASYMMETRIC_ACCESS_TRANSITION));
        assertTrue(f.run(A, cdb(6, 0x00)).is(SenseReason.LUN_NOT_READY_ASYMMETRIC_ACCESS_TRANSITION));
        assertTrue(f.run(A, rw10(0x2A, 0, 1, 0), new byte[512])
                .is(SenseReason.LUN_NOT_READY_ASYMMETRIC_ACCESS_TRANSITION));
        CoreFixture.Reply tur = f.run(A, cdb(6, 0x00));
        assertEquals(0x02, tur.key());
        assertEquals(0x04, tur.asc());
        assertEquals(0x0A, tur.ascq());
    }

    @Test
    void commandsEveryStateAllowsStillWorkWhileTransitioningOrUnavailable() {
        for (AluaState s : new AluaState[] {AluaState.TRANSITIONING, AluaState.UNAVAILABLE}) {
            ownGroup(s);
            // SPC-4 5.16.2.5 / 5.16.2.4.5: INQUIRY, REPORT LUNS, REQUEST SENSE, RTPG, RSOC
            assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x12, 4, 36)).status(), s + " INQUIRY");
            assertEquals(ScsiResult.GOOD, f.run(A, cdb(12, 0xA0, 9, 64)).status(), s + " REPORT LUNS");
            assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x03, 4, 18)).status(), s + " REQUEST SENSE");
            assertEquals(ScsiResult.GOOD, f.run(A, cdb(12, 0xA3, 1, 0x0A, 9, 0xff)).status(), s + " RTPG");
            assertEquals(ScsiResult.GOOD, f.run(A, cdb(12, 0xA3, 1, 0x0C, 9, 0xff)).status(), s + " RSOC");
        }
    }

    @Test
    void unavailableRefusesWithTargetPortUnavailable() {
        ownGroup(AluaState.UNAVAILABLE);
        assertTrue(f.run(A, rw10(0x28, 0, 1, 0)).is(SenseReason.LUN_NOT_ACCESSIBLE_TARGET_PORT_UNAVAILABLE));
    }

    @Test
    void otherGroupsStateDoesNotGateThisGroupsPorts() {
        groups.set(new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1), new PortGroup(2, AluaState.TRANSITIONING, 2));
        f.run(A, cdb(6, 0x00)); // the unit attention of that change
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x28, 0, 1, 0)).status());
    }

    @Test
    void aChangeElsewhereRaisesAsymmetricAccessStateChangedOnceOnEveryNexus() {
        // a leave in three steps, none of them seen by the host in between
        groups.set(new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1), new PortGroup(2, AluaState.ACTIVE_OPTIMIZED, 2),
                new PortGroup(3, AluaState.TRANSITIONING, 3));
        groups.set(new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1), new PortGroup(2, AluaState.ACTIVE_OPTIMIZED, 2),
                new PortGroup(3, AluaState.UNAVAILABLE, 3));
        groups.set(new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1), new PortGroup(2, AluaState.ACTIVE_OPTIMIZED, 2));
        for (ItNexus n : new ItNexus[] {A, B}) {
            assertTrue(f.run(n, cdb(6, 0x00)).is(SenseReason.ASYMMETRIC_ACCESS_STATE_CHANGED), n.initiatorPort());
            assertEquals(ScsiResult.GOOD, f.run(n, cdb(6, 0x00)).status(), "reported once");
        }
    }

    @Test
    void noNexusNoUnitAttention() {
        CoreFixture empty = new CoreFixture(ScsiCoreConfig.defaults().withPortGroups(groups));
        groups.set(new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1));
        assertTrue(empty.store.current(empty.unit.id()).unitAttentions().isEmpty());
        empty.core.nexusCreated(A, TARGET);
        assertEquals(ScsiResult.GOOD, empty.run(A, cdb(6, 0x00)).status());
    }
}
