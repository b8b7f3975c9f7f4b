///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of ZmqBench.java: its logic in-process (checker, plan, rows), and the script end to end, locally and across two network namespaces
//JAVA 17+
//SOURCES ../ZmqBench.java
//SOURCES Harness.java

/*
 * Run through ./test.sh (which sets JBANG to the jbang it found), or alone:
 *   JBANG=./jbang ./jbang tests/ZmqBenchTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 * Tests assert behaviour, never speed.
 */

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public class ZmqBenchTest extends Harness {

    static final Script SCRIPT = new Script("ZmqBench", "--spawned", false);   // no files: its sockets are ports and in-process names
    static final List<String> PATTERNS = List.of("push-pull", "pub-sub", "req-rep");
    static final List<String> METHODS = List.of("tcp", "ipc", "inproc");   // ZeroMQ's transports
    static final String RAW = "ref-jeromq-raw";     // the bare loop run beside push-pull tcp: a reference

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        unitTests();
        endToEndTests();
        System.exit(finish("ZmqBenchTest"));
    }

    // ---------------------------------------------------------------- logic, in-process

    static ZmqBench.RunSpec spec(String pattern, int msgBytes) {
        return new ZmqBench.RunSpec(pattern, ZmqBench.Method.tcp, msgBytes, null, 1, msgBytes, 100, 0, false, 1000, 1000, 4 << 20, 42, 0, true, 1, 0, 0, 0, false);
    }

    /** The body of message seq as the sender sends it (the body of its variant). */
    static byte[] body(ZmqBench.RunSpec s, long seq) {
        byte[] m = new ZmqBench.Payload(s, true).messages[(int) (seq % ZmqBench.Payload.VARIANTS)];
        return Arrays.copyOfRange(m, ZmqBench.Payload.HEADER, m.length);
    }

    /** A message of one frame as a receiver gets it: the header (seq, stamp), then the body. */
    static ZmqBench.Received received(long seq, long stamp, byte[] body) {
        ByteBuffer m = ByteBuffer.allocate(ZmqBench.Payload.HEADER + body.length).putLong(seq).putLong(stamp).put(body);
        return new ZmqBench.Received(seq, stamp, new zmq.Msg(m.array()), null);
    }

    /** Message seq as the sender builds it, as a receiver sees it. */
    static ZmqBench.Received message(ZmqBench.RunSpec s, long seq) {
        return received(seq, System.nanoTime(), body(s, seq));
    }

    static void unitTests() {
        test("sizes accept powers of 1000 and 1024, from the 16-byte header to 64 MiB", () -> {
            var sizes = new ZmqBench.SizeConverter();
            Map<String, Integer> good = Map.of("16", 16, "100", 100, "10k", 10_000, "2M", 2_000_000, "64Ki", 65_536, "64Mi", 64 << 20);
            good.forEach((text, bytes) -> check(sizes.convert(text).equals(bytes), text + " should be " + bytes));
            for (String bad : List.of("15", "0", "65Mi", "3X", "-5", "1.5k")) {
                try {
                    sizes.convert(bad);
                    throw new AssertionError("size " + bad + " accepted");
                } catch (picocli.CommandLine.TypeConversionException expected) {
                    check(expected.getMessage().contains(bad), "names the value: " + expected.getMessage());
                }
            }
        });

        test("payload: seven distinct random bodies, never zeros; the receiver knows each one's CRC32C; a message is its header, then its variant's body", () -> {
            var s = spec("push-pull", 4096);
            var sender = new ZmqBench.Payload(s, true);
            var receiver = new ZmqBench.Payload(s, false);
            ByteBuffer m = ByteBuffer.wrap(sender.message(9, 123));
            check(m.getLong() == 9 && m.getLong() == 123 && m.equals(ByteBuffer.wrap(body(s, 9 % 7))), "message 9: seq, stamp, the body of variant 2");
            check(ByteBuffer.wrap(sender.messages[2], 0, 16).equals(ByteBuffer.allocate(16)), "the variant it was copied from keeps its header zero");
            Set<String> distinct = new HashSet<>();
            for (int v = 0; v < ZmqBench.Payload.VARIANTS; v++) {
                byte[] body = body(s, v);
                check(body.length == 4096 - 16, "body is the message less its header");
                check(!Arrays.equals(body, new byte[body.length]), "not zeros");
                distinct.add(Arrays.toString(body));
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                crc.update(body);
                check((int) crc.getValue() == receiver.crc(v) && receiver.crc(v + 7) == receiver.crc(v), "CRC of variant " + v + " known to the receiver");
            }
            check(distinct.size() == ZmqBench.Payload.VARIANTS, "seven different bodies");
        });

        test("the checker passes a clean stream and catches a flipped byte, a gap, a duplicate and a wrong length", () -> {
            var s = spec("push-pull", 1024);
            var clean = new ZmqBench.Checker(new ZmqBench.Payload(s, false), false, true);
            for (long seq = 0; seq < 50; seq++) clean.check(message(s, seq), System.nanoTime());
            check(clean.errors == 0 && clean.received == 50 && clean.latency.getTotalCount() == 50, "50 clean messages: " + clean.firstError);

            var flipped = new ZmqBench.Checker(new ZmqBench.Payload(s, false), false, false);
            byte[] wrong = body(s, 0);
            wrong[100] ^= 1;
            flipped.check(received(0, 0, wrong), 0);
            check(flipped.errors == 1 && flipped.firstError.contains("CRC32C"), "flipped byte: " + flipped.firstError);

            var gap = new ZmqBench.Checker(new ZmqBench.Payload(s, false), false, false);
            gap.check(message(s, 0), 0);
            gap.check(message(s, 2), 0);
            check(gap.errors == 1 && gap.firstError.contains("missing"), "gap: " + gap.firstError);

            var dup = new ZmqBench.Checker(new ZmqBench.Payload(s, false), false, false);
            dup.check(message(s, 0), 0);
            dup.check(message(s, 0), 0);
            check(dup.errors == 1 && dup.firstError.contains("again"), "duplicate: " + dup.firstError);

            var shortBody = new ZmqBench.Checker(new ZmqBench.Payload(s, false), false, false);
            shortBody.check(received(0, 0, new byte[10]), 0);
            check(shortBody.errors == 1 && shortBody.firstError.contains("10 bytes"), "length: " + shortBody.firstError);

            var stale = new ZmqBench.Checker(new ZmqBench.Payload(s, false), false, false);
            stale.check(received(0, 0, body(s, 1)), 0);
            check(stale.errors == 1 && stale.firstError.contains("CRC32C"), "the body of another message is caught: " + stale.firstError);
        });

        test("pub-sub: a jump forward is a loss, not an error; going back still is", () -> {
            var s = spec("pub-sub", 256);
            var c = new ZmqBench.Checker(new ZmqBench.Payload(s, false), true, false);
            c.check(message(s, 0), 0);
            c.check(message(s, 5), 0);
            check(c.errors == 0 && c.received == 2, "skipped messages are no error: " + c.firstError);
            c.check(message(s, 3), 0);
            check(c.errors == 1, "an older message after a newer one is");
        });

        test("plan: fallback counts by size (-w 0), req-rep a tenth; high-water marks capped at 16 MiB queued; array messages hold a batch; the default sweep of five sizes", () -> {
            var cl = new picocli.CommandLine(new ZmqBench());
            ZmqBench.Matrix m = ((ZmqBench) cl.getCommand()).matrix;
            cl.parseArgs("-o", System.getProperty("java.io.tmpdir") + "/zmq-plan");
            ZmqBench.Plan plan = m.plan(cl);
            var small = plan.spec(ZmqBench.PatternKind.PUSH_PULL, ZmqBench.Method.tcp, false, 64, 1, true);
            var big = plan.spec(ZmqBench.PatternKind.PUSH_PULL, ZmqBench.Method.tcp, false, 4 << 20, 1, true);
            var rr = plan.spec(ZmqBench.PatternKind.REQ_REP, ZmqBench.Method.tcp, false, 64, 1, true);
            check(small.messages() == 200_000 && big.messages() == 200 && rr.messages() == 10_000, "counts: " + small.messages() + ", " + big.messages() + ", " + rr.messages());
            check(small.sndhwm() == 1000 && big.sndhwm() == 4 && big.rcvhwm() == 4, "HWM: " + small.sndhwm() + ", " + big.sndhwm());
            check(plan.itemSizes().equals(List.of(64, 1 << 10, 16 << 10, 256 << 10, 4 << 20)) && plan.patterns().size() == 3 && plan.methods().size() == 3, "the default matrix: " + plan.itemSizes());
            check(plan.autoLength() && plan.runs().count() == 3 && !plan.runs().auto(), "no -n/-d: runs sized from the warm-up; 3 runs");

            cl = new picocli.CommandLine(new ZmqBench());
            m = ((ZmqBench) cl.getCommand()).matrix;
            cl.parseArgs("--elements", "1000", "--dtype", "int32", "-b", "10", "-n", "500", "--sndhwm", "7", "--sockbuf", "256Ki", "-o", System.getProperty("java.io.tmpdir") + "/zmq-plan");
            var arrays = m.plan(cl).spec(ZmqBench.PatternKind.PUB_SUB, ZmqBench.Method.ipc, false, 4000, 1, true);
            check(arrays.msgBytes() == 16 + 10 * 4000 && arrays.messages() == 50 && arrays.batch() == 10, "array messages: " + arrays);
            check(arrays.sndhwm() == 7 && arrays.rcvhwm() == 7 && arrays.sockbuf() == 256 << 10, "--rcvhwm follows --sndhwm; --sockbuf");
        });

        test("rows: the total of several pairs is all messages over first start to last end; histograms merge; pub-sub losses counted; csv and jsonl follow the suite schema", () -> {
            Path dir = Files.createTempDirectory("zmq-results");
            try {
                var cl = new picocli.CommandLine(new ZmqBench());
                ZmqBench.Matrix m = ((ZmqBench) cl.getCommand()).matrix;
                cl.parseArgs("--pairs", "2", "-o", dir.toString());
                ZmqBench.Plan plan = m.plan(cl);
                var s = plan.spec(ZmqBench.PatternKind.PUB_SUB, ZmqBench.Method.tcp, false, 1000, 1, true);
                Histogram h = new Histogram(3);
                for (int i = 1; i <= 100; i++) h.recordValue(i * 1000L);
                String hist = ZmqBench.RunReport.encode(h);
                long ms = 1_000_000L, t0 = 5_000 * ms;
                // A synthetic timeline on one clock: pair 1 sends from t0, its last receipt at t0 + 500 ms; pair 2 starts 200 ms
                // late and ends at t0 + 700 ms. Each pair's window is 0.5 s; the total spans 0.7 s.
                List<ZmqBench.RunReport[]> reports = List.of(
                        new ZmqBench.RunReport[]{new ZmqBench.RunReport("sender", 0, 1000, 1000, 0.49, 0, 0, null, null, t0, t0 + 490 * ms, 0, 0),
                                new ZmqBench.RunReport("receiver", 0, 900, 899, 0.45, 0, 100, null, hist, t0 + 50 * ms, t0 + 500 * ms, 0, 0)},
                        new ZmqBench.RunReport[]{new ZmqBench.RunReport("sender", 1, 1000, 1000, 0.49, 0, 0, null, null, t0 + 200 * ms, t0 + 690 * ms, 0, 0),
                                new ZmqBench.RunReport("receiver", 1, 1000, 999, 0.45, 0, 0, null, hist, t0 + 250 * ms, t0 + 700 * ms, 0, 0)});
                var row = ZmqBench.Row.of(s, plan, reports, "a, \"quoted\" note", true, n -> ZmqBench.CpuMeter.fields(700 * ms, 700 * ms, n));
                check(Math.abs(row.rate - (900 + 1000) / 0.7) < 1e-6, "all messages over first start to last end: " + row.rate + ", not the longest pair's window");
                check(row.fields.get("seconds").equals(0.7) && row.fields.get("count").equals(1900L), "seconds and count: " + row.fields);
                check(row.pairRates.startsWith("1,800, 2,000 "), "each pair over its own window, first send to last receipt: " + row.pairRates);
                check(row.hist.getTotalCount() == 200 && row.lostShare == 0.05, "histograms merged, 100 of 2000 lost");
                check(row.method.equals("tcp-x2") && row.fields.get("peers").equals(4) && row.fields.get("kind").equals("method"), "two pairs, a method: " + row.method);
                check(Math.abs(((Number) row.fields.get("cpu_cores")).doubleValue() - 1.0) < 1e-9
                        && Math.abs(((Number) row.fields.get("cpu_us_per_msg")).doubleValue() - 700_000.0 / 1900) < 1e-3, "CPU per message and cores: " + row.fields);

                // Pairs whose workers are on different clocks: the receivers' own windows (first receipt to last), over the longest.
                var apart = plan.spec(ZmqBench.PatternKind.PUB_SUB, ZmqBench.Method.tcp, false, 1000, 1, false);
                var far = ZmqBench.Row.of(apart, plan, reports, "n", false, n -> ZmqBench.CpuMeter.fields(0, 1, n));
                check(Math.abs(far.rate - (899 + 999) / 0.45) < 1e-6 && far.fields.get("note").toString().contains("longest pair"), "no shared clock: " + far.rate + " " + far.fields.get("note"));

                var inproc = plan.spec(ZmqBench.PatternKind.PUSH_PULL, ZmqBench.Method.inproc, false, 1000, 1, true);
                check(ZmqBench.Row.of(inproc, plan, reports, "n", true, n -> ZmqBench.CpuMeter.fields(0, 1, n)).reference(), "inproc rows are references");

                // ref-jeromq-raw: the bare loop's receivers record no latency; its row is a reference, named by the loop, not the transport.
                var raw = plan.spec(ZmqBench.PatternKind.PUSH_PULL, ZmqBench.Method.tcp, true, 1000, 1, true);
                check(raw.raw() && raw.corrupt() == 0 && raw.stallMs() == 0 && !raw.zeroCopy(), "the reference takes no testing faults: " + raw);
                List<ZmqBench.RunReport[]> bare = reports.stream().map(pr -> new ZmqBench.RunReport[]{pr[0], new ZmqBench.RunReport("receiver", pr[1].pair(),
                        pr[1].messages(), pr[1].counted(), pr[1].seconds(), 0, 0, null, null, pr[1].start(), pr[1].end(), 0, 0)}).toList();
                var ref = ZmqBench.Row.of(raw, plan, bare, ZmqBench.RAW.note(), true, n -> ZmqBench.CpuMeter.fields(0, 1, n));
                check(ref.reference() && ref.method.equals(RAW + "-x2") && ref.fields.get("lat_kind").equals("none") && ref.fields.get("wait").equals("block")
                        && ref.fields.get("note").toString().contains("no checks"), "a reference row that says it checks nothing: " + ref.fields);

                var results = new ZmqBench.Results(dir, ZmqBench.Environment.capture());
                results.write(row.fields, row.hist);
                List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
                check(csv.size() == 2 && csv.get(0).equals(String.join(",", ZmqBench.Results.COLUMNS)), "csv header and a row");
                check(csv.get(1).contains("\"a, \"\"quoted\"\" note"), "csv quoting: " + csv.get(1));
                JsonNode j = rows(dir).get(0);
                for (String key : ZmqBench.Results.COLUMNS) check(j.has(key), "jsonl has " + key);
                check(j.get("lost").asLong() == 100 && j.get("note").asText().contains("lost 100 of 2000") && j.get("note").asText().contains("per pair"), "losses and pairs in the row: " + j);
                check(j.get("note").asText().contains("first start to last end"), "the note says how the total is taken: " + j.get("note"));
                check(j.get("lat_kind").asText().equals("one-way") && Math.abs(j.get("lat_p50_us").asDouble() - 50) < 1, "one-way p50 in µs");
                check(Files.readString(dir.resolve(j.get("hgrm").asText())).contains("Percentile"), "hgrm written");
                check(Math.abs(j.get("mbit_per_s").asDouble() - j.get("mb_per_s").asDouble() * 8) < 0.01, "Mbit/s is 8 x MB/s");
            } finally {
                deleteTree(dir);
            }
        });

        test("the checker takes the receipt time after verifying: one-way latency = verified receipt - due time", () -> {
            var s = spec("push-pull", 1024);
            var c = new ZmqBench.Checker(new ZmqBench.Payload(s, false), false, true);
            var m = message(s, 0);
            long before = System.nanoTime();
            long at = c.checkNow(received(0, before - 50_000_000L, body(s, 0)));
            check(at >= before && c.firstNanos == at && c.lastNanos == at, "stamped after the check");
            check(c.latency.getMaxValue() >= 50_000_000L, "due 50 ms ago: the latency holds those 50 ms: " + c.latency.getMaxValue());
        });

        test("endpoints: tcp://HOST:PORT; a worker cannot reach a wildcard", () -> {
            var cl = new picocli.CommandLine(new ZmqBench());
            check(ZmqBench.Endpoint.parse(cl, "--bind", "tcp://0.0.0.0:5599", false).port() == 5599, "bind on all addresses");
            check(ZmqBench.Endpoint.parse(cl, "--coordinator", "tcp://127.0.0.1:1", true).host().equals("127.0.0.1"), "connect");
            for (String bad : List.of("127.0.0.1:5599", "tcp://host", "ipc://x", "tcp://a:99999", "udp://1.2.3.4:5")) {
                try {
                    ZmqBench.Endpoint.parse(cl, "--bind", bad, false);
                    throw new AssertionError(bad + " accepted");
                } catch (picocli.CommandLine.ParameterException expected) {
                    check(expected.getMessage().contains("'" + bad + "'"), "names the value");
                }
            }
            try {
                ZmqBench.Endpoint.parse(cl, "--coordinator", "tcp://0.0.0.0:5599", true);
                throw new AssertionError("a worker accepted 0.0.0.0");
            } catch (picocli.CommandLine.ParameterException expected) { }
        });
    }

    // ---------------------------------------------------------------- the script, as a user runs it

    /**
     * Exit 0, one verified row per pattern x transport x size, and one of the reference loop (named rawMethod, null if
     * none) per size beside push-pull; positive figures and the expected latency kind (none for the reference loop).
     */
    static List<JsonNode> checkRows(Path out, Result r, List<String> patterns, List<String> methods, String rawMethod, List<Integer> sizes) throws IOException {
        check(r.code() == 0, "exit 0, was " + r.code() + ": " + r.err());
        List<JsonNode> rows = rows(out);
        boolean withRaw = rawMethod != null && patterns.contains("push-pull");
        check(rows.size() == (patterns.size() * methods.size() + (withRaw ? 1 : 0)) * sizes.size(), rows.size() + " rows: " + rows);
        for (String p : patterns)
            for (String m : withRaw && p.equals("push-pull") ? Stream.concat(methods.stream(), Stream.of(rawMethod)).toList() : methods)
                for (int size : sizes)
                    check(rows.stream().anyMatch(row -> row.get("pattern").asText().equals(p) && row.get("method").asText().equals(m)
                            && row.get("size_bytes").asInt() == size), "a row for " + p + " " + m + " " + size);
        for (JsonNode row : rows) {
            check(row.get("bench").asText().equals("ZmqBench") && row.get("verified").asBoolean() && row.get("errors").asInt() == 0, "verified: " + row);
            check(row.get("msgs_per_s").asDouble() > 0 && row.get("mb_per_s").asDouble() > 0 && row.get("seconds").asDouble() > 0 && row.get("count").asLong() > 0, "positive: " + row);
            String kind = row.get("lat_kind").asText();
            if (row.get("method").asText().startsWith(RAW)) {
                check(kind.equals("none") && row.get("lat_p50_us").isNull() && row.get("note").asText().contains("no checks"), "the reference loop times nothing but its window: " + row);
                checkKindAndCpu(row);
                continue;
            }
            check(kind.equals(row.get("pattern").asText().equals("req-rep") ? "rtt" : "one-way"), "latency kind " + kind + ": " + row);
            check(row.get("lat_p50_us").asDouble() > 0 && !row.get("hgrm").isNull(), "latency recorded");
            if (row.get("method").asText().startsWith("ipc")) check(row.get("note").asText().contains("TCP"), "ipc's row says it is TCP: " + row.get("note"));
            checkKindAndCpu(row);
        }
        check(r.out().contains("All messages verified: yes"), "summary printed:\n" + r.out());
        return rows;
    }

    /**
     * Every row: kind reference for inproc (threads of one process) and the bare loop, method otherwise; its CPU cost. The kernel counts CPU
     * time in 10 ms ticks per process, so the bounds are only asserted where the window is long enough for them to mean
     * something: above 0 from 0.1 s (a busy core gives 100 ms), at most the cores + 0.5 from 0.2 s (three processes' ticks).
     */
    static void checkKindAndCpu(JsonNode row) {
        String kind = row.get("kind").asText();
        String method = row.get("method").asText();
        check(kind.equals(method.startsWith("inproc") || method.startsWith(RAW) ? "reference" : "method"), "kind " + kind + " of " + method);
        double perMsg = row.get("cpu_us_per_msg").asDouble(), cores = row.get("cpu_cores").asDouble(), seconds = row.get("seconds").asDouble();
        check(row.get("cpu_us_per_msg").isNumber() && row.get("cpu_cores").isNumber() && perMsg >= 0 && cores >= 0, "CPU figures: " + row);
        if (seconds >= 0.1) check(perMsg > 0, "CPU used in a window of " + seconds + " s: " + perMsg);
        if (seconds >= 0.2) check(cores <= Runtime.getRuntime().availableProcessors() + 0.5, "at most the machine's cores: " + cores);
    }

    static void endToEndTests() throws Exception {
        Path work = Files.createTempDirectory("zmq-e2e");

        test("--help documents every option, of the local run, the coordinator and the worker", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--help");
            check(r.code() == 0, "exit 0");
            for (String opt : List.of("--patterns", "--methods", "--list", "--size", "--sizes", "--count", "--elements", "--dtype", "--batch", "--zero-copy",
                    "--sndhwm", "--rcvhwm", "--pairs", "--warmup", "--duration", "--runs", "--out", "--quick", "--timeout", "--seed", "coordinator", "worker",
                    "auto", "64,1Ki,16Ki,256Ki,4Mi"))
                check(r.out().contains(opt), "help mentions " + opt);
            check(!r.out().contains("--stall") && !r.out().contains("--delay-pair"), "the testing options stay hidden");
            check(!r.err().contains("WARN") && !r.out().contains("WARN"), "help formats cleanly: " + r.err());
            Result c = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "coordinator", "--help");
            check(c.code() == 0 && c.out().contains("--bind") && c.out().contains("--join-timeout") && c.out().contains("--pairs"), "coordinator help: " + c.out());
            Result w = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "worker", "--help");
            check(w.code() == 0 && w.out().contains("--coordinator") && w.out().contains("--role") && w.out().contains("--advertise"), "worker help: " + w.out());
        });

        test("--list names every pattern, method (transport) and the reference loop, one line each; each method says how it waits", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--list");
            check(r.code() == 0 && r.out().lines().count() == 7, "seven lines:\n" + r.out());
            for (String name : Stream.concat(PATTERNS.stream(), METHODS.stream()).toList()) check(r.out().contains(name), name);
            for (String method : Stream.concat(METHODS.stream(), Stream.of(RAW)).toList())
                check(r.out().lines().anyMatch(l -> l.matches(method + " +block +\\S.*")), method + ": name, wait, summary:\n" + r.out());
            check(r.out().lines().anyMatch(l -> l.startsWith(RAW) && l.contains("reference")), "the loop says it is a reference:\n" + r.out());
        });

        test("copied alone into an empty folder, --quick runs every pattern on every transport and the reference loop beside push-pull, verified", () -> {
            Path alone = Files.createDirectory(work.resolve("alone"));
            Files.copy(SCRIPT.file(), alone.resolve("ZmqBench.java"));
            Result r = SCRIPT.run(alone, null, Duration.ofMinutes(5), "--quick");
            List<JsonNode> rows = checkRows(alone.resolve("results"), r, PATTERNS, METHODS, RAW, List.of(64, 64 << 10));
            check(rows.stream().filter(row -> row.get("pattern").asText().equals("pub-sub")).allMatch(row -> row.has("lost") && row.get("note").asText().contains("lost ")),
                    "pub-sub rows count what was lost");
            check(rows.stream().allMatch(row -> row.get("peers").asInt() == 2), "two worker processes");
            // inproc (threads of one process) and the bare loop are shown as references, never the fastest: the fastest (1.00x) is tcp
            // or ipc. push-pull's methods say how much of the bare loop's rate they keep (of ref, a second ratio).
            List<String> lines = r.out().lines().filter(l -> l.matches("^.{8} (push-pull|pub-sub|req-rep) .*")).toList();
            check(lines.size() == 20, "a summary line per cell:\n" + r.out());
            for (String l : lines) {
                if (l.contains(" inproc ") || l.contains(" " + RAW + " ")) check(l.endsWith("(reference)") && !l.contains("1.00x"), "a reference: " + l);
                else if (l.contains(" push-pull ")) check(l.matches(".* [0-9.]+x [0-9.]+x( ≈)?$"), "of ref, then vs fastest: " + l);
                else check(l.matches(".* [0-9.]+x( ≈)?$"), "methods are compared: " + l);
            }
            check(r.out().contains("of ref: "), "the summary says what of ref means:\n" + r.out());
            for (String p : PATTERNS)
                for (String size : List.of("64 B", "64 KiB"))
                    check(lines.stream().filter(l -> l.contains(" " + p + " ") && l.contains("1.00x") && !l.contains(" inproc ")).count() >= 1, "a fastest method for " + p);
        });

        test("--quick on JDK 25", () -> {
            if (JDK25 == null) throw new Skip("no JDK 25 under /usr/lib/jvm");
            Path out = work.resolve("jdk25");
            Result r = SCRIPT.run(REPO, JDK25, Duration.ofMinutes(5), "--quick", "--out", out.toString());
            checkRows(out, r, PATTERNS, METHODS, RAW, List.of(64, 64 << 10));
            check(rows(out).get(0).get("jdk").asText().contains("25"), "ran on 25: " + rows(out).get(0).get("jdk"));
        });

        test("two pairs, zero-copy, high-water marks and arrays (--elements, --dtype, -b): verified, per-pair figures", () -> {
            Path out = work.resolve("pairs");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "--pairs", "2", "--zero-copy", "--sndhwm", "50", "--rcvhwm", "20",
                    "--elements", "1000", "--dtype", "int32", "-b", "10", "-n", "2000", "-o", out.toString());
            List<JsonNode> rows = checkRows(out, r, PATTERNS, List.of("tcp-zc-x2", "ipc-zc-x2", "inproc-zc-x2"), RAW + "-x2", List.of(4000));
            for (JsonNode row : rows) {
                if (row.get("method").asText().startsWith(RAW)) continue;     // one prebuilt message, sent as it is: no zero-copy, no -zc
                check(row.get("peers").asInt() == 4 && row.get("batch").asInt() == 10 && row.get("payload").asText().equals("int32"), "pairs, batch, dtype: " + row);
                check(row.get("note").asText().contains("zero-copy") && row.get("note").asText().contains("HWM 50/20") && row.get("note").asText().contains("per pair"), "note: " + row.get("note"));
                if (!row.get("pattern").asText().equals("pub-sub")) check(row.get("count").asLong() >= 2 * 1980, "arrays counted over both pairs: " + row.get("count"));
            }
            check(r.out().contains("per pair:"), "summary shows each pair:\n" + r.out());
        });

        test("no -n: a measured run lasts at least about 1 s (count sized from the warm-up), a method row with its CPU cost", () -> {
            Path out = work.resolve("auto-length");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-p", "push-pull", "-m", "tcp", "--size", "64", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            double seconds = row.get("seconds").asDouble(), rate = row.get("msgs_per_s").asDouble();
            long count = row.get("count").asLong();
            check(seconds >= 0.9, "at least about a second: " + seconds);
            check(Math.abs(count / seconds - rate) / rate < 1e-3, "count / seconds is the rate: " + row);
            // The old fixed default was 200,000 messages of 64 B: a second at more than 250,000 msgs/s must count more.
            if (rate > 250_000) check(count > 200_000, "more than the old fixed count: " + count);
            check(row.get("kind").asText().equals("method") && row.get("cpu_us_per_msg").asDouble() > 0
                    && row.get("cpu_cores").asDouble() > 0 && row.get("cpu_cores").asDouble() <= Runtime.getRuntime().availableProcessors() + 0.5, "CPU cost: " + row);
            check(r.out().contains("median [95% interval]") && r.out().contains("cores") && r.out().contains("vs fastest method"), "summary columns:\n" + r.out());
        });

        test("--runs auto: 6 to 10 runs of the configuration, numbered, and the summary's interval", () -> {
            Path out = work.resolve("runs-auto");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-p", "push-pull", "-m", "tcp", "--size", "1Ki", "-n", "300", "-w", "0", "--runs", "auto", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out).stream().filter(row -> row.get("method").asText().equals("tcp")).toList();
            check(rows.size() >= 6 && rows.size() <= 10, "6 to 10 runs: " + rows.size());
            for (int i = 0; i < rows.size(); i++) check(rows.get(i).get("run").asInt() == i + 1, "run " + (i + 1) + ": " + rows.get(i).get("run"));
            check(r.out().contains("auto run(s)") && r.out().matches("(?s).*tcp +~?[0-9,.]+ \\[[0-9,.]+, [0-9,.]+\\].*"), "median [interval] in the summary:\n" + r.out());
        });

        test("two pairs, receiver 1 stalls 50 ms mid-run, pair 2 starts 200 ms late: the stall is in the window and the latency, the total spans first start to last end", () -> {
            Path out = work.resolve("stall-late-pair");
            // Small high-water marks and socket buffers: sender 1 waits at its mark during the stall, and that wait is in the
            // one-way latency (stamped before the wait). The delayed pair's own window leaves its 200 ms out; the total does not.
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-p", "push-pull", "-m", "tcp", "--size", "1Ki", "-n", "2000", "-w", "0", "-r", "1",
                    "--sndhwm", "10", "--sockbuf", "4Ki", "--pairs", "2", "--stall", "50ms", "--delay-pair", "200ms", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            double seconds = row.get("seconds").asDouble();
            check(seconds >= 0.2, "the total covers the late pair (and the stall): " + seconds + " s");
            check(row.get("lat_max_us").asDouble() >= 50_000, "the latency holds the stall: " + row.get("lat_max_us"));
            check(row.get("verified").asBoolean() && row.get("count").asLong() == 4000 && Math.abs(4000 / seconds - row.get("msgs_per_s").asDouble()) / row.get("msgs_per_s").asDouble() < 1e-3,
                    "all messages, verified, over the span: " + row);
            check(row.get("note").asText().contains("first start to last end"), "the note says so: " + row.get("note"));
            check(r.out().contains("per pair:"), "each pair's own rate in the summary");
        });

        test("--duration bounds a run by time", () -> {
            Path out = work.resolve("duration");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-p", "push-pull", "-m", "tcp", "--size", "1Ki", "-d", "1s", "-w", "0", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("seconds").asDouble() >= 0.8 && row.get("seconds").asDouble() < 3, "about a second: " + row.get("seconds"));
            check(row.get("count").asLong() > 1000, "many messages in a second: " + row.get("count"));
        });

        for (String pattern : PATTERNS) {
            test("a message corrupted in transit is caught in " + pattern + ": row verified=false, exit 1", () -> {
                Path out = work.resolve("corrupt-" + pattern);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-p", pattern, "-m", "tcp", "--size", "1Ki", "-n", "300", "-w", "0", "-r", "1",
                        "--corrupt", "100", "-o", out.toString());
                check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
                check(r.err().contains("verification failed") && r.err().contains("message 99: CRC32C"), "says which message: " + r.err());
                JsonNode row = rows(out).get(0);
                check(!row.get("verified").asBoolean() && row.get("errors").asInt() >= 1, "row marked: " + row);
            });
        }

        test("a message corrupted in transit is caught with --zero-copy over inproc: row verified=false, exit 1", () -> {
            Path out = work.resolve("corrupt-zc");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-p", "push-pull", "-m", "inproc", "--zero-copy", "--size", "1Ki", "-n", "300", "-w", "0", "-r", "1",
                    "--corrupt", "100", "-o", out.toString());
            check(r.code() == 1 && r.err().contains("message 99: CRC32C"), "exit 1 naming the message, was " + r.code() + ": " + r.err());
            check(!rows(out).get(0).get("verified").asBoolean(), "row marked");
        });

        test("bad input: exit 2, one line naming the option and value, nothing started or written", () -> {
            Path file = Files.writeString(work.resolve("a-file"), "x");
            List<String[]> cases = List.of(
                    new String[]{"--patterns", "push-sub"},
                    new String[]{"--methods", "udp"},
                    new String[]{"--pairs", "0"},
                    new String[]{"--sndhwm", "0"},
                    new String[]{"--rcvhwm", "-1"},
                    new String[]{"--size", "8"},
                    new String[]{"--batch", "2"},
                    new String[]{"--count", "1"},
                    new String[]{"--timeout", "500ms"},
                    new String[]{"--duration", "1ms"},
                    new String[]{"--dtype", "int32"},
                    new String[]{"--dtype", "float16"},
                    new String[]{"--runs", "0"},
                    new String[]{"--runs", "many"},
                    new String[]{"--out", file.resolve("results").toString()});
            SCRIPT.rejects(Files.createDirectory(work.resolve("bad-input")), cases);
        });

        // No --cleanup test: ZmqBench keeps no run folder and no semaphore (its sockets are ports and in-process names).
        test("a results folder whose results.csv has other columns: exit 2, one line naming --out, the file unchanged, nothing run", SCRIPT::refusesAnotherSchema);

        test("bad endpoints and roles of the coordinator and the worker: exit 2, one line, nothing started", () -> {
            Path cwd = Files.createDirectory(work.resolve("bad-endpoints"));
            // Each case: the arguments, then the value the one line must quote.
            Map<List<String>, String> cases = new LinkedHashMap<>();
            cases.put(List.of("coordinator", "--bind", "localhost:5599"), "localhost:5599");
            cases.put(List.of("coordinator", "--bind", "tcp://0.0.0.0:70000"), "tcp://0.0.0.0:70000");
            cases.put(List.of("worker", "--coordinator", "tcp://host-without-port", "--role", "sender"), "tcp://host-without-port");
            cases.put(List.of("worker", "--coordinator", "tcp://0.0.0.0:5599", "--role", "sender"), "tcp://0.0.0.0:5599");
            cases.put(List.of("worker", "--coordinator", "tcp://127.0.0.1:5599", "--role", "listener"), "listener");
            for (var c : cases.entrySet()) {
                Result r = SCRIPT.run(cwd, null, Duration.ofMinutes(1), c.getKey().toArray(String[]::new));
                check(r.code() == 2 && r.errLines().size() == 1 && r.errLines().get(0).contains("'" + c.getValue() + "'"),
                        c.getKey() + ": exit 2 and one line naming the value, was " + r.code() + " " + r.errLines());
                check(r.out().isEmpty(), c.getKey() + ": nothing on stdout");
            }
            try (Stream<Path> left = Files.list(cwd)) {
                check(left.findAny().isEmpty(), "nothing written");
            }
        });

        test("a worker whose coordinator cannot be reached exits 1 after its timeout, with one line", () -> {
            int port = freePort();
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "worker", "--coordinator", "tcp://127.0.0.1:" + port, "--role", "sender", "--timeout", "2s");
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1 && r.errLines().get(0).contains("no coordinator answered at tcp://127.0.0.1:" + port + " within 2 s"), "one line: " + r.errLines());
        });

        test("a receiver killed mid-run: the coordinator names it, keeps the rows finished so far, exits 1 within 5 s, no worker left", () -> {
            Path out = work.resolve("kill-receiver");
            Path err = work.resolve("kill-receiver.err");
            Process launcher = SCRIPT.command(REPO, null, "-p", "push-pull", "-m", "tcp", "--sizes", "1Ki,2Ki,4Ki,8Ki,16Ki,32Ki", "-d", "1s", "-w", "0", "-r", "1",
                    "-o", out.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            SCRIPT.awaitChild(launcher, Duration.ofMinutes(2));
            long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!(Files.exists(out.resolve("results.jsonl")) && !Files.readString(out.resolve("results.jsonl")).isEmpty()) && System.nanoTime() < until) Thread.sleep(100);
            List<ProcessHandle> workers = SCRIPT.children(launcher);
            check(workers.size() == 2, "two workers: " + workers);
            ProcessHandle receiver = workers.stream().filter(h -> arguments(h).contains("receiver"))
                    .findFirst().orElseThrow(() -> new AssertionError("no worker started with --role receiver"));
            receiver.destroyForcibly();
            boolean ended = launcher.waitFor(5, TimeUnit.SECONDS);
            if (!ended) { launcher.descendants().forEach(ProcessHandle::destroyForcibly); launcher.destroyForcibly(); }
            check(ended, "the coordinator still ran 5 s after the receiver died");
            String text = Files.readString(err);
            check(launcher.exitValue() == 1, "exit 1, was " + launcher.exitValue() + ": " + text);
            check(text.contains("receiver 1 (pid " + receiver.pid()) && text.contains("killed by signal 9"), "names the receiver and its end: " + text);
            List<JsonNode> rows = rows(out);
            check(!rows.isEmpty() && rows.stream().allMatch(r -> r.get("verified").asBoolean()), "the finished rows are kept: " + rows.size());
            Thread.sleep(500);
            check(workers.stream().noneMatch(ProcessHandle::isAlive), "no worker left");
        });

        // push-pull's sender blocks at its high-water mark; req-rep's waits for each reply: both are caught by the heartbeats.
        for (String pattern : List.of("push-pull")) {     // every pattern's workers answer the same heartbeats
            test("a child stopped with SIGSTOP mid-run is detected within --timeout in " + pattern + ": the worker named, the rows kept, exit 1, no worker left", () -> {
                Path out = work.resolve("stop-" + pattern);
                String err = SCRIPT.stopChildMidRun(work, out, pattern + " tcp", "stopped answering", Duration.ofSeconds(3),
                        "-p", pattern, "-m", "tcp", "--size", "1Ki", "-d", "1s", "-w", "0", "-r", "3", "-o", out.toString());
                check(java.util.regex.Pattern.compile("(receiver|sender) 1 \\(pid \\d+[^)]*\\) stopped answering.*is stopped").matcher(err).find(),
                        "names the worker and says it is stopped, not dead: " + err);
                List<JsonNode> rows = rows(out);
                check(!rows.isEmpty() && rows.size() < 3 && rows.stream().allMatch(r -> r.get("verified").asBoolean() && r.get("pattern").asText().equals(pattern)),
                        "the finished runs' rows, verified: " + rows);
            });
        }

        test("SIGINT (Ctrl-C) during a run: exit 130 without a crash, workers gone", () -> {
            Path cwd = Files.createDirectory(work.resolve("sigint"));
            SCRIPT.interruptMidRun(cwd, "-p", "push-pull", "-m", "tcp", "-d", "10m", "-w", "0", "-r", "1", "-o", cwd.resolve("out").toString());
        });

        test("two runs at the same time: both verified, separate ports and names", () -> {
            List<Process> both = new ArrayList<>();
            for (String name : List.of("twin-a", "twin-b"))
                both.add(SCRIPT.command(REPO, null, "--quick", "-o", work.resolve(name).toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(work.resolve(name + ".err").toFile()).start());
            for (Process p : both)
                check(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, "both exit 0: " + Files.readString(work.resolve("twin-a.err")) + Files.readString(work.resolve("twin-b.err")));
            for (String name : List.of("twin-a", "twin-b"))
                check(rows(work.resolve(name)).stream().allMatch(r -> r.get("verified").asBoolean()) && rows(work.resolve(name)).size() == 20, "verified rows in " + name);
        });

        test("across hosts: coordinator and receivers in one network namespace, senders in another, joined by a veth pair", () -> netnsRun(work));

        deleteTree(work);
    }

    /**
     * The original Python benchmark's multi-host shape on one machine: two network namespaces joined by a
     * veth pair stand for two hosts. The coordinator and two receivers run in the first, two senders in the
     * second; the workers are started the way a user starts them on other machines. ipc (loopback TCP) cannot cross, so the
     * coordinator leaves it out; tcp rows name both addresses.
     */
    static void netnsRun(Path work) throws Exception {
        String tag = Long.toString(ProcessHandle.current().pid() % 100_000, 36);
        String a = "zba" + tag, b = "zbb" + tag;
        int subnet = (int) (ProcessHandle.current().pid() % 200) + 20;
        String addrA = "10.213." + subnet + ".1", addrB = "10.213." + subnet + ".2";
        Result probe = run(new ProcessBuilder("ip", "netns", "add", a), Duration.ofSeconds(20));
        if (probe.code() != 0) throw new Skip("'ip netns add' is not permitted here (" + probe.err().strip() + "); the multi-host path needs two network namespaces");
        List<Process> started = new ArrayList<>();
        try {
            for (String[] cmd : List.of(new String[]{"ip", "netns", "add", b},
                    new String[]{"ip", "link", "add", "v" + a, "type", "veth", "peer", "name", "v" + b},
                    new String[]{"ip", "link", "set", "v" + a, "netns", a}, new String[]{"ip", "link", "set", "v" + b, "netns", b},
                    new String[]{"ip", "-n", a, "addr", "add", addrA + "/24", "dev", "v" + a}, new String[]{"ip", "-n", b, "addr", "add", addrB + "/24", "dev", "v" + b},
                    new String[]{"ip", "-n", a, "link", "set", "v" + a, "up"}, new String[]{"ip", "-n", b, "link", "set", "v" + b, "up"},
                    new String[]{"ip", "-n", a, "link", "set", "lo", "up"}, new String[]{"ip", "-n", b, "link", "set", "lo", "up"})) {
                Result r = run(new ProcessBuilder(cmd), Duration.ofSeconds(20));
                check(r.code() == 0, String.join(" ", cmd) + ": " + r.err());
            }
            Path out = work.resolve("netns");
            int port = 5599;
            String coordinator = "tcp://" + addrA + ":" + port;
            Process coord = inNamespace(a, work.resolve("coordinator.err"), "coordinator", "--bind", coordinator, "--pairs", "2", "--quick",
                    "--join-timeout", "3m", "-o", out.toString());
            started.add(coord);
            for (int i = 0; i < 2; i++) {
                started.add(inNamespace(a, work.resolve("receiver" + i + ".err"), "worker", "--coordinator", coordinator, "--role", "receiver"));
                started.add(inNamespace(b, work.resolve("sender" + i + ".err"), "worker", "--coordinator", coordinator, "--role", "sender"));
            }
            boolean done = coord.waitFor(5, TimeUnit.MINUTES);
            String coordErr = Files.readString(work.resolve("coordinator.err"));
            check(done && coord.exitValue() == 0, "the coordinator ended with exit 0: " + coordErr);
            for (Process p : started) check(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, "every worker ended with exit 0 once the coordinator was done");
            check(coordErr.contains("ipc left out"), "says why ipc is left out: " + coordErr);
            List<JsonNode> rows = rows(out);
            check(rows.size() == (PATTERNS.size() * 2 + 1) * 2, "pattern x (tcp, inproc) and push-pull's reference loop, x 2 sizes: " + rows.size());
            for (JsonNode row : rows) {
                check(row.get("verified").asBoolean() && row.get("peers").asInt() == 4 && row.get("msgs_per_s").asDouble() > 0, "verified, two pairs: " + row);
                checkKindAndCpu(row);
                if (row.get("method").asText().startsWith("tcp") || row.get("method").asText().startsWith(RAW))
                    check(row.get("note").asText().contains("from " + addrB + " to " + addrA), "the tcp rows name both hosts' addresses: " + row.get("note"));
            }
        } finally {
            for (Process p : started) { p.descendants().forEach(ProcessHandle::destroyForcibly); p.destroyForcibly(); }
            run(new ProcessBuilder("ip", "netns", "del", a), Duration.ofSeconds(20));
            run(new ProcessBuilder("ip", "netns", "del", b), Duration.ofSeconds(20));
        }
    }

    /** The script started inside a network namespace, as a user would start it on that host. */
    static Process inNamespace(String ns, Path err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, JBANG, SCRIPT.file().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(REPO.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    }
}
