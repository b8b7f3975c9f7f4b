///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of RedisBench.java: its checks in-process (messages, sequences, URLs), and the script end to end against real Redis servers as a user runs it
//JAVA 17+
//SOURCES ../RedisBench.java
//SOURCES Harness.java
//RUNTIME_OPTIONS -Dsun.misc.unsafe.memory.access=allow

/*
 * Run through ./test.sh (which sets JBANG to the jbang it found), or alone:
 *   JBANG=./jbang ./jbang tests/RedisBenchTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 * Tests assert behaviour, never speed. They need redis-server on PATH for most runs (.ci/run installs
 * it); one test takes it off PATH to prove the embedded fallback.
 */

import com.fasterxml.jackson.databind.JsonNode;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

public class RedisBenchTest extends Harness {

    static final Script SCRIPT = new Script("RedisBench", "--role=consumer");
    static final List<String> ALL_METHODS = RedisBench.METHODS.stream().map(RedisBench.Method::name).toList();

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        unitTests();
        endToEndTests();
        System.exit(finish("RedisBenchTest"));
    }

    // ---------------------------------------------------------------- logic, in-process

    /** A checker keeping its reports; pub/sub's (every message, in order) or a shared queue's (rising). */
    static RedisBench.Checker checker(RedisBench.Payload p, boolean everyMessage, List<RedisBench.RunReport> reports) {
        return new RedisBench.Checker(p, everyMessage, false, 1000, n -> { }, reports::add);
    }

    static void unitTests() {
        test("sizes accept powers of 1000 and 1024, within range", () -> {
            var sizes = new RedisBench.SizeConverter();
            check(sizes.convert("1Ki") == 1024 && sizes.convert("1Mi") == 1 << 20 && sizes.convert("2M") == 2_000_000, "units");
            for (String bad : List.of("0", "7", "65Mi", "3X", "-5"))
                try {
                    sizes.convert(bad);
                    throw new AssertionError("accepted " + bad);
                } catch (picocli.CommandLine.TypeConversionException expected) { }
        });

        test("redis:// URLs: host, port, database and credentials; anything else refused with the reason", () -> {
            var e = RedisBench.Endpoint.parse("redis://10.1.2.3");
            check(e.host().equals("10.1.2.3") && e.port() == 6379 && e.database() == 0 && e.password() == null, "defaults: " + e);
            e = RedisBench.Endpoint.parse("redis://bob:secret@example.org:7000/3");
            check(e.user().equals("bob") && e.password().equals("secret") && e.port() == 7000 && e.database() == 3, "all parts: " + e);
            check(!e.shown().contains("secret"), "the password is never shown: " + e.shown());
            e = RedisBench.Endpoint.parse("redis://:pw@h:1");
            check(e.user() == null && e.password().equals("pw"), "password only: " + e);
            for (String bad : List.of("localhost:6379", "http://h:6379", "redis://:6379", "redis://h:0", "redis://h:70000", "redis://h:1/x", "redis://[bad"))
                try {
                    RedisBench.Endpoint.parse(bad);
                    throw new AssertionError("accepted " + bad);
                } catch (IllegalArgumentException expected) { }
        });

        test("a message is a plain msgpack map {seq, dtype, shape, ts, data} that any msgpack reader decodes", () -> {
            RedisBench.Payload p = new RedisBench.Payload(RedisBench.Dtype.float32, 400, 7, 0);
            byte[] m = p.encode(12, 34);
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(m)) {
                check(u.unpackMapHeader() == 5, "five entries");
                check(u.unpackString().equals("seq") && u.unpackLong() == 12, "seq");
                check(u.unpackString().equals("dtype") && u.unpackString().equals("float32"), "dtype");
                check(u.unpackString().equals("shape") && u.unpackArrayHeader() == 1 && u.unpackInt() == 100, "shape [100]");
                check(u.unpackString().equals("ts") && u.unpackLong() == 34, "timestamp");
                check(u.unpackString().equals("data"), "data");
                byte[] data = u.readPayload(u.unpackBinaryHeader());
                check(Arrays.equals(data, p.bodies[12 % RedisBench.Payload.BODIES]), "the array's bytes");
                check(!Arrays.equals(data, new byte[400]), "random, not zeros");
            }
        });

        test("good messages pass; each run ends at its marker, with every message counted and hashed", () -> {
            RedisBench.Payload p = new RedisBench.Payload(RedisBench.Dtype.float64, 256, 7, 0);
            List<RedisBench.RunReport> reports = new ArrayList<>();
            var c = checker(p, true, reports);
            long hash = 0;
            for (long s = 1; s <= 50; s++) {
                check(c.accept(p.encode(s, System.nanoTime())) == RedisBench.Checker.Seen.DATA, "data");
                hash += RedisBench.mix(s);
            }
            check(c.accept(p.marker(50, false)) == RedisBench.Checker.Seen.END_OF_RUN, "end of run");
            check(c.accept(p.encode(51, System.nanoTime())) == RedisBench.Checker.Seen.DATA, "the next run goes on from 51");
            check(c.accept(p.marker(1, true)) == RedisBench.Checker.Seen.END_OF_SESSION, "end of session");
            check(reports.size() == 2, "a report per run");
            RedisBench.RunReport r = reports.get(0);
            check(r.errors() == 0 && r.messages() == 50 && r.seqHash() == hash && !r.lost(), "50 messages, no error: " + r);
            check(reports.get(1).messages() == 1, "the second run counted apart: " + reports.get(1));
        });

        test("the checks catch a flipped data byte, another dtype, another shape, a gap, a duplicate and bytes that are not msgpack", () -> {
            RedisBench.Payload p = new RedisBench.Payload(RedisBench.Dtype.float64, 256, 7, 0);
            Map<String, byte[]> faults = new LinkedHashMap<>();
            byte[] flipped = p.encode(2, 0);
            flipped[flipped.length - 9] ^= 0x10;
            faults.put("CRC32C mismatch", flipped);
            faults.put("dtype", new RedisBench.Payload(RedisBench.Dtype.int64, 256, 7, 0).encode(2, 0));
            faults.put("shape", new RedisBench.Payload(RedisBench.Dtype.float64, 128, 7, 0).encode(2, 0));
            faults.put("a gap", p.encode(3, 0));
            faults.put("a duplicate", p.encode(1, 0));
            faults.put("msgpack", "not msgpack at all".getBytes(StandardCharsets.UTF_8));
            faults.forEach((what, message) -> {
                List<RedisBench.RunReport> reports = new ArrayList<>();
                var c = checker(p, true, reports);
                c.accept(p.encode(1, 0));
                c.accept(message);
                c.accept(p.marker(2, false));
                check(reports.get(0).errors() == 1 && reports.get(0).firstError().contains(what), what + " named: " + reports.get(0));
            });
        });

        test("a shared queue's consumer accepts rising sequences with gaps (the others' messages), not a step back", () -> {
            RedisBench.Payload p = new RedisBench.Payload(RedisBench.Dtype.int8, 64, 7, 0);
            List<RedisBench.RunReport> reports = new ArrayList<>();
            var c = checker(p, false, reports);
            for (long s : new long[]{1, 4, 5, 9}) c.accept(p.encode(s, 0));
            c.accept(p.encode(7, 0));
            c.accept(p.marker(9, false));
            check(reports.get(0).messages() == 4 && reports.get(0).errors() == 1 && reports.get(0).firstError().contains("message 7 after message 9"),
                    "four good, one out of order: " + reports.get(0));
        });

        test("the sequence hash is the same whichever consumer took which message", () -> {
            long whole = 0, a = 0, b = 0;
            for (long s = 1; s <= 1000; s++) {
                whole += RedisBench.mix(s);
                if (s % 3 == 0) a += RedisBench.mix(s); else b += RedisBench.mix(s);
            }
            check(a + b == whole, "split sums add up");
            check(whole - RedisBench.mix(500) + RedisBench.mix(1001) != whole, "a different set hashes differently");
        });
    }

    // ---------------------------------------------------------------- end to end

    /** Rows of a run that must have succeeded: exit 0, every method present at the size, verified, positive figures, the server named. */
    static void checkRows(Path out, Result r, List<String> methods, int size) throws IOException {
        check(r.code() == 0, "exit 0, was " + r.code() + ": " + r.err());
        List<JsonNode> rows = rows(out);
        for (String m : methods)
            check(rows.stream().anyMatch(row -> row.get("method").asText().equals(m) && row.get("size_bytes").asInt() == size), "a row for " + m + " at " + size + ": " + rows);
        for (JsonNode row : rows) {
            checkKindAndCpu(row);
            check(row.get("verified").asBoolean() && row.get("errors").asInt() == 0 && row.get("lost").asInt() == 0, "verified, nothing lost: " + row);
            check(row.get("msgs_per_s").asDouble() > 0 && row.get("mb_per_s").asDouble() > 0 && row.get("lat_p50_us").asDouble() > 0, "positive figures: " + row);
            check(!row.get("redis_version").asText().isEmpty() && row.get("note").asText().contains("Redis " + row.get("redis_version").asText()), "the server's version: " + row);
        }
        check(r.out().contains("All messages verified: yes"), "summary says verified:\n" + r.out());
        check(ourServers().isEmpty(), "no redis-server of ours left: " + ourServers());
    }

    /**
     * Every row says its kind (a method, or redis-benchmark's reference) and its CPU cost: some CPU per message,
     * and at most every core of the machine (its `cores`) busy, with half a core for the 10 ms ticks' rounding.
     */
    static void checkKindAndCpu(JsonNode row) {
        String expected = row.get("method").asText().startsWith("redis-benchmark") ? "reference" : "method";
        check(row.path("kind").asText().equals(expected), "kind " + expected + ": " + row);
        double cores = row.get("cores").asDouble();
        check(row.path("cpu_us_per_msg").isNumber() && row.get("cpu_us_per_msg").asDouble() > 0, "CPU per message > 0: " + row);
        // The kernel counts CPU in 10 ms ticks: on a short window each process (producer, consumers, server) may gain one at each end.
        double seconds = row.get("seconds").asDouble(), ticks = seconds >= 0.5 ? 0 : 2 * (2 + row.get("peers").asInt()) * 0.010 / Math.max(seconds, 1e-3);
        check(row.path("cpu_cores").isNumber() && row.get("cpu_cores").asDouble() >= 0 && row.get("cpu_cores").asDouble() <= cores + 0.5 + ticks,
                "cpu_cores within [0, " + cores + " + 0.5 + ticks]: " + row);
    }

    /**
     * redis-server processes started by RedisBench, still running: it starts them in their run folder
     * (--dir), which is their working directory (redis-server rewrites its command line, so that cannot tell).
     */
    static List<ProcessHandle> ourServers() {
        return ProcessHandle.allProcesses().filter(h -> isRedisServer(h) && link(h, "cwd").contains(SUITE_FOLDER + "/RedisBench-")).toList();
    }

    /** Debian's redis-server is a link to redis-check-rdb (one binary), which is what /proc/PID/exe names. */
    static boolean isRedisServer(ProcessHandle h) {
        String exe = link(h, "exe");
        return h.isAlive() && (exe.contains("redis-server") || exe.contains("redis-check-rdb"));
    }

    /** /proc/PID/<name>'s target, or "" where it cannot be read. */
    static String link(ProcessHandle h, String name) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + h.pid() + "/" + name)).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The redis-server below a running script. */
    static ProcessHandle awaitServer(Process launcher) throws Exception {
        for (int i = 0; i < 1200; i++) {
            Optional<ProcessHandle> s = launcher.descendants().filter(RedisBenchTest::isRedisServer).findFirst();
            if (s.isPresent()) return s.get();
            check(launcher.isAlive(), "the script runs");
            Thread.sleep(100);
        }
        throw new AssertionError("no redis-server started within 2 minutes");
    }

    static void endToEndTests() throws Exception {
        Path work = Files.createTempDirectory("redis-e2e");
        if (RedisBench.RedisServer.onPath() == null)
            System.out.println("NOTE no redis-server on PATH: the runs below use the embedded fallback (.ci/run installs redis-server)");

        test("--help documents every option, --list every method", () -> {
            Result help = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "--help");
            for (String o : List.of("--count", "--size", "--sizes", "--elements", "--dtype", "--pipeline", "--consumers", "--window", "--warmup",
                    "--duration", "--methods", "--list", "--runs", "--out", "--quick", "--redis-url", "--redis-server", "--pubsub-limit",
                    "redis-benchmark", "--timeout", "--seed", "--cleanup"))
                check(help.out().contains(o), "--help mentions " + o);
            Result list = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--list");
            check(list.code() == 0 && list.out().lines().count() == ALL_METHODS.size(), "one line per method:\n" + list.out());
            for (String m : ALL_METHODS) check(list.out().contains(m), m);
        });

        test("copied alone into an empty folder, --quick starts its own server, runs every method verified, leaves nothing behind", () -> {
            Set<String> before = SCRIPT.suiteEntries();
            Path alone = Files.createDirectory(work.resolve("alone"));
            Files.copy(SCRIPT.file(), alone.resolve("RedisBench.java"));
            Result r = SCRIPT.run(alone, null, Duration.ofMinutes(5), "--quick");
            checkRows(alone.resolve("results"), r, ALL_METHODS.stream().map(m -> m + "-p16").toList(), 1024);
            for (JsonNode row : rows(alone.resolve("results")))
                check(row.get("redis_origin").asText().startsWith("redis-server"), "the origin: " + row.get("redis_origin"));
            check(SCRIPT.entriesSince(before).isEmpty(), "run folders removed: " + SCRIPT.entriesSince(before));
        });

        test("--quick on JDK 25, without warnings", () -> {
            if (JDK25 == null) throw new Skip("no JDK 25 under /usr/lib/jvm");
            Path out = work.resolve("jdk25");
            Result r = SCRIPT.run(REPO, JDK25, Duration.ofMinutes(5), "--quick", "--out", out.toString());
            checkRows(out, r, ALL_METHODS.stream().map(m -> m + "-p16").toList(), 1024);
            check(rows(out).get(0).get("jdk").asText().contains("25"), "ran on 25: " + rows(out).get(0).get("jdk"));
            check(r.errLines().isEmpty(), "nothing on stderr: " + r.errLines());
        });

        test("no redis-server on PATH: it says so and runs the embedded-redis one, verified", () -> {
            // A PATH with everything of this machine's but redis-server.
            Path bin = Files.createDirectory(work.resolve("bin-without-redis"));
            List<String> dirs = new ArrayList<>(List.of(bin.toString()));
            Set<String> seen = new HashSet<>();
            for (String d : System.getenv("PATH").split(File.pathSeparator)) {
                Path dir = Path.of(d);
                if (!Files.isDirectory(dir) || !seen.add(dir.toRealPath().toString())) continue;
                if (Files.exists(dir.resolve("redis-server"))) {
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : (Iterable<Path>) files::iterator)
                            if (!f.getFileName().toString().startsWith("redis-") && !Files.exists(bin.resolve(f.getFileName())))
                                Files.createSymbolicLink(bin.resolve(f.getFileName()), f);
                    }
                } else {
                    dirs.add(d);
                }
            }
            Path out = work.resolve("embedded");
            ProcessBuilder pb = SCRIPT.command(REPO, null, "--quick", "-o", out.toString());
            pb.environment().put("PATH", String.join(File.pathSeparator, dirs));
            Result r = run(pb, Duration.ofMinutes(5));
            checkRows(out, r, ALL_METHODS.stream().map(m -> m + "-p16").toList(), 1024);
            check(r.err().contains("no redis-server on PATH; using the embedded-redis"), "says so: " + r.err());
            for (JsonNode row : rows(out))
                check(row.get("redis_origin").asText().contains("embedded-redis") && row.get("redis_version").asText().startsWith("6."), "the embedded one, Redis 6: " + row);
        });

        test("--consumers 3: pub/sub delivers every message to each, list and stream share them out, once each", () -> {
            Path out = work.resolve("three");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "--consumers", "3", "--pipeline", "1,8", "-n", "3000", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out);
            check(rows.size() == 6, "3 methods x 2 pipeline depths: " + rows.size());
            for (JsonNode row : rows) {
                check(row.get("verified").asBoolean() && row.get("peers").asInt() == 3 && row.get("per_consumer_msgs_per_s").size() == 3, "3 consumers, verified: " + row);
                long expected = row.get("method").asText().startsWith("pubsub") ? 9000 : 3000;
                check(row.get("received").asLong() == expected, row.get("method") + " delivered " + expected + ": " + row.get("received"));
            }
            check(rows.stream().map(x -> x.get("method").asText()).toList().containsAll(List.of("pubsub", "list", "stream", "pubsub-p8", "list-p8", "stream-p8")), "named by depth");
        });

        test("--consumers 5 sharing a list and a stream over several runs, more messages than the window: each run verified, none stalls", () -> {
            Path out = work.resolve("five");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "-m", "list,stream", "--consumers", "5", "--size", "1Ki", "--pipeline", "16",
                    "-n", "40000", "-r", "3", "-w", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out);
            check(rows.size() == 6, "2 methods x 3 runs: " + rows.size());
            for (JsonNode row : rows)
                check(row.get("verified").asBoolean() && row.get("received").asLong() == 40000 && row.get("window").asInt() < 40000, "all shared out once: " + row);
        });

        test("--duration bounds a run by time", () -> {
            Path out = work.resolve("duration");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "list", "--size", "1Ki", "--pipeline", "16", "-d", "1s", "-w", "0", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("seconds").asDouble() >= 1.0 && row.get("seconds").asDouble() < 4 && row.get("count").asLong() > 100, "about a second, many messages: " + row);
        });

        for (String method : ALL_METHODS) {
            test("a message corrupted in transit is caught by " + method + ": row verified=false, exit 1", () -> {
                Path out = work.resolve("corrupt-" + method);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", method, "--size", "1Ki", "-n", "300", "-w", "0", "-r", "1", "--corrupt", "100", "-o", out.toString());
                check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
                check(r.err().contains("verification failed") && r.err().contains("message 100: CRC32C mismatch"), "says which message: " + r.err());
                JsonNode row = rows(out).get(0);
                check(row.get("method").asText().equals(method) && !row.get("verified").asBoolean() && row.get("errors").asInt() == 1, "row marked: " + row);
            });
        }

        test("a subscriber Redis disconnects for its output buffer limit: lost messages counted, row failed, exit 1, no hang", () -> {
            Path out = work.resolve("lost");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "pubsub", "--size", "64Ki", "-n", "3000", "--pipeline", "16", "--window", "0",
                    "--pubsub-limit", "256Ki", "--stall-consumer", "3000", "-w", "0", "-r", "1", "-o", out.toString());
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.err().contains("messages lost") && r.err().contains("disconnected"), "says what was lost and why: " + r.err());
            JsonNode row = rows(out).get(0);
            check(!row.get("verified").asBoolean() && row.get("lost").asLong() > 0 && row.get("received").asLong() < 3000, "row failed with the loss: " + row);
            check(ourServers().isEmpty(), "server stopped");
        });

        test("bad input: exit 2, one line naming the option and value, nothing started or written", () -> {
            Path file = Files.writeString(work.resolve("a-file"), "x");
            List<String[]> cases = List.of(
                    new String[]{"--consumers", "0"},
                    new String[]{"--pipeline", "0"},
                    new String[]{"--pipeline", "1,0"},
                    new String[]{"--methods", "kafka"},
                    new String[]{"--dtype", "float16"},
                    new String[]{"--size", "12"},
                    new String[]{"--count", "0"},
                    new String[]{"--runs", "0"},
                    new String[]{"--runs", "many"},
                    new String[]{"--window", "-1"},
                    new String[]{"--timeout", "0s"},
                    new String[]{"--pubsub-limit", "10"},
                    new String[]{"--redis-url", "localhost:6379"},
                    new String[]{"--redis-url", "http://localhost:6379"},
                    new String[]{"--redis-url", "redis://localhost:99999"},
                    new String[]{"--redis-url", "redis://[bad"},
                    new String[]{"--redis-server", "/no/such/redis-server"},
                    new String[]{"--out", file.resolve("results").toString()});
            SCRIPT.rejects(Files.createDirectory(work.resolve("bad-input")), cases);
            check(ourServers().isEmpty(), "no server started");
        });

        test("a URL that answers nothing: exit 1 within the timeout, one line naming the URL", () -> {
            int port = freePort();
            Path cwd = Files.createDirectory(work.resolve("no-server"));
            Result r = SCRIPT.run(cwd, null, Duration.ofMinutes(2), "--quick", "--redis-url", "redis://127.0.0.1:" + port, "--timeout", "3s");
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1 && r.errLines().get(0).contains("redis://127.0.0.1:" + port), "one line naming the URL: " + r.errLines());
            check(r.seconds() < 60, "within the timeout (JVM start included): " + r.seconds());
        });

        test("a server elsewhere through --redis-url: used, named in the rows, its keys removed after", () -> {
            int port = freePort();
            Process server = new ProcessBuilder(serverCommand(port, "127.0.0.1")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                awaitPing("127.0.0.1", port);
                Path out = work.resolve("remote");
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "--redis-url", "redis://127.0.0.1:" + port, "-o", out.toString());
                checkRows(out, r, ALL_METHODS.stream().map(m -> m + "-p16").toList(), 1024);
                for (JsonNode row : rows(out)) check(row.get("redis_origin").asText().equals("--redis-url redis://127.0.0.1:" + port), "origin: " + row.get("redis_origin"));
                check(server.isAlive(), "the server is left running");
                try (var j = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
                    check(j.keys("ipcbench:*").isEmpty(), "no keys left: " + j.keys("ipcbench:*"));
                }
            } finally {
                server.destroyForcibly();
            }
        });

        test("the server killed mid-run: exit 1 within 5 s, the rows finished so far written, no process left", () -> {
            Path out = work.resolve("server-killed");
            Path err = work.resolve("server-killed.err");
            Process launcher = SCRIPT.command(REPO, null, "-m", "list,stream", "--size", "1Ki", "--pipeline", "16", "-d", "2s", "-r", "1", "-w", "0", "-o", out.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            try {
                ProcessHandle server = awaitServer(launcher);
                Path jsonl = out.resolve("results.jsonl");
                for (int i = 0; i < 600 && !Files.exists(jsonl); i++) Thread.sleep(100);
                check(Files.exists(jsonl), "the first row was written: " + Files.readString(err));
                Thread.sleep(1000);      // the second method is running
                List<ProcessHandle> consumers = SCRIPT.children(launcher);
                server.destroyForcibly();
                long t0 = System.nanoTime();
                check(launcher.waitFor(5, TimeUnit.SECONDS), "the script still ran 5 s after the server died");
                System.out.printf("     (ended %.2f s after the kill)%n", (System.nanoTime() - t0) / 1e9);
                String text = Files.readString(err);
                check(launcher.exitValue() == 1 && text.contains("the Redis server") && text.contains("stream"), "exit 1 naming the server's end: " + launcher.exitValue() + " " + text);
                check(rows(out).size() == 1 && rows(out).get(0).get("method").asText().equals("list-p16"), "the finished row kept: " + rows(out));
                for (ProcessHandle c : consumers) check(c.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).get() != null, "consumer gone: " + c.pid());
                check(ourServers().isEmpty(), "no server left");
            } finally {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        });

        for (String method : ALL_METHODS) {
            test("a consumer killed with SIGKILL during " + method + ": the producer exits 1 within 5 s, nothing left", () -> {
                SCRIPT.killChildMidRun(work, method, "-m", method, "--size", "1Ki", "-d", "10m", "-w", "0", "-r", "1", "-o", work.resolve("kill-" + method).toString());
                check(ourServers().isEmpty(), "no server left");
            });
        }

        // pubsub's producer waits for the slowest subscriber, list's for the consumers together (and the consumer waits in BRPOP).
        for (String method : List.of("pubsub")) {     // the same watchdog ends every method's run
            test("a child stopped with SIGSTOP mid-run is detected within --timeout during " + method + ": the consumer named, the rows kept, exit 1, consumer and server gone", () -> {
                Path out = work.resolve("stop-" + method);
                String err = SCRIPT.stopChildMidRun(work, out, method + "-p16", "consumer 0 (pid", Duration.ofSeconds(3),
                        "-m", method, "--size", "1Ki", "--pipeline", "16", "-d", "1s", "-w", "0", "-r", "3", "--no-redis-benchmark", "-o", out.toString());
                check(err.contains("is stopped"), "says the consumer is stopped, not dead: " + err);
                List<JsonNode> rows = rows(out);
                check(!rows.isEmpty() && rows.size() < 3 && rows.stream().allMatch(r -> r.get("verified").asBoolean() && r.get("method").asText().equals(method + "-p16")),
                        "the finished runs' rows, verified: " + rows);
                for (int i = 0; i < 50 && !ourServers().isEmpty(); i++) Thread.sleep(100);
                check(ourServers().isEmpty(), "no server left: " + ourServers());
            });
        }

        test("SIGINT (Ctrl-C) during pubsub: exit 130 without a crash, consumers and server gone, files removed", () -> {
            Path cwd = Files.createDirectory(work.resolve("sigint"));
            SCRIPT.interruptMidRun(cwd, "-m", "pubsub", "--consumers", "2", "--size", "1Ki", "-d", "10m", "-w", "0", "-r", "1", "-o", cwd.resolve("out").toString());
            for (int i = 0; i < 50 && !ourServers().isEmpty(); i++) Thread.sleep(100);
            check(ourServers().isEmpty(), "no server left: " + ourServers());
        });

        test("two runs at the same time: both verified, separate servers and keys", () -> {
            List<Process> both = new ArrayList<>();
            for (String name : List.of("twin-a", "twin-b"))
                both.add(SCRIPT.command(REPO, null, "--quick", "-o", work.resolve(name).toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(work.resolve(name + ".err").toFile()).start());
            for (Process p : both)
                check(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, "both exit 0: " + Files.readString(work.resolve("twin-a.err")) + Files.readString(work.resolve("twin-b.err")));
            for (String name : List.of("twin-a", "twin-b")) {
                List<JsonNode> rows = rows(work.resolve(name));
                check(rows.size() == ALL_METHODS.size() && rows.stream().allMatch(r -> r.get("verified").asBoolean()), "verified rows in " + name);
            }
        });

        test("redis-benchmark's PUBLISH rate against the same server: reference rows beside pubsub (same payload, size, depth and count), never the fastest", () -> {
            Path tool = Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(d -> Path.of(d, "redis-benchmark")).filter(Files::isExecutable).findFirst().orElse(null);
            if (tool == null) throw new Skip("no redis-benchmark on PATH (Debian package redis-tools)");
            Path out = work.resolve("reference");
            // No -n: pubsub runs for about a second, and redis-benchmark publishes as many requests as it sent.
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "-m", "pubsub", "--size", "1Ki", "--pipeline", "1,16", "-r", "1", "-w", "0", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out);
            check(rows.stream().noneMatch(x -> x.get("method").asText().contains("limit")), "no limit-* row: " + rows);
            for (String depth : List.of("", "-p16")) {
                JsonNode ref = rows.stream().filter(x -> x.get("method").asText().equals("redis-benchmark" + depth)).findFirst()
                        .orElseThrow(() -> new AssertionError("no redis-benchmark" + depth + " row: " + rows));
                JsonNode method = rows.stream().filter(x -> x.get("method").asText().equals("pubsub" + depth)).findFirst().orElseThrow();
                checkKindAndCpu(ref);
                checkKindAndCpu(method);
                check(ref.get("verified").asBoolean() && ref.get("msgs_per_s").asDouble() > 0 && ref.get("received").asLong() == ref.get("count").asLong(),
                        "every request delivered to the subscriber: " + ref);
                for (String same : List.of("payload", "size_bytes", "batch", "peers", "pattern"))
                    check(ref.get(same).equals(method.get(same)), "the same " + same + " as pubsub" + depth + ": " + ref.get(same) + " vs " + method.get(same));
                long batch = method.get("batch").asLong(), extra = ref.get("count").asLong() - method.get("count").asLong();
                check(extra >= 0 && extra < batch, "as many requests as pubsub" + depth + " sent, in whole batches of " + batch + ": " + ref.get("count") + " vs " + method.get("count"));
                check(ref.get("payload").asText().equals("float64"), "labelled with the arrays' payload: " + ref.get("payload"));
                String note = ref.get("note").asText();
                check(note.contains("PUBLISH requests answered per second") && note.contains("no subscriber deliveries") && note.contains("CPU: redis-benchmark and the server"),
                        "the note says what it measures: " + note);
            }
            check(r.out().lines().anyMatch(l -> l.contains("redis-benchmark-p16") && l.contains("(reference)")), "in the summary, marked as a reference:\n" + r.out());
            // pubsub is the only method of each configuration: the fastest (1.00x), whatever redis-benchmark reached.
            List<String> pubsubLines = r.out().lines().filter(l -> l.matches(".*\\spubsub(-p16)?\\s.*")).toList();
            check(pubsubLines.size() == 2 && pubsubLines.stream().allMatch(l -> l.strip().endsWith("1.00x")), "pubsub ranked against methods only:\n" + r.out());
        });

        test("no -n: warm-up, then a measured run of at least about a second, its count in the row, throughput = count / window", () -> {
            Path out = work.resolve("default-length");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "list", "--size", "8", "--pipeline", "16", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            checkKindAndCpu(row);
            double seconds = row.get("seconds").asDouble();
            long count = row.get("count").asLong();
            check(seconds >= 0.9, "the measured run lasted at least about 1 s: " + row);
            check(count >= RedisBench.DEFAULT_FLOOR && row.get("received").asLong() == count && row.get("verified").asBoolean(), "the count used, all received: " + row);
            check(Math.abs(row.get("msgs_per_s").asDouble() * seconds / count - 1) < 0.01, "msgs/s = count / seconds: " + row);
            System.out.printf("     (%,d messages of 8 B in %.2f s; the old fixed default was 100,000)%n", count, seconds);
        });

        test("--runs auto: 6 to 10 runs, numbered, the summary with the median's interval", () -> {
            Path out = work.resolve("auto");
            // Runs of 0.2 s: long enough for the CPU meter's 10 ms ticks to give cpu_cores within a fraction of a core.
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "list", "--size", "1Ki", "--pipeline", "16", "-d", "200ms", "-w", "0", "--runs", "auto",
                    "--no-redis-benchmark", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out);
            check(rows.size() >= 6 && rows.size() <= 10, "6 to 10 runs: " + rows.size());
            for (int i = 0; i < rows.size(); i++) {
                check(rows.get(i).get("run").asInt() == i + 1 && rows.get(i).get("verified").asBoolean(), "run " + (i + 1) + ": " + rows.get(i));
                checkKindAndCpu(rows.get(i));
            }
            check(r.out().lines().anyMatch(l -> l.contains("list-p16") && l.contains("[") && l.contains("]")), "an interval in the summary:\n" + r.out());
        });

        test("synthetic timeline: a consumer stalling 50 ms mid-run, window 1: the stall is inside the window and the latency of the message due during it", () -> {
            // With --window 1 the producer is at most one message ahead: while the consumer stalls (after checking
            // message 150, before reporting it), no message is in flight. The stall reaches a latency only because
            // message 151 is stamped when it is due, before the producer waits for its window; stamped after the
            // wait, every latency stays a hop (this test failed so against the earlier stamping).
            Path out = work.resolve("stall");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "pubsub", "--size", "1Ki", "--pipeline", "1", "--window", "1", "-n", "300",
                    "-w", "1", "-r", "1", "--pause-consumer", "50", "--pause-at", "150", "--no-redis-benchmark", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("verified").asBoolean() && row.get("count").asLong() == 300, "verified, 300 messages: " + row);
            check(row.get("seconds").asDouble() >= 0.05, "the stall is inside the window: " + row.get("seconds"));
            check(row.get("lat_max_us").asDouble() >= 50_000, "the stall is inside the latency of the message due during it: " + row.get("lat_max_us"));
        });

        test("--cleanup removes a killed run's folder and stops the redis-server it left", () -> {
            Path dir = SUITE_FOLDER.resolve("RedisBench-" + deadPid() + "-abc123");
            Files.createDirectories(dir);
            int port = freePort();
            List<String> cmd = new ArrayList<>(serverCommand(port, "127.0.0.1"));
            cmd.addAll(List.of("--pidfile", dir.resolve("redis.pid").toString(), "--dir", dir.toString()));
            Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                awaitPing("127.0.0.1", port);
                for (int i = 0; i < 50 && !Files.exists(dir.resolve("redis.pid")); i++) Thread.sleep(100);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--cleanup");
                check(r.code() == 0 && r.out().contains(dir.toString()), "names what it removed: " + r.out() + r.err());
                check(!Files.exists(dir), "folder gone");
                check(server.waitFor(5, TimeUnit.SECONDS), "the left redis-server stopped");
            } finally {
                server.destroyForcibly();
                deleteTree(dir);
            }
        });

        test("--cleanup removes this script's dead run folder and says so; another script's dead one and a live one of its own stay", SCRIPT::cleansOnlyItsOwn);

        test("a results folder whose results.csv has other columns: exit 2, one line naming --out, the file unchanged, nothing run", SCRIPT::refusesAnotherSchema);

        test("a server in another network namespace, reached through --redis-url", () -> netnsRun(work));

        deleteTree(work);
    }

    /** A throwaway redis-server for the tests that play "a server elsewhere": no persistence, in the foreground. */
    static List<String> serverCommand(int port, String bind) {
        Path binary = RedisBench.RedisServer.onPath();
        if (binary == null) throw new Skip("no redis-server on PATH to play a remote server (.ci/run installs it)");
        return new ArrayList<>(List.of(binary.toString(), "--port", String.valueOf(port), "--bind", bind, "--save", "", "--appendonly", "no",
                "--protected-mode", "no", "--daemonize", "no", "--dir", System.getProperty("java.io.tmpdir")));
    }

    static void awaitPing(String host, int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (var j = new redis.clients.jedis.Jedis(host, port)) {
                if ("PONG".equals(j.ping())) return;
            } catch (redis.clients.jedis.exceptions.JedisException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("redis-server on " + host + ":" + port + " did not answer");
    }

    /**
     * The multi-host case: redis-server in a second network namespace, joined to this one by a veth pair,
     * the script here reaching it by its address, as a user reaches a server on another machine.
     */
    static void netnsRun(Path work) throws Exception {
        String ns = "rbn" + Long.toString(ProcessHandle.current().pid() % 100_000, 36);
        int subnet = (int) (ProcessHandle.current().pid() % 200) + 20;
        String here = "10.214." + subnet + ".1", there = "10.214." + subnet + ".2";
        Result probe = run(new ProcessBuilder("ip", "netns", "add", ns), Duration.ofSeconds(20));
        if (probe.code() != 0) throw new Skip("'ip netns add' is not permitted here (" + probe.err().strip() + "); a remote server needs a second network namespace");
        Process server = null;
        try {
            for (String[] cmd : List.of(new String[]{"ip", "link", "add", "h" + ns, "type", "veth", "peer", "name", "t" + ns},
                    new String[]{"ip", "link", "set", "t" + ns, "netns", ns},
                    new String[]{"ip", "addr", "add", here + "/24", "dev", "h" + ns}, new String[]{"ip", "-n", ns, "addr", "add", there + "/24", "dev", "t" + ns},
                    new String[]{"ip", "link", "set", "h" + ns, "up"}, new String[]{"ip", "-n", ns, "link", "set", "t" + ns, "up"},
                    new String[]{"ip", "-n", ns, "link", "set", "lo", "up"})) {
                Result r = run(new ProcessBuilder(cmd), Duration.ofSeconds(20));
                check(r.code() == 0, String.join(" ", cmd) + ": " + r.err());
            }
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            cmd.addAll(serverCommand(6379, there));
            server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("netns-server.log").toFile()).start();
            awaitPing(there, 6379);
            Path out = work.resolve("netns");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "--redis-url", "redis://" + there + ":6379", "--consumers", "2", "-o", out.toString());
            checkRows(out, r, ALL_METHODS.stream().map(m -> m + "-p16").toList(), 1024);
            for (JsonNode row : rows(out))
                check(row.get("redis_origin").asText().contains(there) && row.get("peers").asInt() == 2, "the row names the remote server: " + row.get("redis_origin"));
        } finally {
            if (server != null) { server.descendants().forEach(ProcessHandle::destroyForcibly); server.destroyForcibly(); server.waitFor(5, TimeUnit.SECONDS); }
            run(new ProcessBuilder("ip", "link", "del", "h" + ns), Duration.ofSeconds(20));
            run(new ProcessBuilder("ip", "netns", "del", ns), Duration.ofSeconds(20));
        }
    }
}
