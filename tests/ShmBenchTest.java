///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of ShmBench.java: its logic in-process (arrays, CRC arithmetic, the ring), and the script end to end as a user runs it
//JAVA 17+
//SOURCES ../ShmBench.java
//SOURCES Harness.java

/*
 * Run through ./test.sh (which sets JBANG to the jbang it found), or alone:
 *   JBANG=./jbang ./jbang tests/ShmBenchTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 * Tests assert behaviour, never speed.
 */

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

public class ShmBenchTest extends Harness {

    static final Script SCRIPT = new Script("ShmBench", "--role=consumer");
    static final List<String> ALL_METHODS = ShmBench.METHODS.stream().map(ShmBench.Method::name).toList();

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        unitTests();
        roomTests();
        carrierTests();
        endToEndTests();
        System.exit(finish("ShmBenchTest"));
    }

    // ---------------------------------------------------------------- logic, in-process

    static int crc(ByteBuffer bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes.duplicate());
        return (int) c.getValue();
    }

    /** Streams total arrays of size bytes, batch at a time, from the producer (a thread of its own) to the consumer (this thread); the consumer's reports. */
    static List<ShmBench.RunReport> streamBetweenThreads(ShmBench.Transport producer, ShmBench.Transport consumer, int size, int batch, long total) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                for (long seq = 1; seq <= total; seq += batch)
                    producer.send(seq, (int) Math.min(batch, total - seq + 1), System.nanoTime(), seq + batch > total ? ShmBench.LAST_OF_RUN | ShmBench.END : 0);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        List<ShmBench.RunReport> reports = new ArrayList<>();
        var v = checker(new ShmBench.Payload(ShmBench.Dtype.float64, size, 1, 0), reports);
        while (!v.ended) consumer.receive(v);
        t.join();
        check(failure.get() == null, "producer failed: " + failure.get());
        return reports;
    }

    /** A checker that keeps the consumer's reports. */
    static ShmBench.Checker checker(ShmBench.Payload expected, List<ShmBench.RunReport> reports) {
        return new ShmBench.Checker(expected, reports::add);
    }

    static void unitTests() {
        test("sizes accept powers of 1000 and 1024, within range", () -> {
            Map<String, Long> good = Map.of("100", 100L, "10k", 10_000L, "2M", 2_000_000L, "64Ki", 65_536L, "1Mi", 1_048_576L);
            good.forEach((text, bytes) -> check(ShmBench.Units.parseSize(text) == bytes, text + " should be " + bytes));
            var sizes = new ShmBench.SizeConverter();
            var rings = new ShmBench.RingConverter();
            for (String bad : List.of("0", "7", "65Mi", "3X", "-5", "1.5k"))
                expectConversionError(() -> sizes.convert(bad), "size " + bad);
            for (String bad : List.of("1k", "2Gi", "x"))
                expectConversionError(() -> rings.convert(bad), "ring " + bad);
            check(sizes.convert("8") == 8 && sizes.convert("64Mi") == 64 << 20, "8 B and 64 MiB are the limits");
            check(rings.convert("4Ki") == 4096 && rings.convert("1Gi") == 1L << 30, "4 KiB and 1 GiB are the ring's limits");
        });

        test("arrays: random values, never zeros, stamped, seven in rotation, each the bytes the consumer expects, in one piece or two", () -> {
            for (ShmBench.Dtype dtype : ShmBench.Dtype.values()) {
                var payload = new ShmBench.Payload(dtype, 8000, 9, 0);
                Set<Integer> crcs = new HashSet<>();
                for (long seq = 1; seq <= 30; seq++) {
                    ByteBuffer a = payload.array(seq);
                    check(a.order() == ByteOrder.LITTLE_ENDIAN && a.getLong(0) == seq && a.remaining() == 8000, dtype + ": stamped with " + seq);
                    var consumer = new ShmBench.Payload(dtype, 8000, 9, 0);
                    int cut = 64 * (int) seq;
                    check(consumer.mismatch(seq, a.duplicate(), null) == -1 && consumer.mismatch(seq, a.duplicate().limit(cut), a.duplicate().position(cut)) == -1,
                            dtype + ": array " + seq + " matches, whole and cut at " + cut);
                    check(consumer.mismatch(seq + 7, a.duplicate(), null) == 0, dtype + ": another stamp differs at byte 0");
                    crcs.add(crc(a.duplicate().position(8)));
                    long zeros = 0;
                    for (int i = 0; i < a.limit(); i++) if (a.get(i) == 0) zeros++;
                    check(zeros < a.limit() / 10 + 16, dtype + ": mostly non-zero bytes, " + zeros + " zeros");
                    ByteBuffer image = dtype.image(payload.typedArray(seq), ByteBuffer.allocateDirect(8000));
                    check(image.equals(payload.array(seq)), dtype + ": the typed array holds the same bytes as the image");
                }
                check(crcs.size() == ShmBench.Payload.DISTINCT, dtype + ": " + crcs.size() + " distinct arrays in rotation");
            }
        });

        test("ref-shm-ring-raw's reader copies every array, in one piece or two, and checks only the last of a run, as limit-memcpy", () -> {
            for (int size : List.of(8192, 1003)) {
                ShmBench.Dtype dtype = size % 8 == 0 ? ShmBench.Dtype.float64 : ShmBench.Dtype.int8;
                List<ShmBench.RunReport> reports = new ArrayList<>();
                var reader = new ShmBench.RawReader(new ShmBench.Payload(dtype, size, 1, 0), end -> { }, reports::add);
                for (long corrupt : List.of(0L, 17L, 30L)) {        // none; mid-run (not looked at); the last of its run
                    var payload = new ShmBench.Payload(dtype, size, 1, corrupt);
                    long first = corrupt == 0 ? 1 : (corrupt - 1) / 10 * 10 + 1;
                    for (long seq = first; seq < first + 10; seq++) {
                        ByteBuffer a = payload.array(seq).duplicate();
                        int cut = seq % 2 == 0 ? 64 * (int) (seq % 5 + 1) : size;     // half of them straddling a ring's end
                        reader.onArray(seq, 0, seq % 10 == 0 ? ShmBench.LAST_OF_RUN : 0, a.duplicate().limit(cut), cut < size ? a.position(cut) : null);
                    }
                }
                check(reports.size() == 3 && reports.get(0).errors() == 0 && reports.get(0).arrays() == 10, size + " B: a clean run passes: " + reports);
                check(reports.get(1).errors() == 0, size + " B: a flipped byte mid-run is not looked for: " + reports.get(1));
                check(reports.get(2).errors() == 1 && reports.get(2).firstError().startsWith("array 30 (the last of the run): bytes differ"),
                        size + " B: in the run's last array it is caught: " + reports.get(2));
                check(reports.get(2).firstError().endsWith("at byte " + (size - 1)), "at the byte flipped: " + reports.get(2).firstError());
            }
        });

        test("the checker catches a corrupted array, a gap, a duplicate and a wrong length", () -> {
            var payload = new ShmBench.Payload(ShmBench.Dtype.float64, 4096, 1, 5);
            var expected = new ShmBench.Payload(ShmBench.Dtype.float64, 4096, 1, 0);
            List<ShmBench.RunReport> reports = new ArrayList<>();
            var v = checker(expected, reports);
            for (long seq = 1; seq <= 10; seq++) v.onArray(seq, System.nanoTime(), seq == 10 ? ShmBench.LAST_OF_RUN : 0, payload.array(seq), null);
            check(reports.size() == 1 && reports.get(0).errors() == 1 && reports.get(0).arrays() == 10, "one bad array of ten: " + reports);
            check(reports.get(0).firstError().startsWith("array 5: bytes differ from what was sent, first at byte 4095"), "names the array: " + reports.get(0).firstError());
            var clean = new ShmBench.Payload(ShmBench.Dtype.float64, 4096, 1, 0);
            v.onArray(12, 0, 0, clean.array(12), null);        // 11 never came
            v.onArray(12, 0, 0, clean.array(12), null);        // 12 again
            v.onArray(13, 0, ShmBench.LAST_OF_RUN | ShmBench.END, clean.array(13).limit(4000), null);
            var r = reports.get(1);
            check(r.errors() == 3 && r.firstError().contains("gap: sequence 12 instead of 11"), "gap first: " + r);
            check(v.ended, "the END flag ends the session");
        });

        test("ring wrap-around: records straddling the end arrive whole, in order, verified", () -> {
            int capacity = 1024, size = 200;
            ByteBuffer memory = ByteBuffer.allocateDirect(ShmBench.Ring.DATA + capacity).order(ByteOrder.nativeOrder());
            var producer = new ShmBench.Ring(memory, capacity);
            var consumer = new ShmBench.Ring(memory, capacity);
            var payload = new ShmBench.Payload(ShmBench.Dtype.int8, size, 2, 0);
            List<ShmBench.RunReport> reports = new ArrayList<>();
            var v = checker(new ShmBench.Payload(ShmBench.Dtype.int8, size, 2, 0), reports);
            long[] straddled = {0};
            ShmBench.Receiver counting = (seq, sent, flags, data, rest) -> {
                if (rest != null) straddled[0]++;
                v.onArray(seq, sent, flags, data, rest);
            };
            SplittableRandom rnd = new SplittableRandom(4);
            long seq = 0;
            while (seq < 5000) {
                int batch = rnd.nextInt(1, 4);
                check(producer.hasRoom(batch * ShmBench.Records.bytes(size)), "room after the consumer caught up");
                batch = (int) Math.min(batch, 5000 - seq);
                producer.write(payload, seq + 1, batch, 0, seq + batch == 5000 ? ShmBench.LAST_OF_RUN : 0);
                seq += batch;
                producer.publish();
                consumer.poll(counting);
            }
            check(reports.size() == 1 && reports.get(0).arrays() == 5000 && reports.get(0).errors() == 0, "5000 arrays verified: " + reports);
            check(straddled[0] > 100, "records straddled the end of the ring: " + straddled[0]);
        });

        test("ring between two threads through the mapped transport: many laps, every array verified", () -> {
            Path dir = Files.createTempDirectory("ring");
            try {
                int size = 1000;
                var producer = new ShmBench.ShmRingTransport(context(dir, true, size, 3, 4096, 0));
                var consumer = new ShmBench.ShmRingTransport(context(dir, false, size, 3, 4096, 0));
                long total = 60_000;
                List<ShmBench.RunReport> reports = streamBetweenThreads(producer, consumer, size, 3, total);
                check(reports.get(0).arrays() == total && reports.get(0).errors() == 0, "all verified: " + reports);
            } finally {
                deleteTree(dir);
            }
        });

        test("full ring: the producer waits, nothing unread is overwritten", () -> {
            Path dir = Files.createTempDirectory("ring");
            try {
                int size = 1000, capacity = 8192, fits = capacity / ShmBench.Records.bytes(size);   // 7 records of 1088 B
                var producer = new ShmBench.ShmRingTransport(context(dir, true, size, 1, capacity, 0));
                var consumer = new ShmBench.ShmRingTransport(context(dir, false, size, 1, capacity, 0));
                AtomicLong sent = new AtomicLong();
                Thread t = new Thread(() -> {
                    try {
                        for (long seq = 1; seq <= 20; seq++) {
                            producer.send(seq, 1, System.nanoTime(), seq == 20 ? ShmBench.LAST_OF_RUN | ShmBench.END : 0);
                            sent.set(seq);
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                t.setDaemon(true);
                t.start();
                Thread.sleep(300);
                check(sent.get() == fits, "the producer stopped at a full ring: sent " + sent.get() + " of a ring that holds " + fits);
                check(t.isAlive(), "the producer is waiting");
                List<ShmBench.RunReport> reports = new ArrayList<>();
                var v = checker(new ShmBench.Payload(ShmBench.Dtype.float64, size, 1, 0), reports);
                consumer.receive(v);
                check(v.arrays == fits && v.errors == 0, "the " + fits + " waiting arrays are intact: " + v.arrays + " read, " + v.errors + " bad");
                while (!v.ended) consumer.receive(v);
                t.join(5000);
                check(reports.get(0).arrays() == 20 && reports.get(0).errors() == 0, "all 20 arrays verified: " + reports);
            } finally {
                deleteTree(dir);
            }
        });

        test("chronicle: the producer stops a window ahead of the consumer; each run's queue is removed once read", () -> {
            Path dir = Files.createTempDirectory("chronicle");
            try {
                int size = 1000, ring = 8 * ShmBench.Records.bytes(size);           // a window of 8 arrays
                var producer = new ShmBench.ChronicleTransport(context(dir, true, size, 1, ring, 0));
                var consumer = new ShmBench.ChronicleTransport(context(dir, false, size, 1, ring, 0));
                AtomicLong sent = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        for (long seq = 1; seq <= 30; seq++) {     // three runs of ten
                            producer.send(seq, 1, System.nanoTime(), seq == 30 ? ShmBench.LAST_OF_RUN | ShmBench.END : seq % 10 == 0 ? ShmBench.LAST_OF_RUN : 0);
                            sent.set(seq);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                t.setDaemon(true);
                t.start();
                Thread.sleep(500);
                check(sent.get() == 8, "the producer sends a window (8 arrays) ahead of a consumer that has checked nothing, then waits: sent " + sent.get());
                List<ShmBench.RunReport> reports = new ArrayList<>();
                var v = checker(new ShmBench.Payload(ShmBench.Dtype.float64, size, 1, 0), reports);
                Set<String> seenQueues = new TreeSet<>();
                while (!v.ended) {
                    consumer.receive(v);
                    try (Stream<Path> queues = Files.list(dir)) {
                        queues.map(q -> q.getFileName().toString()).filter(n -> n.startsWith("queue-")).forEach(seenQueues::add);
                    }
                    if (reports.size() == 1) check(!Files.exists(dir.resolve("queue-1")), "run 1's queue removed after its last array");
                }
                t.join(5000);
                check(failure.get() == null, "producer failed: " + failure.get());
                check(reports.size() == 3 && reports.stream().allMatch(r -> r.arrays() == 10 && r.errors() == 0), "three runs of ten verified: " + reports);
                check(seenQueues.containsAll(List.of("queue-2", "queue-3")), "a queue per run: " + seenQueues);
                producer.close();
                consumer.close();
            } finally {
                deleteTree(dir);
            }
        });

        test("a byte flipped in the ring is caught, in the part of a record after the wrap", () -> {
            int capacity = 1024, size = 200;
            ByteBuffer memory = ByteBuffer.allocateDirect(ShmBench.Ring.DATA + capacity).order(ByteOrder.nativeOrder());
            var producer = new ShmBench.Ring(memory, capacity);
            var payload = new ShmBench.Payload(ShmBench.Dtype.int8, size, 2, 0);
            List<ShmBench.RunReport> reports = new ArrayList<>();
            var v = checker(new ShmBench.Payload(ShmBench.Dtype.int8, size, 2, 0), reports);
            long seq = 0, pos = 0, straddler = -1;
            while (straddler < 0) {                 // consume records until one's data wraps; leave that one unread
                ++seq;
                if ((pos + ShmBench.Records.HEADER) % capacity + size > capacity) straddler = seq;
                check(producer.hasRoom(ShmBench.Records.bytes(size)), "room");
                producer.write(payload, seq, 1, 0, straddler > 0 ? ShmBench.LAST_OF_RUN : 0);
                producer.publish();
                if (straddler < 0) producer.poll(v);
                pos += ShmBench.Records.bytes(size);
            }
            int first = memory.get(ShmBench.Ring.DATA);          // the first byte after the wrap belongs to the straddler
            memory.put(ShmBench.Ring.DATA, (byte) ~first);
            producer.poll(v);
            var r = reports.get(0);
            check(r.errors() == 1 && r.firstError().startsWith("array " + straddler + ": bytes differ"), "caught: " + r);
        });

        test("timeline: a run's window ends at its last verified receipt, before the histogram is encoded; latency counts to the verified receipt", () -> {
            var payload = new ShmBench.Payload(ShmBench.Dtype.float64, 8192, 1, 0);
            List<String> events = new ArrayList<>();
            List<ShmBench.RunReport> reports = new ArrayList<>();
            long[] windowEnd = {0};
            var v = new ShmBench.Checker(new ShmBench.Payload(ShmBench.Dtype.float64, 8192, 1, 0), end -> {
                windowEnd[0] = end;
                events.add("window end");
            }, r -> { events.add("report"); reports.add(r); }) {
                @Override String encode(Histogram h) {
                    events.add("encode");
                    long until = System.nanoTime() + 50_000_000L;       // bookkeeping that takes 50 ms
                    while (System.nanoTime() - until < 0) Thread.onSpinWait();
                    return super.encode(h);
                }
            };
            long sent = System.nanoTime();
            for (long seq = 1; seq < 10; seq++) v.onArray(seq, sent, 0, payload.array(seq), null);
            long beforeLast = System.nanoTime();
            v.onArray(10, sent, ShmBench.LAST_OF_RUN, payload.array(10), null);
            long afterLast = System.nanoTime();
            check(events.equals(List.of("window end", "encode", "report")), "the window ends before the bookkeeping: " + events);
            var r = reports.get(0);
            check(r.lastNanos() == windowEnd[0] && r.lastNanos() >= beforeLast && r.lastNanos() - beforeLast < 40_000_000L,
                    "the run's end is the last receipt, not after the 50 ms encoding: " + (r.lastNanos() - beforeLast) / 1e6 + " ms after it arrived");
            check(afterLast - r.lastNanos() >= 50_000_000L, "the encoding came after the end");
            Histogram h = r.decodeHistogram();
            check(h.getTotalCount() == 10 && h.getMaxValue() >= (beforeLast - sent) * 0.999 && h.getMaxValue() <= (r.lastNanos() - sent) * 1.001 + 1000,
                    "latency counts from the stamp to the verified receipt: max " + h.getMaxValue() + " ns");
        });

        test("timeline: a consumer stalled for 50 ms (--stall-at) shows the stall in the latency of the arrays behind it", () -> {
            var payload = new ShmBench.Payload(ShmBench.Dtype.float64, 1024, 1, 0);
            List<ShmBench.RunReport> reports = new ArrayList<>();
            var v = checker(new ShmBench.Payload(ShmBench.Dtype.float64, 1024, 1, 0), reports);
            v.stallAt = 5;
            long sent = System.nanoTime();
            for (long seq = 1; seq <= 10; seq++) v.onArray(seq, sent, seq == 10 ? ShmBench.LAST_OF_RUN : 0, payload.array(seq), null);
            Histogram h = reports.get(0).decodeHistogram();
            check(h.getMaxValue() >= 50_000_000L && h.getValueAtPercentile(40) < 50_000_000L, "arrays 5 to 10 waited 50 ms, 1 to 4 did not: "
                    + h.getValueAtPercentile(40) + " / " + h.getMaxValue() + " ns");
            check(reports.get(0).lastNanos() - sent >= 50_000_000L, "the stall is inside the window");
        });

        test("summary: the median with its interval per method; limit-memcpy is shown as a reference and never ranked the fastest", () -> {
            var o = new ShmBench();
            var cl = new picocli.CommandLine(o);
            cl.parseArgs("-m", "shm-ring,queue", "-r", "6");
            o.spec = cl.getCommandSpec();
            var plan = o.plan();
            Histogram h = new Histogram(3);
            h.recordValue(1000);
            List<ShmBench.Row> rows = new ArrayList<>();
            var cpu = ShmBench.CpuMeter.fields(2_000_000_000L, 1_000_000_000L, 1_000_000);
            for (int run = 1; run <= 6; run++) {
                rows.add(ShmBench.Row.ofLimit(ShmBench.Dtype.float64, 8192, 1, run, 1.0, 5_000_000, cpu, 0, null));        // the fastest rows
                rows.add(ShmBench.Row.of("queue", "block", "", ShmBench.Dtype.float64, 8192, 1, run, 1.0, h, 50_000 + run, cpu, 0, null));
                rows.add(ShmBench.Row.of("shm-ring", "spin", "", ShmBench.Dtype.float64, 8192, 1, run, 1.0, h, 1_000_000 + 1000 * run, cpu, 0, null));
            }
            var printed = new java.io.ByteArrayOutputStream();
            var stdout = System.out;
            System.setOut(new java.io.PrintStream(printed, true));
            try {
                o.printSummary(rows, plan, false);
            } finally {
                System.setOut(stdout);
            }
            String text = printed.toString();
            String limitLine = text.lines().filter(l -> l.contains("limit-memcpy")).findFirst().orElse("");
            String ringLine = text.lines().filter(l -> l.contains("shm-ring") && l.contains("spin")).findFirst().orElse("");
            String queueLine = text.lines().filter(l -> l.contains(" queue ")).findFirst().orElse("");
            check(limitLine.contains("(reference)") && !limitLine.contains("x "), "limit-memcpy marked as a reference, not ranked: " + limitLine);
            check(ringLine.contains("1.00x") && queueLine.contains("20.07x"), "shm-ring the fastest, queue 20.07x slower:\n" + text);
            check(ringLine.contains("1,003,500 [1,001,000, 1,006,000]"), "median and its 95% interval (6 runs: the range): " + ringLine);
            check(text.contains("95% interval (order statistics") && ringLine.contains("2.00"), "the interval named, cpu cores shown:\n" + text);
        });

        test("results follow the suite schema in csv and jsonl; latency rows get an hgrm, the memcpy row none", () -> {
            Path dir = Files.createTempDirectory("shm-results");
            try {
                var results = new ShmBench.Results(dir, ShmBench.Environment.capture());
                Histogram h = new Histogram(3);
                for (int i = 1; i <= 1000; i++) h.recordValue(i * 1000L);
                var limitRow = ShmBench.Row.ofLimit(ShmBench.Dtype.float64, 8192, 1, 1, 0.1, 200_000, ShmBench.CpuMeter.fields(100_000_000L, 100_000_000L, 200_000), 0, null);
                var ringRow = ShmBench.Row.of("shm-ring", "spin", "a, \"quoted\" note", ShmBench.Dtype.float64, 8192, 10, 1, 0.5, h, 1000,
                        ShmBench.CpuMeter.fields(1_000_000_000L, 500_000_000L, 1000), 0, null);
                results.write(limitRow.fields, limitRow.hist);
                results.write(ringRow.fields, ringRow.hist);
                List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
                check(csv.size() == 3 && csv.get(0).equals(String.join(",", ShmBench.Results.COLUMNS)), "csv header and two rows");
                check(csv.get(2).contains("\"a, \"\"quoted\"\" note; latency clock: System.nanoTime of both processes (CLOCK_MONOTONIC"), "csv quoting, and the latency clock recorded: " + csv.get(2));
                List<JsonNode> rows = rows(dir);
                List<String> keys = new ArrayList<>();
                rows.get(1).fieldNames().forEachRemaining(keys::add);
                check(keys.equals(ShmBench.Results.COLUMNS), "jsonl keys are the columns: " + keys);
                JsonNode limit = rows.get(0), ring = rows.get(1);
                check(limit.get("lat_kind").asText().equals("none") && limit.get("lat_p50_us").isNull() && limit.get("hgrm").isNull(), "memcpy row: " + limit);
                check(limit.get("mb_per_s").asDouble() == 16_384, "2,000,000 copies of 8192 B a second are 16,384 MB/s: " + limit.get("mb_per_s"));
                check(ring.get("lat_kind").asText().equals("one-way") && Math.abs(ring.get("lat_p50_us").asDouble() - 500) < 1, "one-way p50 in µs");
                check(ring.get("msgs_per_s").asDouble() == 2000 && ring.get("batch").asInt() == 10 && ring.get("payload").asText().equals("float64"), "rate, batch, dtype");
                check(limit.get("kind").asText().equals("reference") && ring.get("kind").asText().equals("method"), "kinds: " + limit.get("kind") + ", " + ring.get("kind"));
                check(ring.get("cpu_us_per_msg").asDouble() == 1000 && ring.get("cpu_cores").asDouble() == 2 && limit.get("cpu_cores").asDouble() == 1,
                        "CPU cost: 1 s of CPU for 1000 arrays in 0.5 s is 1000 µs an array and 2 cores: " + ring);
                check(Files.readString(dir.resolve(ring.get("hgrm").asText())).contains("Percentile"), "hgrm written");
                for (String key : List.of("jdk", "jvm_flags", "os", "cpu", "cores", "libs", "host"))
                    check(!ring.get(key).asText().isEmpty(), "environment field " + key);
                check(ring.get("libs").asText().contains("chronicle-queue"), "library versions recorded");
            } finally {
                deleteTree(dir);
            }
        });

        test("cleanup removes what dead processes left and nothing else", () -> {
            Path root = ShmBench.SuiteFolder.root();
            long dead = deadPid();
            Path mine = ShmBench.SuiteFolder.createRunDir(ShmBench.SuiteFolder.newRunId());
            Path orphan = Files.createDirectories(root.resolve("ShmBench-" + dead + "-abc123"));
            Files.writeString(orphan.resolve("ring"), "x");
            Path sem = ShmBench.SuiteFolder.SHM.resolve("sem." + ShmBench.SuiteFolder.SEMAPHORE_PREFIX + dead + "-abc123-filled");
            Files.writeString(sem, "x");
            Path othersSem = ShmBench.SuiteFolder.SHM.resolve(SEMAPHORES + "OtherBench-" + dead + "-abc123-filled");
            Files.writeString(othersSem, "x");
            Path unrelated = Files.createDirectories(root.resolve("keep-me"));
            try {
                List<Path> removed = ShmBench.SuiteFolder.removeLeftovers();
                check(!Files.exists(orphan) && !Files.exists(sem), "leftovers of dead pid " + dead + " removed");
                check(removed.contains(orphan) && removed.contains(sem), "and listed as removed: " + removed);
                check(Files.exists(mine) && Files.exists(unrelated), "a live run's folder and an unrelated folder are kept");
                check(Files.exists(othersSem), "another script's semaphore is that script's to remove");
            } finally {
                ShmBench.SuiteFolder.delete(mine);
                Files.deleteIfExists(unrelated);
                Files.deleteIfExists(othersSem);
            }
        });

        test("semaphores are named after this script and the run, and go with the run folder", () -> {
            String runId = ShmBench.SuiteFolder.newRunId();
            check(ShmBench.SuiteFolder.semaphoreName(runId, "filled").equals("/" + ShmBench.SuiteFolder.SEMAPHORE_PREFIX + runId + "-filled"),
                    "name: " + ShmBench.SuiteFolder.semaphoreName(runId, "filled"));
            Path dir = ShmBench.SuiteFolder.createRunDir(runId);
            var payload = new ShmBench.Payload(ShmBench.Dtype.float64, 1000, 1, 0);
            var event = new ShmBench.ShmEventTransport(new ShmBench.Context(true, dir, runId, 1000, 1, 4096, ShmBench.WaitMode.spin, 0, payload, new ShmBench.Abort()));
            try {
                for (String role : List.of("filled", "emptied"))
                    check(Files.exists(ShmBench.SuiteFolder.SHM.resolve("sem." + ShmBench.SuiteFolder.SEMAPHORE_PREFIX + runId + "-" + role)), "semaphore " + role + " in /dev/shm");
            } finally {
                ShmBench.SuiteFolder.delete(dir);
            }
            for (String role : List.of("filled", "emptied"))
                check(!Files.exists(ShmBench.SuiteFolder.SHM.resolve("sem." + ShmBench.SuiteFolder.SEMAPHORE_PREFIX + runId + "-" + role)), "semaphore " + role + " removed with the run folder");
            event.close();
        });
    }

    static void roomTests() {
        test("room: each method's files at a size; chronicle's queue of a run at least what Chronicle writes; the default ring halved to fit, a given one kept", () -> {
            int kib8 = 8192, record = ShmBench.Records.bytes(kib8);
            check(ShmBench.sessionBytes("queue", kib8, 1, 4 << 20) == 0, "queue keeps no file");
            check(ShmBench.sessionBytes("shm-ring", kib8, 1, 4 << 20) == (4 << 20) + 4096, "the ring: 4 KiB of positions and 4 MiB of records");
            check(ShmBench.sessionBytes("zmq-shm", kib8, 1, 4 << 20) == ShmBench.pages(64L * record), "zmq-shm: 64 slots of one array");
            check(ShmBench.sessionBytes("shm-event", kib8, 1, 4 << 20) >= 64 + record, "shm-event: its slot");
            // Chronicle Queue 2026.4 on tmpfs, measured: 2000 documents of 8 KiB (and 28 bytes each) take 16,461,824 bytes, queue folder and all.
            check(ShmBench.chronicleRunBytes(2000, kib8, 1) >= 16_461_824L, "chronicle's 2000 arrays: " + ShmBench.chronicleRunBytes(2000, kib8, 1));
            check(ShmBench.chronicleRunBytes(2000, kib8, 10) >= 16_461_824L - 2000 * 4, "in batches of 10, no less than the arrays");
            check(ShmBench.fitRing("shm-ring", 4 << 20, false, kib8, 1, 64L << 20) == 4 << 20, "the default ring kept in 64 MiB");
            long fitted = ShmBench.fitRing("shm-ring", 4 << 20, false, kib8, 1, 3L << 20);
            check(fitted == 1 << 20 && ShmBench.sessionBytes("shm-ring", kib8, 1, fitted) <= (3L << 20) / 2, "halved to 1 MiB in 3 MiB free: " + fitted);
            long least = ShmBench.fitRing("shm-ring", 4 << 20, false, kib8, 1, 4096);
            check(least >= 2L * record && least < 4L * record, "never below two batches: " + least);
            check(ShmBench.fitRing("shm-ring", 4 << 20, true, kib8, 1, 3L << 20) == 4 << 20, "--ring given: kept, to fail with its line if it does not fit");
            check(ShmBench.fitRing("zmq-shm", 4 << 20, false, kib8, 1, 3L << 20) == 4 << 20, "zmq-shm's 64 slots (528 KiB) fit: its ring kept");
        });

        test("--cleanup with --shm-dir: the leftovers of the suite folder in DIR are removed, and only there", () -> {
            Path dir = Files.createTempDirectory("shm-dir-cleanup");
            Path before = ShmBench.SuiteFolder.base();
            var cl = new picocli.CommandLine(new ShmBench());
            long dead = deadPid();
            Path inShm = ShmBench.SuiteFolder.root().resolve("ShmBench-" + dead + "-abc123");
            try {
                Files.createDirectories(inShm);
                ShmBench.SuiteFolder.useShmDir(cl, dir);
                check(ShmBench.SuiteFolder.root().equals(dir.toAbsolutePath().resolve("ipcbench-" + UID)), "the suite folder moves into DIR: " + ShmBench.SuiteFolder.root());
                Path orphan = Files.createDirectories(ShmBench.SuiteFolder.root().resolve("ShmBench-" + dead + "-abc123"));
                Files.writeString(orphan.resolve("ring"), "x");
                List<Path> removed = ShmBench.SuiteFolder.removeLeftovers();
                check(!Files.exists(orphan) && removed.contains(orphan), "the dead run's folder in DIR removed and named: " + removed);
                check(Files.exists(inShm), "the one in " + before + " is not DIR's to clean");
            } finally {
                ShmBench.SuiteFolder.useShmDir(cl, before);
                deleteTree(inShm);
                deleteTree(dir);
            }
        });
    }

    /** agrona-ring and aeron-ipc: their ring and term sizing, the bad inputs it makes, and both transports in one process. */
    static void carrierTests() {
        test("agrona/aeron sizing: a power of two at or below --ring whose eighth carries a batch, sized up from the default; Aeron's mtu, frames and files", () -> {
            int kib8 = 8192, mib1 = 1 << 20;
            long msg8 = ShmBench.BatchMessage.bytes(kib8, 1), msg1 = ShmBench.BatchMessage.bytes(mib1, 1);
            check(msg8 == 8224 && msg1 == 1_048_608 && ShmBench.BatchMessage.bytes(1001, 3) == 3 * (32 + 1024), "a 32-byte header per array, padded to 32: " + msg8 + ", " + msg1);
            for (String m : List.of("agrona-ring", "aeron-ipc")) {
                check(ShmBench.ringOf(m, 4 << 20, kib8, 1) == 4 << 20, m + ": the default 4 MiB at 8 KiB");
                check(ShmBench.ringOf(m, 5L << 20, kib8, 1) == 4 << 20, m + ": 5 MiB gives the power of two below it");
                check(ShmBench.ringOf(m, 4 << 20, mib1, 1) == 16 << 20, m + ": sized up to 16 MiB for 1 MiB arrays (8 x 1,048,608 B is over 8 MiB)");
            }
            check(ShmBench.carrying("aeron-ipc", 8, 1) == 64 << 10 && ShmBench.carrying("agrona-ring", 8, 1) == 4 << 10, "the smallest: Aeron's 64 KiB term, a 4 KiB ring");
            check(ShmBench.largestMessage("aeron-ipc") == 16 << 20 && ShmBench.largestMessage("agrona-ring") == 128 << 20, "the largest messages: 16 MiB, 128 MiB");
            SplittableRandom rnd = new SplittableRandom(19);
            for (int trial = 0; trial < 2000; trial++) {
                String m = rnd.nextBoolean() ? "agrona-ring" : "aeron-ipc";
                int size = rnd.nextInt(8, 3 << 20), batch = rnd.nextInt(1, 5);
                long ring = rnd.nextLong(ShmBench.MIN_RING, ShmBench.MAX_RING), message = ShmBench.BatchMessage.bytes(size, batch);
                if (message > ShmBench.largestMessage(m)) continue;
                long r = ShmBench.ringOf(m, ring, size, batch);
                check(Long.bitCount(r) == 1 && r >= Long.highestOneBit(ring) && r / 8 >= message, m + ": a power of two, not below --ring's, carrying " + message + ": " + r);
                check(r == Long.highestOneBit(ring) || r == ShmBench.carrying(m, size, batch), m + ": sized up no further than needed: " + r + " for " + message);
                if (m.equals("aeron-ipc")) {
                    io.aeron.logbuffer.LogBufferDescriptor.checkTermLength((int) r);
                    int mtu = ShmBench.AeronIpcTransport.mtu(r, message);
                    io.aeron.driver.Configuration.validateMtuLength(mtu);      // Aeron's own checks of what the channel asks for
                    check(mtu <= ShmBench.AeronIpcTransport.maxMessage(r), "mtu " + mtu + " within the term's largest message");
                    check((ShmBench.AeronIpcTransport.fragments(r, message) == 1) == (message <= mtu - 32), "one frame exactly when the message fits one");
                }
            }
            check(ShmBench.AeronIpcTransport.mtu(4 << 20, msg8) == 8256 && ShmBench.AeronIpcTransport.fragments(4 << 20, msg8) == 1, "8 KiB: one frame of 8,256 B");
            check(ShmBench.AeronIpcTransport.mtu(16 << 20, msg1) == 65504 && ShmBench.AeronIpcTransport.fragments(16 << 20, msg1) == 17, "1 MiB: 17 frames of up to 65,504 B");
            check(ShmBench.AeronIpcTransport.channel(4 << 20, msg8).equals("aeron:ipc?term-length=4194304|mtu=8256"), ShmBench.AeronIpcTransport.channel(4 << 20, msg8));
            check(ShmBench.AeronIpcTransport.describe(4 << 20, msg8, ShmBench.DriverIdle.backoff).startsWith("term-length 4 MiB, mtu 8,256: tryClaim (one frame)")
                    && ShmBench.AeronIpcTransport.describe(16 << 20, msg1, ShmBench.DriverIdle.backoff).startsWith("term-length 16 MiB, mtu 65,504: offer, 17 fragments"), "the note says the path");
            check(ShmBench.sessionBytes("agrona-ring", kib8, 1, 4 << 20) == (4 << 20) + 4096, "agrona-ring: the ring and its trailer's page");
            check(ShmBench.sessionBytes("agrona-ring", mib1, 1, 4 << 20) == (16 << 20) + 4096, "sized up: 16 MiB");
            check(ShmBench.sessionBytes("aeron-ipc", kib8, 1, 4 << 20) == ShmBench.AeronIpcTransport.DRIVER_FILES + (12 << 20) + 4096, "aeron-ipc: the driver's files, three terms and the log's metadata");
            long fitted = ShmBench.fitRing("agrona-ring", 4 << 20, false, kib8, 1, 3L << 20);
            check(ShmBench.ringOf("agrona-ring", fitted, kib8, 1) == 1 << 20, "a default ring halved to fit 3 MiB free: " + fitted);
            long least = ShmBench.fitRing("aeron-ipc", 4 << 20, false, kib8, 1, 4096);
            check(ShmBench.ringOf("aeron-ipc", least, kib8, 1) == 128 << 10, "never below a term that carries a batch (128 KiB at 8 KiB): " + least);
        });

        test("agrona/aeron bad input and leaving out: a given --ring too small is refused naming the method, the size and the limit; a batch over "
                + "Aeron's 16 MiB too, where aeron-ipc is named, else it is left out at that size, said in the summary", () -> {
            String ring = refusal("-m", "agrona-ring", "--ring", "64Ki");
            check(ring.contains("'--ring': '64Ki'") && ring.contains("agrona-ring's ring is the power of two at or below --ring, 64 KiB") && ring.contains("8 KiB arrays")
                    && ring.contains("8.22 kB") && ring.contains("a --ring of 128 KiB or more"), "agrona-ring's ring: " + ring);
            String term = refusal("-m", "shm-ring,aeron-ipc", "--ring", "64Ki");
            check(term.contains("aeron-ipc's term") && term.contains("a --ring of 128 KiB or more"), "aeron-ipc's term: " + term);
            String large = refusal("-m", "aeron-ipc", "--size", "32Mi");
            check(large.contains("'--size': '32Mi'") && large.contains("aeron-ipc carries at most 16 MiB in one message (Aeron's largest)") && large.contains("32 MiB arrays"), large);
            String batches = refusal("-m", "agrona-ring", "-b", "3", "--size", "64Mi");
            check(batches.contains("'--batch': '3'") && batches.contains("agrona-ring carries at most 128 MiB"), batches);
            ShmBench o = parsed("--sizes", "8Ki,32Mi");
            var plan = o.plan();
            var aeron = ShmBench.METHODS.stream().filter(m -> m.name().equals("aeron-ipc")).findFirst().orElseThrow();
            var agrona = ShmBench.METHODS.stream().filter(m -> m.name().equals("agrona-ring")).findFirst().orElseThrow();
            check(plan.leftOut(aeron, 32 << 20) && !plan.leftOut(aeron, 8192) && !plan.leftOut(agrona, 32 << 20), "aeron-ipc left out at 32 MiB only: " + plan.leftOut());
            Histogram h = new Histogram(3);
            h.recordValue(1000);
            var printed = new java.io.ByteArrayOutputStream();
            var stdout = System.out;
            System.setOut(new java.io.PrintStream(printed, true));
            try {
                o.printSummary(List.of(ShmBench.Row.of("shm-ring", "spin", "", ShmBench.Dtype.float64, 8192, 1, 1, 1.0, h, 1000,
                        ShmBench.CpuMeter.fields(1_000_000L, 1_000_000_000L, 1000), 0, null)), plan, false);
            } finally {
                System.setOut(stdout);
            }
            check(printed.toString().contains("Left out: aeron-ipc at 32 MiB: it carries at most 16 MiB in one message (Aeron's largest); a batch of 1 x 32 MiB arrays"),
                    "the summary says so:\n" + printed);
            var sizedUp = parsed("-m", "agrona-ring,aeron-ipc", "--sizes", "8Ki,1Mi").plan();
            check(sizedUp.leftOut().isEmpty(), "1 MiB arrays fit once sized up: " + sizedUp.leftOut());
        });

        test("agrona-ring between two threads through its mapped file: many laps in batches of 3, every array verified", () -> {
            Path dir = Files.createTempDirectory("agrona");
            try {
                int size = 1000, batch = 3, ring = (int) ShmBench.ringOf("agrona-ring", 32 << 10, size, batch);      // 32 KiB: 10 batches
                var producer = new ShmBench.AgronaRingTransport(context(dir, true, size, batch, ring, 0));
                var consumer = new ShmBench.AgronaRingTransport(context(dir, false, size, batch, ring, 0));
                long total = 60_000;
                List<ShmBench.RunReport> reports = streamBetweenThreads(producer, consumer, size, batch, total);
                check(ring == 32 << 10, "a ring of 32 KiB, whose eighth carries a batch of 3,168 B: " + ring);
                check(reports.get(0).arrays() == total && reports.get(0).errors() == 0, "all verified: " + reports.get(0).arrays() + " arrays, " + reports.get(0).errors() + " bad");
            } finally {
                deleteTree(dir);
            }
        });

        test("aeron-ipc in one process: 8 KiB arrays go by tryClaim, batches of 10 x 20 kB by offer in 4 fragments (images reused in a batch), as the note "
                + "says; every array verified, a corrupted one caught; its files within what it counts, removed on close", () -> {
            record Case(int size, int batch, long arrays, long corrupt, String path) {}
            for (Case c : List.of(new Case(8192, 1, 3000, 0, "tryClaim (one frame)"), new Case(20_000, 10, 2000, 1234, "offer, 4 fragments"))) {
                Path dir = Files.createTempDirectory("aeron");
                try {
                    long term = ShmBench.ringOf("aeron-ipc", 1 << 20, c.size, c.batch);
                    long message = ShmBench.BatchMessage.bytes(c.size, c.batch);
                    String note = ShmBench.AeronIpcTransport.describe(term, message, ShmBench.DriverIdle.backoff);
                    check(note.contains(c.path), "the note: " + note);
                    var producer = new ShmBench.AeronIpcTransport(context(dir, true, c.size, c.batch, (int) term, c.corrupt));
                    var consumer = new ShmBench.AeronIpcTransport(context(dir, false, c.size, c.batch, (int) term, 0));
                    try {
                        producer.awaitPeer(null);
                        long files;
                        try (Stream<Path> all = Files.walk(dir.resolve("aeron"))) {
                            files = all.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                        }
                        check(files > term * 3 && files <= ShmBench.AeronIpcTransport.files(term), "its files, " + files + " B, within the " + ShmBench.AeronIpcTransport.files(term) + " it counts");
                        AtomicReference<Throwable> failure = new AtomicReference<>();
                        Thread t = new Thread(() -> {
                            try {
                                for (long seq = 1; seq <= c.arrays; seq += c.batch)
                                    producer.send(seq, (int) Math.min(c.batch, c.arrays - seq + 1), System.nanoTime(), seq + c.batch > c.arrays ? ShmBench.LAST_OF_RUN | ShmBench.END : 0);
                            } catch (Throwable e) {
                                failure.set(e);
                            }
                        });
                        t.start();
                        List<ShmBench.RunReport> reports = new ArrayList<>();
                        var v = checker(new ShmBench.Payload(ShmBench.Dtype.float64, c.size, 1, 0), reports);
                        while (!v.ended) consumer.receive(v);
                        t.join();
                        check(failure.get() == null, "producer failed: " + failure.get());
                        var r = reports.get(0);
                        check(r.arrays() == c.arrays && r.errors() == (c.corrupt > 0 ? 1 : 0), c.size + " B: all arrays arrived, " + r.errors() + " bad: " + r);
                        if (c.corrupt > 0) check(r.firstError().startsWith("array " + c.corrupt + ": bytes differ"), "the corrupted array caught: " + r.firstError());
                        long batches = c.arrays / c.batch;
                        check(c.path.startsWith("tryClaim") ? producer.claims == batches && producer.offers == 0 : producer.offers == batches && producer.claims == 0,
                                "the path the note says: " + producer.claims + " claims, " + producer.offers + " offers");
                    } finally {
                        consumer.close();
                        producer.close();
                    }
                    check(!Files.exists(dir.resolve("aeron")), "the driver's directory removed on close");
                } finally {
                    deleteTree(dir);
                }
            }
        });
    }

    /** A ShmBench with these arguments, as picocli gives them to it. */
    static ShmBench parsed(String... args) {
        var o = new ShmBench();
        var cl = new picocli.CommandLine(o);
        cl.parseArgs(args);
        o.spec = cl.getCommandSpec();
        return o;
    }

    /** plan()'s one line for bad input. */
    static String refusal(String... args) {
        try {
            parsed(args).plan();
        } catch (picocli.CommandLine.ParameterException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + String.join(" ", args));
    }

    static ShmBench.Context context(Path dir, boolean producer, int size, int batch, int ring, long corrupt) {
        var payload = new ShmBench.Payload(ShmBench.Dtype.float64, size, 1, corrupt);
        return new ShmBench.Context(producer, dir, "test", size, batch, ring, ShmBench.WaitMode.spin, 0, payload, new ShmBench.Abort());
    }

    static void expectConversionError(Runnable r, String what) {
        try {
            r.run();
            throw new AssertionError("accepted " + what);
        } catch (picocli.CommandLine.TypeConversionException expected) { }
    }

    // ---------------------------------------------------------------- the script, as a user runs it

    /** The rows beside the methods: the machine's copy limit, and shm-ring's ring with nothing checked (run whenever shm-ring is). */
    static final Set<String> REFERENCES = Set.of("limit-memcpy", "ref-shm-ring-raw");

    /** Every row's kind (limit-memcpy and ref-shm-ring-raw references, the rest methods) and its CPU cost: more than nothing, at most every core busy. */
    static void checkKindAndCpu(JsonNode row) {
        String method = row.get("method").asText();
        check(row.get("kind").asText().equals(REFERENCES.contains(method) ? "reference" : "method"), "kind of " + method + ": " + row.get("kind"));
        double perArray = row.get("cpu_us_per_msg").asDouble(), cores = row.get("cpu_cores").asDouble();
        check(row.get("cpu_us_per_msg").isNumber() && perArray > 0, "cpu_us_per_msg of " + method + " positive: " + row.get("cpu_us_per_msg"));
        check(row.get("cpu_cores").isNumber() && cores >= 0 && cores <= row.get("cores").asInt() + 0.5,
                "cpu_cores of " + method + " within [0, " + row.get("cores") + " + 0.5]: " + cores);
        // Both are the same CPU time, over the window to the moment the producer hears "done" (a little after the last receipt).
        double seconds = row.get("seconds").asDouble();
        if (seconds >= 0.5)
            check(Math.abs(perArray * row.get("count").asDouble() / 1e6 - cores * seconds) <= 0.25 * cores * seconds + 0.01,
                    "cpu_us_per_msg x count and cpu_cores x seconds are the same CPU time for " + method + ": " + row);
    }

    /** Rows of a run: every method (and limit-memcpy, and ref-shm-ring-raw with shm-ring) present, verified, with positive figures. */
    static void checkRows(Path outDir, Result r, List<String> methods, int size, int batch) throws IOException {
        check(r.code() == 0, "exit code " + r.code() + "; stderr: " + r.err());
        List<JsonNode> rows = rows(outDir);
        Set<String> seen = new HashSet<>();
        for (JsonNode row : rows) {
            String method = row.get("method").asText();
            seen.add(method);
            check(row.get("verified").asBoolean() && row.get("errors").asInt() == 0, "verified: " + method);
            check(row.get("size_bytes").asInt() == size && row.get("batch").asInt() == batch, "size and batch of " + method + ": " + row);
            for (String f : List.of("seconds", "msgs_per_s", "mb_per_s")) check(row.get(f).asDouble() > 0, f + " positive for " + method);
            check(row.get("count").asLong() > 0, "count of " + method);
            checkKindAndCpu(row);
            if (!REFERENCES.contains(method)) {
                for (String f : List.of("lat_mean_us", "lat_p50_us", "lat_p99_us", "lat_max_us")) check(row.get(f).asDouble() > 0, f + " positive for " + method);
                check(row.get("lat_kind").asText().equals("one-way"), "one-way latency for " + method);
                check(Files.exists(outDir.resolve(row.get("hgrm").asText())), "hgrm of " + method);
            }
        }
        Set<String> expected = new HashSet<>(union(methods, "limit-memcpy"));
        if (methods.contains("shm-ring")) expected.add("ref-shm-ring-raw");
        check(seen.equals(expected), "methods in the rows: " + seen);
        check(r.out().contains("vs queue") && r.out().contains("All arrays verified: yes"), "summary printed:\n" + r.out());
        for (String ref : REFERENCES)
            if (expected.contains(ref)) check(r.out().lines().anyMatch(l -> l.contains(ref) && l.contains("(reference)") && !l.contains("1.00x")), ref + " shown as a reference, unranked:\n" + r.out());
        check(r.out().lines().anyMatch(l -> REFERENCES.stream().noneMatch(l::contains) && l.contains("1.00x")), "a method is the fastest:\n" + r.out());
        if (expected.contains("ref-shm-ring-raw"))
            check(r.out().lines().anyMatch(l -> l.startsWith("Checks' cost at ") && l.matches(".*shm-ring moves [0-9.]+x the arrays/s of ref-shm-ring-raw.*")),
                    "the summary says what shm-ring keeps of its reference:\n" + r.out());
    }

    static List<String> union(List<String> list, String extra) {
        List<String> all = new ArrayList<>(list);
        all.add(extra);
        return all;
    }

    static void endToEndTests() throws Exception {
        Path work = Files.createTempDirectory("shm-e2e");

        test("--help documents every option", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--help");
            check(r.code() == 0, "exit 0");
            for (String opt : List.of("--count", "--size", "--sizes", "--elements", "--dtype", "--batch", "--warmup", "--duration", "--methods",
                    "--list", "--runs", "--out", "--quick", "--ring", "--driver-idle", "--wait", "--rate", "--sem-spin", "--timeout", "--seed", "--shm-dir", "--cleanup", "--help", "--version"))
                check(r.out().contains(opt), "help mentions " + opt);
            check(r.out().contains("auto: at least 6 runs, at most 10"), "help describes --runs auto");
            check(!r.err().contains("WARN"), "help text without picocli's format warnings: " + r.err());
        });

        test("--list names every method, one line each", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--list");
            check(r.code() == 0 && r.out().lines().count() == ALL_METHODS.size() + REFERENCES.size(), "one line per method and reference:\n" + r.out());
            for (String m : ALL_METHODS) check(r.out().contains(m), m);
            for (String m : REFERENCES) check(r.out().lines().anyMatch(l -> l.startsWith(m) && l.contains("(reference")), m + " said to be a reference");
        });

        test("copied alone into an empty folder, --quick runs every method, verified", () -> {
            Path alone = Files.createDirectory(work.resolve("alone"));
            Files.copy(SCRIPT.file(), alone.resolve("ShmBench.java"));
            Result r = SCRIPT.run(alone, null, Duration.ofMinutes(5), "--quick");
            checkRows(alone.resolve("results"), r, ALL_METHODS, 8192, 1);
        });

        test("--quick on JDK 25", () -> {
            if (JDK25 == null) throw new Skip("no JDK 25 under /usr/lib/jvm");
            Path out = work.resolve("jdk25");
            Result r = SCRIPT.run(REPO, JDK25, Duration.ofMinutes(5), "--quick", "--out", out.toString());
            checkRows(out, r, ALL_METHODS, 8192, 1);
            check(rows(out).get(0).get("jdk").asText().contains("25"), "ran on 25: " + rows(out).get(0).get("jdk"));
        });

        test("the README's example --size 2000000 runs every method, verified", () -> {
            Path out = work.resolve("2mb");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--size", "2000000", "-n", "30", "-r", "1", "-o", out.toString());
            checkRows(out, r, ALL_METHODS, 2_000_000, 1);
        });

        test("batches of 10, a dtype given by --elements, --wait park and --rate: verified", () -> {
            Path out = work.resolve("batch");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "-n", "1000", "-b", "10", "--elements", "1000", "--dtype", "int32",
                    "--wait", "park", "-o", out.toString());
            checkRows(out, r, ALL_METHODS, 4000, 10);
            check(rows(out).stream().allMatch(row -> row.get("payload").asText().equals("int32")), "dtype recorded");
            check(rows(out).stream().filter(row -> !row.get("method").asText().equals("limit-memcpy")).allMatch(row -> row.get("count").asInt() == 1000), "1000 arrays each");
            check(rows(out).stream().anyMatch(row -> row.get("method").asText().equals("shm-ring") && row.get("wait").asText().equals("park")), "wait mode recorded");
            Path paced = work.resolve("rate");
            Result p = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "--quick", "-m", "shm-ring,chronicle", "--rate", "20000", "-n", "2000", "-o", paced.toString());
            check(p.code() == 0, "--rate run: " + p.err());
            JsonNode ring = rows(paced).stream().filter(row -> row.get("method").asText().equals("shm-ring")).findFirst().orElseThrow();
            check(ring.get("seconds").asDouble() >= 0.09, "2000 arrays at 20,000/s take about 0.1 s: " + ring.get("seconds"));
        });

        test("--duration bounds a run by time", () -> {
            Path out = work.resolve("duration");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm-ring", "-d", "1s", "-w", "0", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(1);
            check(row.get("seconds").asDouble() >= 1.0 && row.get("seconds").asDouble() < 3, "about a second: " + row.get("seconds"));
            // Behaviour, not speed: the run went on for its time, far past one batch (on a loaded machine, with no warm-up, a few hundred).
            check(row.get("count").asLong() > 100, "many arrays in a second: " + row.get("count"));
        });

        test("no -n: warm-up, then measured runs of at least about 1 s, their count scaled up from the warm-up's rate", () -> {
            Path out = work.resolve("default-length");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "shm-ring", "--size", "8", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out);
            check(rows.size() == 3, "limit-memcpy, shm-ring and ref-shm-ring-raw, one run each: " + rows.size());
            for (JsonNode row : rows) {
                checkKindAndCpu(row);
                check(row.get("seconds").asDouble() >= 0.9, row.get("method") + " measured for at least about 1 s: " + row.get("seconds"));
                check(row.get("count").asLong() > 1000, row.get("method") + ": more arrays than the old fixed default of 1000: " + row.get("count"));
            }
            check(rows.get(1).get("seconds").asDouble() < 10, "and not much longer: " + rows.get(1).get("seconds"));
        });

        test("--runs auto: 6 to 10 runs per configuration, numbered, the summary with the interval", () -> {
            Path out = work.resolve("auto");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "shm-ring", "-n", "2000", "-w", "0", "--runs", "auto", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            for (String method : List.of("limit-memcpy", "shm-ring")) {
                List<Integer> runs = rows(out).stream().filter(row -> row.get("method").asText().equals(method)).map(row -> row.get("run").asInt()).toList();
                check(runs.size() >= 6 && runs.size() <= 10, method + ": 6 to 10 runs, was " + runs.size());
                for (int i = 0; i < runs.size(); i++) check(runs.get(i) == i + 1, method + ": runs numbered 1, 2, ...: " + runs);
            }
            check(r.out().contains("--runs auto") && r.out().lines().anyMatch(l -> l.contains("shm-ring") && l.matches(".*\\[[0-9,.]+, [0-9,.]+\\].*")),
                    "the summary shows the median and its interval:\n" + r.out());
        });

        test("timeline: the consumer stalls 50 ms mid-run (--stall-at): the stall is inside the window and the latency", () -> {
            Path out = work.resolve("stall");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm-ring", "-n", "2000", "-w", "0", "-r", "1", "--stall-at", "1000", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode ring = rows(out).get(1);
            check(ring.get("seconds").asDouble() >= 0.05, "the window holds the 50 ms stall: " + ring.get("seconds"));
            check(ring.get("lat_max_us").asDouble() >= 50_000, "so does the latency: max " + ring.get("lat_max_us") + " µs");
            checkKindAndCpu(ring);
        });

        test("timeline: arrays that wait for ring room during a stall count their latency from their due time, not from after the wait", () -> {
            // 20,000 arrays/s into a ring of 7 arrays: the consumer stops for 50 ms at array 1000, the ring fills at once, and the
            // 1000 arrays due during the stall wait for room. Counted from their due time (before the wait), the later ~12% of all
            // arrays have waited over 25 ms, so p90 is above 20 ms; counted from after the wait, only the 7 in the ring would be.
            Path out = work.resolve("stall-rate");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm-ring", "-n", "4000", "--rate", "20000", "--ring", "64Ki", "-w", "0", "-r", "1",
                    "--stall-at", "1000", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode ring = rows(out).get(1);
            check(ring.get("lat_p90_us").asDouble() >= 20_000, "p90 shows the wait for room: " + ring.get("lat_p90_us") + " µs");
            check(ring.get("seconds").asDouble() >= 0.19, "4000 arrays at 20,000/s: " + ring.get("seconds"));
        });

        for (String method : ALL_METHODS) {
            test("an array corrupted in transit is caught by " + method + ": row verified=false, exit 1", () -> {
                Path out = work.resolve("corrupt-" + method);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", method, "-n", "300", "-w", "0", "-r", "1", "--corrupt", "100", "-o", out.toString());
                check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
                check(r.err().contains("verification failed") && r.err().contains("array 100: bytes differ"), "says which array: " + r.err());
                JsonNode row = rows(out).get(1);
                check(row.get("method").asText().equals(method) && !row.get("verified").asBoolean() && row.get("errors").asInt() == 1, "row marked: " + row);
            });
        }

        test("bad input: exit 2, one line naming the option and value, nothing started or written", () -> {
            Path file = Files.writeString(work.resolve("a-file"), "x");
            List<String[]> cases = List.of(
                    new String[]{"--ring", "64Ki", "--size", "1Mi"},
                    new String[]{"--ring", "64Ki", "-m", "agrona-ring"},
                    new String[]{"--size", "32Mi", "-m", "aeron-ipc"},
                    new String[]{"--size", "1001"},
                    new String[]{"--elements", "3", "--dtype", "int8"},
                    new String[]{"--batch", "0"},
                    new String[]{"--batch", "4096", "--size", "1Mi"},
                    new String[]{"--timeout", "0s"},
                    new String[]{"--dtype", "float16"},
                    new String[]{"--methods", "nosuch"},
                    new String[]{"--wait", "sleep"},
                    new String[]{"--count", "0"},
                    new String[]{"--size", "0"},
                    new String[]{"--rate", "0"},
                    new String[]{"--runs", "0"},
                    new String[]{"--runs", "many"},
                    new String[]{"--stall-at", "-1"},
                    new String[]{"--shm-dir", work.resolve("no-such-folder").toString()},
                    new String[]{"--out", file.resolve("results").toString()});
            SCRIPT.rejects(Files.createDirectory(work.resolve("bad-input")), cases);
        });

        for (String method : ALL_METHODS) {
            test("consumer killed with SIGKILL during " + method + ": the producer exits 1 within 5 s, nothing left", () ->
                    SCRIPT.killChildMidRun(work, method, "-m", method, "-d", "10m", "-w", "0", "-r", "1", "-o", work.resolve("kill-" + method).toString()));
        }

        for (String method : ALL_METHODS) {
            test("producer killed with SIGKILL during " + method + ": the consumer exits within 5 s and removes the files", () -> {
                Set<String> before = SCRIPT.suiteEntries();
                Process parent = SCRIPT.command(REPO, null, "-m", method, "-d", "10m", "-w", "0", "-r", "1", "-o", work.resolve("pkill-" + method).toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                ProcessHandle consumer = SCRIPT.awaitChild(parent, Duration.ofMinutes(2));
                Thread.sleep(1500);
                ProcessHandle producer = SCRIPT.javaOf(parent);
                Set<String> during = SCRIPT.entriesSince(before);
                check(!during.isEmpty(), "a run folder exists while running");
                producer.destroyForcibly();
                parent.waitFor(5, TimeUnit.SECONDS);
                check(consumer.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).get() != null, "the consumer outlived its producer by 5 s");
                Set<String> left = SCRIPT.suiteEntries();
                left.retainAll(during);
                check(left.isEmpty(), "files left: " + left);
            });
        }

        for (String method : ALL_METHODS) {
            test("SIGINT (Ctrl-C) during " + method + ": exit 130 without a crash, consumer gone, files removed", () -> {
                Path cwd = Files.createDirectory(work.resolve("sigint-" + method));
                SCRIPT.interruptMidRun(cwd, "-m", method, "-d", "10m", "-w", "0", "-r", "1", "-o", cwd.resolve("out").toString());
            });
        }

        test("two runs at the same time: both verified, separate files", () -> {
            List<Process> both = new ArrayList<>();
            for (String name : List.of("twin-a", "twin-b"))
                both.add(SCRIPT.command(REPO, null, "-n", "2000", "-w", "1", "-r", "1", "-o", work.resolve(name).toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(work.resolve(name + ".err").toFile()).start());
            for (Process p : both)
                check(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, "both exit 0: " + Files.readString(work.resolve("twin-a.err")) + Files.readString(work.resolve("twin-b.err")));
            for (String name : List.of("twin-a", "twin-b")) {
                List<JsonNode> rows = rows(work.resolve(name));
                check(rows.size() == ALL_METHODS.size() + REFERENCES.size() && rows.stream().allMatch(r -> r.get("verified").asBoolean()), "verified rows in " + name);
            }
            Set<String> runIds = new HashSet<>();
            for (String name : List.of("twin-a", "twin-b")) rows(work.resolve(name)).forEach(r -> runIds.add(r.get("run_id").asText()));
            check(runIds.size() == 2, "two runs, each with its own id (pid and random, as its files are named): " + runIds);
        });

        test("--cleanup runs without a benchmark", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--cleanup");
            check(r.code() == 0 && (r.out().startsWith("Nothing of ShmBench's to clean") || r.out().startsWith("Removed")), "cleanup: " + r.out() + r.err());
        });

        test("--cleanup removes this script's dead run folder and says so; another script's dead one and a live one of its own stay", SCRIPT::cleansOnlyItsOwn);

        test("a results folder whose results.csv has other columns: exit 2, one line naming --out, the file unchanged, nothing run", SCRIPT::refusesAnotherSchema);

        roomEndToEndTests(work);
        deleteTree(work);
    }

    /** Where shared memory lives (--shm-dir), a small or full file system there, a consumer that hangs. */
    static void roomEndToEndTests(Path work) throws Exception {
        test("--shm-dir DIR: --quick keeps every file of its runs in DIR/ipcbench-<uid>; rows record DIR and its file system; nothing left there but the empty suite folder", () -> {
            Path dir = Files.createDirectory(work.resolve("shm-dir")), out = work.resolve("shm-dir-out");
            Set<String> before = SCRIPT.suiteEntries();
            Set<String> seen = Collections.synchronizedSet(new TreeSet<>()), inShm = Collections.synchronizedSet(new TreeSet<>());
            Thread watch = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.forEach(f -> seen.add(f.getFileName().toString()));
                        SCRIPT.entriesSince(before).stream().filter(n -> n.startsWith("ShmBench-")).forEach(inShm::add);
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException | RuntimeException e) {
                        // a run's file went while we looked: look again
                    }
                }
            });
            watch.start();
            Result r;
            try {
                r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "--shm-dir", dir.toString(), "-o", out.toString());
            } finally {
                watch.interrupt();
                watch.join();
            }
            checkRows(out, r, ALL_METHODS, 8192, 1);
            String type = Files.getFileStore(dir).type();
            for (JsonNode row : rows(out))
                check(row.get("shm_dir").asText().equals(dir.toAbsolutePath().toString()) && row.get("shm_fs").asText().equals(type),
                        "shm_dir " + dir + " and shm_fs " + type + " recorded: " + row.get("shm_dir") + ", " + row.get("shm_fs"));
            check(seen.containsAll(List.of("ring", "slot", "slots", "checked", "queue-1", "agrona-ring", "aeron", "cnc.dat")), "the runs' files were in DIR: " + seen);
            check(inShm.isEmpty(), "no run folder in " + SUITE_FOLDER + ": " + inShm);
            try (Stream<Path> left = Files.walk(dir)) {
                List<String> names = left.map(f -> dir.relativize(f).toString()).sorted().toList();
                check(names.equals(List.of("", "ipcbench-" + UID)), "only the empty suite folder left in DIR: " + names);
            }
        });

        test("on an 8 MiB tmpfs the default ring is halved and chronicle's runs are cut to fit, each said in the row's note and in the summary", () -> {
            Path dir = Files.createDirectory(work.resolve("tmpfs-8m")), out = work.resolve("tmpfs-8m-out");
            TmpfsRun run = runOnTmpfs(dir, "8m", SCRIPT.command(REPO, null, "-m", "shm-ring,chronicle", "-w", "0", "-r", "1", "--shm-dir", dir.toString(),
                    "-o", out.toString()), Duration.ofMinutes(3));
            Result r = run.result();
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rows = rows(out);
            check(rows.size() == 4 && rows.stream().allMatch(row -> row.get("verified").asBoolean()), "four rows (ref-shm-ring-raw after shm-ring), verified: " + rows.size());
            String ringNote = rows.get(1).get("note").asText(), queueNote = rows.get(3).get("note").asText();
            check(rows.get(2).get("note").asText().contains("a ring of 2 MiB, not the default 4 MiB"), "the reference on the same ring: " + rows.get(2).get("note"));
            check(ringNote.contains("ring of 2 MiB in") && ringNote.contains("a ring of 2 MiB, not the default 4 MiB, to fit the 8 MiB free in " + dir + " (tmpfs)"),
                    "the ring halved, in its note: " + ringNote);
            long count = rows.get(3).get("count").asLong();
            check(queueNote.contains("runs cut to " + String.format(Locale.ROOT, "%,d", count) + " arrays, short of their time: a run's queue may take a quarter of the")
                    && rows.get(3).get("seconds").asDouble() < 1, "chronicle's run cut, in its note: " + count + " arrays in " + rows.get(3).get("seconds") + " s: " + queueNote);
            check(r.out().contains("Shrunk to fit: shm-ring at 8 KiB: a ring of 2 MiB") && r.out().contains("Shrunk to fit: chronicle at 8 KiB: runs cut to "),
                    "and in the summary:\n" + r.out());
            check(run.left().isEmpty(), "left on the tmpfs: " + run.left());
        });

        test("a file system too small for a given --ring: exit 1 before the first run, one line naming the free space, the need and what helps", () -> {
            Path dir = Files.createDirectory(work.resolve("tmpfs-2m")), out = work.resolve("tmpfs-2m-out");
            TmpfsRun run = runOnTmpfs(dir, "2m", SCRIPT.command(REPO, null, "-m", "shm-ring", "--ring", "4Mi", "-n", "100", "--shm-dir", dir.toString(),
                    "-o", out.toString()), Duration.ofMinutes(2));
            Result r = run.result();
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1, "one line: " + r.errLines());
            String line = r.errLines().get(0);
            check(line.contains(dir + " (tmpfs) has 2.0 MiB free; shm-ring's ring of 4 MiB at 8 KiB needs 4") && line.contains("a smaller --ring")
                    && line.contains("--shm-dir DIR"), "names the free space, the need and what helps: " + line);
            check(!Files.exists(out.resolve("results.csv")), "no run, not even limit-memcpy's");
            check(run.left().isEmpty(), "left on the tmpfs: " + run.left());
        });

        test("a file system that fills up mid-run (another program takes the space after chronicle's first run): exit 1, one line naming chronicle's queue, "
                + "its need and the free space; the finished runs' rows kept, nothing left, no crash log", () -> {
            Path cwd = Files.createDirectory(work.resolve("fills-up")), dir = Files.createDirectory(cwd.resolve("shm")), out = cwd.resolve("out");
            // 2000 arrays at 1000/s: each run's queue (16 MB) grows for 2 s, 8 MB a second. Once the first run's row is written, a
            // filler leaves 6 MiB free, short of the rest of the second run's queue even a second into it; the shell's df and
            // fallocate may be 3/4 s late on a busy machine before the filler itself finds no room.
            ProcessBuilder pb = SCRIPT.command(cwd, null, "-m", "chronicle", "-n", "2000", "--rate", "1000", "-r", "3", "-w", "0", "--shm-dir", dir.toString(),
                    "-o", out.toString());
            List<String> script = new ArrayList<>(List.of("sh", "-c", """
                    "$@" & pid=$!
                    until grep -q ',chronicle,' "$OUT/results.csv" 2>/dev/null; do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
                    avail=$(df -k --output=avail "$SHM" | tail -1)
                    fallocate -l $(( (avail - 6144) * 1024 )) "$SHM/filler" || echo "@@ the filler failed" >&2
                    wait $pid; code=$?; rm -f "$SHM/filler"; exit $code""", "fill"));
            script.addAll(pb.command());
            pb.command(script).environment().putAll(Map.of("OUT", out.toString(), "SHM", dir.toString()));
            TmpfsRun run = runOnTmpfs(dir, "40m", pb, Duration.ofMinutes(3));
            Result r = run.result();
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1, "one line: " + r.errLines());
            String line = r.errLines().get(0);
            check(line.startsWith("ShmBench: chronicle, 8 KiB run ") && line.contains(dir + " (tmpfs) has ") && line.contains(" free; ")
                    && line.contains("chronicle queue") && line.contains(" needs "), "names chronicle's queue, its need and the free space: " + line);
            System.out.println("     (" + line + ")");
            List<JsonNode> queued = rows(out).stream().filter(row -> row.get("method").asText().equals("chronicle")).toList();
            check(!queued.isEmpty() && queued.size() < 3 && queued.stream().allMatch(row -> row.get("verified").asBoolean()), "the finished runs' rows: " + queued.size());
            check(run.left().isEmpty(), "left on the tmpfs: " + run.left());
            checkNoCrashLog(cwd);
        });

        // Each way the producer waits for its consumer: spinning on shared memory (shm-ring; chronicle's window and agrona-ring wait
        // the same way), semaphores (shm-event), a pipe (queue), JeroMQ sockets (zmq-shm), Aeron's back-pressure (aeron-ipc, whose
        // publisher limit an embedded driver thread moves); a 64 KiB ring (or pipe, or a 128 KiB term) fills within a few arrays.
        // Runs of 0.4 s, three of them, so that the stop falls in a run. The five at once: each waits 3 s for nothing.
        test("a child stopped with SIGSTOP mid-run is detected within --timeout: shm-ring, shm-event, queue, zmq-shm and aeron-ipc (each way the producer waits) "
                + "exit 1 naming the consumer, rows kept, nothing left", () -> {
            List<String> methods = List.of("shm-ring", "shm-event", "queue", "zmq-shm", "aeron-ipc");
            var pool = java.util.concurrent.Executors.newFixedThreadPool(methods.size());
            try {
                Map<String, java.util.concurrent.Future<String>> stops = new LinkedHashMap<>();
                for (String method : methods) {
                    Path out = work.resolve("stop-" + method + "-out");
                    stops.put(method, pool.submit(() -> SCRIPT.stopChildAfterRowOf(work, out, method, "consumer", Duration.ofSeconds(3), "-m", method, "-n", "400", "--rate", "1000",
                            "-r", "3", "-w", "0", "--ring", method.equals("aeron-ipc") ? "128Ki" : "64Ki", "-o", out.toString())));
                }
                for (var stop : stops.entrySet()) {
                    String method = stop.getKey(), err;
                    try {
                        err = stop.getValue().get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new AssertionError(method + ": " + e.getCause().getMessage(), e.getCause());
                    }
                    check(err.contains("made no progress for 3 s (stopped, or hung), so it was killed"), method + " says what happened: " + err);
                    check(rows(work.resolve("stop-" + method + "-out")).stream().anyMatch(row -> row.get("method").asText().equals(method)
                            && row.get("verified").asBoolean()), method + ": its first row kept");
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }
}
