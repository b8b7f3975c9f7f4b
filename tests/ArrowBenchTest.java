///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of ArrowBench.java: its checks in-process (schema, rows, CRCs, compression, the shared-memory slots), and the script end to end as a user runs it
//JAVA 17+
//SOURCES ../ArrowBench.java
//SOURCES Harness.java
//RUNTIME_OPTIONS --add-opens=java.base/java.nio=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
//RUNTIME_OPTIONS -Dsun.misc.unsafe.memory.access=allow -Dio.netty.tryReflectionSetAccessible=true

/*
 * Run through ./test.sh (which sets JBANG to the jbang it found), or alone:
 *   JBANG=./jbang ./jbang tests/ArrowBenchTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 * Tests assert behaviour, never speed.
 */

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.*;
import java.nio.channels.Channels;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicLong;

public class ArrowBenchTest extends Harness {

    static final Script SCRIPT = new Script("ArrowBench", "--role=consumer");
    static final List<String> ALL_METHODS = ArrowBench.METHODS.stream().map(ArrowBench.Method::name).toList();
    static final ArrowBench.Shape SHAPE = new ArrowBench.Shape(ArrowBench.Dtype.float64, 2, 64, 4);

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        unitTests();
        endToEndTests();
        System.exit(finish("ArrowBenchTest"));
    }

    // ---------------------------------------------------------------- logic, in-process

    /** A checker keeping its reports, and a batch of arrays first.. built as the producer builds it. */
    static ArrowBench.Checker checker(ArrowBench.Payload expected, List<ArrowBench.RunReport> reports) {
        return new ArrowBench.Checker(expected, reports::add);
    }

    static VectorSchemaRoot batch(BufferAllocator a, ArrowBench.Payload p, long first, long flags) {
        VectorSchemaRoot root = p.shape.newBatch(a);
        p.fill(root, first, System.nanoTime(), flags);
        return root;
    }

    static void unitTests() {
        test("sizes accept powers of 1000 and 1024, within range", () -> {
            var sizes = new ArrowBench.SizeConverter();
            check(sizes.convert("8Ki") == 8192 && sizes.convert("1Mi") == 1 << 20 && sizes.convert("2M") == 2_000_000, "units");
            for (String bad : List.of("0", "15", "65Mi", "3X", "-5"))
                try {
                    sizes.convert(bad);
                    throw new AssertionError("accepted " + bad);
                } catch (picocli.CommandLine.TypeConversionException expected) { }
        });

        test("a good batch passes; the run ends at the batch flagged last, with every array counted", () -> {
            try (BufferAllocator a = new RootAllocator()) {
                ArrowBench.Payload p = new ArrowBench.Payload(SHAPE, 7, 0);
                List<ArrowBench.RunReport> reports = new ArrayList<>();
                ArrowBench.Checker c = checker(p, reports);
                for (int b = 0; b < 10; b++)
                    try (VectorSchemaRoot root = batch(a, p, 1 + 4L * b, b == 9 ? ArrowBench.Payload.LAST_OF_RUN : 0)) {
                        c.check(root);
                    }
                check(reports.size() == 1, "one report");
                ArrowBench.RunReport r = reports.get(0);
                check(r.errors() == 0 && r.arrays() == 40 && r.batches() == 10, "40 arrays in 10 batches, no error: " + r);
                check(a.getAllocatedMemory() == 0, "nothing held");
            }
        });

        test("the checks catch a flipped byte, a wrong schema, a wrong row count, a null, a gap, a flipped flag bit and a changed timestamp", () -> {
            try (BufferAllocator a = new RootAllocator()) {
                ArrowBench.Payload p = new ArrowBench.Payload(SHAPE, 7, 0);
                Map<String, java.util.function.Function<VectorSchemaRoot, VectorSchemaRoot>> faults = new LinkedHashMap<>();
                faults.put("CRC32C mismatch", root -> {
                    var data = root.getVector(1).getDataBuffer();
                    data.setByte(100, ~data.getByte(100));
                    return root;
                });
                faults.put("schema", root -> {
                    Schema other = new Schema(List.of(Field.nullable("c0", new ArrowType.Int(64, true)), Field.nullable("c1", new ArrowType.Int(64, true))));
                    VectorSchemaRoot swapped = new VectorSchemaRoot(other, root.getFieldVectors(), root.getRowCount());
                    return swapped;
                });
                faults.put("row count", root -> {
                    root.setRowCount(SHAPE.batchRows() - 1);
                    return root;
                });
                faults.put("nulls", root -> {
                    ((org.apache.arrow.vector.Float8Vector) root.getVector(0)).setNull(5);
                    return root;
                });
                faults.put("gap", root -> {
                    root.getVector(0).getDataBuffer().setLong(0, 99 | ArrowBench.Payload.LAST_OF_RUN);
                    return root;
                });
                faults.put("flags", root -> {
                    var data = root.getVector(0).getDataBuffer();
                    data.setLong(SHAPE.sliceBytes(), data.getLong(SHAPE.sliceBytes()) | 1L << 60);
                    return root;
                });
                faults.put("another timestamp", root -> {
                    var data = root.getVector(0).getDataBuffer();
                    data.setLong(SHAPE.sliceBytes() + 8, data.getLong(SHAPE.sliceBytes() + 8) + 1);
                    return root;
                });
                faults.forEach((what, fault) -> {
                    List<ArrowBench.RunReport> reports = new ArrayList<>();
                    ArrowBench.Checker c = checker(p, reports);
                    try (VectorSchemaRoot root = batch(a, p, 1, ArrowBench.Payload.LAST_OF_RUN)) {
                        c.check(fault.apply(root));
                    }
                    check(reports.size() == 1 && reports.get(0).errors() == 1, what + ": one error: " + reports);
                    check(reports.get(0).firstError().contains(what), what + " named: " + reports.get(0).firstError());
                });
                check(a.getAllocatedMemory() == 0, "nothing held");
            }
        });

        test("the timestamps' hash differs when one timestamp does", () -> {
            long h = ArrowBench.mixStamp(ArrowBench.mixStamp(0, 1000), 2000);
            check(h != ArrowBench.mixStamp(ArrowBench.mixStamp(0, 1000), 2001), "last changed");
            check(h != ArrowBench.mixStamp(ArrowBench.mixStamp(0, 2000), 1000), "order matters");
        });

        for (ArrowBench.Compression codec : List.of(ArrowBench.Compression.lz4, ArrowBench.Compression.zstd)) {
            test("compression round-trips: " + codec + " batches written compressed, read back verified", () -> {
                try (BufferAllocator a = new RootAllocator()) {
                    ArrowBench.Payload p = new ArrowBench.Payload(SHAPE, 7, 0);
                    ByteArrayOutputStream stream = new ByteArrayOutputStream();
                    try (VectorSchemaRoot root = SHAPE.newBatch(a);
                         ArrowStreamWriter w = new ArrowStreamWriter(root, null, Channels.newChannel(stream), IpcOption.DEFAULT, codec.factory(), codec.codec)) {
                        w.start();
                        for (int b = 0; b < 5; b++) {
                            p.fill(root, 1 + 4L * b, System.nanoTime(), b == 4 ? ArrowBench.Payload.LAST_OF_RUN : 0);
                            w.writeBatch();
                        }
                        w.end();
                    }
                    byte[] bytes = stream.toByteArray();
                    ReadChannel in = new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes)));
                    MessageSerializer.deserializeSchema(in);
                    try (ArrowRecordBatch first = (ArrowRecordBatch) MessageSerializer.deserializeMessageBatch(in, a)) {
                        check(first.getBodyCompression().getCodec() == codec.codec.getType(), "the batches say " + codec);
                    }
                    List<ArrowBench.RunReport> reports = new ArrayList<>();
                    ArrowBench.Checker c = checker(p, reports);
                    try (ArrowStreamReader r = new ArrowStreamReader(new ByteArrayInputStream(bytes), a, CommonsCompressionFactory.INSTANCE)) {
                        while (r.loadNextBatch()) c.check(r.getVectorSchemaRoot());
                    }
                    check(reports.size() == 1 && reports.get(0).errors() == 0 && reports.get(0).arrays() == 20, "20 arrays verified: " + reports);
                    check(a.getAllocatedMemory() == 0, "nothing held");
                }
            });
        }

        test("arrow-shm between two threads: many laps of two slots, every batch verified in place, nothing leaked", () -> {
            Path runDir = Files.createTempDirectory("arrow-shm");
            try (BufferAllocator a = new RootAllocator()) {
                ArrowBench.Shape shape = new ArrowBench.Shape(ArrowBench.Dtype.int32, 3, 100, 5);
                ArrowBench.Payload p = new ArrowBench.Payload(shape, 9, 0);
                long ring = 2L * ArrowBench.ShmTransport.slotBytes(shape);
                ArrowBench.Abort abort = new ArrowBench.Abort();
                for (ArrowBench.Compression codec : List.of(ArrowBench.Compression.none, ArrowBench.Compression.zstd)) {
                    Path dir = Files.createDirectory(runDir.resolve(codec.name()));
                    BufferAllocator producerSide = a.newChildAllocator("producer", 0, Long.MAX_VALUE), consumerSide = a.newChildAllocator("consumer", 0, Long.MAX_VALUE);
                    ArrowBench.ShmTransport producer = new ArrowBench.ShmTransport(new ArrowBench.Context(true, dir, shape, codec, ring, producerSide, abort));
                    check(producer.slots == 2, "two slots: " + producer.slots);
                    ArrowBench.ShmTransport consumer = new ArrowBench.ShmTransport(new ArrowBench.Context(false, dir, shape, codec, ring, consumerSide, abort));
                    List<ArrowBench.RunReport> reports = new CopyOnWriteArrayList<>();
                    ArrowBench.Checker c = checker(p, reports);
                    Future<?> reading = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; })
                            .submit(() -> { while (!c.ended) consumer.receive(c); return null; });
                    for (int run = 0; run < 3; run++)
                        ArrowBench.produce(producer, p, 1 + 500L * run, 500, null, run == 2, abort, new AtomicLong(), () -> { });
                    reading.get(30, TimeUnit.SECONDS);
                    check(reports.size() == 3 && reports.stream().allMatch(r -> r.errors() == 0 && r.arrays() == 500), codec + ": 3 runs of 500 arrays verified: " + reports);
                    producer.close();
                    consumer.close();
                    check(producerSide.getAllocatedMemory() == 0 && consumerSide.getAllocatedMemory() == 0, codec + ": nothing held");
                    producerSide.close();
                    consumerSide.close();
                }
            } finally {
                deleteTree(runDir);
            }
        });

        // 500 ms, so that a busy machine's own delays (tens of ms) cannot pass for it: with the due time stamped after the
        // wait for room, only two batches would show it.
        test("one-way latency counts the wait for room: a consumer stalling 500 ms over a 2-slot arrow-shm ring shows it in the held batch, "
                + "the queued one and the one that waited for a slot (stamped before that wait)", () -> {
            Path dir = Files.createTempDirectory("arrow-stall");
            try (BufferAllocator a = new RootAllocator()) {
                ArrowBench.Shape shape = new ArrowBench.Shape(ArrowBench.Dtype.float64, 1, 1024, 1);
                ArrowBench.Payload p = new ArrowBench.Payload(shape, 3, 0);
                ArrowBench.Abort abort = new ArrowBench.Abort();
                long ring = 2L * ArrowBench.ShmTransport.slotBytes(shape);
                BufferAllocator producerSide = a.newChildAllocator("producer", 0, Long.MAX_VALUE), consumerSide = a.newChildAllocator("consumer", 0, Long.MAX_VALUE);
                ArrowBench.ShmTransport producer = new ArrowBench.ShmTransport(new ArrowBench.Context(true, dir, shape, ArrowBench.Compression.none, ring, producerSide, abort));
                ArrowBench.ShmTransport consumer = new ArrowBench.ShmTransport(new ArrowBench.Context(false, dir, shape, ArrowBench.Compression.none, ring, consumerSide, abort));
                check(producer.slots == 2, "two slots: " + producer.slots);
                List<ArrowBench.RunReport> reports = new CopyOnWriteArrayList<>();
                ArrowBench.Checker c = checker(p, reports);
                c.stallNanos = 500_000_000L;
                Future<?> reading = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; })
                        .submit(() -> { while (!c.ended) consumer.receive(c); return null; });
                long start = System.nanoTime();
                ArrowBench.produce(producer, p, 1, 200, null, true, abort, new AtomicLong(), () -> { }, 100);
                reading.get(30, TimeUnit.SECONDS);
                check(reports.size() == 1 && reports.get(0).errors() == 0 && reports.get(0).arrays() == 200, "200 arrays verified: " + reports);
                org.HdrHistogram.Histogram h = reports.get(0).decodeHistogram();
                long stalled = h.getTotalCount() - h.getCountBetweenValues(0, 250_000_000L);
                check(h.getMaxValue() >= 500_000_000L, "the stall is in the latency: max " + h.getMaxValue() + " ns");
                check(stalled >= 3, "batches with 250 ms or more: the held one, the queued one and the one that waited for room (was " + stalled + ")");
                check(reports.get(0).lastNanos() - start >= 500_000_000L, "the stall is inside the window");
                producer.close();
                consumer.close();
                check(producerSide.getAllocatedMemory() == 0 && consumerSide.getAllocatedMemory() == 0, "nothing held");
                producerSide.close();
                consumerSide.close();
            } finally {
                deleteTree(dir);
            }
        });

        test("arrow-file's need is conservative: every file written is at most fileBytes, and arraysIn is the most arrays whose file fits", () -> {
            Path dir = Files.createTempDirectory("arrow-file-need");
            try (BufferAllocator a = new RootAllocator()) {
                List<ArrowBench.Shape> shapes = List.of(SHAPE, new ArrowBench.Shape(ArrowBench.Dtype.float64, 1, 1024, 1),
                        new ArrowBench.Shape(ArrowBench.Dtype.int8, 7, 16, 3), new ArrowBench.Shape(ArrowBench.Dtype.int32, 100, 4, 1));
                for (ArrowBench.Shape shape : shapes)
                    for (ArrowBench.Compression codec : List.of(ArrowBench.Compression.none, ArrowBench.Compression.zstd))
                        for (long arrays : List.of(1L, 100L)) {
                            Path file = dir.resolve("f.arrow");
                            ArrowBench.Payload p = new ArrowBench.Payload(shape, 5, 0);
                            long batches = (arrays + shape.batch() - 1) / shape.batch();
                            try (VectorSchemaRoot root = shape.newBatch(a);
                                 java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                         StandardOpenOption.TRUNCATE_EXISTING);
                                 org.apache.arrow.vector.ipc.ArrowFileWriter w = new org.apache.arrow.vector.ipc.ArrowFileWriter(root, null, ch, null,
                                         IpcOption.DEFAULT, codec.factory(), codec.codec)) {
                                w.start();
                                for (long b = 0; b < batches; b++) {
                                    p.fill(root, 1 + b * shape.batch(), System.nanoTime(), 0);
                                    w.writeBatch();
                                }
                                w.end();
                            }
                            long real = Files.size(file), need = ArrowBench.FileTransport.fileBytes(shape, arrays);
                            check(real <= need, shape + " " + codec + ", " + arrays + " arrays: a file of " + real + " bytes, more than the " + need + " counted");
                            // Not much more for the default shapes, whose runs' cap it sets (narrow batches get a generous allowance for metadata).
                            if (shape.columns() == 1 && arrays == 100)
                                check(need <= 1.25 * real, shape + " " + codec + ", " + arrays + " arrays: " + need + " counted for a file of " + real + " bytes");
                            Files.delete(file);
                        }
                for (ArrowBench.Shape shape : shapes)
                    for (long bytes : List.of(1L << 20, 16L << 20, 1L << 30)) {
                        long n = ArrowBench.FileTransport.arraysIn(shape, bytes);
                        check(n % shape.batch() == 0 && (ArrowBench.FileTransport.fileBytes(shape, n) <= bytes || n == shape.batch())
                                && ArrowBench.FileTransport.fileBytes(shape, n + shape.batch()) > bytes, shape + ": " + n + " arrays in " + bytes + " bytes");
                    }
            } finally {
                deleteTree(dir);
            }
        });

        test("a run's window ends at its last verified receipt, before the report's bookkeeping (histogram encoding)", () -> {
            try (BufferAllocator a = new RootAllocator()) {
                ArrowBench.Payload p = new ArrowBench.Payload(SHAPE, 7, 0);
                List<ArrowBench.RunReport> reports = new ArrayList<>();
                long[] saidDone = {0};
                ArrowBench.Checker c = checker(p, reports);
                c.onWindowEnd = end -> {
                    saidDone[0] = System.nanoTime();
                    ArrowBench.Checker.pause(30_000_000L);      // bookkeeping after the window: not in it
                };
                long before;
                try (VectorSchemaRoot root = batch(a, p, 1, 0)) {
                    c.check(root);
                }
                try (VectorSchemaRoot root = batch(a, p, 5, ArrowBench.Payload.LAST_OF_RUN)) {
                    before = System.nanoTime();
                    c.check(root);
                }
                check(reports.size() == 1 && reports.get(0).errors() == 0, "verified: " + reports);
                long last = reports.get(0).lastNanos();
                check(last >= before && last <= saidDone[0], "the end is the last batch's verified receipt, taken before the consumer said done: "
                        + (last - before) + " ns after the batch came, " + (saidDone[0] - last) + " ns before done");
            }
        });

        test("cleanup removes what dead processes left and nothing else", () -> {
            Path root = ArrowBench.SuiteFolder.root();
            Files.createDirectories(root);
            Path dead = Files.createDirectory(root.resolve("ArrowBench-" + deadPid() + "-abc"));
            Files.writeString(dead.resolve("arrow-shm"), "x");
            Path mine = Files.createDirectory(root.resolve("ArrowBench-" + ProcessHandle.current().pid() + "-def"));
            Path other = Files.createDirectory(root.resolve("ShmBench-" + deadPid() + "-abc"));
            try {
                List<Path> removed = ArrowBench.SuiteFolder.removeLeftovers();
                check(removed.contains(dead) && !Files.exists(dead), "the dead run's folder is removed");
                check(Files.exists(mine) && Files.exists(other), "a live run's folder and another script's stay");
            } finally {
                deleteTree(mine);
                deleteTree(other);
            }
        });
    }

    // ---------------------------------------------------------------- the script, as a user runs it

    static void checkRows(Path outDir, Result r, List<String> methods, int size, int batch) throws IOException {
        check(r.code() == 0, "exit code " + r.code() + "; stderr: " + r.err());
        Set<String> seen = new HashSet<>();
        for (JsonNode row : rows(outDir)) {
            String method = row.get("method").asText();
            seen.add(method);
            check(row.get("verified").asBoolean() && row.get("errors").asInt() == 0, "verified: " + method);
            check(row.get("size_bytes").asInt() == size && row.get("batch").asInt() == batch, "size and batch of " + method + ": " + row);
            for (String f : List.of("seconds", "msgs_per_s", "mb_per_s", "lat_mean_us", "lat_p50_us", "lat_p99_us", "lat_max_us", "batches_per_s"))
                check(row.get(f).asDouble() > 0, f + " positive for " + method);
            check(row.get("count").asLong() > 0 && row.get("lat_kind").asText().equals("one-way"), "count and latency of " + method);
            check(Files.exists(outDir.resolve(row.get("hgrm").asText())), "hgrm of " + method);
            checkKindAndCpu(row, false);
        }
        check(seen.equals(new HashSet<>(methods)), "methods in the rows: " + seen);
        check(r.out().contains("vs fastest") && r.out().contains("All batches verified: yes"), "summary printed:\n" + r.out());
        check(r.errLines().stream().noneMatch(l -> l.contains("WARNING")), "no JVM warnings: " + r.errLines());
    }

    /**
     * Every row is a method, with its CPU cost: cpu_cores from 0 to the machine's cores + 0.5, and cpu_us_per_msg
     * positive where the window is long (a second). The kernel counts CPU time in 10 ms ticks, so in a window of a
     * few ms (--quick, -n 200) the two processes' figures may be up to a tick each off: 0, or a tick over a few ms;
     * there the bound allows those two ticks.
     */
    static void checkKindAndCpu(JsonNode row, boolean longWindow) {
        String method = row.get("method").asText();
        check(row.get("kind").asText().equals("method"), "kind method: " + method + " " + row.get("kind"));
        check(row.get("cpu_us_per_msg").isNumber() && row.get("cpu_cores").isNumber(), "CPU figures are numbers: " + row);
        double perMsg = row.get("cpu_us_per_msg").asDouble(), cores = row.get("cpu_cores").asDouble(), seconds = row.get("seconds").asDouble();
        check(longWindow ? perMsg > 0 : perMsg >= 0, "cpu_us_per_msg of " + method + ": " + perMsg);
        // The kernel counts CPU in 10 ms ticks: each of the two processes may gain a tick at each end of a short window.
        double ticks = seconds >= 0.5 ? 0 : 4 * 0.010 / seconds;
        check(cores >= 0 && cores <= Runtime.getRuntime().availableProcessors() + 0.5 + ticks,
                "cpu_cores of " + method + " within [0, cores + 0.5" + (ticks > 0 ? " + four 10 ms ticks over " + seconds + " s" : "") + "]: " + cores);
    }

    /** How many values of a row's latency histogram (its hgrm file, in µs) are at least atLeastUs. */
    static long latenciesAtLeast(Path outDir, JsonNode row, double atLeastUs) throws IOException {
        long below = 0, total = 0;
        for (String line : Files.readAllLines(outDir.resolve(row.get("hgrm").asText()))) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4 || !f[0].matches("[0-9.]+")) continue;
            double value = Double.parseDouble(f[0]);
            long cumulative = Long.parseLong(f[2]);
            total = Math.max(total, cumulative);
            if (value < atLeastUs) below = Math.max(below, cumulative);
        }
        return total - below;
    }

    /** The URI an 'ArrowBench server' says it listens on, once it says so. */
    static String awaitListening(Process server, Path stdout) throws Exception {
        for (int i = 0; i < 600; i++) {
            Thread.sleep(100);
            check(server.isAlive(), "the server runs");
            Optional<String> uri = Files.readString(stdout).lines().filter(l -> l.contains("listening on "))
                    .map(l -> l.replaceAll(".*listening on (\\S+).*", "$1")).findFirst();
            if (uri.isPresent()) return uri.get();
        }
        throw new AssertionError("the server did not say where it listens within a minute");
    }

    static void endToEndTests() throws Exception {
        Path work = Files.createTempDirectory("arrow-e2e");

        test("--help documents every option, --list every method", () -> {
            Result help = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "--help");
            for (String o : List.of("--count", "--size", "--sizes", "--elements", "--dtype", "--columns", "--batch", "--compression", "--warmup",
                    "--duration", "--methods", "--list", "--runs", "--out", "--quick", "--flight-uri", "--ring", "--timeout", "--seed", "--shm-dir", "--cleanup", "server"))
                check(help.out().contains(o), "--help mentions " + o);
            Result list = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--list");
            check(list.code() == 0 && list.out().lines().count() == ALL_METHODS.size(), "one line per method:\n" + list.out());
            for (String m : ALL_METHODS) check(list.out().contains(m), m);
        });

        test("copied alone into an empty folder, --quick runs every method, verified, nothing left behind", () -> {
            Set<String> before = SCRIPT.suiteEntries();
            Path alone = Files.createDirectory(work.resolve("alone"));
            Files.copy(SCRIPT.file(), alone.resolve("ArrowBench.java"));
            Result r = SCRIPT.run(alone, null, Duration.ofMinutes(5), "--quick");
            checkRows(alone.resolve("results"), r, ALL_METHODS, 8192, 1);
            check(SCRIPT.entriesSince(before).isEmpty(), "run folders removed: " + SCRIPT.entriesSince(before));
        });

        test("--quick on JDK 25, without warnings from Arrow, Netty or gRPC", () -> {
            if (JDK25 == null) throw new Skip("no JDK 25 under /usr/lib/jvm");
            Path out = work.resolve("jdk25");
            Result r = SCRIPT.run(REPO, JDK25, Duration.ofMinutes(5), "--quick", "--out", out.toString());
            checkRows(out, r, ALL_METHODS, 8192, 1);
            check(rows(out).get(0).get("jdk").asText().contains("25"), "ran on 25: " + rows(out).get(0).get("jdk"));
        });

        for (String codec : List.of("lz4", "zstd")) {
            test("--compression " + codec + ": compressed batches over shared memory, a socket, a pipe and a file, verified and named; Flight left out", () -> {
                Path out = work.resolve("compressed-" + codec);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "--compression", codec, "--size", "64Ki", "-o", out.toString());
                checkRows(out, r, List.of("arrow-shm-" + codec, "arrow-stream-uds-" + codec, "arrow-stream-pipe-" + codec, "arrow-file-" + codec), 65536, 1);
                check(r.out().contains("arrow-flight and arrow-flight-get left out"), "says why Flight is missing:\n" + r.out());
                check(rows(out).stream().allMatch(row -> row.get("compression").asText().equals(codec) && row.get("note").asText().contains(codec)), "recorded in the rows");
            });
        }

        test("a wider table: 3 columns of int32, 100 rows per array, 16 arrays per batch, verified", () -> {
            Path out = work.resolve("wide");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "--columns", "3", "--elements", "100", "--dtype", "int32", "-b", "16",
                    "-n", "1000", "-o", out.toString());
            checkRows(out, r, ALL_METHODS, 1200, 16);
            check(rows(out).stream().allMatch(row -> row.get("payload").asText().equals("3xint32") && row.get("count").asInt() == 1008
                    && row.get("rows_per_batch").asInt() == 1600), "1000 arrays rounded up to 63 batches of 1600 rows: " + rows(out).get(0));
        });

        test("with no -n, the warm-up sets the count: a measured run of at least about 1 s, its count in the row, kind and CPU cost", () -> {
            Path out = work.resolve("default-length");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "arrow-shm", "--size", "8Ki", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rs = rows(out);
            check(rs.size() == 1, "one row: " + rs.size());
            JsonNode row = rs.get(0);
            double seconds = row.get("seconds").asDouble();
            long count = row.get("count").asLong();
            check(seconds >= 0.9, "a run of at least about 1 s: " + seconds);
            check(count > 1000, "more arrays than the old default's 1000: " + count);
            check(Math.abs(row.get("msgs_per_s").asDouble() * seconds - count) <= 0.01 * count, "msgs_per_s is the count over the window: " + row);
            checkKindAndCpu(row, true);
        });

        test("--runs auto: 6 to 10 runs, numbered, the summary with the median's interval", () -> {
            Path out = work.resolve("runs-auto");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "arrow-shm", "--size", "8Ki", "-n", "200", "-w", "0", "--runs", "auto", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<JsonNode> rs = rows(out);
            check(rs.size() >= 6 && rs.size() <= 10, "6 to 10 runs: " + rs.size());
            for (int i = 0; i < rs.size(); i++) {
                check(rs.get(i).get("run").asInt() == i + 1 && rs.get(i).get("count").asLong() == 200, "run " + (i + 1) + " of 200 arrays: " + rs.get(i));
                checkKindAndCpu(rs.get(i), false);
            }
            check(r.out().contains("--runs auto") && r.out().lines().anyMatch(l -> l.contains("arrow-shm") && l.matches(".*\\[[0-9,.]+, [0-9,.]+\\].*")),
                    "the summary says auto and shows the interval:\n" + r.out());
        });

        test("a consumer stalling 50 ms mid-run (hidden --stall-consumer): inside the window and the latency", () -> {
            Path out = work.resolve("stall");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "arrow-shm", "--size", "32Ki", "--ring", "64Ki", "-n", "400", "-w", "0", "-r", "1",
                    "--stall-consumer", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).get(0);
            check(row.get("note").asText().contains("ring of 2 slots"), "two slots: " + row.get("note"));
            check(row.get("count").asLong() == 400 && row.get("verified").asBoolean(), "400 arrays verified: " + row);
            check(row.get("seconds").asDouble() >= 0.05, "the stall is inside the window: " + row.get("seconds"));
            check(row.get("lat_max_us").asDouble() >= 50_000, "the stall is inside the latency: " + row.get("lat_max_us"));
            long stalled = latenciesAtLeast(out, row, 50_000);
            check(stalled >= 1, "the hgrm has it too: " + stalled);
        });

        test("vs shm-ring compares only ShmBench shm-ring rows of the same configuration from this session, else shows nothing and says why", () -> {
            Path out = Files.createDirectories(work.resolve("vs-ring"));
            String since = java.time.Instant.now().minusSeconds(60).toString(), now = java.time.Instant.now().toString();
            java.util.function.BiFunction<Long, Object[], String> ring = (count, other) -> String.format(Locale.ROOT,
                    "{\"timestamp\":\"%s\",\"bench\":\"ShmBench\",\"method\":\"shm-ring\",\"kind\":\"method\",\"payload\":\"%s\",\"size_bytes\":8192,"
                            + "\"count\":%d,\"batch\":%d,\"peers\":1,\"seconds\":0.01,\"msgs_per_s\":%s,\"verified\":true}%n",
                    other[0], other[1], count, other[2], other[3]);
            // Of another count, batch, payload or session: never compared (were they, the median would be 1 and the share huge).
            String others = ring.apply(1000L, new Object[]{now, "float64", 1, "1.0"}) + ring.apply(300L, new Object[]{now, "float64", 4, "1.0"})
                    + ring.apply(300L, new Object[]{now, "int32", 1, "1.0"}) + ring.apply(300L, new Object[]{"2020-01-01T00:00:00Z", "float64", 1, "1.0"});
            Files.writeString(out.resolve("results.jsonl"), others);
            ProcessBuilder pb = SCRIPT.command(REPO, null, "-m", "arrow-shm", "--size", "8Ki", "-n", "300", "-w", "0", "-r", "1", "-o", out.toString());
            pb.environment().put("IPCBENCH_SINCE", since);
            Result none = Harness.run(pb, Duration.ofMinutes(2));
            check(none.code() == 0, "exit 0: " + none.err());
            String line = none.out().lines().filter(l -> l.startsWith("8 KiB") && l.contains("arrow-shm")).findFirst().orElse("").stripTrailing();
            check(line.endsWith("1.00x"), "no vs shm-ring figure from rows of another configuration: " + line);
            check(none.out().lines().filter(l -> l.startsWith("vs shm-ring: empty; no ShmBench shm-ring row of the same size, payload, batch, count")).count() == 1,
                    "says why, once:\n" + none.out());
            // One row of the same configuration, at an absurd rate: the share is then 0%, whatever the others say.
            Files.writeString(out.resolve("results.jsonl"), ring.apply(300L, new Object[]{now, "float64", 1, "1.0E12"}), StandardOpenOption.APPEND);
            Result one = Harness.run(pb, Duration.ofMinutes(2));
            check(one.code() == 0, "exit 0: " + one.err());
            line = one.out().lines().filter(l -> l.startsWith("8 KiB") && l.contains("arrow-shm")).findFirst().orElse("").stripTrailing();
            check(line.endsWith(" 0%"), "compared with the row of the same configuration only: " + line);
            check(one.out().lines().noneMatch(l -> l.startsWith("vs shm-ring: empty")), "no excuse when compared:\n" + one.out());
        });

        test("--duration bounds a run by time", () -> {
            Path out = work.resolve("duration");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "arrow-shm,arrow-flight-get", "--size", "8Ki", "-d", "1s", "-w", "0", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            for (JsonNode row : rows(out))
                check(row.get("seconds").asDouble() >= 1.0 && row.get("seconds").asDouble() < 4 && row.get("count").asLong() > 100, "about a second, many arrays: " + row);
            Path brief = work.resolve("brief");
            Result b = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "arrow-shm", "--size", "1Mi", "-d", "20ms", "-w", "0", "-r", "1", "-o", brief.toString());
            check(b.code() == 0 && rows(brief).get(0).get("count").asLong() < 1000, "a duration replaces the default count of 1000: " + rows(brief).get(0));
        });

        for (String method : ALL_METHODS) {
            test("an array corrupted in transit is caught by " + method + ": row verified=false, exit 1", () -> {
                Path out = work.resolve("corrupt-" + method);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", method, "--size", "8Ki", "-n", "300", "-w", "0", "-r", "1", "--corrupt", "100", "-o", out.toString());
                check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
                check(r.err().contains("verification failed") && r.err().contains("array 100, column c0: CRC32C mismatch"), "says which array: " + r.err());
                JsonNode row = rows(out).get(0);
                check(row.get("method").asText().equals(method) && !row.get("verified").asBoolean() && row.get("errors").asInt() == 1, "row marked: " + row);
            });
        }

        test("a buffer left allocated at the end of a session fails it: exit 1, the last row unverified", () -> {
            Path out = work.resolve("leak");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "--quick", "-m", "arrow-shm", "--leak", "-o", out.toString());
            check(r.code() == 1 && r.err().contains("64 bytes") && r.err().contains("leak"), "exit 1 naming the leak: " + r.code() + " " + r.err());
            JsonNode row = rows(out).get(0);
            check(!row.get("verified").asBoolean(), "row marked: " + row);
        });

        test("bad input: exit 2, one line naming the option and value, nothing started or written", () -> {
            Path file = Files.writeString(work.resolve("a-file"), "x");
            List<String[]> cases = List.of(
                    new String[]{"--dtype", "float16"},
                    new String[]{"--compression", "snappy"},
                    new String[]{"--compression", "zstd", "-m", "arrow-shm,arrow-flight"},
                    new String[]{"--methods", "arrow-plasma"},
                    new String[]{"--batch", "0"},
                    new String[]{"--batch", "1000", "--size", "1Mi"},
                    new String[]{"--columns", "0"},
                    new String[]{"--size", "1001"},
                    new String[]{"--size", "24", "--columns", "3"},
                    new String[]{"--elements", "1", "--dtype", "int8"},
                    new String[]{"--count", "0"},
                    new String[]{"--runs", "0"},
                    new String[]{"--runs", "many"},
                    new String[]{"--ring", "64Ki", "--size", "1Mi"},
                    new String[]{"--timeout", "0s"},
                    new String[]{"--flight-uri", "localhost:8815"},
                    new String[]{"--flight-uri", "grpc://host-without-port"},
                    new String[]{"--flight-uri", "grpc://[bad"},
                    new String[]{"--out", file.resolve("results").toString()},
                    new String[]{"--shm-dir", work.resolve("no-such-folder").toString()});
            SCRIPT.rejects(Files.createDirectory(work.resolve("bad-input")), cases);
        });

        test("a results folder whose results.csv has other columns: exit 2, one line naming --out, the file unchanged, nothing run", SCRIPT::refusesAnotherSchema);

        test("a Flight URI that answers nothing: exit 1 within the timeout, one line naming it", () -> {
            int port = freePort();
            Path cwd = Files.createDirectory(work.resolve("no-server"));
            Result r = SCRIPT.run(cwd, null, Duration.ofMinutes(2), "--quick", "--flight-uri", "grpc://127.0.0.1:" + port, "--timeout", "3s");
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1 && r.errLines().get(0).contains("grpc://127.0.0.1:" + port), "one line naming the URI: " + r.errLines());
            check(r.seconds() < 60, "within the timeout (JVM start included): " + r.seconds());
        });

        test("the server role runs and is reached from a second process by URI: DoPut and DoGet verified", () -> {
            Process server = SCRIPT.command(REPO, null, "server", "--listen", "grpc://127.0.0.1:0")
                    .redirectOutput(work.resolve("server.out").toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                String uri = awaitListening(server, work.resolve("server.out"));
                Path out = work.resolve("remote");
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "--quick", "--flight-uri", uri, "-o", out.toString());
                checkRows(out, r, List.of("arrow-flight", "arrow-flight-get"), 8192, 1);
                for (JsonNode row : rows(out)) check(row.get("note").asText().contains(uri), "the row names the server: " + row.get("note"));
                check(server.isAlive(), "the server serves on after the run");
                Result again = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "--quick", "-m", "arrow-flight", "--flight-uri", uri, "-o", work.resolve("remote2").toString());
                check(again.code() == 0, "and serves a second client: " + again.err());
            } finally {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
        });

        test("the remote Flight server killed during a DoPut: the writer exits 1 within 5 s", () -> {
            Process server = SCRIPT.command(REPO, null, "server", "--listen", "grpc://127.0.0.1:0").redirectOutput(work.resolve("server2.out").toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Process client = null;
            try {
                String uri = awaitListening(server, work.resolve("server2.out"));
                Path err = work.resolve("remote-kill.err");
                client = SCRIPT.command(REPO, null, "-m", "arrow-flight", "--size", "64Ki", "-d", "10m", "-w", "0", "-r", "1", "--flight-uri", uri,
                        "-o", work.resolve("remote-kill").toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
                Thread.sleep(8000);    // the client's JVM started and streaming
                check(client.isAlive(), "the client streams: " + Files.readString(err));
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
                check(client.waitFor(5, TimeUnit.SECONDS), "the writer still ran 5 s after the server died");
                check(client.exitValue() == 1 && Files.readString(err).contains("arrow-flight"), "exit 1 naming the method: " + client.exitValue() + " " + Files.readString(err));
            } finally {
                if (client != null) { client.descendants().forEach(ProcessHandle::destroyForcibly); client.destroyForcibly(); }
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
        });

        for (String method : ALL_METHODS) {
            test("reader killed with SIGKILL during " + method + ": the writer exits 1 within 5 s, nothing left", () ->
                    SCRIPT.killChildMidRun(work, method, "-m", method, "--size", "64Ki", "-d", "10m", "-w", "0", "-r", "1", "-o", work.resolve("kill-" + method).toString()));
        }

        for (String method : List.of("arrow-shm")) {     // the other methods' waits end through the same watchdog
            test("SIGINT (Ctrl-C) during " + method + ": exit 130 without a crash, consumer gone, files removed", () -> {
                Path cwd = Files.createDirectory(work.resolve("sigint-" + method));
                SCRIPT.interruptMidRun(cwd, "-m", method, "--size", "64Ki", "-d", "10m", "-w", "0", "-r", "1", "-o", cwd.resolve("out").toString());
            });
        }

        test("two runs at the same time: both verified, separate files", () -> {
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

        test("--shm-dir DIR: --quick keeps the run's files in DIR/ipcbench-<uid>, the rows name DIR and its file system, nothing is left there; "
                + "--cleanup --shm-dir cleans there", () -> {
            Path dir = Files.createDirectory(work.resolve("shm-dir")), out = work.resolve("shm-dir-out");
            Set<String> before = SCRIPT.suiteEntries();
            List<String> withFiles = List.of("arrow-shm", "arrow-stream-uds", "arrow-file");    // the ring, the socket, the file: Flight keeps none
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "--quick", "-m", String.join(",", withFiles), "--shm-dir", dir.toString(), "-o", out.toString());
            checkRows(out, r, withFiles, 8192, 1);
            String fs = Files.getFileStore(dir).type();
            for (JsonNode row : rows(out))
                check(row.get("shm_dir").asText().equals(dir.toAbsolutePath().normalize().toString()) && row.get("shm_fs").asText().equals(fs),
                        "the row names " + dir + " (" + fs + "): " + row.get("shm_dir") + " " + row.get("shm_fs"));
            Path suite = dir.resolve("ipcbench-" + UID);
            try (var left = Files.list(dir); var inSuite = Files.list(suite)) {
                check(left.map(Path::getFileName).map(Path::toString).toList().equals(List.of("ipcbench-" + UID)), "only the suite folder in " + dir);
                check(inSuite.findAny().isEmpty(), "the suite folder is empty: " + suite);
            }
            check(SCRIPT.entriesSince(before).isEmpty(), "nothing of the run in " + SUITE_FOLDER + ": " + SCRIPT.entriesSince(before));
            Path dead = Files.createDirectory(suite.resolve("ArrowBench-" + deadPid() + "-abc"));
            Files.writeString(dead.resolve("arrow-shm"), "x");
            Result clean = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--cleanup", "--shm-dir", dir.toString());
            check(clean.code() == 0 && clean.out().contains(dead.toString()) && !Files.exists(dead), "--cleanup --shm-dir removed " + dead + ": " + clean.out() + clean.err());
        });

        test("a small tmpfs (6 MiB) for --shm-dir: arrow-shm's default ring shrinks and arrow-file's runs stop at their cap, both named in the note "
                + "and the summary; a --ring or a --count that cannot fit exits 1 before the first run, one line naming the free space, the need and the option", () -> {
            Path dir = Files.createDirectory(work.resolve("small-tmpfs")), out = work.resolve("small-tmpfs-out");
            TmpfsRun fits = runOnTmpfs(dir, "6m", SCRIPT.command(REPO, null, "-m", "arrow-shm,arrow-file", "--size", "1Mi", "-d", "200ms", "-w", "0", "-r", "1",
                    "--shm-dir", dir.toString(), "-o", out.toString()), Duration.ofMinutes(3));
            check(fits.result().code() == 0, "exit 0: " + fits.result().err());
            check(fits.left().isEmpty(), "left on the tmpfs: " + fits.left());
            List<JsonNode> rs = rows(out);
            check(rs.size() == 2 && rs.stream().allMatch(row -> row.get("verified").asBoolean() && row.get("shm_fs").asText().equals("tmpfs")), "two verified rows: " + rs);
            check(rs.get(0).get("note").asText().contains("ring shrunk from 3 to 2 slots"), "the shrunk ring in the note: " + rs.get(0).get("note"));
            check(rs.get(1).get("note").asText().contains("a run stops at 1 array, a file of at most"),
                    "arrow-file's cap in the note: " + rs.get(1).get("note"));
            check(rs.get(1).get("count").asLong() == 1, "a run of one array: " + rs.get(1));
            check(fits.result().out().contains("arrow-shm at 1 MiB: ring shrunk") && fits.result().out().contains("arrow-file at 1 MiB: a run stops at"),
                    "both in the summary:\n" + fits.result().out());
            for (String[] args : List.of(new String[]{"-m", "arrow-shm", "--ring", "16Mi", "--size", "8Ki", "-n", "100"},
                    new String[]{"-m", "arrow-file", "--size", "1Mi", "-n", "10"})) {
                List<String> all = new ArrayList<>(List.of(args));
                all.addAll(List.of("--shm-dir", dir.toString(), "-o", out.toString()));
                TmpfsRun refused = runOnTmpfs(dir, "6m", SCRIPT.command(REPO, null, all.toArray(String[]::new)), Duration.ofMinutes(2));
                Result r = refused.result();
                String option = args[2].equals("--ring") ? "--ring" : "--count";
                check(r.code() == 1, String.join(" ", args) + ": exit 1, was " + r.code() + ": " + r.err());
                check(r.errLines().size() == 1 && r.errLines().get(0).matches(".*" + java.util.regex.Pattern.quote(dir.toString()) + " \\(tmpfs\\) has .* free; "
                        + args[1] + " at .* needs .*" + option + ".*--shm-dir.*"), String.join(" ", args) + ": one line naming the free space, the need and " + option + ": " + r.errLines());
                check(r.out().isEmpty() && rows(out).size() == 2, "no run, no row: " + r.out());
                check(refused.left().isEmpty(), "left on the tmpfs: " + refused.left());
            }
        });

        test("the file system of arrow-file filling up mid-run (a tmpfs filled by another process after the first row): exit 1 with one line "
                + "naming the method, the file's need and the free space; the finished runs' rows written, nothing left, no crash", () -> {
            Path dir = Files.createDirectory(work.resolve("full-tmpfs")), out = work.resolve("full-tmpfs-out"), cwd = Files.createDirectory(work.resolve("full-cwd"));
            ProcessBuilder script = SCRIPT.command(cwd, null, "-m", "arrow-file", "--size", "1Mi", "-n", "8", "-w", "0", "-r", "200",
                    "--shm-dir", dir.toString(), "-o", out.toString());
            // Once the first row is written, a filler takes every free byte of the tmpfs; it is removed after the script ends.
            String filler = "\"$@\" & pid=$!; csv=" + out.resolve("results.csv") + "; "
                    + "while kill -0 $pid 2>/dev/null && [ \"$(cat $csv 2>/dev/null | wc -l)\" -lt 2 ]; do sleep 0.02; done; "
                    + "dd if=/dev/zero of=" + dir.resolve("filler") + " bs=1M 2>/dev/null; wait $pid; code=$?; rm -f " + dir.resolve("filler") + "; exit $code";
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", filler, "sh"));
            cmd.addAll(script.command());
            script.command(cmd);
            TmpfsRun run = runOnTmpfs(dir, "40m", script, Duration.ofMinutes(3));
            Result r = run.result();
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1, "one line: " + r.errLines());
            String line = r.errLines().get(0);
            check(line.contains("arrow-file") && line.contains(dir.toString()) && line.contains("(tmpfs) has") && line.contains(" free")
                    && (line.contains("needs") || line.contains("of at most")) && line.contains("--shm-dir"), "names the method, the need and the free space: " + line);
            List<JsonNode> rs = rows(out);
            check(!rs.isEmpty() && rs.stream().allMatch(row -> row.get("verified").asBoolean() && row.get("count").asLong() == 8), "the finished runs' rows, verified: " + rs.size());
            check(run.left().isEmpty(), "left on the tmpfs: " + run.left());
            checkNoCrashLog(cwd);
            System.out.println("     (" + rs.size() + " run(s) before the tmpfs filled: " + line + ")");
        });

        for (String method : List.of("arrow-shm")) {     // the other methods' waits end through the same watchdog
            // A spin on shared memory, a blocking write into a pipe, and gRPC's own waits: each gives up after --timeout.
            test("a child stopped with SIGSTOP mid-run is detected within --timeout: " + method + " exits 1 naming it and the consumer, "
                    + "the rows written stay, the stopped child is killed, nothing left", () -> {
                Path out = work.resolve("stop-" + method);
                String err = SCRIPT.stopChildMidRun(work, out, method, "consumer", Duration.ofSeconds(3),
                        "-m", method, "--size", "8Ki", "-d", "1s", "-w", "0", "-r", "3", "-o", out.toString());
                check(err.contains("no progress for 3 s: the consumer (pid") && err.contains("is stopped"), "says the consumer is stopped, not dead: " + err);
                List<JsonNode> rows = rows(out);
                check(!rows.isEmpty() && rows.size() < 3 && rows.stream().allMatch(row -> row.get("verified").asBoolean()), "the finished runs' rows, verified: " + rows);
            });
        }

        test("--cleanup runs without a benchmark", () -> {
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--cleanup");
            check(r.code() == 0 && (r.out().startsWith("Nothing of ArrowBench's to clean") || r.out().startsWith("Removed")), "cleanup: " + r.out() + r.err());
        });

        test("--cleanup removes this script's dead run folder and says so; another script's dead one and a live one of its own stay", SCRIPT::cleansOnlyItsOwn);

        deleteTree(work);
    }
}
