package io.cairn.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One I_T nexus through libiscsi: the {@code iscsi-pr} tool (src/test/c/iscsi-pr.c) as a child process, one
 * command line in, one result line out. The tool is compiled with gcc against libiscsi-dev once per build into
 * target/; without gcc or the headers the test is skipped, or fails with -Dcairn.it.require=true.
 */
final class PrInitiator implements AutoCloseable {

    /** Write Exclusive - Registrants Only (SPC-4 6.16.3, table 210). */
    static final int WERO = 5;
    /** Write Exclusive (SPC-4 table 210). */
    static final int WRITE_EXCLUSIVE = 1;
    /** Exclusive Access (SPC-4 table 210). */
    static final int EXCLUSIVE_ACCESS = 3;

    private static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(60);
    /** Longer than the tool's own per-command timeout (30 s), so the tool reports a timeout first. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(45);
    private static final int UNIT_ATTENTION_RETRIES = 8;
    private static final Pattern READY = Pattern.compile("READY (\\d+) ua=(\\S*)");
    private static final String EOF = "\u0000EOF";
    private static Path tool;

    /** One result line of the tool. */
    record Reply(String line) {
        boolean good() {
            return line.startsWith("GOOD");
        }

        boolean conflict() {
            return line.equals("RESERVATION_CONFLICT");
        }

        boolean unitAttention() {
            return line.startsWith("CHECK 6/");
        }

        /** What follows GOOD, e.g. "fill=5c" or "gen=3 keys=a,b". */
        String detail() {
            return good() && line.length() > 5 ? line.substring(5) : "";
        }

        @Override
        public String toString() {
            return line;
        }
    }

    /** READ KEYS (SPC-4 6.15.2): PRGENERATION and the registered keys, one per registered I_T nexus. */
    record Keys(long generation, List<Long> keys) {
        static Keys parse(Reply r) {
            Matcher m = Pattern.compile("gen=(\\d+) keys=(\\S*)").matcher(r.detail());
            if (!r.good() || !m.matches()) {
                throw new IllegalStateException("READ KEYS: " + r);
            }
            List<Long> keys = new ArrayList<>();
            for (String k : m.group(2).split(",")) {
                if (!k.isEmpty()) {
                    keys.add(Long.parseUnsignedLong(k, 16));
                }
            }
            return new Keys(Long.parseLong(m.group(1)), List.copyOf(keys));
        }
    }

    /** READ RESERVATION (SPC-4 6.15.3): the holder's key and type, or none (key 0, type 0). */
    record Reservation(long key, int type) {
        static final Reservation NONE = new Reservation(0, 0);

        static Reservation parse(Reply r) {
            Matcher m = Pattern.compile("gen=\\d+ (?:none|key=([0-9a-f]+) type=(\\d+))").matcher(r.detail());
            if (!r.good() || !m.matches()) {
                throw new IllegalStateException("READ RESERVATION: " + r);
            }
            return m.group(1) == null ? NONE
                    : new Reservation(Long.parseUnsignedLong(m.group(1), 16), Integer.parseInt(m.group(2)));
        }

        @Override
        public String toString() {
            return key == 0 && type == 0 ? "none" : Long.toHexString(key) + "/type " + type;
        }
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer transcript = new StringBuffer();
    private final int blockSize;
    private final String loginUnitAttentions;

    private PrInitiator(String name, Process process) throws IOException {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLines, "pr-" + name);
        reader.setDaemon(true);
        reader.start();
        String first = next(LOGIN_TIMEOUT);
        Matcher ready = first == null ? null : READY.matcher(first);
        if (ready == null || !ready.matches()) {
            ExternalCommand.killTree(process.toHandle());
            throw new IOException(name + ": no READY line within " + LOGIN_TIMEOUT.toSeconds() + " s; transcript:\n"
                    + transcript);
        }
        this.blockSize = Integer.parseInt(ready.group(1));
        this.loginUnitAttentions = ready.group(2);
    }

    /** Logs in to {@code url} as {@code initiatorIqn}; {@code name} labels the transcript in failure messages. */
    static PrInitiator login(String name, String url, String initiatorIqn) throws IOException {
        Process p = new ProcessBuilder(tool().toString(), url, initiatorIqn).redirectErrorStream(true).start();
        return new PrInitiator(name, p);
    }

