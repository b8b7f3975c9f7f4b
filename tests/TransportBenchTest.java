///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of TransportBench.java: its logic in-process, and the script end to end as a user runs it
//JAVA 17+
//SOURCES ../TransportBench.java
//SOURCES Harness.java
//RUNTIME_OPTIONS --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED

/*
 * Run through ./test.sh (which sets JBANG to the jbang it found), or alone:
 *   JBANG=./jbang ./jbang tests/TransportBenchTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 * Tests assert behaviour, never speed.
 */

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public class TransportBenchTest extends Harness {

    static final Script SCRIPT = new Script("TransportBench", "--role=responder");
    static final List<String> ALL_METHODS = TransportBench.METHODS.stream().map(TransportBench.Method::name).toList();
    static final List<Integer> DEFAULT_SIZES = List.of(100, 10_000, 500_000, 2_000_000);

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        unitTests();
        endToEndTests();
        System.exit(finish("TransportBenchTest"));
    }

    // ---------------------------------------------------------------- logic, in-process

    static void unitTests() {
        test("agrona-ring and aeron size rings and terms per message: the smallest power of two (from their floor) whose largest message takes the frame", () -> {
            for (int frame : List.of(8, 100, 10_000, 500_000, 2_000_000)) {
                int ring = TransportBench.AgronaRingTransport.ringCapacity(frame);
                var buffer = new org.agrona.concurrent.UnsafeBuffer(ByteBuffer.allocateDirect(ring + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH));
                check(new org.agrona.concurrent.ringbuffer.OneToOneRingBuffer(buffer).maxMsgLength() >= frame, "a ring of " + ring + " takes " + frame);
                check(ring == TransportBench.AgronaRingTransport.MIN_CAPACITY || (ring / 2) / 8 < frame + 8, "and half of it would not: " + ring + " for " + frame);
                int term = TransportBench.AeronTransport.termLength(frame), floor = TransportBench.AeronTransport.MIN_TERM;
                check(Integer.bitCount(term) == 1 && term >= floor, "a power of two from " + floor + ": " + term);
                check(io.aeron.logbuffer.FrameDescriptor.computeMaxMessageLength(term) >= frame, "a term of " + term + " takes " + frame);
                check(term == floor || io.aeron.logbuffer.FrameDescriptor.computeMaxMessageLength(term / 2) < frame + 32, "and half of it would not: " + term + " for " + frame);
                int mtu = TransportBench.AeronTransport.mtu(term);
                check(mtu % 32 == 0 && mtu <= 65504 && mtu <= io.aeron.logbuffer.FrameDescriptor.computeMaxMessageLength(term), "an MTU Aeron takes: " + mtu + " for a term of " + term);
            }
            check(TransportBench.AeronTransport.termLength(TransportBench.AeronTransport.MAX_MESSAGE) <= 1 << 30, "Aeron's largest message still fits a term Aeron takes");
        });
        test("size parsing accepts powers of 1000 and 1024", () -> {
            Map<String, Long> good = Map.of("100", 100L, "10k", 10_000L, "2M", 2_000_000L, "64Ki", 65_536L, "1Mi", 1_048_576L,
                    "500kB", 500_000L, "1G", 1_000_000_000L);
            good.forEach((text, bytes) -> check(TransportBench.Units.parseSize(text) == bytes, text + " should be " + bytes));
        });
        test("size parsing rejects what is not a size", () -> {
            for (String bad : List.of("", "3X", "-5", "1.5k", "k", "10 kk", "99999999999999999999")) {
                try {
                    TransportBench.Units.parseSize(bad);
                    throw new AssertionError("accepted '" + bad + "'");
                } catch (IllegalArgumentException | ArithmeticException expected) { }
            }
            var converter = new TransportBench.SizeConverter();
            for (String outOfRange : List.of("0", "7", "65Mi")) {
                try {
                    converter.convert(outOfRange);
                    throw new AssertionError("accepted size " + outOfRange);
                } catch (picocli.CommandLine.TypeConversionException expected) { }
            }
            check(converter.convert("8") == 8 && converter.convert("64Mi") == 64 << 20, "the limits 8 B and 64 MiB are allowed");
        });
        test("durations and size labels", () -> {
            check(TransportBench.Units.parseDuration("10s").equals(Duration.ofSeconds(10)), "10s");
            check(TransportBench.Units.parseDuration("500ms").equals(Duration.ofMillis(500)), "500ms");
            check(TransportBench.Units.parseDuration("2m").equals(Duration.ofMinutes(2)), "2m");
            check(TransportBench.Units.size(2_000_000).equals("2 MB") && TransportBench.Units.size(65_536).equals("64 KiB")
                    && TransportBench.Units.size(100).equals("100 B"), "size labels");
        });
        test("raw verification accepts the echo and catches corruption, gaps, duplicates and truncation", () -> {
            var checker = new TransportBench.RawChecker(1000, 7);
            ByteBuffer request = checker.request(5);
            ByteBuffer echo = ByteBuffer.allocateDirect(1000).put(request.duplicate()).flip();
            check(checker.check(5, echo) == null, "a faithful echo verifies");
            check(checker.check(6, echo).contains("stale"), "an old reply is caught");
            check(checker.check(4, echo).contains("gap"), "a skipped reply is caught");
            ByteBuffer corrupt = new TransportBench.RawChecker().answer(echo.duplicate(), true);
            check(checker.check(5, corrupt).contains("differs at byte 999"), "a flipped last byte is caught: " + checker.check(5, corrupt));
            check(checker.check(5, echo.duplicate().limit(999)).contains("length"), "a short reply is caught");
            byte[] payload = new byte[1000];
            request.duplicate().get(payload);
            check(new HashSet<>(Arrays.asList(box(payload))).size() > 100, "the payload is random bytes, not zeros");
        });
        test("json messages round-trip through the responder's answer, corruption caught", () -> {
            var requester = new TransportBench.JsonChecker(10_000, 1);
            var responder = new TransportBench.JsonChecker();
            ByteBuffer reply = responder.answer(requester.request(3), false);
            check(requester.check(3, requester.decode(reply)) == null, "a faithful json reply verifies");
            ByteBuffer bad = responder.answer(requester.request(4), true);
            check(requester.check(4, requester.decode(bad)) != null, "a corrupted json payload is caught");
            check(requester.check(5, requester.decode(reply)) != null, "a wrong id is caught");
        });
        test("results follow the suite schema in csv and jsonl, with an hgrm per row", () -> {
            Path dir = Files.createTempDirectory("tb-results");
            dir.toFile().deleteOnExit();
            var env = TransportBench.Environment.capture();
            var results = new TransportBench.Results(dir, env);
            Histogram h = new Histogram(3);
            for (int i = 1; i <= 1000; i++) h.recordValue(i * 1000L);
            var method = TransportBench.method("uds");
            var cpu = TransportBench.CpuMeter.fields(250_000_000L, 500_000_000L, 1000);
            for (var row : List.of(TransportBench.Row.of(method, TransportBench.PayloadKind.raw, "a, \"quoted\" note", 100, 1, 0.5, h, cpu, 0, null),
                    TransportBench.Row.of(method, TransportBench.PayloadKind.json, "", 100, 2, 0.5, h, cpu, 1, "x")))
                results.write(row.fields, row.hist);
            List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
            check(csv.size() == 3, "a header and two rows: " + csv.size());
            check(csv.get(0).equals(String.join(",", TransportBench.Results.COLUMNS)), "csv header");
            check(csv.get(1).contains("\"a, \"\"quoted\"\" note\""), "csv quoting: " + csv.get(1));
            List<String> lines = Files.readAllLines(dir.resolve("results.jsonl"));
            JsonNode row = JSON.readTree(lines.get(0));
            List<String> keys = new ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            check(keys.equals(TransportBench.Results.COLUMNS), "jsonl keys are the columns: " + keys);
            check(Math.abs(row.get("lat_p50_us").asDouble() - 500) < 1, "p50 in µs: " + row.get("lat_p50_us"));
            check(row.get("msgs_per_s").asDouble() == 2000, "1000 round trips in 0.5 s");
            check(row.get("kind").asText().equals("method"), "an inter-process method's row: kind=method");
            check(row.get("cpu_us_per_msg").asDouble() == 250 && row.get("cpu_cores").asDouble() == 0.5, "CPU cost: 0.25 s of CPU over 1000 round trips in 0.5 s: " + row);
            check(row.get("verified").asBoolean() && !JSON.readTree(lines.get(1)).get("verified").asBoolean(), "verified flags");
            check(Files.readString(dir.resolve(row.get("hgrm").asText())).contains("Percentile"), "hgrm file written");
            for (String key : List.of("jdk", "jvm_flags", "os", "cpu", "cores", "libs", "host"))
                check(!row.get(key).asText().isEmpty(), "environment field " + key);
            check(row.get("libs").asText().contains("jeromq-0.6.0"), "library versions recorded: " + row.get("libs"));
        });
        test("shm-spin's requester verifies its own heap copy of the reply, not a view of the shared slot", () -> {
            String id = TransportBench.SuiteFolder.newRunId();
            Path dir = TransportBench.SuiteFolder.createRunDir(id);
            var abort = new TransportBench.Abort();
            var requester = new TransportBench.ShmTransport(new TransportBench.Context(true, dir, id, 1000, 0, abort), false);
            var responder = new TransportBench.ShmTransport(new TransportBench.Context(false, dir, id, 1000, 0, abort), false);
            try {
                var checker = new TransportBench.RawChecker(1000, 3);
                requester.send(checker.request(1));
                responder.send(responder.receive());
                ByteBuffer reply = requester.receive();
                check(!reply.isDirect() && reply.hasArray() && reply.remaining() == 1000, "a heap buffer of the reply's length, not the mapping");
                check(checker.check(1, reply) == null, "the copy verifies");
                requester.scribbleShared();
                ByteBuffer slot = requester.map.duplicate().position(requester.receiveData).limit(requester.receiveData + 1000);
                check(checker.check(1, slot) != null, "--scribble-reply's overwrite changes the shared slot (so the end-to-end test has teeth)");
                check(checker.check(1, reply) == null, "the requester's copy still verifies after the slot was overwritten");
            } finally {
                requester.close();
                responder.close();
                TransportBench.SuiteFolder.delete(dir);
            }
        });
        test("chronicle: the space counted for its queues is at least what they take, so a run fitted to the free space never fills it", () -> {
            String id = TransportBench.SuiteFolder.newRunId();
            Path dir = TransportBench.SuiteFolder.createRunDir(id);
            var abort = new TransportBench.Abort();
            try {
                for (int size : List.of(100, 10_000)) {
                    Path sized = Files.createDirectory(dir.resolve("s" + size));
                    var requester = new TransportBench.ChronicleTransport(new TransportBench.Context(true, sized, id, size, 0, abort));
                    var responder = new TransportBench.ChronicleTransport(new TransportBench.Context(false, sized, id, size, 0, abort));
                    int roundTrips = 2000;
                    try {
                        var checker = new TransportBench.RawChecker(size, 5);
                        for (int i = 1; i <= roundTrips; i++) {
                            requester.send(checker.request(i));
                            responder.send(responder.receive());
                            check(checker.check(i, requester.receive()) == null, "round trip " + i + " verifies");
                        }
                    } finally {
                        requester.close();
                        responder.close();
                    }
                    Result du = run(new ProcessBuilder("du", "-s", "-B1", sized.toString()), Duration.ofSeconds(30));
                    long taken = Long.parseLong(du.out().split("\\s+")[0]);
                    var footprint = TransportBench.ChronicleTransport.footprint(size);
                    long counted = footprint.fixed() + roundTrips * footprint.perRoundTrip();
                    check(taken > roundTrips * 2L * size, "the queues hold every message (" + taken + " bytes), so the test has teeth");
                    check(counted >= taken, size + " B: " + roundTrips + " round trips take " + taken + " bytes, counted " + counted);
                    check(counted <= taken * 1.5 + (1 << 20), size + " B: counted " + counted + " for " + taken + " taken: not so much that runs shrink for nothing");
                }
            } finally {
                TransportBench.SuiteFolder.delete(dir);
            }
        });
        test("agrona-ring and aeron: both ends in one process pass messages of every size both ways, verified; the space counted is at least what their files take", () -> {
            String id = TransportBench.SuiteFolder.newRunId();
            Path dir = TransportBench.SuiteFolder.createRunDir(id);
            var abort = new TransportBench.Abort();
            try {
                for (String method : List.of("agrona-ring", "aeron-ipc", "aeron-udp")) {
                    for (int size : List.of(100, 100_000)) {     // aeron: one frame, then fragments (its MTU is 65,504 B)
                        Path sized = Files.createDirectory(dir.resolve(method + "-" + size));
                        var m = TransportBench.method(method);
                        var requester = m.factory().open(new TransportBench.Context(true, sized, id, size, 0, abort), null);
                        var responder = m.factory().open(new TransportBench.Context(false, sized, id, size, 0, abort), requester.endpoint());
                        try {
                            if (requester instanceof TransportBench.AeronTransport aeron && aeron.udp) {
                                aeron.publication = aeron.publish(responder.endpoint());     // awaitPeer's first step, without a child process
                                long deadline = System.nanoTime() + 10_000_000_000L;
                                while (!aeron.publication.isConnected() || !aeron.subscription.isConnected())
                                    check(System.nanoTime() < deadline, method + ": connected within 10 s");
                            }
                            var checker = new TransportBench.RawChecker(size, 9);
                            for (int i = 1; i <= 200; i++) {
                                requester.send(checker.request(i));
                                responder.send(responder.receive());
                                String error = checker.check(i, requester.receive());
                                check(error == null, method + " at " + size + ", round trip " + i + ": " + error);
                            }
                            Result du = run(new ProcessBuilder("du", "-s", "-B1", sized.toString()), Duration.ofSeconds(30));
                            long taken = Long.parseLong(du.out().split("\\s+")[0]), counted = m.footprint().apply(size).fixed();
                            check(taken > 0 && counted >= taken, method + " at " + size + ": its files take " + taken + " bytes, counted " + counted);
                        } finally {
                            responder.close();
                            requester.close();
                        }
                    }
                }
            } finally {
                TransportBench.SuiteFolder.delete(dir);
            }
        });
        test("--runs takes N or auto; auto stops between 6 and 10 runs once the 95% interval is within 5%", () -> {
            var c = new TransportBench.RunsConverter();
            check(c.convert("auto").auto() && c.convert("3").count() == 3, "auto and 3");
            for (String bad : List.of("0", "many", "-1")) {
                try {
                    c.convert(bad);
                    throw new AssertionError("accepted --runs " + bad);
                } catch (picocli.CommandLine.TypeConversionException expected) { }
            }
            var auto = c.convert("auto");
            check(auto.another(new ArrayList<>(List.of(1.0, 1.0, 1.0, 1.0, 1.0))), "5 equal runs: another (6 at least)");
            check(!auto.another(new ArrayList<>(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.01))), "6 runs within 1%: done");
            check(auto.another(new ArrayList<>(List.of(1.0, 2.0, 1.0, 2.0, 1.0, 2.0))), "6 runs spread 2x: another");
            check(!auto.another(List.of(1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 1.0, 3.0)), "10 runs: done, however spread");
        });
        test("cleanup removes what this script's dead processes left and nothing else", () -> {
            Path root = TransportBench.SuiteFolder.root(), shm = TransportBench.SuiteFolder.SHM;
            long dead = deadPid();
            Path mine = TransportBench.SuiteFolder.createRunDir(TransportBench.SuiteFolder.newRunId());
            Path orphan = Files.createDirectories(root.resolve("TransportBench-" + dead + "-abc123"));
            Files.writeString(orphan.resolve("shm"), "x");
            Path orphanSem = Files.writeString(shm.resolve(SEMAPHORES + "TransportBench-" + dead + "-abc123-request"), "x");
            Path otherBench = Files.createDirectories(root.resolve("RedisBench-" + dead + "-def456"));
            Files.writeString(otherBench.resolve("redis.pid"), "1");
            Path otherSem = Files.writeString(shm.resolve(SEMAPHORES + "ShmBench-" + dead + "-def456-ring"), "x");
            Path unrelated = Files.createDirectories(root.resolve("keep-me"));
            try {
                List<Path> removed = TransportBench.SuiteFolder.removeLeftovers();
                check(!Files.exists(orphan) && !Files.exists(orphanSem), "this script's leftovers of dead pid " + dead + " removed: " + removed);
                check(removed.equals(List.of(orphanSem, orphan).stream().sorted().toList()), "exactly those are reported: " + removed);
                check(Files.exists(otherBench.resolve("redis.pid")) && Files.exists(otherSem), "another script's dead run folder and semaphore are that script's to remove");
                check(Files.exists(mine), "a live run's folder is kept");
                check(Files.exists(unrelated), "a folder not named like a run is kept");
            } finally {
                TransportBench.SuiteFolder.delete(mine);
                Harness.deleteTree(otherBench);
                Files.deleteIfExists(otherSem);
                Files.deleteIfExists(unrelated);
            }
        });
    }

    static Byte[] box(byte[] b) {
        Byte[] out = new Byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i];
        return out;
    }

    // ---------------------------------------------------------------- the script, as a user runs it


    /** The rows of a --quick run: every method at every default size, verified, with positive figures. */
    static void checkQuickRows(Path outDir, Result r) throws IOException {
        check(r.code() == 0, "exit code " + r.code() + "; stderr: " + r.err());
        List<JsonNode> rows = rows(outDir);
        Set<String> seen = new HashSet<>();
        for (JsonNode row : rows) {
            String where = row.get("method").asText() + "@" + row.get("size_bytes").asInt();
            seen.add(where);
            check(row.get("verified").asBoolean() && row.get("errors").asInt() == 0, "verified: " + where);
            for (String f : List.of("seconds", "msgs_per_s", "mb_per_s", "lat_mean_us", "lat_p50_us", "lat_p99_us", "lat_max_us"))
                check(row.get(f).asDouble() > 0, f + " positive at " + where);
            check(row.get("count").asLong() > 0 && row.get("lat_kind").asText().equals("rtt"), "count and lat_kind at " + where);
            checkKindAndCpu(row, where, false);
            check(Files.exists(outDir.resolve(row.get("hgrm").asText())), "hgrm of " + where);
        }
        for (String m : ALL_METHODS)
            for (int size : DEFAULT_SIZES) check(seen.contains(m + "@" + size), "row for " + m + " at " + size);
        for (int size : DEFAULT_SIZES) check(seen.contains(REFERENCE + "@" + size), "row for " + REFERENCE + " at " + size);
        check(r.out().lines().anyMatch(l -> l.contains(REFERENCE) && l.contains("(reference)") && !l.contains("fastest")), "the reference shown, never ranked:\n" + r.out());
        check(r.out().lines().filter(l -> l.startsWith("Checks' cost at ") && l.contains("shm-spin's RTT p50 is ")).count() == DEFAULT_SIZES.size(),
                "what shm-spin keeps of its reference, at each size:\n" + r.out());
        check(r.out().contains("vs fastest") && r.out().contains("All replies verified: yes"), "summary printed:\n" + r.out());
        check(Files.readString(outDir.resolve("results.csv")).lines().count() == rows.size() + 1, "csv has the same rows");
    }

    /** The reference run after shm-spin: its round trips with nothing checked. */
    static final String REFERENCE = "ref-shm-spin-raw";

    /**
     * Every row: kind=method (all of this script's methods are two processes; ref-shm-spin-raw a reference), and a CPU cost. The kernel counts CPU
     * time in 10 ms ticks, so a run of a few milliseconds (--quick, small -n) may show 0 or more than the cores:
     * only a run of about a second or more (long) must show CPU above 0 and at most the cores (+0.5).
     */
    static void checkKindAndCpu(JsonNode row, String where, boolean longRun) {
        check(row.get("kind").asText().equals(where.startsWith(REFERENCE + "@") ? "reference" : "method"), "kind at " + where + ": " + row.get("kind"));
        check(row.get("cpu_us_per_msg").isNumber() && row.get("cpu_cores").isNumber(), "CPU cost present at " + where);
        double perMsg = row.get("cpu_us_per_msg").asDouble(), cores = row.get("cpu_cores").asDouble();
        check(perMsg >= 0 && cores >= 0, "CPU cost not negative at " + where + ": " + perMsg + ", " + cores);
        if (longRun) {
            int machine = Runtime.getRuntime().availableProcessors();
            check(perMsg > 0, "cpu_us_per_msg > 0 at " + where + ": " + perMsg);
            check(cores > 0 && cores <= machine + 0.5, "cpu_cores within (0, " + machine + " + 0.5] at " + where + ": " + cores);
        }
    }

    /** P(x(j) <= median <= x(n+1-j)) for n runs: the order-statistics interval, computed here independently of the script. */
    static double coverage(int n, int j) {
        double below = 0;
        for (int i = 0; i < j; i++) below += binomial(n, i) / Math.pow(2, n);
        return 1 - 2 * below;
    }

    static double binomial(int n, int k) {
        double b = 1;
        for (int i = 1; i <= k; i++) b = b * (n - k + i) / i;
        return b;
    }

    static void endToEndTests() throws Exception {
        Path work = Files.createTempDirectory("tb-e2e");

        test("--help documents every option", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--help");
            check(r.code() == 0, "exit 0");
            for (String opt : List.of("--count", "--size", "--sizes", "--warmup", "--duration", "--methods", "--list", "--runs",
                    "--out", "--quick", "--payload", "--sem-spin", "--timeout", "--seed", "--shm-dir", "--cleanup", "--help", "--version"))
                check(r.out().contains(opt), "help mentions " + opt);
            check(r.out().contains("auto") && r.out().contains("95% interval"), "help describes --runs auto");
            check(!r.out().contains("--stall-reply") && !r.out().contains("--scribble-reply"), "the test-only options are hidden");
        });

        test("--list names every method, one line each", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--list");
            check(r.code() == 0 && r.out().lines().count() == ALL_METHODS.size() + 1, "one line per method and the reference:\n" + r.out());
            for (String m : ALL_METHODS) check(r.out().contains(m), m);
            check(r.out().lines().anyMatch(l -> l.startsWith(REFERENCE) && l.contains("(reference")), "the reference said to be one:\n" + r.out());
        });

        test("copied alone into an empty folder, --quick runs every method at every size, verified", () -> {
            Path alone = Files.createDirectory(work.resolve("alone"));
            Files.copy(SCRIPT.file(), alone.resolve("TransportBench.java"));
            Result r = SCRIPT.run(alone, null, Duration.ofMinutes(6), "--quick");
            checkQuickRows(alone.resolve("results"), r);
        });

        test("--quick on JDK 25", () -> {
            if (JDK25 == null) throw new Skip("no JDK 25 under /usr/lib/jvm");
            Path out = work.resolve("jdk25");
            Result r = SCRIPT.run(REPO, JDK25, Duration.ofMinutes(6), "--quick", "--out", out.toString());
            checkQuickRows(out, r);
            check(rows(out).get(0).get("jdk").asText().contains("25"), "ran on 25: " + rows(out).get(0).get("jdk"));
        });

        test("--payload json runs and verifies", () -> {
            Path out = work.resolve("json");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "--quick", "-m", "shm-spin,tcp", "--payload", "json", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            check(rows(out).stream().allMatch(row -> row.get("payload").asText().equals("json") && row.get("verified").asBoolean()), "json rows verified");
        });

        test("--duration bounds a run by time", () -> {
            Path out = work.resolve("duration");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm-spin", "-s", "100", "-d", "1s", "-w", "1000", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("seconds").asDouble() >= 1.0 && row.get("seconds").asDouble() < 3, "about a second: " + row.get("seconds"));
            check(row.get("count").asLong() > 1000, "many round trips in a second: " + row.get("count"));
        });

        test("no -n: warm-up of at least 1 s, a measured run of at least about 1 s, a count scaled up from the old 10,000, CPU cost > 0", () -> {
            Path out = work.resolve("auto-length");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "uds", "-s", "100", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("seconds").asDouble() >= 0.9, "the measured run lasts about 1 s or more: " + row.get("seconds"));
            check(row.get("warmup_seconds").asDouble() >= 1.0, "the warm-up lasted at least 1 s: " + row.get("warmup_seconds"));
            check(row.get("warmup_count").asLong() >= TransportBench.AUTO_FLOOR, "and at least the warm-up count: " + row.get("warmup_count"));
            check(row.get("count").asLong() > 10_000, "more round trips than the old fixed 10,000 at 100 B: " + row.get("count"));
            checkKindAndCpu(row, "uds@100", true);
        });

        test("--runs auto: 6 to 10 runs; under 10, the 95% interval of RTT p50 over the rows is within 5% of the median", () -> {
            Path out = work.resolve("runs-auto");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "uds", "-s", "100", "-n", "1000", "-w", "200", "--runs", "auto", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out);
            int n = rows.size();
            check(n >= 6 && n <= 10, "between 6 and 10 runs: " + n);
            for (int i = 0; i < n; i++) check(rows.get(i).get("run").asInt() == i + 1, "runs numbered 1.." + n);
            double[] p50 = rows.stream().mapToDouble(row -> row.get("lat_p50_us").asDouble()).sorted().toArray();
            double median = n % 2 == 1 ? p50[n / 2] : (p50[n / 2 - 1] + p50[n / 2]) / 2;
            int j = 1;
            while (j + 1 <= (n + 1) / 2 && coverage(n, j + 1) >= 0.95) j++;
            double low = p50[j - 1], high = p50[n - j];
            if (n < 10) {
                check(coverage(n, j) >= 0.95, "a 95% interval exists with " + n + " runs");
                check(median - low <= 0.05 * median + 1e-9 && high - median <= 0.05 * median + 1e-9,
                        "stopped at " + n + " runs with the interval [" + low + ", " + high + "] within 5% of " + median);
            }
            check(r.out().contains("runs: auto") && r.out().contains(" ["), "the summary shows the interval:\n" + r.out());
        });

        test("a 50 ms stall of the responder in mid-run is inside the window and the RTT", () -> {
            Path out = work.resolve("stall");
            // warm-up is messages 1-10, the measured run 11-210: the 110th reply is in the middle
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "uds", "-s", "100", "-n", "200", "-w", "10", "-r", "1",
                    "--stall-reply", "110", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("seconds").asDouble() >= 0.05, "the window contains the stall: " + row.get("seconds"));
            check(row.get("lat_max_us").asDouble() >= 50_000, "the RTT contains the stall: " + row.get("lat_max_us"));
            check(row.get("lat_p50_us").asDouble() < 50_000, "one round trip stalled, not the median");
            check(row.get("count").asLong() == 200, "exactly -n round trips measured");
        });

        test("a stall of the last measured reply is inside the window: it ends at the last verified receipt", () -> {
            Path out = work.resolve("stall-last");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm-sem", "-s", "100", "-n", "200", "-w", "10", "-r", "1",
                    "--stall-reply", "210", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("seconds").asDouble() >= 0.05, "the window contains the last reply's stall: " + row.get("seconds"));
            check(row.get("lat_max_us").asDouble() >= 50_000, "the RTT contains the stall: " + row.get("lat_max_us"));
        });

        test("shm-spin and shm-sem verify the requester's own copy: overwriting the shared reply slot after the copy changes nothing", () -> {
            Path out = work.resolve("scribble");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm-spin,shm-sem", "-s", "1k", "-n", "200", "-w", "10", "-r", "1",
                    "--scribble-reply", "-o", out.toString());
            check(r.code() == 0, "exit 0 (a reply read from the slot would fail verification): " + r.err());
            check(rows(out).size() == 3 && rows(out).stream().allMatch(row -> row.get("verified").asBoolean() && row.get("errors").asInt() == 0), "both methods' rows (and the reference's) verified");
        });

        test("a corrupted reply is caught: row verified=false, exit 1", () -> {
            Path out = work.resolve("corrupt");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm-spin", "-s", "1k", "-n", "200", "-w", "10", "-r", "1",
                    "--corrupt-reply", "100", "-o", out.toString());
            check(r.code() == 1, "exit 1, was " + r.code());
            check(r.err().contains("verification failed") && r.err().contains("message 100"), "says which message: " + r.err());
            JsonNode row = rows(out).get(0);
            check(!row.get("verified").asBoolean() && row.get("errors").asInt() == 1, "row marked: " + row);
        });

        test("bad input: exit 2, one line naming the option, nothing started or written", () -> {
            Path file = Files.writeString(work.resolve("a-file"), "x");
            List<String[]> cases = List.of(
                    new String[]{"--size", "0"},
                    new String[]{"--size", "-5"},
                    new String[]{"--size", "3X"},
                    new String[]{"--size", "65Mi"},
                    new String[]{"--count", "0"},
                    new String[]{"--methods", "nosuch"},
                    new String[]{"--duration", "abc"},
                    new String[]{"--payload", "xml"},
                    new String[]{"--runs", "0"},
                    new String[]{"--runs", "many"},
                    new String[]{"--out", file.resolve("results").toString()},
                    new String[]{"--shm-dir", work.resolve("no-such-folder").toString()},
                    new String[]{"--size", "17Mi", "-m", "aeron-ipc"},
                    new String[]{"--sizes", "100,20M", "-m", "shm-spin,aeron-udp"});
            SCRIPT.rejects(Files.createDirectory(work.resolve("bad-input")), cases);
        });

        test("--cleanup removes this script's dead run folder and says so; another script's dead one and a live one of its own stay", SCRIPT::cleansOnlyItsOwn);
        test("a results folder whose results.csv has other columns: exit 2, one line naming --out, the file unchanged, nothing run", SCRIPT::refusesAnotherSchema);

        // Runs that last until the test ends them: -d, as -n 1000000000 would be refused by chronicle (its queues keep every message, and -n must fit).
        for (String method : ALL_METHODS) {
            test("responder killed with SIGKILL during " + method + ": parent exits 1 within 5 s, nothing left", () ->
                    SCRIPT.killChildMidRun(work, method, "-m", method, "-s", "1k", "-d", "10m", "-w", "0", "-r", "1", "-o", work.resolve("kill-" + method).toString()));
        }

        // Three ways of waiting for a reply: spinning on shared memory, a blocking socket read, a library's poll (Chronicle's tailer).
        for (String method : List.of("shm-spin", "chronicle")) {     // a spin on shared memory, a library's poll; uds blocks in read as the other sockets do
            test("a child stopped with SIGSTOP mid-run is detected within --timeout during " + method + ": the responder named, the rows kept, exit 1, nothing left", () -> {
                Path out = work.resolve("stop-" + method);
                String err = SCRIPT.stopChildMidRun(work, out, method, "responder", Duration.ofSeconds(3),
                        "-m", method, "-s", "100", "-w", "100", "-d", "1s", "-r", "3", "-o", out.toString());
                check(err.contains("no reply for 3 s; the responder is stopped"), "says the responder is stopped, not dead: " + err);
                List<JsonNode> rows = rows(out);
                check(!rows.isEmpty() && rows.size() < 3 && rows.stream().allMatch(r -> r.get("verified").asBoolean()), "the finished runs' rows, verified: " + rows.size());
            });
        }

        test("--shm-dir DIR: the run's files go to DIR/ipcbench-<uid>, rows record DIR and its file system, nothing is left there; --cleanup --shm-dir cleans there only", () -> {
            Path dir = Files.createDirectory(work.resolve("shm-dir")), out = work.resolve("shm-dir-out");
            Path mine = dir.resolve("ipcbench-" + UID);
            Process launcher = SCRIPT.command(REPO, null, "--quick", "-m", "shm-sem,uds,chronicle", "--sizes", "100", "--shm-dir", dir.toString(), "-o", out.toString())
                    .redirectOutput(work.resolve("shm-dir.out").toFile()).redirectError(work.resolve("shm-dir.err").toFile()).start();
            Set<String> seenThere = new TreeSet<>(), seenInDefault = new TreeSet<>();
            try {
                SCRIPT.awaitChild(launcher, Duration.ofMinutes(2));
                String prefix = "TransportBench-" + SCRIPT.javaOf(launcher).pid() + "-";
                while (!launcher.waitFor(50, TimeUnit.MILLISECONDS)) {
                    for (var place : List.of(Map.entry(mine, seenThere), Map.entry(SUITE_FOLDER, seenInDefault))) {
                        try (Stream<Path> entries = Files.list(place.getKey())) {
                            entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).forEach(place.getValue()::add);
                        } catch (IOException ignored) { }
                    }
                }
            } finally {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
            check(launcher.exitValue() == 0, "exit 0: " + Files.readString(work.resolve("shm-dir.err")));
            check(seenThere.size() >= 2, "run folders appeared in " + mine + ": " + seenThere);
            check(seenInDefault.isEmpty(), "none in " + SUITE_FOLDER + ": " + seenInDefault);
            List<JsonNode> rows = rows(out);
            check(rows.size() == 3 && rows.stream().allMatch(r -> r.get("verified").asBoolean()), "3 verified rows: " + rows.size());
            String type = Files.getFileStore(dir).type();
            for (JsonNode row : rows)
                check(row.get("shm_dir").asText().equals(dir.toAbsolutePath().toString()) && row.get("shm_fs").asText().equals(type),
                        "the row records " + dir + " (" + type + "): " + row.get("shm_dir") + " (" + row.get("shm_fs") + ")");
            try (Stream<Path> left = Files.walk(dir)) {
                check(left.toList().equals(List.of(dir, mine)), "nothing left but the empty " + mine);
            }
            long dead = deadPid();
            Path deadThere = Files.createDirectory(mine.resolve("TransportBench-" + dead + "-abc123"));
            Files.writeString(deadThere.resolve("shm"), "x");
            Path deadInDefault = Files.createDirectories(SUITE_FOLDER.resolve("TransportBench-" + dead + "-def456"));
            try {
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--cleanup", "--shm-dir", dir.toString());
                check(r.code() == 0 && !Files.exists(deadThere) && r.out().contains(deadThere.toString()), "--cleanup --shm-dir removed and named " + deadThere + ": " + r.out() + r.err());
                check(Files.exists(deadInDefault) && !r.out().contains(deadInDefault.toString()), "and left " + SUITE_FOLDER + " alone: " + r.out());
            } finally {
                deleteTree(deadInDefault);
            }
        });

        test("on a 64 MiB /dev/shm (a container's), --quick's chronicle at 2 MB shrinks to fit, said in its row's note and the summary; nothing left", () -> {
            Path out = work.resolve("small-shm");
            TmpfsRun r = runOnTmpfs(SHM, "64m", SCRIPT.command(REPO, null, "--quick", "-m", "shm-spin,chronicle", "--sizes", "2M", "-o", out.toString()), Duration.ofMinutes(3));
            check(r.result().code() == 0, "exit 0: " + r.result().err());
            List<JsonNode> rows = rows(out);
            check(rows.size() == 3 && rows.stream().allMatch(row -> row.get("verified").asBoolean()), "the rows (shm-spin, its reference, chronicle) verified: " + rows.size());
            JsonNode chronicle = rows.stream().filter(row -> row.get("method").asText().equals("chronicle")).findFirst().orElseThrow();
            long n = chronicle.get("count").asLong();
            check(n >= TransportBench.MIN_FIT_RUN && n < 40, "fewer round trips than --quick's 40, at least " + TransportBench.MIN_FIT_RUN + ": " + n);
            String note = chronicle.get("note").asText();
            check(note.contains("shrunk to fit /dev/shm (tmpfs") && note.contains(n + " round trips instead of 40"), "the note says so: " + note);
            check(r.result().out().contains("chronicle at 2 MB shrunk to fit /dev/shm") && r.result().out().contains("--shm-dir"), "and the summary:\n" + r.result().out());
            check(r.left().isEmpty(), "left on /dev/shm: " + r.left());
        });

        test("a file system that fills up mid-run (chronicle's queues on a 64 MiB --shm-dir, filled from outside after the first row): exit 1, one line, the finished rows kept, nothing left, no crash", () -> {
            Path dir = Files.createDirectory(work.resolve("filled")), out = work.resolve("filled-out"), cwd = Files.createDirectory(work.resolve("filled-cwd"));
            // dd writes until the tmpfs is full, while run 2 writes into its queues.
            String fill = "D=$1; O=$2; shift 2; \"$@\" & pid=$!; "
                    + "while [ ! -s \"$O/results.csv\" ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done; "
                    + "dd if=/dev/zero of=\"$D/filler\" bs=64k 2>/dev/null; wait $pid; code=$?; rm -f \"$D/filler\"; exit $code";
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", fill, "fill", dir.toString(), out.toString()));
            cmd.addAll(SCRIPT.command(cwd, null, "-m", "chronicle", "-s", "1k", "-w", "100", "-d", "1s", "-r", "3", "--shm-dir", dir.toString(), "-o", out.toString()).command());
            TmpfsRun r = runOnTmpfs(dir, "64m", new ProcessBuilder(cmd).directory(cwd.toFile()), Duration.ofMinutes(3));
            List<String> err = r.result().errLines();
            check(r.result().code() == 1, "exit 1, was " + r.result().code() + ": " + err);
            check(err.size() == 1, "one line on stderr: " + err);
            check(err.get(0).contains("chronicle") && err.get(0).contains(" free") && (err.get(0).contains("needs") || err.get(0).contains("adds"))
                    && err.get(0).contains("--shm-dir"), "names the method, the free space, the need and what helps: " + err.get(0));
            List<JsonNode> rows = rows(out);
            check(!rows.isEmpty() && rows.size() < 3 && rows.stream().allMatch(row -> row.get("verified").asBoolean()), "the finished runs' rows, verified: " + rows.size());
            check(r.left().isEmpty(), "left on the file system: " + r.left());
            checkNoCrashLog(cwd);
            System.out.println("     " + err.get(0));
        });

        // shm-sem leaves semaphores too; with aeron the media driver dies with the parent, its directory in the run folder.
        for (String method : List.of("shm-sem", "agrona-ring", "aeron-ipc", "aeron-udp"))
        test("parent killed with SIGKILL during " + method + ": the responder exits by itself, the next start cleans up", () -> {
            Set<String> before = SCRIPT.suiteEntries();
            Process parent = SCRIPT.command(REPO, null, "-m", method, "-s", "100", "-n", "1000000000", "-w", "0", "-r", "1", "-o", work.resolve("pkill-" + method).toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ProcessHandle responder = SCRIPT.awaitChild(parent, Duration.ofMinutes(2));
            Thread.sleep(1000);
            ProcessHandle java = SCRIPT.javaOf(parent);
            Set<String> during = SCRIPT.entriesSince(before);
            java.destroyForcibly();
            parent.waitFor(5, TimeUnit.SECONDS);
            check(responder.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).get() != null || !responder.isAlive(), "the responder outlived its parent");
            check(!responder.isAlive(), "the responder is gone");
            Set<String> left = SCRIPT.suiteEntries();
            left.retainAll(during);
            check(!left.isEmpty(), "a killed run leaves its folder (so this test means something)");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--cleanup");
            check(r.code() == 0, "--cleanup exits 0");
            Set<String> still = SCRIPT.suiteEntries();
            still.retainAll(during);
            check(still.isEmpty(), "--cleanup removed the leftovers: " + still);
            for (String name : left) check(r.out().contains(name), "--cleanup says it removed " + name + ": " + r.out());
        });

        for (String method : ALL_METHODS) {
            test("SIGINT (Ctrl-C) during " + method + ": exit 130 without a crash, responder gone, files removed", () -> {
                Path cwd = Files.createDirectory(work.resolve("sigint-" + method));
                SCRIPT.interruptMidRun(cwd, "-m", method, "-s", "100", "-d", "10m", "-w", "0", "-r", "1", "-o", cwd.resolve("out").toString());
            });
        }

        test("two runs at the same time: both verified, separate files", () -> {
            Path a = work.resolve("twin-a"), b = work.resolve("twin-b");
            String[] common = {"-m", "shm-spin,shm-sem,uds,zmq-ipc,chronicle,agrona-ring,aeron-ipc,aeron-udp", "-s", "10k", "-n", "500", "-w", "100", "-r", "1"};
            List<Process> both = new ArrayList<>();
            for (Path out : List.of(a, b)) {
                List<String> args = new ArrayList<>(List.of(common));
                args.addAll(List.of("-o", out.toString()));
                both.add(SCRIPT.command(REPO, null, args.toArray(String[]::new)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(work.resolve(out.getFileName() + ".err").toFile()).start());
            }
            for (Process p : both) check(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, "both exit 0: " + Files.readString(work.resolve("twin-a.err")) + Files.readString(work.resolve("twin-b.err")));
            for (Path out : List.of(a, b)) check(rows(out).size() == 9 && rows(out).stream().allMatch(r -> r.get("verified").asBoolean()), "9 verified rows (8 methods, shm-spin's reference) in " + out);
        });

        deleteTree(work);
    }

}
