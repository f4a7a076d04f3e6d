package io.cairn.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * QEMU's own iSCSI initiator (libiscsi inside qemu-io / qemu-img) against the appliance: patterns written
 * across every sub-unit boundary and read back verified, over CHAP, and again after kill -9 and restart.
 */
class QemuIoIT {

    private static final String LUN_SIZE = "256M";
    private static final String SUBUNIT_SIZE = "16M";
    @BeforeAll
    static void needQemu() {
        assumeTrue(ExternalCommand.onPath("qemu-io") && ExternalCommand.onPath("qemu-img"),
                "qemu-io/qemu-img missing (apt-get install qemu-utils)");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void patternsAcrossSubUnitBoundariesSurviveKill9() throws IOException {
        Appliance.Options options = Appliance.Options.defaults().withSizes(LUN_SIZE, SUBUNIT_SIZE);
        try (Appliance appliance = Appliance.start(options)) {
            PatternPlan plan = PatternPlan.acrossSubUnits(Appliance.parseSize(LUN_SIZE), Appliance.parseSize(SUBUNIT_SIZE));
            String url = appliance.url();

            qemuIo(url, plan.writes(), PatternPlan.Write::qemuWrite, "wrote", appliance);
            qemuIo(url, plan.finalContent(), PatternPlan.Write::qemuRead, "read", appliance);

            appliance.kill9();
            appliance.restart();
            qemuIo(appliance.url(), plan.finalContent(), PatternPlan.Write::qemuRead, "read", appliance);

            // And after a graceful stop (SIGTERM) and start.
            appliance.stop();
            appliance.restart();
            qemuIo(appliance.url(), plan.finalContent(), PatternPlan.Write::qemuRead, "read", appliance);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void chapLoginWorksAndAWrongSecretIsRefused() throws IOException {
        Appliance.Chap chap = new Appliance.Chap("cairn-it", "s3cret-for-it-01");
        Appliance.Options options = Appliance.Options.defaults().withSizes("64M", "16M").withChap(chap);
        try (Appliance appliance = Appliance.start(options)) {
            PatternPlan plan = PatternPlan.acrossSubUnits(64 * PatternPlan.MIB, 16 * PatternPlan.MIB);
            qemuIo(appliance.url(chap), plan.writes(), PatternPlan.Write::qemuWrite, "wrote", appliance);
            qemuIo(appliance.url(chap), plan.finalContent(), PatternPlan.Write::qemuRead, "read", appliance);

            for (String refused : List.of(appliance.url(new Appliance.Chap(chap.user(), "wrong-secret-0001")),
                    appliance.url(new Appliance.Chap("someone-else", chap.secret())), appliance.url())) {
                ExternalCommand.Result r = ExternalCommand.run(
                        List.of("qemu-io", "-f", "raw", "-c", "read -P 0xe0 0 4096", refused), Duration.ofSeconds(60));
                assertFalse(r.succeeded(), "login must fail for " + refused + "\n" + r.describe());
                assertFalse(r.output().contains("read 4096/4096"), "data read without valid CHAP\n" + r.describe());
            }
            assertTrue(appliance.isRunning(), "target died after refused logins:\n" + appliance.output());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void crc32cHeaderDigestsWithQemusInitiator() throws IOException {
        try (Appliance appliance = Appliance.start(Appliance.Options.defaults().withSizes("64M", "16M"))) {
            // QEMU's iSCSI driver negotiates HeaderDigest=CRC32C when asked (libiscsi offers no data digests).
            String opts = "driver=iscsi,transport=tcp,portal=" + appliance.host() + ":" + appliance.port()
                    + ",target=" + appliance.targetIqn() + ",lun=" + appliance.lun() + ",header-digest=crc32c";
            ExternalCommand.Result r = ExternalCommand.run(List.of("qemu-io", "--image-opts",
                    "-c", "write -P 0x3c 12288 5M", "-c", "read -P 0x3c 12288 5M", "-c", "read -P 0 0 12288", opts),
                    Duration.ofSeconds(120));
            assertFalse(r.output().contains("Pattern verification failed"), r.describe());
            assertTrue(r.succeeded(), r.describe());
            assertEquals(3, r.output().lines().filter(l -> l.startsWith("wrote ") || l.startsWith("read ")).count(),
                    r.describe());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void qemuImgInfoAndConvertRoundTrip(@TempDir Path tmp) throws IOException {
        try (Appliance appliance = Appliance.start(Appliance.Options.defaults().withSizes("64M", "16M"))) {
            ExternalCommand.Result info = ExternalCommand.run(
                    List.of("qemu-img", "info", "--output=json", appliance.url()), Duration.ofSeconds(60));
            assertTrue(info.succeeded(), info.describe());
            assertTrue(info.output().contains("\"virtual-size\": " + 64 * PatternPlan.MIB), info.describe());

            byte[] image = new byte[(int) (5 * PatternPlan.MIB + 4096)];
            new Random(7143).nextBytes(image);
            Path source = tmp.resolve("source.raw");
            Path back = tmp.resolve("back.raw");
            Files.write(source, image);
            ExternalCommand.Result in = ExternalCommand.run(List.of("qemu-img", "convert", "-n", "-f", "raw",
                    "-O", "raw", source.toString(), appliance.url()), Duration.ofSeconds(120));
            assertTrue(in.succeeded(), in.describe());
            ExternalCommand.Result out = ExternalCommand.run(List.of("qemu-img", "dd", "-f", "raw", "-O", "raw",
                    "bs=4096", "count=" + image.length / 4096, "if=" + appliance.url(), "of=" + back), Duration.ofSeconds(120));
            assertTrue(out.succeeded(), out.describe());
            byte[] read = Files.readAllBytes(back);
            assertEquals(image.length, read.length);
            assertArrayEquals(image, read, "image read back differs from the image written");
        }
    }

    private static void qemuIo(String url, List<PatternPlan.Write> ranges, Function<PatternPlan.Write, String> command,
                               String done, Appliance appliance) throws IOException {
        QemuIo.run(url, ranges, command, done, appliance::output);
    }
}