    /**
     * The compiled tool, built on first use (and again when the source is newer). Skips the test without gcc
     * or libiscsi's headers, unless -Dcairn.it.require=true: then fails.
     */
    static synchronized Path tool() throws IOException {
        if (tool != null) {
            return tool;
        }
        boolean require = Boolean.getBoolean("cairn.it.require");
        String missing = !ExternalCommand.onPath("gcc") ? "gcc"
                : !Files.exists(Path.of("/usr/include/iscsi/iscsi.h")) ? "libiscsi-dev (/usr/include/iscsi/iscsi.h)"
                : null;
        if (missing != null) {
            String message = missing + " missing: run scripts/install-test-deps.sh (apt-get install gcc libiscsi-dev)";
            if (require) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        Path source = Appliance.moduleDir().resolve("src/test/c/iscsi-pr.c");
        Path binary = Appliance.moduleDir().resolve("target/iscsi-pr");
        if (!Files.isExecutable(binary)
                || Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) < 0) {
            Files.createDirectories(binary.getParent());
            ExternalCommand.Result cc = ExternalCommand.run(List.of("gcc", "-std=gnu11", "-O2", "-Wall", "-Werror",
                    "-o", binary.toString(), source.toString(), "-liscsi"), COMPILE_TIMEOUT);
            if (!cc.succeeded()) {
                fail("compiling " + source + " failed: " + cc.describe());
            }
        }
        tool = binary;
        return tool;
    }

    String name() {
        return name;
    }

    int blockSize() {
        return blockSize;
    }

    /** Unit attentions the login's READ CAPACITY consumed ("6/29/07,..."), empty for none. */
    String loginUnitAttentions() {
        return loginUnitAttentions;
    }

    /** Sends one command line and returns its result line; "ERROR no answer ..." when the tool stays silent. */
    synchronized Reply send(String command) throws IOException {
        transcript.append("> ").append(command).append('\n');
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            return new Reply("ERROR tool gone: " + e.getMessage());
        }
        String line = next(ANSWER_TIMEOUT);
        if (line == null) {
            return new Reply("ERROR no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        }
        return line.equals(EOF) ? new Reply("ERROR tool exited") : new Reply(line);
    }

    /**
     * As {@link #send} with a pending unit attention consumed: SPC-4 5.14 reports it once per I_T nexus on
     * the next command, which the initiator then retries, as a host's SCSI layer does.
     */
    Reply sendPastUnitAttention(String command) throws IOException {
        Reply r = send(command);
        for (int i = 0; i < UNIT_ATTENTION_RETRIES && r.unitAttention(); i++) {
            r = send(command);
        }
        return r;
    }

    Reply register(long key, long newKey) throws IOException {
        return sendPastUnitAttention("register " + hex(key) + " " + hex(newKey));
    }

    Reply registerIgnore(long newKey) throws IOException {
        return sendPastUnitAttention("register-ignore " + hex(newKey));
    }

    Reply reserve(long key, int type) throws IOException {
        return sendPastUnitAttention("reserve " + hex(key) + " " + type);
    }

    Reply release(long key, int type) throws IOException {
        return sendPastUnitAttention("release " + hex(key) + " " + type);
    }

    Reply clear(long key) throws IOException {
        return sendPastUnitAttention("clear " + hex(key));
    }

    Reply preempt(long key, long preempted, int type) throws IOException {
        return sendPastUnitAttention("preempt " + hex(key) + " " + hex(preempted) + " " + type);
    }

    Reply preemptAndAbort(long key, long preempted, int type) throws IOException {
        return sendPastUnitAttention("preempt-abort " + hex(key) + " " + hex(preempted) + " " + type);
    }

    Reply tur() throws IOException {
        return sendPastUnitAttention("tur");
    }

    Keys readKeys() throws IOException {
        return Keys.parse(expectGood("read-keys"));
    }

    Reservation readReservation() throws IOException {
        return Reservation.parse(expectGood("read-reservation"));
    }

    Reply write(long lba, int blocks, int fill) throws IOException {
        return sendPastUnitAttention("write " + lba + " " + blocks + " " + Integer.toHexString(fill & 0xff));
    }

    Reply read(long lba, int blocks) throws IOException {
        return sendPastUnitAttention("read " + lba + " " + blocks);
    }

    /** The commands and answers so far, for failure messages. */
    String transcript() {
        String t = transcript.toString();
        return "---- " + name + " ----\n" + (t.length() > 6000 ? "..." + t.substring(t.length() - 6000) : t);
    }

    /** Ends the session: EOF on stdin makes the tool log out; killed if it does not exit within 10 s. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // the tool is gone already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                ExternalCommand.killTree(process.toHandle());
            }
        } catch (InterruptedException e) {
            ExternalCommand.killTree(process.toHandle());
            Thread.currentThread().interrupt();
        }
    }

    private Reply expectGood(String command) throws IOException {
        Reply r = sendPastUnitAttention(command);
        if (!r.good()) {
            throw new IOException(name + ": " + command + " -> " + r + "\n" + transcript());
        }
        return r;
    }

    private String next(Duration timeout) throws IOException {
        try {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + name, e);
        }
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                transcript.append("< ").append(line).append('\n');
                lines.add(line);
            }
        } catch (IOException e) {
            transcript.append("< (read failed: ").append(e.getMessage()).append(")\n");
        }
        lines.add(EOF);
    }

    static String hex(long key) {
        return Long.toHexString(key);
    }
}
