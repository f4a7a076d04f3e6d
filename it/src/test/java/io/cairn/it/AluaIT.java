package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ALUA across gateways (SPC-4 5.16, 6.36): three gateways present one LUN, each its own target port
 * group; REPORT TARGET PORT GROUPS answers the same through every gateway. A gateway stopped with
 * SIGTERM first reports ASYMMETRIC ACCESS STATE TRANSITION on its own paths, then leaves, and the
 * nexuses of the other gateways see ASYMMETRIC ACCESS STATE CHANGED once.
 */
class AluaIT {

    /** Two stores are enough for a LUN with two copies; nothing here reads or writes the medium. */
    private static final Cluster.Options OPTIONS = new Cluster.Options(2, "tokyo", "alua", "64M", "16M", 2, "4s", "15s");
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int ACTIVE_OPTIMIZED = 0x0;

    /** One RTPG descriptor: group, state, relative port. */
    private record Group(int id, int state, int relativePort) {}

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyGatewayReportsEveryGroupAndALeavingGatewayTransitionsThenDropsOut() throws Exception {
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            cluster.addGateway();
            List<RawIscsiSession> sessions = new ArrayList<>();
            try {
                for (int g = 0; g < 3; g++) {
                    sessions.add(login(cluster, g));
                }
                List<Group> three = List.of(new Group(1, ACTIVE_OPTIMIZED, 1), new Group(2, ACTIVE_OPTIMIZED, 2),
                        new Group(3, ACTIVE_OPTIMIZED, 3));
                byte[][] answers = new byte[3][];
                for (int g = 0; g < 3; g++) {
                    answers[g] = awaitGroups(sessions.get(g), 0, three, "gateway " + g);
                    assertEquals(three, groups(awaitGroups(sessions.get(g), 1, three, "gateway " + g), 8),
                            "extended format, gateway " + g);
                }
                assertArrayEquals(answers[0], answers[1], "the same answer from gateways 0 and 1");
                assertArrayEquals(answers[0], answers[2], "the same answer from gateways 0 and 2");

                // SIGTERM gateway 2 (group 3); its own path reports the transition while it drains
                RawIscsiSession leaving = sessions.remove(2);
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> cluster.stopGateway(2));
                Sense transition = awaitNotReady(leaving);
                assertEquals(new Sense(0x2, 0x04, 0x0A), transition,
                        "NOT READY, ASYMMETRIC ACCESS STATE TRANSITION through the leaving gateway");
                stopped.get(60, TimeUnit.SECONDS);
                leaving.close();

                // Probe sessions learn when each survivor's copy no longer has group 3.
                List<Group> two = List.of(new Group(1, ACTIVE_OPTIMIZED, 1), new Group(2, ACTIVE_OPTIMIZED, 2));
                for (int g = 0; g < 2; g++) {
                    try (RawIscsiSession probe = login(cluster, g)) {
                        awaitGroups(probe, 0, two, "probe on gateway " + g);
                        settle(probe);
                    }
                }
                for (int g = 0; g < 2; g++) {
                    RawIscsiSession s = sessions.get(g);
                    RawIscsiSession.ScsiReply first = s.testUnitReady();
                    assertEquals(new Sense(0x6, 0x2A, 0x06), Sense.of(first),
                            "ASYMMETRIC ACCESS STATE CHANGED on gateway " + g);
                    assertTrue(s.testUnitReady().good(), "reported once on gateway " + g);
                    byte[] rtpg = rtpg(s, 0);
                    assertEquals(two, groups(rtpg, 4), "gateway " + g + " after the leave");
                    assertEquals(two, groups(rtpg(s, 1), 8), "extended format, gateway " + g + " after the leave");
                }
            } finally {
                for (RawIscsiSession s : sessions) {
                    s.close();
                }
            }
        }
    }

    private static RawIscsiSession login(Cluster cluster, int gateway) throws IOException {
        RawIscsiSession s = RawIscsiSession.login(cluster.host(), cluster.gatewayPort(gateway), cluster.targetIqn(),
                cluster.lun(), RawIscsiSession.LoginOptions.plain(), RawIscsiSession.Initiator.fresh());
        settle(s);
        return s;
    }

    /** TEST UNIT READY until GOOD: consumes unit attentions left by gateways joining around this login. */
    private static void settle(RawIscsiSession s) throws IOException {
        for (int i = 0; i < 5; i++) {
            if (s.testUnitReady().good()) {
                return;
            }
        }
        fail("TEST UNIT READY never GOOD");
    }

    private static byte[] rtpg(RawIscsiSession s, int format) throws IOException {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xA3;
        cdb[1] = (byte) ((format << 5) | 0x0A);
        ByteBuffer.wrap(cdb).putInt(6, 4096);
        RawIscsiSession.ScsiReply r = s.command(cdb, null, 4096);
        if (!r.good()) {
            fail("REPORT TARGET PORT GROUPS: " + Sense.describe(r));
        }
        int length = ByteBuffer.wrap(r.data()).getInt(0) + 4;
        return Arrays.copyOf(r.data(), length);
    }

    /**
     * RTPG until it reports {@code expected} (a gateway's watch may still be catching up with another's
     * join); a unit attention on the way is consumed. Returns the last answer.
     */
    private static byte[] awaitGroups(RawIscsiSession s, int format, List<Group> expected, String where)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        List<Group> last = null;
        while (System.nanoTime() < deadline) {
            settle(s);
            byte[] d = rtpg(s, format);
            last = groups(d, format == 1 ? 8 : 4);
            if (last.equals(expected)) {
                return d;
            }
            Thread.sleep(50);
        }
        fail(where + " never reported " + expected + "; last " + last);
        return null;
    }

    private static List<Group> groups(byte[] d, int header) {
        if (header == 8) {
            assertEquals(0x10, d[4] & 0x70, "FORMAT TYPE 001b");
        }
        List<Group> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(d);
        for (int at = header; at < d.length; at += 8 + 4 * (d[at + 7] & 0xFF)) {
            assertEquals(1, d[at + 7], "one target port per group");
            out.add(new Group(b.getShort(at + 2) & 0xFFFF, d[at] & 0x0F, b.getShort(at + 10) & 0xFFFF));
        }
        return out;
    }

    /** TEST UNIT READY through the leaving gateway until it is no longer GOOD; its sense key, ASC, ASCQ. */
    private static Sense awaitNotReady(RawIscsiSession s) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            RawIscsiSession.ScsiReply r = s.testUnitReady();
            if (!r.good()) {
                return Sense.of(r);
            }
            Thread.sleep(20);
        }
        fail("the leaving gateway kept answering GOOD");
        return null;
    }
}
