///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Apache Arrow IPC between processes: record batches over shared memory, a Unix socket, a pipe, a file on /dev/shm and Arrow Flight
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DEPS com.fasterxml.jackson:jackson-bom:2.22.4@pom
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//DEPS org.apache.arrow:arrow-bom:19.0.0@pom
//DEPS io.netty:netty-bom:4.2.9.Final@pom
//DEPS org.apache.arrow:arrow-vector:19.0.0
//DEPS org.apache.arrow:arrow-memory-netty:19.0.0
//DEPS org.apache.arrow:arrow-compression:19.0.0
//DEPS org.apache.arrow:flight-core:19.0.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS net.java.dev.jna:jna:5.17.0
//RUNTIME_OPTIONS --add-opens=java.base/java.nio=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
//RUNTIME_OPTIONS -Dsun.misc.unsafe.memory.access=allow -Dio.netty.tryReflectionSetAccessible=true

/*
 * ArrowBench: how fast do Apache Arrow record batches travel from one process to another, by the
 * ways Arrow users choose between?
 *
 * The parent (producer) builds record batches of --columns columns of --dtype, --batch arrays per
 * batch (an array is --elements rows, or --size bytes, of every column), and a child process
 * (consumer) receives each batch, checks its schema, row count, null count and a CRC32C over every
 * data buffer, then releases it. The prototype: the PyArrow IPC method of the original Python
 * benchmark, grown into the transports Arrow offers.
 *
 *   jbang ArrowBench.java                               every method, 8 KiB and 1 MiB arrays, one per batch
 *   jbang ArrowBench.java -m arrow-shm --size 1Mi       one method, one size
 *   jbang ArrowBench.java --elements 1024 -b 64 --columns 4
 *   jbang ArrowBench.java --compression zstd            Arrow IPC buffer compression (lz4 or zstd)
 *   jbang ArrowBench.java --list                        the methods, one line each
 *
 * Arrow Flight across hosts: start a server on one, point the benchmark at it from the other:
 *
 *   jbang ArrowBench.java server --listen grpc://0.0.0.0:8815
 *   jbang ArrowBench.java --flight-uri grpc://HOST:8815        (runs arrow-flight and arrow-flight-get)
 *
 * Methods: arrow-shm (IPC messages in a ring of slots in /dev/shm, built in place by the producer and
 * loaded by the consumer without copying), arrow-stream-uds and arrow-stream-pipe (the IPC stream
 * format over a Unix socket, and over the child's stdin), arrow-file (the IPC file format, Feather v2,
 * written whole on /dev/shm, then read block by block), arrow-flight (Flight DoPut over gRPC) and
 * arrow-flight-get (Flight DoGet: the server produces, this process consumes).
 *
 * Throughput runs from the producer's first batch to the consumer having checked the last one.
 * Results: <out>/results.csv, results.jsonl, hgrm/*.hgrm (one-way latency per batch).
 */

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flight.*;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.*;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

@Command(name = "ArrowBench", mixinStandardHelpOptions = true, version = "ArrowBench 1.0",
        sortOptions = false, usageHelpAutoWidth = true, subcommands = ArrowBench.ServerCommand.class,
        description = {"Streams Apache Arrow record batches from a producer process to a consumer process, every batch verified.",
                "Sizes accept 100, 10k, 2M (powers of 1000) and 64Ki, 1Mi (powers of 1024)."},
        footer = {"", "An array is --elements rows of each of the --columns columns; a record batch holds --batch arrays. "
                + "Across hosts: 'ArrowBench server --listen grpc://0.0.0.0:PORT' on one, '--flight-uri grpc://HOST:PORT' here.", "Documentation: docs/ArrowBench.md in the suite's repository."})
public class ArrowBench implements Callable<Integer> {

    static final String BENCH = "ArrowBench";
    static final int STAMP = 16;                      // sequence word and timestamp at the start of each array's first column
    static final int MAX_SIZE = 64 << 20;
    static final long MIN_RING = 64 << 10, MAX_RING = 1L << 30;

    // ---------------------------------------------------------------- options

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "Arrays per run, exactly, rounded up to whole batches (default: as many as make a measured run of at least about 1 s "
                    + "at the rate the warm-up reached, per method and size; 100 with --quick).")
    Integer count;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Bytes per array, all columns together (default: a sweep, see --sizes).")
    Integer size;

    @Option(names = "--sizes", paramLabel = "LIST", split = ",", converter = SizeConverter.class,
            description = "Sizes to sweep (default: 8Ki,1Mi: 1024 and 131072 float64; 8Ki with --quick).")
    List<Integer> sizes;

    @Option(names = "--elements", paramLabel = "N", description = "Rows per array, instead of --size (what -s counted in the original Python benchmark).")
    Integer elements;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float64", description = "Column type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Dtype dtype;

    @Option(names = "--columns", paramLabel = "N", defaultValue = "1", description = "Columns of the table, each --dtype (default: ${DEFAULT-VALUE}).")
    int columns;

    @Option(names = {"-b", "--batch"}, paramLabel = "N", defaultValue = "1", description = "Arrays per record batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--compression", paramLabel = "CODEC", defaultValue = "none",
            description = "Arrow IPC buffer compression: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Compression compression;

    @Option(names = {"-w", "--warmup"}, paramLabel = "N", defaultValue = "1",
            description = "Warm-up runs before measuring, not counted: at least this many, repeated for at least 1 s; 0 for none with -n or -d "
                    + "(without them the warm-up, at least 1 s, sets the count) (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class,
            description = "Run each configuration for this long (e.g. 10s) instead of --count arrays.")
    Duration duration;

    @Option(names = {"-m", "--methods"}, paramLabel = "LIST", split = ",", description = "Methods to run (default: all; the Flight ones with --flight-uri; see --list).")
    List<String> methods;

    @Option(names = "--list", description = "Print the methods, one line each, and exit.")
    boolean list;

    @Option(names = {"-r", "--runs"}, paramLabel = "N|auto", converter = RunsConverter.class, defaultValue = "3",
            description = "Measured runs of each configuration (default: ${DEFAULT-VALUE}), or 'auto': at least 6 and at most 10, until the 95% interval "
                    + "of the median arrays/s is within 5% of it. The summary quotes the median and its 95% interval.")
    Runs runs;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A small, fast configuration for smoke tests: 100 arrays of 8 KiB, one run, short warm-up.")
    boolean quick;

    @Option(names = "--flight-uri", paramLabel = "URI", description = "An ArrowBench server elsewhere (grpc://HOST:PORT) for the Flight methods, instead of a local child.")
    String flightUri;

    @Option(names = "--ring", paramLabel = "SIZE", converter = RingConverter.class,
            description = "Shared memory of arrow-shm, cut into slots of one message each (default: 4 MiB, at least two slots).")
    Long ring;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up when the consumer makes no progress, or a Flight server does not answer, for this long (default: ${DEFAULT-VALUE}); "
                    + "a consumer starting may take 30 s where this is shorter.")
    Duration timeout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the random arrays (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shm-dir", paramLabel = "DIR",
            description = "Where the run's shared-memory files go (DIR/ipcbench-<uid>): a bigger tmpfs, or a hugetlbfs mount (default: /dev/shm, else the temp dir).")
    Path shmDir;

    @Option(names = "--cleanup", description = "Remove what killed runs left in the suite folder (owner process gone), then exit.")
    boolean cleanup;

    @Option(names = "--role", hidden = true, description = "Internal: 'consumer' runs the child side.")
    String role;

    @Option(names = "--corrupt", hidden = true, paramLabel = "N", description = "Testing: the producer flips the last byte of array N in transit.")
    long corrupt;

    @Option(names = "--stall-consumer", hidden = true,
            description = "Testing: the consumer pauses once for 50 ms, at a batch in the middle of the first measured run, before it takes that batch in.")
    boolean stallConsumer;

    @Option(names = "--leak", hidden = true, description = "Testing: the producer keeps one Arrow buffer unreleased, which the check at the session's end must catch.")
    boolean leak;

    @Spec CommandSpec spec;

    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        public Integer convert(String value) { return (int) Units.parseSizeIn(value, STAMP, MAX_SIZE, "a size from 16 B to 64 MiB, such as 8Ki, 10k, 2M or 1Mi"); }
    }

    static final class RingConverter implements CommandLine.ITypeConverter<Long> {
        public Long convert(String value) { return Units.parseSizeIn(value, MIN_RING, MAX_RING, "a size from 64 KiB to 1 GiB, such as 4Mi or 64Mi"); }
    }

    enum Compression {
        none(CompressionUtil.CodecType.NO_COMPRESSION), lz4(CompressionUtil.CodecType.LZ4_FRAME), zstd(CompressionUtil.CodecType.ZSTD);

        final CompressionUtil.CodecType codec;

        Compression(CompressionUtil.CodecType codec) { this.codec = codec; }

        CompressionCodec.Factory factory() { return this == none ? NoCompressionCodec.Factory.INSTANCE : CommonsCompressionFactory.INSTANCE; }

        CompressionCodec codec() { return factory().createCodec(codec); }

        /** The method's name in the rows: compressed runs are other methods, not other runs of the same. */
        String suffix() { return this == none ? "" : "-" + name(); }
    }

    /**
     * gRPC logs through java.util.logging, with a stack trace for every peer that goes away mid-call: a
     * killed run's expected end, which this script reports in its own words. Held here, so that the level
     * stays set (the logging framework keeps loggers only weakly).
     */
    static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

    public static void main(String[] args) {
        GRPC_LOG.setLevel(java.util.logging.Level.SEVERE);
        System.exit(runCommand(new ArrowBench(), args));
    }

    // ---------------------------------------------------------------- the data

    /** Column types, as NumPy names them. Arrays travel as their little-endian bytes, Arrow's layout. */
    enum Dtype {
        float64(8), float32(4), int64(8), int32(4), int8(1);

        final int width;

        Dtype(int width) { this.width = width; }

        ArrowType arrowType() {
            return switch (this) {
                case float64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
                case float32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
                case int64 -> new ArrowType.Int(64, true);
                case int32 -> new ArrowType.Int(32, true);
                case int8 -> new ArrowType.Int(8, true);
            };
        }

        byte[] randomImage(int size, SplittableRandom rnd) {
            ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                switch (this) {
                    case float64 -> b.putDouble(rnd.nextDouble(-1e6, 1e6));
                    case float32 -> b.putFloat((float) rnd.nextDouble(-1e6, 1e6));
                    case int64 -> b.putLong(rnd.nextLong());
                    case int32 -> b.putInt(rnd.nextInt());
                    case int8 -> b.put((byte) rnd.nextInt());
                }
            }
            return b.array();
        }
    }

    /** What a record batch looks like: columns c0..cN of one type; an array is `rows` rows of each; a batch holds `batch` arrays. */
    record Shape(Dtype dtype, int columns, int rows, int batch) {
        int sliceBytes() { return rows * dtype.width; }
        int arrayBytes() { return sliceBytes() * columns; }
        int batchRows() { return rows * batch; }
        long batchBytes() { return (long) arrayBytes() * batch; }

        Schema schema() {
            List<Field> fields = new ArrayList<>();
            for (int c = 0; c < columns; c++) fields.add(Field.nullable("c" + c, dtype.arrowType()));
            return new Schema(fields);
        }

        /** A batch of this shape, every row valid, its values still to be written. */
        VectorSchemaRoot newBatch(BufferAllocator allocator) {
            VectorSchemaRoot root = VectorSchemaRoot.create(schema(), allocator);
            for (FieldVector v : root.getFieldVectors()) {
                ((org.apache.arrow.vector.BaseFixedWidthVector) v).allocateNew(batchRows());
                v.getValidityBuffer().setOne(0, v.getValidityBuffer().capacity());
                v.setValueCount(batchRows());
            }
            root.setRowCount(batchRows());
            return root;
        }
    }

    /**
     * What the producer sends: seven distinct random arrays in rotation (array seq is image seq % 7),
     * column c of an array being the image's c-th slice. The first 16 bytes of each array's first
     * column are its stamp: the sequence number (its top bits flag the batch ending a run or the
     * session) and the batch's System.nanoTime. The consumer knows the images too (same seed) and
     * checks each slice's CRC32C against the image's, the stamped slice through CRC arithmetic.
     */
    static final class Payload {
        static final int DISTINCT = 7;
        /** Flags in an array's sequence word: last of its run, last of the session, and (testing, --stall-consumer) the batch to pause at. */
        static final long LAST_OF_RUN = 1L << 62, END = 1L << 63, STALL = 1L << 61, SEQ = (1L << 60) - 1;
        final Shape shape;
        final long seed, corruptSeq;
        final ByteBuffer[] images = new ByteBuffer[DISTINCT];
        final int[][] sliceCrcs;             // [image][column]; column 0 without its stamp
        final int appendTail;                // what appending the stamped slice's tail does to a CRC

        Payload(Shape shape, long seed, long corruptSeq) {
            this.shape = shape;
            this.seed = seed;
            this.corruptSeq = corruptSeq;
            int slice = shape.sliceBytes();
            sliceCrcs = new int[DISTINCT][shape.columns];
            SplittableRandom rnd = new SplittableRandom(seed);
            CRC32C crc = new CRC32C();
            for (int k = 0; k < DISTINCT; k++) {
                byte[] image = shape.dtype.randomImage(shape.arrayBytes(), rnd);
                images[k] = ByteBuffer.allocateDirect(image.length).order(ByteOrder.LITTLE_ENDIAN).put(image).clear();
                for (int c = 0; c < shape.columns; c++) {
                    crc.reset();
                    int skip = c == 0 ? STAMP : 0;
                    crc.update(image, c * slice + skip, slice - skip);
                    sliceCrcs[k][c] = (int) crc.getValue();
                }
            }
            appendTail = Crc32c.zerosOperator(slice - STAMP);
        }

        static int index(long seq) { return (int) (seq % DISTINCT); }

        /** Writes arrays first.. into a batch of the shape (the build): the arrays' values, then each stamp. */
        void fill(VectorSchemaRoot root, long first, long sentNanos, long flags) {
            int slice = shape.sliceBytes();
            for (int c = 0; c < shape.columns; c++) {
                ArrowBuf data = root.getFieldVectors().get(c).getDataBuffer();
                for (int j = 0; j < shape.batch; j++) {
                    long seq = first + j, at = (long) j * slice;
                    data.setBytes(at, images[index(seq)], c * slice, slice);
                    if (c == 0) {
                        data.setLong(at, seq | flags);
                        data.setLong(at + 8, sentNanos);
                    }
                    if (seq == corruptSeq && c == shape.columns - 1) data.setByte(at + slice - 1, ~data.getByte(at + slice - 1));
                }
            }
            root.setRowCount(shape.batchRows());
        }

        /** The CRC32C slice `column` of array seq must have, given its stamp as read. */
        int expectedCrc(long seq, int column, long word0, long sentNanos, CRC32C crc, ByteBuffer stamp) {
            int k = index(seq);
            if (column > 0) return sliceCrcs[k][column];
            crc.reset();
            crc.update(stamp.clear().putLong(0, word0).putLong(8, sentNanos));
            return Crc32c.combine((int) crc.getValue(), sliceCrcs[k][0], appendTail);
        }
    }

    /** CRC32C of a concatenation from the CRCs of its parts (zlib's crc32_combine, Castagnoli polynomial). */
    static final class Crc32c {
        static final int POLY = 0x82F63B78;   // reflected

        /** a * b modulo the polynomial, in the reflected bit order of the CRC register. */
        static int multiply(int a, int b) {
            int m = 1 << 31, product = 0;
            while (true) {
                if ((a & m) != 0) {
                    product ^= b;
                    if ((a & (m - 1)) == 0) return product;
                }
                m >>>= 1;
                b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
            }
        }

        /** x^(8n) mod P: what appending n bytes does to the CRC of what comes before them. */
        static int zerosOperator(long n) {
            int result = 1 << 31, power = 1 << 30;    // x^0, and x^1 (then x^2, x^4, ... by squaring)
            for (long bits = 8 * n; bits != 0; bits >>>= 1) {
                if ((bits & 1) != 0) result = multiply(power, result);
                power = multiply(power, power);
            }
            return result;
        }

        /** CRC(A then B) from CRC(A), CRC(B) and zerosOperator(length of B). */
        static int combine(int crcA, int crcB, int zerosOperatorOfB) {
            return multiply(zerosOperatorOfB, crcA) ^ crcB;
        }
    }

    /** An order-sensitive hash of the batches' timestamps: both ends keep one, so that a changed timestamp shows. */
    static long mixStamp(long hash, long sentNanos) {
        long h = (hash ^ sentNanos) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    // ---------------------------------------------------------------- the consumer's check

    /** What the consumer reports after each run. */
    record RunReport(long arrays, long batches, long errors, String firstError, long lastNanos, String histogram, long stampHash) {
        Histogram decodeHistogram() throws IOException {
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(histogram)), 0);
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException("the consumer's histogram does not decode: " + e.getMessage());
            }
        }
    }

    /**
     * Checks every batch as it arrives: the schema, the row count, no nulls, then per array its
     * sequence number (following the previous one), its timestamp (one per batch) and the CRC32C of
     * each of its column slices, so that every data byte is checked. Records one-way latency per batch
     * (now minus the producer's timestamp: System.nanoTime is one clock for the machine's processes).
     * At a batch flagged last of its run, hands on a report and starts the next run afresh.
     */
    static final class Checker {
        /** --stall-consumer: how long the consumer pauses at the batch flagged STALL (a test may set another). */
        static final long STALL_NANOS = 50_000_000L;
        long stallNanos = STALL_NANOS;
        final Payload expected;
        final Schema schema;
        final Consumer<RunReport> onRunEnd;
        /** Told the end of the run's window (its last verified receipt) before any bookkeeping: the child says "done" with it. */
        java.util.function.LongConsumer onWindowEnd = end -> { };
        final CRC32C crc = new CRC32C();
        final ByteBuffer stamp = ByteBuffer.allocate(STAMP).order(ByteOrder.LITTLE_ENDIAN);
        Histogram latency = new Histogram(3);
        Schema checkedSchema;
        long nextSeq = 1, arrays, batches, errors, stampHash;
        boolean ended;
        String firstError;

        Checker(Payload expected, Consumer<RunReport> onRunEnd) {
            this.expected = expected;
            this.schema = expected.shape.schema();
            this.onRunEnd = onRunEnd;
        }

        /** Checks one batch; returns its flags (Payload.LAST_OF_RUN, END). */
        long check(VectorSchemaRoot root) {
            Shape shape = expected.shape;
            List<FieldVector> vectors = root.getFieldVectors();
            ArrowBuf first = vectors.isEmpty() ? null : vectors.get(0).getDataBuffer();
            // --stall-consumer: a pause before this batch is taken in, while it (and, in arrow-shm, its slot) is held.
            if (first != null && first.capacity() >= STAMP && (first.getLong(0) & Payload.STALL) != 0) pause(stallNanos);
            batches++;
            String error = null;
            if (root.getSchema() != checkedSchema && !root.getSchema().equals(schema)) error = "schema " + root.getSchema() + " instead of " + schema;
            else if (root.getRowCount() != shape.batchRows()) error = "row count " + root.getRowCount() + " instead of " + shape.batchRows();
            else {
                for (FieldVector v : root.getFieldVectors()) {
                    if (v.getValueCount() != shape.batchRows()) error = "column " + v.getName() + " has " + v.getValueCount() + " values instead of " + shape.batchRows();
                    else if (v.getNullCount() != 0) error = "column " + v.getName() + " has " + v.getNullCount() + " nulls";
                    else if (v.getDataBuffer().capacity() < shape.batchBytes() / shape.columns) error = "column " + v.getName() + "'s data buffer is too short";
                    if (error != null) break;
                }
            }
            long flags = 0;
            if (first != null && first.capacity() >= STAMP) flags = first.getLong(0) & (Payload.LAST_OF_RUN | Payload.END);
            long received;
            if (error == null) {
                checkedSchema = root.getSchema();     // a reader keeps its schema object: compared once, not per batch
                error = checkArrays(vectors);
                // One-way latency = verified receipt - the time the batch was due to be sent, which the producer stamped
                // before any wait for room (README "How figures are defined").
                received = System.nanoTime();
                latency.recordValue(Math.max(0, received - first.getLong(8)));
            } else {
                arrays += Math.max(1, root.getRowCount() / shape.rows);
                received = System.nanoTime();
            }
            if (error != null && errors++ == 0) firstError = "batch " + batches + " of the run: " + error;
            if ((flags & Payload.LAST_OF_RUN) != 0) endRun((flags & Payload.END) != 0, received);
            return flags;
        }

        /** Pauses this thread for nanos (--stall-consumer), whatever wakes it early. */
        static void pause(long nanos) {
            long until = System.nanoTime() + nanos;
            for (long left; (left = until - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
        }

        private String checkArrays(List<FieldVector> vectors) {
            Shape shape = expected.shape;
            int slice = shape.sliceBytes();
            String error = null;
            ByteBuffer[] views = new ByteBuffer[shape.columns];
            for (int c = 0; c < shape.columns; c++) views[c] = vectors.get(c).getDataBuffer().nioBuffer(0, slice * shape.batch);
            ArrowBuf stamps = vectors.get(0).getDataBuffer();
            long batchSent = stamps.getLong(8), batchFlags = stamps.getLong(0) & ~Payload.SEQ;
            if ((batchFlags & ~(Payload.LAST_OF_RUN | Payload.END | Payload.STALL)) != 0) error = "array " + (stamps.getLong(0) & Payload.SEQ) + " has unknown flag bits";
            stampHash = mixStamp(stampHash, batchSent);
            for (int j = 0; j < shape.batch; j++) {
                arrays++;
                int at = j * slice;
                long word0 = stamps.getLong(at), sent = stamps.getLong(at + 8), seq = word0 & Payload.SEQ;
                if (error != null) { nextSeq = Math.max(nextSeq, seq + 1); continue; }
                if (seq != nextSeq) error = (seq < nextSeq ? "duplicate or stale" : "gap") + ": array " + seq + " instead of " + nextSeq;
                else if (sent != batchSent) error = "array " + seq + " carries another timestamp than its batch";
                else if ((word0 & ~Payload.SEQ) != batchFlags) error = "array " + seq + " carries other flags than its batch";
                for (int c = 0; c < shape.columns && error == null; c++) {
                    crc.reset();
                    crc.update(views[c].limit(at + slice).position(at));
                    if ((int) crc.getValue() != expected.expectedCrc(seq, c, word0, sent, crc, stamp))
                        error = "array " + seq + ", column c" + c + ": CRC32C mismatch (the bytes differ from what was sent)";
                }
                nextSeq = Math.max(nextSeq, seq + 1);
            }
            return error;
        }

        /** A run cut short (the stream ended before its last batch): report what arrived, as an error. */
        void endRunEarly(String why) {
            if (errors++ == 0) firstError = why;
            endRun(false, System.nanoTime());
        }

        /**
         * The run ended at lastNanos, its last verified receipt: the window's end is taken there, before the
         * histogram is encoded (no bookkeeping inside the clock, README "How figures are defined").
         */
        private void endRun(boolean end, long lastNanos) {
            ended = end;
            onWindowEnd.accept(lastNanos);
            ByteBuffer encoded = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
            latency.encodeIntoCompressedByteBuffer(encoded);
            onRunEnd.accept(new RunReport(arrays, batches, errors, firstError, lastNanos,
                    Base64.getEncoder().encodeToString(Arrays.copyOf(encoded.array(), encoded.position())), stampHash));
            latency = new Histogram(3);
            arrays = batches = errors = stampHash = 0;
            firstError = null;
        }
    }

    // ---------------------------------------------------------------- the methods

    /** One way of moving record batches. The producer opens its end first; the consumer finds it through the run folder. */
    interface Transport extends AutoCloseable {
        /** Producer: the consumer said "ready" (with what followed the word); connect before the clock starts. */
        default void awaitPeer(Child consumer, String ready) throws IOException {}
        /** Producer: the batch to fill next, once there is room for it. */
        VectorSchemaRoot nextBatch() throws IOException;
        /** Producer: sends the batch nextBatch() gave, now filled; stampHash covers the run's timestamps so far. */
        void send(long flags, long stampHash) throws IOException;
        /** Producer: the run's report, where the method brings it back itself (Flight); else the child's stdout does. */
        default RunReport report() throws IOException { return null; }
        /** Consumer: hands batches to the checker until one ends a run. */
        void receive(Checker checker) throws IOException;
        @Override void close();
    }

    /** What both ends of a method need to open it. */
    record Context(boolean producer, Path runDir, Shape shape, Compression compression, long ringBytes,
                   BufferAllocator allocator, Abort abort) {}

    /** Opens one end of a method; endpoint is where the Flight server listens (the child's "ready", or --flight-uri), else null. */
    interface TransportFactory { Transport open(Context ctx, String endpoint) throws IOException; }

    /** A method: its description (its note is a format where the run fills in details, see Session.describe) and how to open its ends. */
    record Method(MethodInfo info, TransportFactory factory) implements Described {
        boolean flight() { return name().startsWith("arrow-flight"); }
        boolean pulls() { return name().equals("arrow-flight-get"); }
    }

    static final List<Method> METHODS = List.of(
            new Method(MethodInfo.named("arrow-shm").waits("spin")
                    .summary("IPC messages in a ring of slots in a /dev/shm file: built in place, loaded by the consumer without copying")
                    .note("IPC messages in a ring of %s slots in /dev/shm; %s; the consumer loads each batch in place (no copy) and spins"),
                    (ctx, ep) -> new ShmTransport(ctx)),
            new Method(MethodInfo.named("arrow-stream-uds").waits("block")
                    .summary("the IPC stream format over a Unix domain socket")
                    .note("IPC stream format over a Unix domain socket (java.nio), blocking reads"),
                    (ctx, ep) -> StreamTransport.uds(ctx)),
            new Method(MethodInfo.named("arrow-stream-pipe").waits("block")
                    .summary("the IPC stream format over the child's stdin (a pipe)")
                    .note("IPC stream format over the child's stdin (a pipe), blocking reads"),
                    (ctx, ep) -> StreamTransport.pipe(ctx)),
            new Method(MethodInfo.named("arrow-file").waits("block")
                    .summary("the IPC file format (Feather v2) on /dev/shm: a file written whole per run, then read with random access")
                    .note("IPC file format (Feather v2) on /dev/shm, one file per run written whole, then read block by block; latency includes waiting for the whole file"),
                    (ctx, ep) -> new FileTransport(ctx)),
            new Method(MethodInfo.named("arrow-flight").waits("block")
                    .summary("Arrow Flight DoPut over gRPC (HTTP/2) on loopback, or to --flight-uri")
                    .note("Flight DoPut over gRPC to %s, one call per run"),
                    (ctx, ep) -> new FlightTransport(ctx, ep)),
            new Method(MethodInfo.named("arrow-flight-get").waits("block")
                    .summary("Arrow Flight DoGet: the server produces, this process consumes")
                    .note("Flight DoGet over gRPC from %s, one call per run: that server produces, this process checks"),
                    (ctx, ep) -> new FlightTransport(ctx, ep)));

    static Method method(String name) {
        return METHODS.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    /** Set by the watchdog when the consumer died or stalled; waiting loops check it now and then. */
    static final class Abort {
        volatile String reason;
        void check() throws IOException {
            if (reason != null) throw new IOException(reason);
        }
    }

    /** A ByteBuffer as a channel, for Arrow's readers and writers: reads and writes move its position. */
    static final class BufferChannel implements ReadableByteChannel, WritableByteChannel {
        final ByteBuffer buffer;

        BufferChannel(ByteBuffer buffer) { this.buffer = buffer; }

        public int read(ByteBuffer dst) {
            if (!buffer.hasRemaining()) return -1;
            int n = Math.min(dst.remaining(), buffer.remaining());
            dst.put(buffer.slice(buffer.position(), n));
            buffer.position(buffer.position() + n);
            return n;
        }

        public int write(ByteBuffer src) {
            int n = src.remaining();
            buffer.put(src);
            return n;
        }

        public boolean isOpen() { return true; }

        public void close() { }
    }

    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);

    static FileChannel createOwnerOnly(Path path) throws IOException {
        return FileChannel.open(path, CREATE, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    /**
     * arrow-shm: a file in the run folder holding a control page (the producer's count of published
     * messages and the consumer's count of released ones, each on its own cache line), the schema as an
     * IPC message, then a ring of slots, each one IPC record batch message. Without compression every
     * message of a run has the same metadata, so each slot's message is laid out once and the producer's
     * vectors for that slot are the slot's own buffers: it builds each batch where the consumer reads it.
     * With compression the producer builds in private memory and writes the compressed message into the
     * slot. Either way the consumer loads the batch from the mapping without copying its buffers
     * (decompression aside).
     */
    static final class ShmTransport implements Transport {
        static final int PUBLISHED = 0, RELEASED = 64, SLOT_COUNT = 128, SLOT_BYTES = 136, SCHEMA_AT = 4096, HEADER = 64;
        final Context ctx;
        final MappedByteBuffer map;
        final ArrowBuf mapped;                   // the whole mapping, as Arrow memory
        final int slots, slotBytes, firstSlot;
        final VectorSchemaRoot[] slotBatches;    // producer, no compression: the batches living in the slots
        VectorSchemaRoot build, received;        // producer with compression; consumer
        CompressionCodec codec;
        VectorLoader loader;
        long published, released;

        ShmTransport(Context ctx) throws IOException {
            this.ctx = ctx;
            Path file = ctx.runDir.resolve("arrow-shm");
            Shape shape = ctx.shape;
            if (ctx.producer) {
                slotBytes = slotBytes(shape);
                slots = slotCount(ctx.ringBytes, shape);
            } else {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer control = ch.map(FileChannel.MapMode.READ_ONLY, 0, SCHEMA_AT).order(ByteOrder.nativeOrder());
                    slots = (int) control.getLong(SLOT_COUNT);
                    slotBytes = (int) control.getLong(SLOT_BYTES);
                }
            }
            int schemaBytes = schemaBytes(shape);
            firstSlot = SCHEMA_AT + schemaBytes;
            long bytes = ctx.producer ? fileBytes(shape, slots, ctx.runDir) : Files.size(file);
            try (FileChannel ch = ctx.producer ? createOwnerOnly(file) : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // Every page written before it is mapped: a full file system fails here, in one line, never with a SIGBUS later.
                if (ctx.producer) SuiteFolder.allocate(ch, file, bytes);
                map = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            } catch (RunFailure f) {
                throw new IOException(f.getMessage());
            }
            map.order(ByteOrder.nativeOrder());
            long address = MemoryUtil.getByteBufferAddress(map);
            mapped = ctx.allocator.wrapForeignAllocation(new ForeignAllocation(bytes, address) {
                protected void release0() { }      // the mapping goes with the transport
            });
            slotBatches = new VectorSchemaRoot[slots];
            if (ctx.producer) {
                MessageSerializer.serialize(new WriteChannel(new BufferChannel(map.slice(SCHEMA_AT, schemaBytes))), shape.schema());
                if (ctx.compression == Compression.none) {
                    for (int i = 0; i < slots; i++) {
                        try (VectorSchemaRoot template = shape.newBatch(ctx.allocator)) {
                            writeMessage(i, template, null);
                        }
                        slotBatches[i] = VectorSchemaRoot.create(shape.schema(), ctx.allocator);
                        try (ArrowRecordBatch inPlace = readMessage(i)) {
                            new VectorLoader(slotBatches[i]).load(inPlace);
                        }
                    }
                } else {
                    build = shape.newBatch(ctx.allocator);
                    codec = ctx.compression.codec();
                }
                LONGS.setRelease(map, SLOT_COUNT, (long) slots);
                LONGS.setRelease(map, SLOT_BYTES, (long) slotBytes);
            } else {
                Schema schema = MessageSerializer.deserializeSchema(new ReadChannel(new BufferChannel(map.slice(SCHEMA_AT, schemaBytes))));
                received = VectorSchemaRoot.create(schema, ctx.allocator);
                loader = new VectorLoader(received, CommonsCompressionFactory.INSTANCE);
            }
        }

        static long align(long n, int to) { return (n + to - 1) / to * to; }

        static int schemaBytes(Shape shape) {
            return (int) align(MessageSerializer.serializeMetadata(shape.schema(), IpcOption.DEFAULT).remaining() + 64, 4096);
        }

        /** The file's size in dir: control page, schema, slots; on hugetlbfs, which sizes files in whole huge pages, rounded up to one. */
        static long fileBytes(Shape shape, int slots, Path dir) {
            return SuiteFolder.mappedLength(dir, SCHEMA_AT + schemaBytes(shape) + (long) slots * slotBytes(shape));
        }

        /** Room for one message of the shape: metadata, then per column its validity and data buffers (8-byte aligned, plus a compression prefix each). */
        static int slotBytes(Shape shape) {
            long body = shape.columns * (align((shape.batchRows() + 7) / 8, 8) + 8 + align((long) shape.batchRows() * shape.dtype.width, 8) + 8);
            return (int) align(HEADER + 1024 + 128L * shape.columns + body, 64);
        }

        static int slotCount(long ringBytes, Shape shape) {
            return (int) Math.max(2, ringBytes / slotBytes(shape));
        }

        long slotAt(int slot) { return firstSlot + (long) slot * slotBytes; }

        /** Writes batch as an IPC message into a slot (compressed with codec, when given); its length goes in the slot's header. */
        void writeMessage(int slot, VectorSchemaRoot batch, CompressionCodec codec) throws IOException {
            long at = slotAt(slot);
            ByteBuffer area = map.slice((int) (at + HEADER), slotBytes - HEADER);
            VectorUnloader unloader = codec == null ? new VectorUnloader(batch) : new VectorUnloader(batch, true, codec, true);
            try (ArrowRecordBatch message = unloader.getRecordBatch()) {
                ArrowBlock block = MessageSerializer.serialize(new WriteChannel(new BufferChannel(area)), message);
                map.putLong((int) at, block.getMetadataLength() + block.getBodyLength());
            } catch (java.nio.BufferOverflowException e) {
                throw new IOException("a batch does not fit its slot of " + slotBytes + " bytes");
            }
        }

        /** The message in a slot as a record batch whose buffers are slices of the mapping: nothing is copied. */
        ArrowRecordBatch readMessage(int slot) throws IOException {
            long at = slotAt(slot) + HEADER;
            int length = (int) map.getLong((int) slotAt(slot));
            ReadChannel in = new ReadChannel(new BufferChannel(map.slice((int) at, length)));
            MessageMetadataResult meta = MessageSerializer.readMessage(in);
            if (meta == null) throw new IOException("slot " + slot + " holds no message");
            ArrowBuf body = mapped.slice(at + in.bytesRead(), meta.getMessageBodyLength());
            body.getReferenceManager().retain();     // deserializeRecordBatch releases the body it is given
            return MessageSerializer.deserializeRecordBatch(meta, body);
        }

        public VectorSchemaRoot nextBatch() throws IOException {
            for (int spins = 0; published - (long) LONGS.getAcquire(map, RELEASED) >= slots; spins++) {
                if ((spins & 0x3FF) == 0) ctx.abort.check();
                Thread.onSpinWait();
            }
            return build != null ? build : slotBatches[(int) (published % slots)];
        }

        public void send(long flags, long stampHash) throws IOException {
            if (build != null) writeMessage((int) (published % slots), build, codec);
            LONGS.setRelease(map, PUBLISHED, ++published);
        }

        public void receive(Checker checker) throws IOException {
            while (true) {
                for (int spins = 0; (long) LONGS.getAcquire(map, PUBLISHED) == released; spins++) {
                    if ((spins & 0x3FF) == 0) ctx.abort.check();
                    Thread.onSpinWait();
                }
                long flags;
                try (ArrowRecordBatch message = readMessage((int) (released % slots))) {
                    loader.load(message);
                }
                flags = checker.check(received);
                received.clear();
                LONGS.setRelease(map, RELEASED, ++released);
                if ((flags & Payload.LAST_OF_RUN) != 0) return;
            }
        }

        public void close() {
            for (VectorSchemaRoot b : slotBatches) if (b != null) b.close();
            if (build != null) build.close();
            if (received != null) received.close();
            mapped.close();
        }
    }

    /**
     * The IPC stream format over a byte channel: a Unix domain socket the producer listens on, or the
     * child's stdin. The stream stays open for the whole session; its end-of-stream marker follows the
     * session's last batch.
     */
    static final class StreamTransport implements Transport {
        /** sockaddr_un's sun_path: 108 bytes on Linux, the last for the terminating zero. */
        static final int MAX_SOCKET_PATH = 107;
        final Context ctx;
        final boolean pipe;
        ServerSocketChannel listener;
        ByteChannel socket;
        WritableByteChannel out;
        ReadableByteChannel in;
        VectorSchemaRoot build;
        ArrowStreamWriter writer;
        ArrowStreamReader reader;
        String pipeNote = "";

        private StreamTransport(Context ctx, boolean pipe) {
            this.ctx = ctx;
            this.pipe = pipe;
        }

        static StreamTransport uds(Context ctx) throws IOException {
            StreamTransport t = new StreamTransport(ctx, false);
            Path socketPath = ctx.runDir.resolve("arrow.sock");
            int length = socketPath.toString().getBytes(StandardCharsets.UTF_8).length;
            if (length > MAX_SOCKET_PATH)
                throw new IOException("the socket " + socketPath + " is a path of " + length + " bytes, longer than the " + MAX_SOCKET_PATH
                        + " a Unix domain socket takes: give a shorter --shm-dir");
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socketPath);
            if (ctx.producer) {
                t.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
            } else {
                SocketChannel s = SocketChannel.open(address);
                t.socket = s;
                t.in = s;
                t.reader = new ArrowStreamReader(t.in, ctx.allocator, CommonsCompressionFactory.INSTANCE);
            }
            return t;
        }

        static StreamTransport pipe(Context ctx) {
            StreamTransport t = new StreamTransport(ctx, true);
            if (!ctx.producer) {
                // The configuration line before the stream was read byte by byte: nothing of the stream is buffered elsewhere.
                t.in = new FileInputStream(FileDescriptor.in).getChannel();
                t.pipeNote = Posix.growPipe(0);
                t.reader = new ArrowStreamReader(t.in, ctx.allocator, CommonsCompressionFactory.INSTANCE);
            }
            return t;
        }

        public void awaitPeer(Child consumer, String ready) throws IOException {
            if (pipe) {
                // The child's stdin opened again through /proc: a FileChannel writes from Arrow's native memory
                // straight into the pipe, where Process.getOutputStream() would copy through byte arrays first.
                Path stdin = Path.of("/proc/" + consumer.process.pid() + "/fd/0");
                try {
                    out = FileChannel.open(stdin, StandardOpenOption.WRITE);
                } catch (IOException | UnsupportedOperationException e) {
                    out = Channels.newChannel(consumer.stdin);
                    pipeNote = " (through Process.getOutputStream: " + stdin + " could not be opened)";
                }
            } else {
                SocketChannel s = listener.accept();    // the consumer connected before it said ready
                socket = s;
                out = s;
            }
            build = ctx.shape.newBatch(ctx.allocator);
            writer = new ArrowStreamWriter(build, null, out, IpcOption.DEFAULT, ctx.compression.factory(), ctx.compression.codec);
            writer.start();
        }

        public VectorSchemaRoot nextBatch() { return build; }

        public void send(long flags, long stampHash) throws IOException {
            writer.writeBatch();
            if ((flags & Payload.END) != 0) {
                writer.end();
                out.close();
            }
        }

        public void receive(Checker checker) throws IOException {
            while (reader.loadNextBatch()) {
                long flags = checker.check(reader.getVectorSchemaRoot());
                // After the session's last batch, read on to the end-of-stream marker: leaving it unread would make
                // closing the socket a reset, which the producer sees as an error.
                if ((flags & Payload.END) != 0 && reader.loadNextBatch()) throw new IOException("a batch followed the session's last one");
                if ((flags & Payload.LAST_OF_RUN) != 0) return;
            }
            throw new EOFException("the stream ended before the run's last batch");
        }

        public void close() {
            try {
                if (writer != null) writer.close();
                else if (out != null) out.close();
            } catch (IOException | RuntimeException ignored) { }
            try { if (socket != null) socket.close(); if (listener != null) listener.close(); } catch (IOException ignored) { }
            if (reader != null) {
                try { reader.close(); } catch (IOException | RuntimeException ignored) { }
            }
            if (build != null) build.close();
        }
    }

    /** The one POSIX call Java lacks here: fcntl(F_SETPIPE_SZ), to give a pipe more than its default 64 KiB. */
    static final class Posix {
        interface C extends com.sun.jna.Library {
            int fcntl(int fd, int cmd, int arg) throws com.sun.jna.LastErrorException;
        }

        static final int F_SETPIPE_SZ = 1031;

        /** Grows the pipe on fd to the largest size allowed (fs.pipe-max-size); returns what the row's note should say. */
        static String growPipe(int fd) {
            int max = Environment.firstLine(Path.of("/proc/sys/fs/pipe-max-size"), "").map(Integer::parseInt).orElse(1 << 20);
            try {
                C c = com.sun.jna.Native.load("c", C.class);
                return "; pipe grown to " + Units.size(c.fcntl(fd, F_SETPIPE_SZ, max));
            } catch (RuntimeException | LinkageError e) {
                return "; pipe left at its default size (" + e.getMessage() + ")";
            }
        }
    }

    /**
     * The IPC file format: per run the producer writes one file (schema, batches, footer) in the run
     * folder and, once it is complete, names it on the child's stdin; the consumer opens it, reads the
     * footer and loads the batches by their blocks (random access), then removes it.
     */
    static final class FileTransport implements Transport {
        final Context ctx;
        VectorSchemaRoot build;
        FileChannel file;
        ArrowFileWriter writer;
        Path path;
        OutputStream toConsumer;
        BufferedReader fromProducer;
        int files;
        /** What the run's file may take at most (fileBytes), which the session checked was free: a failed write names it. */
        long need;

        FileTransport(Context ctx) {
            this.ctx = ctx;
            if (ctx.producer) build = ctx.shape.newBatch(ctx.allocator);
            else fromProducer = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        }

        /**
         * The most a file of this many arrays takes: its magic, the schema twice (its message and the footer's copy),
         * and per batch at most a slot of arrow-shm (metadata, buffers, compression prefixes) and its footer block.
         * Checked against the real files in a test.
         */
        static long fileBytes(Shape shape, long arrays) {
            long schema = ShmTransport.align(MessageSerializer.serializeMetadata(shape.schema(), IpcOption.DEFAULT).remaining() + 16, 8);
            long batches = (arrays + shape.batch - 1) / shape.batch;
            return 4096 + 2 * schema + batches * (ShmTransport.slotBytes(shape) + 32L);
        }

        /** The most arrays whose file fits in bytes: whole batches, at least one. */
        static long arraysIn(Shape shape, long bytes) {
            long perBatch = fileBytes(shape, 2L * shape.batch) - fileBytes(shape, shape.batch);
            return Math.max(1, (bytes - fileBytes(shape, 0)) / perBatch) * shape.batch;
        }

        public void awaitPeer(Child consumer, String ready) { toConsumer = consumer.stdin; }

        public VectorSchemaRoot nextBatch() throws IOException {
            if (writer == null) {
                path = ctx.runDir.resolve("run-" + ++files + ".arrow");
                file = createOwnerOnly(path);
                writer = new ArrowFileWriter(build, null, file, null, IpcOption.DEFAULT, ctx.compression.factory(), ctx.compression.codec);
                try {
                    writer.start();
                } catch (IOException e) {
                    throw notWritten(e);
                }
            }
            return build;
        }

        public void send(long flags, long stampHash) throws IOException {
            try {
                writer.writeBatch();
                if ((flags & Payload.LAST_OF_RUN) == 0) return;
                writer.end();
            } catch (IOException e) {
                throw notWritten(e);
            }
            writer.close();
            writer = null;
            toConsumer.write((path + "\n").getBytes(StandardCharsets.UTF_8));
            toConsumer.flush();
        }

        /** A write that failed (a file system filled by someone else meanwhile): one line naming the file, its need and the space left. */
        IOException notWritten(IOException e) {
            long written;
            try {
                written = file.size();
            } catch (IOException ignored) {
                written = -1;
            }
            long free = SuiteFolder.freeBytes();
            return new IOException("cannot write " + path + " (" + (written < 0 ? "" : Units.size(written) + " written") + (need > 0 ? " of at most " + Units.size(need) : "")
                    + "): " + e.getMessage() + "; " + SuiteFolder.base() + " (" + SuiteFolder.fsType() + ") has " + Units.size(free)
                    + " free; use --shm-dir DIR on a bigger file system (Docker: --shm-size=1g)", e);
        }

        public void receive(Checker checker) throws IOException {
            String name = fromProducer.readLine();
            if (name == null) throw new EOFException("the producer closed the consumer's stdin");
            Path p = Path.of(name);
            long flags = 0;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
                 ArrowFileReader reader = new ArrowFileReader(ch, ctx.allocator, CommonsCompressionFactory.INSTANCE)) {
                for (ArrowBlock block : reader.getRecordBlocks()) {
                    reader.loadRecordBatch(block);
                    flags = checker.check(reader.getVectorSchemaRoot());
                }
            } finally {
                Files.deleteIfExists(p);
            }
            if ((flags & Payload.LAST_OF_RUN) == 0) checker.endRunEarly("the file " + p.getFileName() + " ended before the run's last batch");
        }

        public void close() {
            try {
                if (writer != null) writer.close();     // after a failed write it fails again, writing the footer
            } catch (RuntimeException ignored) { }
            try { if (file != null) file.close(); } catch (IOException ignored) { }
            if (build != null) build.close();
        }
    }

    /**
     * Arrow Flight, the producer's side (a Flight client): arrow-flight sends each run as one DoPut,
     * whose result carries the server's report; arrow-flight-get asks for each run with one DoGet and
     * checks the batches here. The server is a local child, or the one --flight-uri names.
     */
    static final class FlightTransport implements Transport {
        final Context ctx;
        final FlightClient client;
        final Location location;
        VectorSchemaRoot build;
        FlightClient.ClientStreamListener put;
        SyncPutListener results;
        RunSpec spec;
        RunReport report;
        Runnable windowEnded = () -> { };     // the session's: DoPut's server said its window ended

        FlightTransport(Context ctx, String uri) {
            this.ctx = ctx;
            this.location = uri == null ? null : new Location(URI.create(uri));
            this.client = uri == null ? null : FlightClient.builder(ctx.allocator, location).build();
        }

        /** Asks the server who it is, within the timeout: a server that answers nothing fails here, not mid-run. */
        Hello hello(Duration timeout) throws IOException {
            try {
                Iterator<Result> answer = client.doAction(new Action("hello"), CallOptions.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
                return JSON.readValue(answer.next().getBody(), Hello.class);
            } catch (FlightRuntimeException e) {
                String what = switch (e.status().code()) {
                    case TIMED_OUT -> "did not answer within " + Units.duration(timeout);
                    case UNIMPLEMENTED -> "answers, but is not an ArrowBench server";
                    default -> "cannot be reached";
                };
                throw new IOException("the Flight server at " + location.getUri() + " " + what + " ("
                        + e.status().code() + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")) + ")");
            }
        }

        void startRun(RunSpec spec) { this.spec = spec; }

        public VectorSchemaRoot nextBatch() throws IOException {
            if (build == null) build = ctx.shape.newBatch(ctx.allocator);
            if (put == null) {
                results = new SyncPutListener();
                put = client.startPut(FlightDescriptor.command(JSON.writeValueAsBytes(spec)), build, results);
            }
            awaitReady(put, results::isCancelled, ctx.abort);
            return build;
        }

        public void send(long flags, long stampHash) throws IOException {
            put.putNext();
            if ((flags & Payload.LAST_OF_RUN) == 0) return;
            put.completed();
            try {
                byte[] answer = readResult();
                if (Arrays.equals(answer, DONE)) {
                    windowEnded.run();
                    answer = readResult();
                }
                report = JSON.readValue(answer, RunReport.class);
                put.getResult();
            } catch (FlightRuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IOException("DoPut failed: " + e.getMessage());
            } finally {
                results.close();
                put = null;
            }
        }

        /** DoPut's next result from the server: "done" (the window ended), then the run's report. */
        byte[] readResult() throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
            try (PutResult r = results.read()) {
                if (r == null || r.getApplicationMetadata() == null) throw new IOException("the Flight server sent no report");
                ArrowBuf body = r.getApplicationMetadata();
                byte[] bytes = new byte[(int) body.readableBytes()];
                body.getBytes(0, bytes);
                return bytes;
            }
        }

        public RunReport report() {
            RunReport r = report;
            report = null;
            return r;
        }

        /** arrow-flight-get: one run pulled with DoGet and checked here; returns the hash of the timestamps the server sent. */
        Long pull(Checker checker, AtomicLong progress) throws IOException {
            try (FlightStream stream = client.getStream(new Ticket(JSON.writeValueAsBytes(spec)))) {
                long flags = 0;
                Long serverHash = null;
                while ((flags & Payload.LAST_OF_RUN) == 0 && stream.next()) {
                    flags = checker.check(stream.getRoot());
                    progress.incrementAndGet();
                    ArrowBuf meta = stream.getLatestMetadata();
                    if ((flags & Payload.LAST_OF_RUN) != 0 && meta != null && meta.capacity() >= 8) serverHash = meta.getLong(0);
                }
                if ((flags & Payload.LAST_OF_RUN) == 0) checker.endRunEarly("the DoGet stream ended before the run's last batch");
                return serverHash;
            } catch (FlightRuntimeException e) {
                throw new IOException("DoGet failed: " + e.getMessage());
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.toString());
            }
        }

        public void receive(Checker checker) { throw new UnsupportedOperationException("the Flight server receives"); }

        public void close() {
            if (put != null) {
                try { put.error(new IOException("closed")); } catch (RuntimeException ignored) { }
            }
            if (results != null) results.close();
            try { if (client != null) client.close(); } catch (InterruptedException ignored) { }
            if (build != null) build.close();
        }
    }

    /**
     * Waits until a Flight stream can take a batch without buffering it: spins a little, then parks (gRPC's
     * own wait only spins). A call ended by the other side (a client gone, a server dead) is never ready again.
     */
    static void awaitReady(OutboundStreamListener listener, java.util.function.BooleanSupplier ended, Abort abort) throws IOException {
        for (int n = 0; !listener.isReady(); n++) {
            if (n < 200) Thread.onSpinWait();
            else {
                LockSupport.parkNanos(20_000);
                if ((n & 0xFF) == 0) {
                    abort.check();
                    if (ended.getAsBoolean()) throw new IOException("the other side ended the Flight call");
                }
            }
        }
    }

    /** What a Flight call asks of the server: the shape and seed of the data, which run, and (DoGet) how much to send. */
    record RunSpec(Dtype dtype, int columns, int rows, int batch, long seed, long corrupt, Compression compression,
                   long firstSeq, long arrays, long durationNanos, boolean endOfSession, long stallSeq) {
        Shape shape() { return new Shape(dtype, columns, rows, batch); }
    }

    record Hello(String host, String bootId, long pid, String version) {}

    /** What a consumer says the moment a run's window ends (its last verified receipt), before it encodes its report. */
    static final byte[] DONE = "done".getBytes(StandardCharsets.UTF_8);

    /**
     * The Flight server: a child for local runs, or 'ArrowBench server' on another host. Each DoPut is
     * one run, checked as it arrives and answered with the run's report; each DoGet is one run produced
     * here. Calls carry their RunSpec, so the server needs no configuration of its own.
     */
    static final class BenchFlightProducer extends NoOpFlightProducer {
        final BufferAllocator allocator;
        Payload payload;         // the last one built, kept: building seven random arrays per run would cost more than small runs

        BenchFlightProducer(BufferAllocator allocator) { this.allocator = allocator; }

        synchronized Payload payload(RunSpec spec) {
            Shape shape = spec.shape();
            if (payload == null || !payload.shape.equals(shape) || payload.seed != spec.seed || payload.corruptSeq != spec.corrupt)
                payload = new Payload(shape, spec.seed, spec.corrupt);
            return payload;
        }

        @Override
        public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
            if (!action.getType().equals("hello")) {
                listener.onError(CallStatus.UNIMPLEMENTED.withDescription("unknown action " + action.getType()).toRuntimeException());
                return;
            }
            try {
                listener.onNext(new Result(JSON.writeValueAsBytes(new Hello(Environment.hostname(), Environment.bootId(), ProcessHandle.current().pid(), "ArrowBench 1.0"))));
                listener.onCompleted();
            } catch (IOException e) {
                listener.onError(CallStatus.INTERNAL.withDescription(e.toString()).toRuntimeException());
            }
        }

        @Override
        public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
            return () -> {
                try {
                    RunSpec spec = JSON.readValue(stream.getDescriptor().getCommand(), RunSpec.class);
                    List<RunReport> reports = new ArrayList<>();
                    Checker checker = new Checker(payload(spec), reports::add);
                    checker.nextSeq = spec.firstSeq;
                    // The window ended: say so first, so that the client stops its clock and CPU meter before this side's bookkeeping.
                    checker.onWindowEnd = end -> {
                        ArrowBuf done = allocator.buffer(DONE.length);
                        done.setBytes(0, DONE);
                        done.writerIndex(DONE.length);
                        try (PutResult result = PutResult.metadata(done)) {
                            ack.onNext(result);
                        }
                    };
                    while (reports.isEmpty() && stream.next()) checker.check(stream.getRoot());
                    if (reports.isEmpty()) checker.endRunEarly("the DoPut stream ended before the run's last batch");
                    byte[] json = JSON.writeValueAsBytes(reports.get(0));
                    ArrowBuf buf = allocator.buffer(json.length);
                    buf.setBytes(0, json);
                    buf.writerIndex(json.length);
                    try (PutResult result = PutResult.metadata(buf)) {
                        ack.onNext(result);
                    }
                    ack.onCompleted();
                } catch (Exception e) {
                    ack.onError(CallStatus.INTERNAL.withDescription(e.toString()).toRuntimeException());
                }
            };
        }

        @Override
        public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
            try {
                RunSpec spec = JSON.readValue(ticket.getBytes(), RunSpec.class);
                Payload p = payload(spec);
                try (VectorSchemaRoot build = p.shape.newBatch(allocator)) {
                    listener.start(build);
                    Abort abort = new Abort();
                    Transport sender = new Transport() {
                        public VectorSchemaRoot nextBatch() throws IOException {
                            awaitReady(listener, listener::isCancelled, abort);
                            return build;
                        }

                        public void send(long flags, long stampHash) {
                            if ((flags & Payload.LAST_OF_RUN) == 0) {
                                listener.putNext();
                                return;
                            }
                            ArrowBuf hash = allocator.buffer(8);
                            hash.setLong(0, stampHash);
                            hash.writerIndex(8);
                            listener.putNext(hash);
                        }

                        public void receive(Checker checker) { throw new UnsupportedOperationException(); }

                        public void close() { }
                    };
                    produce(sender, p, spec.firstSeq, spec.arrays, spec.durationNanos > 0 ? System.nanoTime() + spec.durationNanos : null,
                            spec.endOfSession, null, new AtomicLong(), () -> { }, spec.stallSeq);
                    listener.completed();
                }
            } catch (Exception e) {
                listener.error(CallStatus.INTERNAL.withDescription(e.toString()).toRuntimeException());
            }
        }
    }

    static FlightServer startFlightServer(BufferAllocator allocator, Location where) throws IOException {
        return FlightServer.builder(allocator, where, new BenchFlightProducer(allocator)).build().start();
    }

    /** What one run sent: how many arrays, and the hash of their batches' timestamps. */
    record Sent(long arrays, long stampHash, long lastSeq) {}

    /**
     * The producer's loop, in the parent and in a Flight server answering DoGet: fills and sends
     * batches of arrays first.., at least minArrays and, with a deadline, until it has passed. The last
     * batch carries LAST_OF_RUN (and END at the session's end).
     */
    static Sent produce(Transport t, Payload payload, long first, long minArrays, Long deadline, boolean endOfSession,
                        Abort abort, AtomicLong progress, Runnable beforeLast) throws IOException {
        return produce(t, payload, first, minArrays, deadline, endOfSession, abort, progress, beforeLast, -1);
    }

    /** The same, flagging the batch holding array stallSeq (if any) for the consumer to pause at (--stall-consumer). */
    static Sent produce(Transport t, Payload payload, long first, long minArrays, Long deadline, boolean endOfSession,
                        Abort abort, AtomicLong progress, Runnable beforeLast, long stallSeq) throws IOException {
        return produce(t, payload, first, minArrays, Long.MAX_VALUE, deadline, endOfSession, abort, progress, beforeLast, stallSeq);
    }

    /** The same, ending the run at maxArrays (rounded up to whole batches) even before its deadline: arrow-file's cap. */
    static Sent produce(Transport t, Payload payload, long first, long minArrays, long maxArrays, Long deadline, boolean endOfSession,
                        Abort abort, AtomicLong progress, Runnable beforeLast, long stallSeq) throws IOException {
        int batch = payload.shape.batch;
        long sent = 0, hash = 0, seq = first;
        while (true) {
            if (abort != null) abort.check();
            // The time the batch is due to be sent, stamped BEFORE any wait for room (a ring slot, Flight's back-pressure),
            // so that a wait counts in its one-way latency (README "How figures are defined").
            long due = System.nanoTime();
            VectorSchemaRoot root = t.nextBatch();
            boolean last = sent + batch >= minArrays && (deadline == null || due - deadline >= 0 || sent + batch >= maxArrays);
            long flags = !last ? 0 : endOfSession ? Payload.LAST_OF_RUN | Payload.END : Payload.LAST_OF_RUN;
            if (stallSeq >= seq && stallSeq < seq + batch) flags |= Payload.STALL;
            payload.fill(root, seq, due, flags);
            hash = mixStamp(hash, due);
            if (last) beforeLast.run();
            t.send(flags, hash);
            seq += batch;
            sent += batch;
            progress.lazySet(seq);
            if (last) return new Sent(sent, hash, seq - 1);
        }
    }

    // ---------------------------------------------------------------- the parent: options, sessions, measuring

    public Integer call() throws Exception {
        if ("consumer".equals(role)) return ChildRole.run();
        if (role != null) throw new ParameterException(spec.commandLine(), "Invalid value for option '--role': '" + role + "'");
        if (list) return printList(METHODS);
        SuiteFolder.useShmDir(spec.commandLine(), shmDir);
        if (cleanup) return SuiteFolder.cleanup();
        Plan plan = plan();
        SuiteFolder.removeLeftovers();
        Results results = new Results(out, Environment.capture());
        List<Row> rows = new ArrayList<>();
        // Each session has its own child allocator and checks it at its end; a leak fails that session.
        BufferAllocator allocator = new RootAllocator();
        try {
            // Every method's files must fit before the first run (and again as each starts): a run that cannot is one line now.
            for (Shape shape : plan.shapes)
                for (Method m : plan.methods)
                    requireSpace(m, shape, m.name().equals("arrow-shm") && ring == null ? 2L * ShmTransport.slotBytes(shape) : plan.ringBytes);  // a default ring shrinks to two slots at least
            for (Shape shape : plan.shapes) {
                for (Method m : plan.methods) {
                    runMethod(m, shape, plan, allocator, results, rows);
                    System.gc();       // a finished session's mapping holds its memory until collected
                }
            }
        } catch (RunFailure failure) {
            reportFailure(failure.getMessage());
            printSummary(rows, plan, true);
            return 1;
        }
        allocator.close();
        printSummary(rows, plan, false);
        return 0;
    }

    /** What to run; auto: neither -n nor -d nor --quick, so that the measured runs' length comes from the warm-up (RunLength). */
    record Plan(List<Method> methods, List<Shape> shapes, Integer count, Runs runs, long ringBytes, Duration warmupMinimum, boolean auto) {
        /** Arrays per run given a count: --count, else 100 (--quick). */
        long arrays(Shape shape, boolean quick) {
            return count != null ? count : 100;
        }

        /**
         * Arrays per warm-up run without a count: 16 MiB worth, from one array to 2048 (8 KiB arrays), rounded up to
         * whole batches; short, so that the warm-up ends soon after its second.
         */
        long warmupArrays(Shape shape) {
            return roundUp(Math.max(1, Math.min(2048, (16L << 20) / shape.arrayBytes())), shape.batch());
        }

        /**
         * The most arrays a run may take: 100 million, and for arrow-file (one file per run, written whole in the
         * suite folder) a file of at most a quarter of the space free there now (FileTransport.fileBytes).
         */
        long cap(Method m, Shape shape) { return cap(m, shape, SuiteFolder.freeBytes()); }

        long cap(Method m, Shape shape, long free) {
            long cap = 100_000_000L;
            if (m.name().equals("arrow-file")) cap = Math.min(cap, FileTransport.arraysIn(shape, free / 4));
            return roundUp(Math.max(shape.batch(), cap), shape.batch());
        }
    }

    /** Checks every option before anything is started or written: bad input leaves nothing behind. */
    Plan plan() {
        CommandLine cl = spec.commandLine();
        if (count != null && count < 1) throw bad(cl, "--count", count, "must be at least 1");
        if (batch < 1) throw bad(cl, "--batch", batch, "must be at least 1");
        if (columns < 1 || columns > 1000) throw bad(cl, "--columns", columns, "must be from 1 to 1000");
        if (warmup < 0) throw bad(cl, "--warmup", warmup, "must be 0 or more");
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) throw bad(cl, "--timeout", given("--timeout", timeout), "at least 1s");
        if (duration != null && duration.toMillis() < 10) throw bad(cl, "--duration", given("--duration", duration), "at least 10ms");
        if (duration != null && count != null) throw new ParameterException(cl, "Options '--count' and '--duration' exclude each other: give one");
        if ((size != null ? 1 : 0) + (sizes != null ? 1 : 0) + (elements != null ? 1 : 0) > 1)
            throw new ParameterException(cl, "Options '--size', '--sizes' and '--elements' exclude each other: give one");
        int minRows = Math.max(1, STAMP / dtype.width);
        List<Integer> rowCounts = new ArrayList<>();
        if (elements != null) {
            if (elements < minRows || (long) elements * dtype.width * columns > MAX_SIZE)
                throw bad(cl, "--elements", elements, "arrays of " + columns + " x " + dtype + " need from " + minRows + " to "
                        + MAX_SIZE / dtype.width / columns + " rows");
            rowCounts.add(elements);
        } else {
            List<Integer> chosen = size != null ? List.of(size) : sizes != null ? sizes : quick ? List.of(8 << 10) : List.of(8 << 10, 1 << 20);
            String option = size != null ? "--size" : "--sizes";
            int unit = dtype.width * columns;
            for (int s : chosen) {
                Object shown = size != null ? given("--size", s) : s;
                if (s % unit != 0) throw bad(cl, option, shown, "not a whole number of rows of " + columns + " x " + dtype + " (" + unit + " bytes)");
                if (s / unit < minRows) throw bad(cl, option, shown, "each column of an array needs at least 16 bytes for its stamp");
                rowCounts.add(s / unit);
            }
        }
        List<Shape> shapes = rowCounts.stream().map(r -> new Shape(dtype, columns, r, batch)).toList();
        for (Shape s : shapes)
            if (s.batchBytes() > MAX_RING / 2) throw bad(cl, "--batch", batch, "batches of " + Units.size(s.batchBytes()) + " are too large: at most 512 MiB");
        // Flight for Java unloads batches without a codec (and loads them without one): it cannot compress.
        String noFlightCompression = "Arrow Flight for Java sends record batches uncompressed; leave the Flight methods out";
        List<Method> chosen = methods != null ? chooseMethods(cl, METHODS, methods) : METHODS.stream()
                .filter(m -> flightUri == null || m.flight()).filter(m -> compression == Compression.none || !m.flight()).toList();
        for (Method m : chosen)
            if (m.flight() && compression != Compression.none) throw bad(cl, "--compression", compression, noFlightCompression);
        if (chosen.isEmpty()) throw bad(cl, "--compression", compression, noFlightCompression);
        // hugetlbfs takes mappings only, no write(2): the file format cannot be written there.
        if (SuiteFolder.fsType().equals("hugetlbfs") && chosen.stream().anyMatch(m -> m.name().equals("arrow-file"))) {
            String why = "arrow-file writes its file with write(2), which hugetlbfs (--shm-dir " + SuiteFolder.base() + ") refuses; give a tmpfs for it";
            if (methods != null) throw bad(cl, "--methods", String.join(",", methods), why);
            chosen = chosen.stream().filter(m -> !m.name().equals("arrow-file")).toList();
            shrunk.add("arrow-file left out: it " + why.substring("arrow-file ".length()));
        }
        long ringBytes = ring != null ? ring : Math.max(4L << 20, 2L * shapes.stream().mapToLong(ShmTransport::slotBytes).max().orElseThrow());
        if (ring != null && chosen.stream().anyMatch(m -> m.name().equals("arrow-shm")))
            for (Shape s : shapes)
                if (ShmTransport.slotBytes(s) > ring) throw bad(cl, "--ring", given("--ring", ring), "a batch of " + Units.size(s.batchBytes())
                        + " needs a slot of " + Units.size(ShmTransport.slotBytes(s)) + "; give a larger --ring or smaller batches");
        if (flightUri != null) {
            String problem = FlightUris.problem(flightUri);
            if (problem != null) throw bad(cl, "--flight-uri", flightUri, problem);
        }
        Results.checkOut(cl, out);
        return new Plan(chosen, shapes, count, quick ? new Runs(1, false) : runs, ringBytes, quick ? Duration.ZERO : RunLength.WARMUP,
                count == null && duration == null && !quick);
    }

    /** --flight-uri: grpc:// or grpc+tcp://, a host and a port. */
    static final class FlightUris {
        static String problem(String text) {
            try {
                URI uri = new URI(text);
                if (!"grpc".equals(uri.getScheme()) && !"grpc+tcp".equals(uri.getScheme())) return "give grpc://HOST:PORT";
                if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535) return "give grpc://HOST:PORT with a port from 1 to 65535";
                return null;
            } catch (URISyntaxException e) {
                return "not a URI: give grpc://HOST:PORT";
            }
        }
    }

    /** The value as the user typed it (64Ki rather than 65536), for error messages. */
    String given(String option, Object parsed) {
        var matched = spec.commandLine().getParseResult().matchedOption(option);
        return matched == null ? String.valueOf(parsed) : matched.stringValues().get(matched.stringValues().size() - 1);
    }

    static ParameterException bad(CommandLine cl, String option, Object value, String why) {
        return new ParameterException(cl, "Invalid value for option '" + option + "': '" + value + "' (" + why + ")");
    }

    void runMethod(Method m, Shape shape, Plan plan, BufferAllocator root, Results results, List<Row> rows) throws RunFailure {
        String name = m.name() + compression.suffix();
        String label = Units.size(shape.arrayBytes());
        // With neither -n nor -d, the measured runs' count comes from the warm-up's rate (RunLength): warm-up runs of
        // warmupArrays repeated for at least 1 s, then runs of at least about 1 s each. -n and -d are taken as given.
        boolean auto = plan.auto(), file = m.name().equals("arrow-file");
        long arrays = duration != null ? batch : auto ? plan.warmupArrays(shape) : plan.arrays(shape, quick);
        // arrow-file's runs that end by time end at its cap too: one file per run, at most a quarter of the free space.
        long cap = file && (auto || duration != null) ? plan.cap(m, shape) : Long.MAX_VALUE;
        if (auto) arrays = Math.min(arrays, cap);
        Session session = Session.start(m, this, shape, plan, root);
        session.maxArrays = cap;
        Row pending = null;
        boolean measured = false;
        try {
            // Warm-up runs are measured runs thrown away, so that the JIT compiles the very paths that are then timed.
            long warmupEnds = System.nanoTime() + plan.warmupMinimum.toNanos(), warmedArrays = 0, warmedNanos = 0;
            for (int w = 1; (warmup > 0 || auto) && (w <= warmup || System.nanoTime() - warmupEnds < 0); w++) {
                session.stage = label + " warm-up run " + w;
                Progress.show(name + " " + session.stage);
                Session.Outcome warm = session.stream(arrays, duration, false, false, -1);
                if (warm.report.errors > 0)
                    throw new RunFailure(name + ": verification failed during the warm-up at " + label + ": " + warm.report.firstError);
                warmedArrays += warm.report.arrays;
                warmedNanos += (long) (warm.seconds * 1e9);
            }
            // Without -n or -d: the count for about 1 s at the warm-up's rate, and at least 1 s in any case (a run slower than the
            // warm-up, on a busy machine, goes on to its second, or to arrow-file's cap); the row's count is the count it took.
            Duration runTime = duration;
            long free = SuiteFolder.freeBytes(), runCap = plan.cap(m, shape, free);
            String capText = "";
            if (cap != Long.MAX_VALUE) {
                cap = session.maxArrays = runCap;
                capText = "a run stops at " + arraysText(cap) + ", a file of at most " + Units.size(FileTransport.fileBytes(shape, cap))
                        + " (a quarter of the " + Units.size(free) + " free in " + SuiteFolder.base() + ")";
            }
            if (auto) {
                arrays = roundUp(RunLength.count(warmedArrays, warmedNanos, batch, runCap), batch);
                runTime = RunLength.MEASURED;
            }
            List<Double> headlines = new ArrayList<>();
            for (int run = 1; plan.runs.another(headlines); run++) {
                session.stage = label + " run " + run + (plan.runs.auto() ? " (--runs auto)" : "/" + plan.runs.count());
                Progress.show(name + " " + session.stage);
                // --stall-consumer: the consumer pauses at the batch in the middle of the first measured run.
                long stallSeq = stallConsumer && run == 1 ? session.seq + 1 + arrays / 2 / batch * batch : -1;
                Session.Outcome o = session.stream(arrays, runTime, false, true, stallSeq);
                Progress.clear();
                Histogram h;
                try {
                    h = o.report.decodeHistogram();
                } catch (IOException e) {
                    throw session.failure(e);
                }
                // A run that its cap ended (not its time): shorter than asked for, which its note and the summary say.
                boolean stoppedAtCap = runTime != null && o.report.arrays >= cap;
                if (stoppedAtCap) shrunk.add(name + " at " + label + ": " + capText + ", where its runs ended before their " + Units.duration(runTime));
                Row row = Row.of(name, m.waits(), session.note + (stoppedAtCap ? "; " + capText + ": this run ended there" : ""),
                        shape, compression, run, o.seconds, o.sameClock ? h : null,
                        o.report.arrays, o.report.batches, o.report.errors, o.report.firstError, Objects.requireNonNull(o.cpu, "CPU cost"));
                headlines.add(row.rate);      // the headline figure of --runs auto: arrays/s (msgs_per_s), batches/s times --batch
                if (pending != null) {
                    results.write(pending.fields, pending.hist);
                    rows.add(pending);
                    pending = null;
                }
                if (!row.verified) {
                    results.write(row.fields, row.hist);
                    rows.add(row);
                    throw new RunFailure(name + ": verification failed at " + label + ": " + row.firstError);
                }
                // The session's last run is written once the session closed cleanly (a leak at close fails it); the others at once.
                if (plan.runs.auto() || run == plan.runs.count()) pending = row;
                else {
                    results.write(row.fields, row.hist);
                    rows.add(row);
                }
            }
            measured = true;
            // How many runs --runs auto takes is known only after each: one batch, not measured, then ends the session.
            session.stage = label + " closing";
            Session.Outcome closing = session.stream(batch, null, true, false, -1);
            if (closing.report.errors > 0) throw new RunFailure(name + ": verification failed at " + label + ": " + closing.report.firstError);
            session.finish();
        } catch (RunFailure f) {
            // A failure while closing (a leak, the consumer's exit) is the last run's; a later run's failure is not an earlier one's.
            if (pending != null && measured) pending.fail(f.getMessage());
            throw f;
        } finally {
            session.close();
            if (pending != null) {
                results.write(pending.fields, pending.hist);
                rows.add(pending);
            }
        }
    }

    /** What was shrunk to fit the suite folder's free space, for the summary: one line each. */
    final Set<String> shrunk = new LinkedHashSet<>();

    /**
     * A method's files must fit in the suite folder's free space (checked for every method and size before the
     * first run, and again as each session starts): arrow-shm's ring file, and arrow-file's file of one run (one
     * batch where runs end by time, as its cap shrinks them). The others keep only a socket there.
     */
    void requireSpace(Method m, Shape shape, long ringBytes) throws RunFailure {
        String what = m.name() + compression.suffix() + " at " + Units.size(shape.arrayBytes());
        if (m.name().equals("arrow-shm")) {
            int slots = ShmTransport.slotCount(ringBytes, shape);
            SuiteFolder.requireSpace(what + ": its ring file (" + slots + " slots of " + Units.size(ShmTransport.slotBytes(shape)) + ")",
                    ShmTransport.fileBytes(shape, slots, SuiteFolder.base()), ring != null ? "give a smaller --ring" : "give smaller batches (--size, --batch)");
        } else if (m.name().equals("arrow-file")) {
            boolean byTime = count == null && !quick;
            long arrays = byTime ? batch : roundUp(count != null ? count : 100, batch);
            SuiteFolder.requireSpace(what + ": its file of " + arraysText(arrays) + " per run", FileTransport.fileBytes(shape, arrays),
                    byTime ? "give smaller batches (--size, --batch)" : "give a smaller --count");
        }
    }

    static long roundUp(long n, int to) { return (n + to - 1) / to * to; }

    /** A count of arrays as the notes print it: 1 array, 2,048 arrays. */
    static String arraysText(long n) { return String.format(Locale.ROOT, "%,d", n) + (n == 1 ? " array" : " arrays"); }

    /** A running consumer (or a Flight server) and the producer's end of the method, from start to clean-up. */
    static final class Session implements AutoCloseable {
        static final Set<Session> LIVE = Collections.synchronizedSet(new HashSet<>());
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                SHUTTING_DOWN.set(true);    // Ctrl-C: the children's ends are no failure to report
                List.copyOf(LIVE).forEach(s -> s.end(false));
            }));
        }

        final Method method;
        final ArrowBench options;
        final Shape shape;
        final Path runDir;
        final BufferAllocator allocator;
        final Abort abort = new Abort();
        final AtomicLong progress = new AtomicLong();
        final Duration timeout;
        final Payload payload;
        String note;
        Transport transport;
        Checker pullChecker;       // arrow-flight-get: the consumer is this process
        final List<RunReport> pulled = new ArrayList<>();
        boolean sameClock = true;
        Child child;
        Thread watchdog;
        static final String STARTING = "starting the consumer";
        /** How long the child may take to start and say ready, where --timeout is shorter. */
        static final Duration STARTUP = Duration.ofSeconds(30);
        volatile String stage = STARTING;
        volatile boolean failureReported, ending;
        long seq;
        /** The most arrays a run may take (arrow-file's cap where runs end by time), else no bound. */
        long maxArrays = Long.MAX_VALUE;
        /** arrow-shm's ring: --ring, or the default, smaller where the suite folder has less free space than twice that. */
        long ringBytes;
        String ringShrunk;

        private Session(Method method, ArrowBench o, Shape shape, Path runDir, BufferAllocator allocator) {
            this.method = method;
            this.options = o;
            this.shape = shape;
            this.runDir = runDir;
            this.allocator = allocator;
            this.timeout = o.timeout;
            this.payload = new Payload(shape, o.seed, o.corrupt);
        }

        static Session start(Method m, ArrowBench o, Shape shape, Plan plan, BufferAllocator root) throws RunFailure {
            String runId = SuiteFolder.newRunId();
            boolean remote = m.flight() && o.flightUri != null;
            long ringBytes = plan.ringBytes;
            String ringShrunk = null;
            if (m.name().equals("arrow-shm") && o.ring == null) {
                // The default ring is a size that suits the machine, not a requirement: where the suite folder has little free
                // space (a container's /dev/shm of 64 MiB, mostly used) it takes at most half of it, or two slots.
                long free = SuiteFolder.freeBytes(), slotBytes = ShmTransport.slotBytes(shape);
                int slots = ShmTransport.slotCount(ringBytes, shape);
                int fit = (int) Math.max(2, Math.min(slots, (free / 2 - ShmTransport.fileBytes(shape, 0, SuiteFolder.base())) / slotBytes));
                if (fit < slots) {
                    ringBytes = fit * slotBytes;
                    ringShrunk = "ring shrunk from " + slots + " to " + fit + " slots (" + Units.size(ShmTransport.fileBytes(shape, fit, SuiteFolder.base()))
                            + ") to fit the " + Units.size(free) + " free in " + SuiteFolder.base();
                }
            }
            o.requireSpace(m, shape, ringBytes);
            Session s;
            try {
                Path runDir = remote ? null : SuiteFolder.createRunDir(runId);
                s = new Session(m, o, shape, runDir, root.newChildAllocator(m.name(), 0, Long.MAX_VALUE));
            } catch (IOException e) {
                throw new RunFailure("cannot create the run folder in " + SuiteFolder.root() + ": " + e.getMessage());
            }
            s.ringBytes = ringBytes;
            s.ringShrunk = ringShrunk;
            if (ringShrunk != null) o.shrunk.add(m.name() + o.compression.suffix() + " at " + Units.size(shape.arrayBytes()) + ": " + ringShrunk);
            LIVE.add(s);
            try {
                Context ctx = new Context(true, s.runDir, shape, o.compression, ringBytes, s.allocator, s.abort);
                String where;
                if (remote) {
                    s.transport = m.factory.open(ctx, o.flightUri);
                    Hello server = ((FlightTransport) s.transport).hello(o.timeout);
                    s.sameClock = server.bootId.equals(Environment.bootId());
                    where = o.flightUri + " (server " + server.host + ", pid " + server.pid + ")";
                    s.watchdog = daemon("watchdog", s::watch);
                } else {
                    if (!m.flight()) s.transport = m.factory.open(ctx, null);
                    String ready = s.launch(new ChildConfig(m.name(), shape.dtype, shape.columns, shape.rows, shape.batch, o.compression,
                            s.runDir.toString(), ringBytes, o.seed, ProcessHandle.current().pid()));
                    if (m.flight()) s.transport = m.factory.open(ctx, ready);
                    else s.transport.awaitPeer(s.child, ready);
                    where = m.flight() ? "a child process at " + ready : ready;
                }
                if (m.pulls()) {
                    s.pullChecker = new Checker(s.payload, s.pulled::add);
                    s.pullChecker.onWindowEnd = end -> s.windowEnded();
                }
                if (s.transport instanceof FlightTransport ft) ft.windowEnded = s::windowEnded;
                if (o.leak) s.allocator.buffer(64);
                s.note = s.describe(plan, where);
                return s;
            } catch (Exception e) {
                RunFailure f = s.failure(e);
                s.close();
                throw f;
            }
        }

        /** What the method really did with these options, as the row's note says it. */
        String describe(Plan plan, String where) {
            String compressed = options.compression == Compression.none ? "" : "; buffers compressed with " + options.compression
                    + (options.compression == Compression.lz4 ? " (LZ4 frame, pure Java in commons-compress)" : " (zstd-jni)");
            String text = switch (method.name()) {
                case "arrow-shm" -> String.format(method.note(), ShmTransport.slotCount(ringBytes, shape),
                        options.compression == Compression.none ? "batches built in the slots" : "batches built in private memory, written into a slot")
                        + (ringShrunk == null ? "" : " (" + ringShrunk + ")");
                case "arrow-flight", "arrow-flight-get" -> String.format(method.note(), where);
                case "arrow-stream-pipe" -> method.note() + ((StreamTransport) transport).pipeNote + where;
                default -> method.note();
            };
            String clock = sameClock ? "; latency clock: System.nanoTime of both processes (" + LATENCY_CLOCK + ")"
                    : "; no latency: the server runs on another machine (another clock); time until its report arrived";
            String cpu = child != null ? "; CPU: both processes" : "; CPU: this process only, the server at " + options.flightUri + " is not counted";
            return text + compressed + "; allocator: Arrow on Netty's pooled memory" + clock + cpu;
        }

        /** Starts this same program again (same java, class path and JVM flags) as the consumer; returns what followed its "ready". */
        String launch(ChildConfig config) throws IOException {
            child = Child.start("the consumer", ArrowBench.class, List.of("--role=consumer"), config);
            watchdog = daemon("watchdog", this::watch);
            return child.awaitReady();
        }

        /** Watches the consumer: dead, or no progress for the timeout, aborts the run. */
        private void watch() {
            long last = -1, since = System.nanoTime();
            try {
                while (abort.reason == null) {
                    Thread.sleep(50);
                    long now = System.nanoTime(), p = progress.get();
                    if (child != null && !child.process.isAlive()) {
                        if (ending) return;      // it exits by itself after the last run
                        abort.reason = "the consumer exited";
                    }
                    else if (p != last) { last = p; since = now; }
                    else {
                        // A JVM with Arrow and Netty may take longer than a short --timeout to start on a busy machine.
                        Duration limit = stage.equals(STARTING) && timeout.compareTo(STARTUP) < 0 ? STARTUP : timeout;
                        if (now - since > limit.toNanos()) {
                            abort.reason = "no progress for " + Units.duration(limit) + (child == null ? ""
                                    : (stoppedState(child.process.pid()) != null) ? ": the consumer (pid " + child.process.pid() + ") is stopped (SIGSTOP?), not dead, so it was killed"
                                    : ", so the consumer was killed");
                            if (child != null) child.process.destroyForcibly();
                        }
                    }
                }
                // Waits that spin or park check the abort, channels see the peer's end; should the main thread be
                // stuck elsewhere (a blocking write to a consumer that stopped reading), the run ends here instead.
                Thread.sleep(2000);
                if (!failureReported) {
                    reportFailure(failure(null).getMessage());
                    System.exit(1);
                }
            } catch (InterruptedException e) {
                // the session closed normally
            }
        }

        /** A run's outcome: the consumer's report, the window in seconds, and its CPU cost (CpuMeter's fields) when measured. */
        record Outcome(RunReport report, double seconds, boolean sameClock, Map<String, Object> cpu) {}

        CpuMeter meter;
        Map<String, Object> cpuForOne;     // the meter's fields at the window's end, per one message (scaled once the count is known)

        /** The run's window ended (the consumer said so): the CPU meter stops here, before anyone's bookkeeping. */
        synchronized void windowEnded() {
            if (meter != null && cpuForOne == null) cpuForOne = meter.stop(1);
        }

        /** CpuMeter's fields for one message, as for n. */
        static Map<String, Object> perMessages(Map<String, Object> forOne, long n) {
            Map<String, Object> f = new LinkedHashMap<>(forOne);
            f.put("cpu_us_per_msg", round(((Number) forOne.get("cpu_us_per_msg")).doubleValue() / Math.max(1, n), 4));
            return f;
        }

        /** Spins (a blocked thread lets its vCPU halt, and on a VM waking it again delays the next run) until the child writes a line. */
        String awaitLine() throws IOException {
            while (child.stdout.available() == 0) {
                boolean dead = !child.process.isAlive();      // read before the stream: a report written just before exiting still counts
                if (dead && child.stdout.available() == 0) throw new EOFException("the consumer exited before its report");
                Thread.onSpinWait();
                abort.check();
            }
            return child.receiveLine();
        }

        /**
         * One run: at least minArrays arrays and, when minTime is given, until that much time has passed;
         * then the consumer's report. The last batch of the session tells the consumer to exit. A measured
         * run has its CPU cost metered from just before the first send to the consumer's "done"; stallSeq
         * is the array whose batch the consumer pauses at (--stall-consumer), else -1.
         */
        Outcome stream(long minArrays, Duration minTime, boolean endOfSession, boolean measured, long stallSeq) throws RunFailure {
            if (transport instanceof FileTransport ft) {
                // Per run, before its clock: the space may have gone to someone else since the last one.
                long most = minTime == null ? roundUp(minArrays, shape.batch) : Math.max(roundUp(minArrays, shape.batch), maxArrays);
                ft.need = FileTransport.fileBytes(shape, most);
                try {
                    SuiteFolder.requireSpace("its file of " + arraysText(most), ft.need,
                            options.count != null || options.quick ? "give a smaller --count" : "give smaller batches (--size, --batch)");
                } catch (RunFailure f) {
                    throw failure(f);
                }
            }
            // CPU cost: this process and the local child (the consumer or the Flight server); a server elsewhere is not counted (the note says so).
            synchronized (this) {
                cpuForOne = null;
                meter = measured ? CpuMeter.start(child == null ? List.of() : List.of(child.process.pid())) : null;
            }
            long start = System.nanoTime();
            Long deadline = minTime == null ? null : start + minTime.toNanos();
            try {
                RunReport report;
                long producedHash, arraysSent;
                if (method.flight())
                    ((FlightTransport) transport).startRun(new RunSpec(shape.dtype, shape.columns, shape.rows, shape.batch, options.seed,
                            options.corrupt, options.compression, seq + 1, minArrays, minTime == null ? 0 : minTime.toNanos(), endOfSession, stallSeq));
                if (method.pulls()) {
                    pullChecker.nextSeq = seq + 1;
                    Long serverHash = ((FlightTransport) transport).pull(pullChecker, progress);
                    report = pulled.remove(0);
                    // What the server must have sent: the count rounded up to whole batches, or with a duration at least one batch.
                    long due = (minArrays + shape.batch - 1) / shape.batch * shape.batch;
                    arraysSent = minTime == null || report.arrays < due ? due : report.arrays;
                    // No hash from the server: the check below fails rather than passes.
                    producedHash = serverHash != null ? serverHash : ~report.stampHash;
                    seq = pullChecker.nextSeq - 1;
                } else {
                    // The consumer exits after the session's last batch: from then on its end is no failure.
                    Sent sent = produce(transport, payload, seq + 1, minArrays, maxArrays, deadline, endOfSession, abort, progress, () -> ending = endOfSession, stallSeq);
                    seq = sent.lastSeq;
                    arraysSent = sent.arrays;
                    producedHash = sent.stampHash;
                    report = transport.report();
                    if (report == null) {
                        // The consumer says "done" at its last verified receipt, then encodes and sends its report.
                        String line = awaitLine();
                        if (line.equals("done")) {
                            windowEnded();
                            line = awaitLine();
                        }
                        report = JSON.readValue(line, RunReport.class);
                    }
                }
                // Throughput = arrays / the window: from the first send to the last verified receipt, which the consumer
                // stamped before its bookkeeping (README "How figures are defined"). Another host's clock: until its report came.
                long end = sameClock ? report.lastNanos : System.nanoTime();
                windowEnded();       // where no one said "done" (a server of an older version)
                progress.incrementAndGet();
                if (report.errors == 0 && report.arrays != arraysSent)
                    report = withError(report, "the consumer saw " + report.arrays + " arrays of " + arraysSent);
                else if (report.errors == 0 && report.stampHash != producedHash)
                    report = withError(report, "the batches' timestamps differ from the ones sent");
                Map<String, Object> cpu;
                synchronized (this) {
                    cpu = cpuForOne == null ? null : perMessages(cpuForOne, report.arrays);
                    meter = null;
                }
                return new Outcome(report, (end - start) / 1e9, sameClock, cpu);
            } catch (Exception e) {
                throw failure(e);
            }
        }

        static RunReport withError(RunReport r, String error) {
            return new RunReport(r.arrays, r.batches, 1, error, r.lastNanos, r.histogram, r.stampHash);
        }

        /** After the last run: the consumer gone with exit 0, both allocators back to zero. */
        void finish() throws RunFailure {
            stage = "closing";
            ending = true;       // arrow-flight-get has no last send of its own; the server child exits when its stdin closes
            try {
                if (child != null) {
                    if (method.flight()) child.stdin.close();    // the server child exits at the end of its stdin
                    if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new IOException("the consumer did not exit");
                    if (child.process.exitValue() != 0) throw new IOException("the consumer ended with exit code " + child.process.exitValue());
                }
                transport.close();
                transport = null;
                long left = allocator.getAllocatedMemory();
                if (left != 0) throw new IOException("the producer's Arrow allocator still holds " + left + " bytes after closing: a leak");
            } catch (Exception e) {
                throw failure(e);
            }
        }

        /** Explains a failure, quoting the consumer's exit and its stderr when it is gone. */
        RunFailure failure(Exception e) {
            failureReported = true;
            try { if (child != null) child.process.waitFor(2, TimeUnit.SECONDS); } catch (InterruptedException ignored) { }
            StringBuilder msg = new StringBuilder(method.name() + ", " + stage + (seq > 0 ? ", array " + seq : "") + ": ");
            if (abort.reason != null && abort.reason.startsWith("no progress")) msg.append(abort.reason).append("; ");
            if (child != null && !child.process.isAlive() && child.process.exitValue() != 0) {
                msg.append(child.endText());
            } else {
                msg.append(e == null ? abort.reason : String.valueOf(e.getMessage()));
            }
            return new RunFailure(msg.toString());
        }

        public void close() { end(true); }

        /**
         * Stops the consumer and removes the run's files. The shutdown hook (Ctrl-C, or the watchdog's
         * exit) passes false: the main thread may still be inside the transport, and unmapping memory
         * under it would crash the JVM; the process is ending anyway.
         */
        void end(boolean closeTransport) {
            if (!LIVE.remove(this)) return;
            if (watchdog != null) watchdog.interrupt();
            if (child != null) child.stop();
            try {
                if (closeTransport) {
                    if (transport != null) transport.close();
                    if (allocator.getAllocatedMemory() == 0) allocator.close();
                }
            } finally {
                if (runDir != null) SuiteFolder.delete(runDir);
            }
        }
    }

    // ---------------------------------------------------------------- the child, and the Flight server

    /** What the child needs to open its end of a method, sent as JSON on its stdin. */
    record ChildConfig(String method, Dtype dtype, int columns, int rows, int batch, Compression compression, String runDir,
                       long ringBytes, long seed, long parentPid) {}

    /**
     * The child: reads its configuration from stdin, opens its end, says "ready", checks batches and
     * reports each run on stdout. For the Flight methods it is a Flight server on a free loopback port
     * ("ready grpc://127.0.0.1:PORT"), serving until its stdin ends. Either way it checks at the end
     * that Arrow's allocator got every byte back, and exits 1 if not.
     */
    static final class ChildRole {
        static int run() throws Exception {
            PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
            ChildConfig cfg = Child.readConfig(ChildConfig.class);
            Path runDir = Path.of(cfg.runDir);
            // A child never outlives its parent, whatever it is blocked on; it removes what the dead parent left.
            Child.watchParent(cfg.parentPid, () -> SuiteFolder.delete(runDir));
            BufferAllocator allocator = new RootAllocator();
            Method method = method(cfg.method);
            try {
                if (method.flight()) {
                    try (FlightServer server = startFlightServer(allocator, Location.forGrpcInsecure("127.0.0.1", 0))) {
                        stdout.println("ready grpc://127.0.0.1:" + server.getPort());
                        InputStream stdin = new FileInputStream(FileDescriptor.in);
                        while (stdin.read() >= 0) { }      // until the parent closes our stdin
                        server.shutdown();
                        server.awaitTermination(5, TimeUnit.SECONDS);
                    }
                } else {
                    Shape shape = new Shape(cfg.dtype, cfg.columns, cfg.rows, cfg.batch);
                    List<RunReport> finished = new ArrayList<>();
                    Checker checker = new Checker(new Payload(shape, cfg.seed, 0), finished::add);
                    checker.onWindowEnd = end -> stdout.println("done");      // before the report is encoded: the parent's CPU meter stops here
                    Context ctx = new Context(false, runDir, shape, cfg.compression, cfg.ringBytes, allocator, new Abort());
                    try (Transport transport = method.factory.open(ctx, null)) {
                        stdout.println("ready" + (transport instanceof StreamTransport st ? st.pipeNote : ""));
                        while (!checker.ended) {
                            transport.receive(checker);
                            // The session's last report waits until the transport is closed (then the exit code tells of a leak).
                            if (checker.ended) break;
                            for (RunReport report : finished) stdout.println(JSON.writeValueAsString(report));
                            finished.clear();
                        }
                    }
                    for (RunReport report : finished) stdout.println(JSON.writeValueAsString(report));
                }
            } catch (IOException | RuntimeException e) {
                // The session is over either way, so its files go now: a killed producer (whose channel closing may be
                // what we saw, a moment before it is gone) removes nothing; a live one removes them too, and reports e.
                SuiteFolder.delete(runDir);
                if (alive(cfg.parentPid)) throw e;
                return 3;
            }
            long left = allocator.getAllocatedMemory();
            if (left != 0) {
                System.err.println(BENCH + " consumer: Arrow's allocator still holds " + left + " bytes after closing: a leak");
                return 1;
            }
            allocator.close();
            return 0;
        }
    }

    @Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
            description = "An Arrow Flight server for arrow-flight and arrow-flight-get runs from another host (--flight-uri); serves until Ctrl-C.")
    static final class ServerCommand implements Callable<Integer> {
        @Option(names = "--listen", paramLabel = "URI", defaultValue = "grpc://127.0.0.1:8815",
                description = "Where to listen: grpc://HOST:PORT, 0.0.0.0 for every interface, port 0 for any free one (default: ${DEFAULT-VALUE}).")
        String listen;

        @Spec CommandSpec spec;

        public Integer call() throws Exception {
            URI uri;
            try {
                uri = new URI(listen);
            } catch (URISyntaxException e) {
                throw bad(spec.commandLine(), "--listen", listen, "not a URI: give grpc://HOST:PORT");
            }
            if (!"grpc".equals(uri.getScheme()) && !"grpc+tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0 || uri.getPort() > 65535)
                throw bad(spec.commandLine(), "--listen", listen, "give grpc://HOST:PORT with a port from 0 to 65535");
            BufferAllocator allocator = new RootAllocator();
            FlightServer server;
            try {
                server = startFlightServer(allocator, Location.forGrpcInsecure(uri.getHost(), uri.getPort()));
            } catch (IOException e) {
                System.err.println(BENCH + " server: cannot listen on " + listen + ": " + e.getMessage());
                return 1;
            }
            System.out.println(BENCH + " server: listening on grpc://" + uri.getHost() + ":" + server.getPort() + " (Ctrl-C to stop)");
            server.awaitTermination();
            return 0;
        }
    }

    // ---------------------------------------------------------------- results

    /** One measured configuration, in the suite's schema (README.md, "Results files"). */
    static final class Row {
        final Map<String, Object> fields = new LinkedHashMap<>();
        boolean verified;
        String firstError, method, wait;
        int size;
        double rate, batchRate, mbps, seconds, p50, p99, p999, cpuCores, cpuPerArray;
        long count;
        Histogram hist;

        static Row of(String method, String wait, String note, Shape shape, Compression compression, int run, double seconds,
                      Histogram h, long arrays, long batches, long errors, String firstError, Map<String, Object> cpu) {
            Row r = new Row();
            r.method = method;
            r.wait = wait;
            r.size = shape.arrayBytes();
            r.verified = errors == 0;
            r.firstError = firstError;
            r.seconds = seconds;
            r.count = arrays;
            // Throughput = arrays / the measured window, first send to last verified receipt (README "How figures are defined").
            r.rate = arrays / seconds;
            r.batchRate = batches / seconds;
            r.cpuCores = ((Number) cpu.get("cpu_cores")).doubleValue();
            r.cpuPerArray = ((Number) cpu.get("cpu_us_per_msg")).doubleValue();
            r.mbps = r.rate * r.size / 1e6;
            r.hist = h;
            var f = r.fields;
            f.put("timestamp", Instant.now().toString());
            f.put("bench", BENCH);
            f.put("method", method);
            f.put("kind", Results.KIND_METHOD);       // every ArrowBench row is an inter-process method
            f.put("pattern", "stream");
            f.put("wait", wait);
            f.put("payload", shape.columns == 1 ? shape.dtype.name() : shape.columns + "x" + shape.dtype.name());
            f.put("size_bytes", r.size);
            f.put("count", arrays);
            f.put("batch", shape.batch);
            f.put("peers", 1);
            f.put("run", run);
            f.put("seconds", round(seconds, 6));
            f.put("msgs_per_s", round(r.rate, 1));
            f.put("mb_per_s", round(r.mbps, 3));
            f.putAll(cpu);
            if (h != null) {
                r.p50 = h.getValueAtPercentile(50) / 1e3;
                r.p99 = h.getValueAtPercentile(99) / 1e3;
                r.p999 = h.getValueAtPercentile(99.9) / 1e3;
                f.put("lat_kind", "one-way");
                f.put("lat_mean_us", round(h.getMean() / 1e3, 3));
                f.put("lat_p50_us", round(r.p50, 3));
                f.put("lat_p90_us", round(h.getValueAtPercentile(90) / 1e3, 3));
                f.put("lat_p99_us", round(r.p99, 3));
                f.put("lat_p999_us", round(r.p999, 3));
                f.put("lat_max_us", round(h.getMaxValue() / 1e3, 3));
            } else {
                r.p50 = r.p99 = r.p999 = Double.NaN;
                f.put("lat_kind", "none");
                for (String k : List.of("lat_mean_us", "lat_p50_us", "lat_p90_us", "lat_p99_us", "lat_p999_us", "lat_max_us")) f.put(k, null);
            }
            f.put("verified", r.verified);
            f.put("errors", errors);
            f.put("note", note);
            f.put("compression", compression.name());
            f.put("columns", shape.columns);
            f.put("rows_per_batch", shape.batchRows());
            f.put("batches_per_s", round(r.batchRate, 1));
            return r;
        }

        /** The session failed after this run was measured (a leak at close, the consumer's exit): the row says so. */
        void fail(String why) {
            verified = false;
            firstError = why;
            fields.put("verified", false);
            fields.put("errors", Math.max(1, (long) fields.get("errors")));
        }
    }

    /** One-way latency compares two processes' System.nanoTime: on Linux both read CLOCK_MONOTONIC, one clock for the machine. */
    static final String LATENCY_CLOCK = System.getProperty("os.name").equals("Linux") ? "CLOCK_MONOTONIC, one clock for all processes"
            : "one clock for all processes only where the OS makes it so";

    // ---------------------------------------------------------------- the summary

    /** ShmBench's shm-ring arrays/s per size, where a row of the same configuration exists; else why the column is empty. */
    record RingComparison(Map<Integer, Double> rates, String why) {}

    /**
     * ShmBench's shm-ring throughput per size, from the rows of the same configuration run earlier in this
     * same session (run_all.sh exports IPCBENCH_SINCE, its start): the same size, payload (one column of the
     * dtype), batch and peers, and the same run length: the same count with -n (or --quick), runs at least as
     * long as -d, or with neither, runs of the suite's default length (at least about 1 s, as ShmBench's default
     * makes them). The median of those rows: the ceiling of a copy through shared memory, for comparison.
     */
    RingComparison shmRingRates(List<Row> rows) {
        String since = System.getenv("IPCBENCH_SINCE");
        Path jsonl = out.resolve("results.jsonl");
        String sameConfig = "the same size, payload, batch, " + (count != null || quick ? "count" : duration != null ? "duration" : "default run length (at least about 1 s)") + " and one peer";
        if (since == null)
            return new RingComparison(Map.of(), "vs shm-ring: empty; it compares with ShmBench's shm-ring rows of this run_all.sh session only (IPCBENCH_SINCE is not set)");
        Map<Integer, Set<Long>> counts = new HashMap<>();
        Map<Integer, String> payloads = new HashMap<>();
        for (Row r : rows) {
            counts.computeIfAbsent(r.size, k -> new HashSet<>()).add(r.count);
            payloads.put(r.size, String.valueOf(r.fields.get("payload")));
        }
        Map<Integer, List<Double>> found = new TreeMap<>();
        if (Files.exists(jsonl)) {
            try (Stream<String> lines = Files.lines(jsonl)) {
                lines.forEach(l -> {
                    try {
                        JsonNode n = JSON.readTree(l);
                        int size = n.path("size_bytes").asInt();
                        boolean sameLength = count != null || quick ? counts.getOrDefault(size, Set.of()).contains(n.path("count").asLong())
                                : n.path("seconds").asDouble() >= (duration != null ? duration.toNanos() : 0.9 * RunLength.MEASURED.toNanos()) / 1e9;
                        if (n.path("bench").asText().equals("ShmBench") && n.path("method").asText().equals("shm-ring")
                                && !n.path("kind").asText().equals(Results.KIND_REFERENCE) && n.path("verified").asBoolean()
                                && n.path("timestamp").asText().compareTo(since) >= 0 && payloads.containsKey(size)
                                && n.path("payload").asText().equals(payloads.get(size)) && n.path("batch").asInt() == batch
                                && n.path("peers").asInt() == 1 && sameLength)
                            found.computeIfAbsent(size, k -> new ArrayList<>()).add(n.path("msgs_per_s").asDouble());
                    } catch (IOException | RuntimeException ignored) { }
                });
            } catch (IOException | UncheckedIOException e) {
                found.clear();
            }
        }
        Map<Integer, Double> medians = new TreeMap<>();
        found.forEach((s, v) -> medians.put(s, Interval.of(v).median()));
        String why = medians.isEmpty() ? "vs shm-ring: empty; no ShmBench shm-ring row of " + sameConfig + " in this session's " + jsonl
                : medians.keySet().containsAll(counts.keySet()) ? null : "vs shm-ring: empty where this session has no ShmBench shm-ring row of " + sameConfig;
        return new RingComparison(medians, why);
    }

    /**
     * Per size, each method's throughput (the median of the runs and its 95% interval), its CPU cost, its one-way
     * latency, and how it compares with the fastest method of the same configuration and with ShmBench's shm-ring.
     */
    void printSummary(List<Row> rows, Plan plan, boolean stoppedEarly) {
        if (rows.isEmpty()) return;
        RingComparison shmRing = shmRingRates(rows);
        Shape any = plan.shapes.get(0);
        String runsText = plan.runs.auto() ? "runs until the 95% interval is within 5% of the median (--runs auto)" : plan.runs.count() + " run(s)";
        System.out.printf("%nArrowBench: record batches of %d x %s column(s), %d array(s) per batch, compression %s, %s; latency at full throughput%n",
                any.columns, any.dtype, any.batch, compression, runsText);
        System.out.println("One-way latency per batch: its verified receipt minus the time it was due, stamped before any wait for room ("
                + LATENCY_CLOCK + ").");
        if (compression != Compression.none && methods == null)
            System.out.println("arrow-flight and arrow-flight-get left out: Arrow Flight for Java sends record batches uncompressed.");
        String format = "%-8s %-23s %-6s %9s %30s %11s %9s %6s %9s %12s %9s %12s %11s%n";
        System.out.printf(format, "size", "method", "wait", "count", "arrays/s [95% interval]", "batches/s", "MB/s", "CPU", "CPU µs",
                "latency p50", "p99", "vs fastest", "vs shm-ring");
        System.out.printf(format, "", "", "", "per run", "median of the runs", "", "", "cores", "/array", "µs", "µs", "", "");
        Map<Integer, Map<String, List<Row>>> bySize = rows.stream().collect(Collectors.groupingBy(r -> r.size, TreeMap::new,
                Collectors.groupingBy(r -> r.method, LinkedHashMap::new, Collectors.toList())));
        boolean[] overlapShown = {false};
        bySize.forEach((size, byMethod) -> {
            // Every ArrowBench row is a method (no references) of this one configuration: the fastest is ranked among them.
            Map<String, Interval> rates = new LinkedHashMap<>();
            byMethod.forEach((m, rs) -> rates.put(m, Interval.of(rs.stream().map(x -> x.rate).toList())));
            String fastest = rates.entrySet().stream().filter(e -> Double.isFinite(e.getValue().median()))
                    .max(Comparator.comparingDouble(e -> e.getValue().median())).map(Map.Entry::getKey).orElse(null);
            Double ring = shmRing.rates().get(size);
            String label = Units.size(size);
            for (var e : byMethod.entrySet()) {
                List<Row> rs = e.getValue();
                Interval r = rates.get(e.getKey());
                String vs = fastest == null ? "-" : times(rates.get(fastest).median() / r.median());
                if (fastest != null && !e.getKey().equals(fastest) && r.overlaps(rates.get(fastest))) {
                    vs += " ≈";
                    overlapShown[0] = true;
                }
                System.out.printf(format, label, e.getKey(), rs.get(0).wait, fmt(median(rs, x -> x.count)),
                        r.text(), fmt(median(rs, x -> x.batchRate)), fmt(median(rs, x -> x.mbps)), fmt(median(rs, x -> x.cpuCores)),
                        fmt(median(rs, x -> x.cpuPerArray)), fmt(median(rs, x -> x.p50)), fmt(median(rs, x -> x.p99)),
                        vs, ring == null ? "" : String.format("%.0f%%", 100 * r.median() / ring));
                rs.stream().filter(x -> !x.verified).findFirst().ifPresent(x -> System.out.println("         NOT VERIFIED: " + x.firstError));
                label = "";
            }
        });
        System.out.println("arrays/s: arrays / the window from the first send to the last verified receipt; the median of the runs and its 95% interval "
                + "(order statistics; with fewer than 6 runs the runs' whole range, at a lower confidence: 75% for 3); ~: the runs spread more than 10%.");
        System.out.println("CPU: user+system CPU time of both processes during the window, in cores busy and in µs per array"
                + (flightUri != null ? " (a server elsewhere is not counted)" : "") + ".");
        System.out.println("vs fastest: times slower than the fastest method at that size" + (overlapShown[0] ? "; ≈: its interval overlaps the fastest's, not distinguishable here" : "")
                + (shmRing.rates().isEmpty() ? "." : "; vs shm-ring: share of ShmBench's shm-ring arrays/s, same configuration, earlier in this run_all.sh session."));
        if (shmRing.why() != null) System.out.println(shmRing.why() + ".");
        for (String line : shrunk) System.out.println(line + ".");
        System.out.println((stoppedEarly ? "Stopped early by the failure reported on stderr" : "All batches verified: "
                + (rows.stream().allMatch(r -> r.verified) ? "yes" : "NO")) + ". Rows in " + out.resolve("results.csv"));
    }

    // ---- harness block: format (a copy of harness/BenchHarness.java, kept identical by harness/sync: edit it there)

    /** Sizes and durations: parsed as users type them (10k, 64Ki, 500ms), printed one way everywhere. */
    static final class Units {
        static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(k|K|M|G|T|Ki|Mi|Gi|Ti)?B?");
        static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

        /** 100, 10k, 2M, 1G (powers of 1000) and 64Ki, 1Mi (powers of 1024); an optional B. */
        static long parseSize(String text) {
            Matcher m = SIZE.matcher(text.trim());
            if (!m.matches()) throw new IllegalArgumentException("not a size: " + text);
            long scale = switch (m.group(2) == null ? "" : m.group(2)) {
                case "k", "K" -> 1_000L;
                case "M" -> 1_000_000L;
                case "G" -> 1_000_000_000L;
                case "T" -> 1_000_000_000_000L;
                case "Ki" -> 1L << 10;
                case "Mi" -> 1L << 20;
                case "Gi" -> 1L << 30;
                case "Ti" -> 1L << 40;
                default -> 1L;
            };
            return Math.multiplyExact(Long.parseLong(m.group(1)), scale);
        }

        /** A size from min to max, else picocli's conversion error naming what is allowed. */
        static long parseSizeIn(String value, long min, long max, String allowed) {
            long n;
            try {
                n = parseSize(value);
            } catch (RuntimeException e) {
                n = -1;
            }
            if (n < min || n > max) throw new CommandLine.TypeConversionException("'" + value + "' (" + allowed + ")");
            return n;
        }

        /**
         * 100 B, 10 kB, 2 MB, 64 KiB, 1000 MiB: the largest unit of either family in which the size is whole
         * (as the user typed it, most likely); else three significant figures in powers of 1000.
         */
        static String size(long bytes) {
            String[] decimal = {"TB", "GB", "MB", "kB"}, binary = {"TiB", "GiB", "MiB", "KiB"};
            for (int i = 0; i < 4; i++) {
                long unit = (long) Math.pow(1000, 4 - i), binaryUnit = 1L << (10 * (4 - i));
                if (bytes >= unit && bytes % unit == 0 && bytes / unit < 10_000) return bytes / unit + " " + decimal[i];
                if (bytes >= binaryUnit && bytes % binaryUnit == 0 && bytes / binaryUnit < 10_000) return bytes / binaryUnit + " " + binary[i];
            }
            for (int i = 0; i < 4; i++) {
                double unit = Math.pow(1000, 4 - i);
                if (bytes >= unit * 0.9995) return fmt(bytes / unit) + " " + decimal[i];   // 999,999 B is 1.00 MB, not 1,000 kB
            }
            return bytes + " B";
        }

        static Duration parseDuration(String text) {
            Matcher m = DURATION.matcher(text.trim());
            if (!m.matches()) throw new IllegalArgumentException("not a duration: " + text);
            double v = Double.parseDouble(m.group(1));
            double ms = switch (m.group(2)) { case "ms" -> v; case "s" -> v * 1e3; case "m" -> v * 60e3; default -> v * 3600e3; };
            return Duration.ofNanos(Math.round(ms * 1e6));
        }

        static String duration(Duration d) {
            if (d.toNanos() % 1_000_000 != 0) return fmt(d.toNanos() / 1e3) + " µs";
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
    }

    /** The median of the values that are there: NaN (a figure a row does not have) and infinities are skipped; NaN if none is left. */
    static <T> double median(Collection<T> items, ToDoubleFunction<T> figure) {
        double[] v = items.stream().mapToDouble(figure).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** About three significant figures, '.' for decimals whatever the locale: 0.42, 13.6, 1,868; "-" for a missing value. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) return "-";
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** A ratio as 1.23x; "-" where it is not a number (a missing or zero figure). */
    static String times(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2fx", ratio) : "-";
    }

    static double round(double v, int places) {
        double scale = Math.pow(10, places);
        return Math.round(v * scale) / scale;
    }

    /**
     * A figure over several runs: its median, and the distribution-free interval around the median from the
     * runs' order statistics: the narrowest [x(j), x(n+1-j)] whose confidence, 1 - 2 P(Binomial(n, 1/2) < j),
     * is at least 95%. Six runs are the fewest that allow 95%; with fewer the interval is the whole range and
     * its confidence is lower (75% for 3 runs), which `confidence` says. Non-finite values are skipped.
     */
    record Interval(int runs, double median, double low, double high, double min, double max, double confidence) {
        static final double LEVEL = 0.95;
        static final double SPREAD_MARK = 0.10;

        static Interval of(Collection<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
            int n = v.length;
            if (n == 0) return new Interval(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            int j = 1;
            while (j + 1 <= (n + 1) / 2 && coverage(n, j + 1) >= LEVEL) j++;
            return new Interval(n, median, v[j - 1], v[n - j], v[0], v[n - 1], n < 2 ? 0 : coverage(n, j));
        }

        /** P(x(j) <= true median <= x(n+1-j)) for n runs of a continuous figure. */
        static double coverage(int n, int j) {
            double below = 0, term = Math.pow(0.5, n);   // P(Bin(n, 1/2) = i), i from 0
            for (int i = 0; i < j; i++) {
                below += term;
                term = term * (n - i) / (i + 1);
            }
            return Math.max(0, 1 - 2 * below);
        }

        /** Half the range of the runs, relative to the median: what a `~` mark flags above 10%. */
        double spread() { return runs < 2 || median == 0 ? 0 : (max - min) / 2 / Math.abs(median); }

        /** The interval's larger distance from the median, relative to it. */
        double halfWidth() { return runs < 2 || median == 0 ? Double.POSITIVE_INFINITY : Math.max(median - low, high - median) / Math.abs(median); }

        boolean is95() { return confidence >= LEVEL; }

        /** Two intervals that overlap: the two figures are not distinguishable with these runs. */
        boolean overlaps(Interval other) { return runs > 1 && other.runs > 1 && low <= other.high && other.low <= high; }

        /** "12.3 [11.9, 12.8]", with a leading ~ when the runs spread more than 10%. */
        String text() {
            if (runs == 0) return "-";
            String mark = spread() > SPREAD_MARK ? "~" : "";
            return runs == 1 ? fmt(median) : mark + fmt(median) + " [" + fmt(low) + ", " + fmt(high) + "]";
        }
    }

    // ---- end of harness block: format

    // ---- harness block: run (a copy of harness/BenchHarness.java, kept identical by harness/sync: edit it there)

    /**
     * Runs the command as every script does: numbers printed with '.' whatever the user's locale; bad input
     * is exit 2 with one line naming the option and the value; an unexpected exception is exit 1 with one
     * line, never a stack trace.
     */
    static int runCommand(Object command, String... args) {
        Locale.setDefault(Locale.ROOT);
        System.setProperty("chronicle.analytics.disable", "true");
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (!SHUTTING_DOWN.get() && !FAILURE_PRINTED.get()) System.err.println(BENCH + ": " + oneLine(e) + " (thread " + t.getName() + ")");
        });
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler((ex, argv) -> {
            boolean unknown = ex instanceof CommandLine.UnmatchedArgumentException;
            ex.getCommandLine().getErr().println(BENCH + ": " + ex.getMessage() + (unknown ? " (see --help)" : ""));
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cl, parsed) -> {
            if (ex instanceof RunFailure f) {
                reportFailure(f.getMessage());
                return f.code;
            }
            cl.getErr().println(BENCH + ": " + oneLine(ex));
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * The JVM's answer to a SIGBUS on a mapped page the file system could not back (it filled up): an InternalError,
     * thrown soon after the access, where the scripts' space checks left another program filling it between two checks.
     */
    static boolean pageFault(Throwable e) {
        return e instanceof InternalError && String.valueOf(e.getMessage()).contains("unsafe memory access");
    }

    /** An exception as one line: its type and message, and its causes' (three at most). */
    static String oneLine(Throwable e) {
        if (pageFault(e))
            return "a mapped file in " + SuiteFolder.base() + " (" + SuiteFolder.fsType() + ") could not get a page: its file system is full ("
                    + Units.size(SuiteFolder.freeBytes()) + " free now); use --shm-dir DIR on a bigger file system (Docker: --shm-size=1g)";
        StringBuilder line = new StringBuilder(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 3; cause = cause.getCause(), depth++)
            line.append("; cause: ").append(cause.getClass().getSimpleName()).append(cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return line.toString();
    }

    /** A failure at run time (a peer died, a timeout, verification failed): exit 1, or code, with one line. */
    static final class RunFailure extends Exception {
        final int code;

        RunFailure(String message) { this(message, 1); }

        RunFailure(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    static final AtomicBoolean FAILURE_REPORTED = new AtomicBoolean();
    static final AtomicBoolean FAILURE_PRINTED = new AtomicBoolean();
    static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

    /** A watchdog and the main thread may both see the same failure: say it once, and not at all while Ctrl-C ends the run. */
    static void reportFailure(String message) {
        FAILURE_REPORTED.set(true);
        if (!SHUTTING_DOWN.get() && FAILURE_PRINTED.compareAndSet(false, true)) System.err.println(BENCH + ": " + message);
    }

    /** What a method says of itself, field by field: MethodInfo.named("shm-spin").waits("spin").summary("...").note("..."). */
    record MethodInfo(String name, String waits, String summary, String note) {
        static MethodInfo named(String name) { return new MethodInfo(name, "", "", ""); }

        /** How its receiver waits: spin, block, spin-block, yield, park ... (the row's `wait`). */
        MethodInfo waits(String how) { return new MethodInfo(name, how, summary, note); }

        /** Its line in --list. */
        MethodInfo summary(String text) { return new MethodInfo(name, waits, text, note); }

        /** What its rows say in `note`: where the library's name promises more than it does, for one. */
        MethodInfo note(String text) { return new MethodInfo(name, waits, summary, text); }
    }

    /** A script's method: its description (MethodInfo) and whatever the script needs to run it. */
    interface Described {
        MethodInfo info();

        default String name() { return info().name(); }

        default String waits() { return info().waits(); }

        default String summary() { return info().summary(); }

        default String note() { return info().note(); }
    }

    /** --list: one line per method. */
    static int printList(List<? extends Described> methods) {
        int width = methods.stream().mapToInt(m -> m.name().length()).max().orElse(0);
        for (Described m : methods)
            System.out.println(String.format("%-" + width + "s  %-10s  %s", m.name(), m.waits(), m.summary()).stripTrailing());
        return 0;
    }

    /** --methods: the methods asked for, in the order given, each once; all of them when none is asked for. */
    static <M extends Described> List<M> chooseMethods(CommandLine cl, List<M> all, List<String> asked) {
        if (asked == null) return all;
        List<M> chosen = new ArrayList<>();
        for (String name : asked) {
            M m = all.stream().filter(x -> x.name().equals(name.trim())).findFirst().orElseThrow(() -> new ParameterException(cl,
                    "Invalid value for option '--methods': '" + name + "' (allowed: " + all.stream().map(Described::name).collect(Collectors.joining(", ")) + ")"));
            if (!chosen.contains(m)) chosen.add(m);
        }
        return chosen;
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        public Duration convert(String value) {
            try {
                return Units.parseDuration(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' (a duration such as 500ms, 10s, 2m)");
            }
        }
    }

    /**
     * -r/--runs: a number of runs, or "auto": runs until the 95% interval of the headline figure (Interval) is
     * within 5% of its median, 6 runs at least (the fewest that give a 95% interval) and 10 at most.
     */
    record Runs(int count, boolean auto) {
        static final int AUTO_MIN = 6, AUTO_MAX = 10;
        static final double AUTO_WITHIN = 0.05;

        /** Whether to measure another run, given the headline figure of each run so far. */
        boolean another(List<Double> headlines) {
            int done = headlines.size();
            if (!auto) return done < count;
            if (done < AUTO_MIN) return true;
            if (done >= AUTO_MAX) return false;
            Interval i = Interval.of(headlines);
            return !(i.is95() && i.halfWidth() <= AUTO_WITHIN);
        }

        @Override public String toString() { return auto ? "auto" : String.valueOf(count); }
    }

    static final class RunsConverter implements CommandLine.ITypeConverter<Runs> {
        public Runs convert(String value) {
            if (value.trim().equalsIgnoreCase("auto")) return new Runs(0, true);
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 1 && n <= 1000) return new Runs(n, false);
            } catch (NumberFormatException ignored) { }
            throw new CommandLine.TypeConversionException("'" + value + "' (a number of runs from 1 to 1000, or auto)");
        }
    }

    /**
     * How long runs last when the user gives no count or duration: warm-up at least WARMUP, then a measured run
     * of at least MEASURED, its count taken from the rate the warm-up reached (the row says the count used).
     */
    static final class RunLength {
        static final Duration WARMUP = Duration.ofSeconds(1);
        static final Duration MEASURED = Duration.ofSeconds(1);
        /** Head room over the warm-up's rate, which a warm JIT usually beats. */
        static final double MARGIN = 1.2;

        /** Messages for a measured run of at least MEASURED at the warm-up's rate: at least floor, at most cap. */
        static long count(long warmupMessages, long warmupNanos, long floor, long cap) {
            if (warmupMessages <= 0 || warmupNanos <= 0) return Math.min(Math.max(floor, 1), cap);
            double perSecond = warmupMessages * 1e9 / warmupNanos;
            long wanted = (long) Math.ceil(perSecond * MEASURED.toNanos() / 1e9 * MARGIN);
            return Math.max(1, Math.min(cap, Math.max(floor, wanted)));
        }
    }

    /**
     * The CPU cost of a measured window: user + system CPU time of every process of the run (this one, its
     * children, a server it started), as the kernel accounts it (/proc/<pid>/stat, through ProcessHandle, in
     * 10 ms ticks), from start() to stop(). cpu_us_per_msg = that time / messages; cpu_cores = that time /
     * the window's wall time (2 on a 2-core machine is both cores busy throughout).
     */
    static final class CpuMeter {
        private final List<ProcessHandle> processes = new ArrayList<>();
        private final long[] before;
        private final long wallBefore;

        private CpuMeter(Collection<Long> otherPids) {
            processes.add(ProcessHandle.current());
            for (long pid : otherPids) ProcessHandle.of(pid).ifPresent(processes::add);
            before = new long[processes.size()];
            for (int i = 0; i < before.length; i++) before[i] = cpuNanos(processes.get(i));
            wallBefore = System.nanoTime();
        }

        /** Starts measuring this process and the others given by pid. */
        static CpuMeter start(Collection<Long> otherPids) { return new CpuMeter(otherPids); }

        static CpuMeter start(Child... children) { return new CpuMeter(Arrays.stream(children).map(c -> c.process.pid()).toList()); }

        /** The two row fields, cpu_us_per_msg and cpu_cores, for this many messages measured in the window. */
        Map<String, Object> stop(long messages) {
            long wall = System.nanoTime() - wallBefore, cpu = 0;
            for (int i = 0; i < before.length; i++) {
                long now = cpuNanos(processes.get(i));
                if (now >= 0 && before[i] >= 0) cpu += now - before[i];
            }
            return fields(cpu, wall, messages);
        }

        static Map<String, Object> fields(long cpuNanos, long wallNanos, long messages) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("cpu_us_per_msg", round(cpuNanos / 1e3 / Math.max(1, messages), 4));
            f.put("cpu_cores", round((double) cpuNanos / Math.max(1, wallNanos), 3));
            return f;
        }

        /** A process's CPU time so far, or -1 where the system does not say (it ended, or another user's). */
        static long cpuNanos(ProcessHandle p) {
            return p.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }
    }

    /**
     * Run folders live in the user's own suite folder, /dev/shm/ipcbench-<uid> (else in the temp dir; --shm-dir
     * DIR puts it in DIR), named <script>-<pid>-<random>, owner-only; POSIX semaphores are
     * /dev/shm/sem.ipcbench-<uid>-<script>-<pid>-<random>-<role>. Each user has their own, so one user's folder
     * never locks another out, and a clean-up only ever sees the caller's. A script cleans up only its own:
     * another script's run folder (a RedisBench server's pid file, say) is that script's to remove.
     *
     * Shared memory is a file system that can fill up (Docker gives a container 64 MiB of /dev/shm): writing
     * into a mapped page it cannot back is a SIGBUS. So a run checks the space its files need before it starts
     * (requireSpace), and files the suite maps itself are written to their full size before they are mapped
     * (allocate), where a full file system is an IOException, not a signal.
     */
    static final class SuiteFolder {
        static final Path SHM = Path.of("/dev/shm");
        static final String USER = userId();
        private static Path base = Files.isDirectory(SHM) && Files.isWritable(SHM) ? SHM : Path.of(System.getProperty("java.io.tmpdir"));
        static final String SEMAPHORE_PREFIX = "ipcbench-" + USER + "-" + BENCH + "-";
        static final Pattern RUN_FOLDER = Pattern.compile(Pattern.quote(BENCH) + "-(\\d{1,10})-[0-9a-f]+");
        static final Pattern SEMAPHORE = Pattern.compile("sem\\." + Pattern.quote(SEMAPHORE_PREFIX) + "(\\d{1,10})-[0-9a-f]+-.+");

        /** The folder the suite folder is in: /dev/shm, --shm-dir, or the temp dir. */
        static Path base() { return base; }

        /** This user's suite folder: <base>/ipcbench-<uid>. */
        static Path root() { return base.resolve("ipcbench-" + USER); }

        /** --shm-dir DIR: bad input unless DIR is a folder this user can write. Call before anything touches the suite folder. */
        static void useShmDir(CommandLine cl, Path dir) {
            if (dir == null) return;
            if (!Files.isDirectory(dir) || !Files.isWritable(dir))
                throw new ParameterException(cl, "Invalid value for option '--shm-dir': '" + dir + "' (must be a folder this user can write)");
            base = dir.toAbsolutePath().normalize();
        }

        /** The file system type of the base folder (tmpfs, hugetlbfs, ext4 ...), which rows record beside it. */
        static String fsType() {
            try {
                return Files.getFileStore(base).type();
            } catch (IOException e) {
                return "unknown";
            }
        }

        /** Where the run's files go, as rows record it (the environment's shm_dir and shm_fs). */
        static Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("shm_dir", base.toString());
            f.put("shm_fs", fsType());
            return f;
        }

        /** Bytes this user may still write in the base folder's file system (on hugetlbfs without size=, the free huge pages). */
        static long freeBytes() {
            try {
                FileStore store = Files.getFileStore(base);
                if (store.type().equals("hugetlbfs") && store.getTotalSpace() == 0)
                    return memInfo("HugePages_Free") * memInfo("Hugepagesize") * 1024;
                return store.getUsableSpace();
            } catch (IOException e) {
                return Long.MAX_VALUE;
            }
        }

        /** A /proc/meminfo figure (kB for sizes), 0 where there is none. */
        static long memInfo(String key) {
            return Environment.firstLine(Path.of("/proc/meminfo"), key + ":").map(v -> Long.parseLong(v.replaceAll("[^0-9]", ""))).orElse(0L);
        }

        /** The length to give a file mapped in dir: bytes, rounded up to whole huge pages on hugetlbfs (which takes no other). */
        static long mappedLength(Path dir, long bytes) {
            try {
                FileStore store = Files.getFileStore(dir);
                if (!store.type().equals("hugetlbfs")) return bytes;
                long page = store.getBlockSize();     // hugetlbfs's block is its huge page
                return (bytes + page - 1) / page * page;
            } catch (IOException | UnsupportedOperationException e) {
                return bytes;
            }
        }

        /**
         * Before a run: what (a method's files, named) needs bytes in the suite folder. Fails with one line naming
         * the folder's free space, the need, and what helps (the script's own option, then --shm-dir).
         */
        static void requireSpace(String what, long bytes, String helps) throws RunFailure {
            long free = freeBytes();
            if (bytes > free) throw new RunFailure(noSpace(what, bytes, free) + "; " + (helps.isEmpty() ? "" : helps + ", or ")
                    + "--shm-dir DIR on a bigger file system (Docker: --shm-size=1g)");
        }

        static String noSpace(String what, long bytes, long free) {
            boolean gib = Math.max(bytes, free) >= 10L << 30;   // both in one unit, with a decimal, so that need > free shows
            double unit = gib ? 1L << 30 : 1L << 20;
            String u = gib ? " GiB" : " MiB";
            return base + " (" + fsType() + ") has " + String.format(Locale.ROOT, "%.1f", free / unit) + u + " free; " + what + " needs "
                    + String.format(Locale.ROOT, "%.1f", Math.max(bytes, 1) / unit) + u;
        }

        /**
         * Gives file (open in ch) its full size, each page written, before it is mapped: on a full file system this
         * fails with one line (the file, its size, the space left) instead of a SIGBUS later on a mapped page.
         * hugetlbfs, which takes no write(2), reserves its pages when the file is mapped, so there is nothing to do.
         */
        static void allocate(FileChannel ch, Path file, long bytes) throws RunFailure {
            try {
                if (ch.size() >= bytes || Files.getFileStore(file).type().equals("hugetlbfs")) return;
                ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(bytes, 1 << 20));
                for (long at = ch.size(); at < bytes; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
                    at += ch.write(zeros, at);
                }
            } catch (IOException e) {
                long free = freeBytes();
                try { ch.truncate(0); } catch (IOException ignored) { }
                throw new RunFailure("cannot allocate " + file + " (" + Units.size(bytes) + "): " + e.getMessage() + "; " + noSpace("it", bytes, free)
                        + "; use --shm-dir DIR on a bigger file system (Docker: --shm-size=1g)");
            }
        }

        /** The user's numeric id (the owner of /proc/self), else their name made safe for a file name. */
        static String userId() {
            try {
                return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | RuntimeException e) {
                return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_]", "_");
            }
        }

        static String newRunId() {
            return ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        }

        /** The name to pass to sem_open for this run's semaphore of the given role. */
        static String semaphoreName(String runId, String role) { return "/" + SEMAPHORE_PREFIX + runId + "-" + role; }

        static Path createRunDir(String runId) throws IOException {
            var ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            Path root = root();
            if (!Files.isDirectory(root)) {
                try { Files.createDirectories(root, ownerOnly); } catch (FileAlreadyExistsException ignored) { }
            }
            try {
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));   // made by another tool, say: ours alone
            } catch (IOException | UnsupportedOperationException ignored) { }
            return Files.createDirectory(root.resolve(BENCH + "-" + runId), ownerOnly);
        }

        /** This script's run folders and semaphores whose owner process is gone (--cleanup, and before each invocation). */
        static List<Path> removeLeftovers() {
            List<Path> removed = new ArrayList<>();
            // Semaphores first: removing a run folder removes its run's semaphores too, unreported.
            for (var place : List.of(Map.entry(SHM, SEMAPHORE), Map.entry(root(), RUN_FOLDER))) {
                if (!Files.isDirectory(place.getKey())) continue;
                try (Stream<Path> entries = Files.list(place.getKey())) {
                    for (Path p : (Iterable<Path>) entries::iterator) {
                        Matcher m = place.getValue().matcher(p.getFileName().toString());
                        if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
                            delete(p);
                            if (!Files.exists(p)) removed.add(p);
                        }
                    }
                } catch (IOException | UncheckedIOException e) {
                    // another user's suite folder, which we may not read: nothing of ours is in it
                }
            }
            removed.sort(Comparator.naturalOrder());
            return removed;
        }

        /** --cleanup: removes this script's leftovers and says what it removed. */
        static int cleanup() {
            List<Path> removed = removeLeftovers();
            System.out.println(removed.isEmpty() ? "Nothing of " + BENCH + "'s to clean in " + root()
                    : "Removed " + removed.stream().map(Path::toString).collect(Collectors.joining(", ")));
            return 0;
        }

        /**
         * Removes a run folder (or a leftover semaphore) and the semaphores of the same run. Synchronized: a
         * child's parent watch and its main thread may both get here at once.
         */
        static synchronized void delete(Path p) {
            try (Stream<Path> walk = Files.walk(p)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) { }
            String name = p.getFileName().toString();
            if (RUN_FOLDER.matcher(name).matches() && Files.isDirectory(SHM)) {
                String semaphores = "sem." + SEMAPHORE_PREFIX + name.substring(BENCH.length() + 1) + "-";
                try (Stream<Path> sems = Files.list(SHM)) {
                    sems.filter(s -> s.getFileName().toString().startsWith(semaphores)).forEach(s -> s.toFile().delete());
                } catch (IOException | UncheckedIOException ignored) { }
            }
        }
    }

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Appends rows to <out>/results.csv (the suite's columns) and results.jsonl (every field), and writes a
     * latency row's histogram beside them (hgrm/*.hgrm). One schema for every script: a results.csv with
     * another header is never appended to.
     */
    static final class Results {
        static final List<String> COLUMNS = List.of("timestamp", "bench", "method", "kind", "pattern", "wait", "payload", "size_bytes",
                "count", "batch", "peers", "run", "seconds", "msgs_per_s", "mb_per_s", "cpu_us_per_msg", "cpu_cores", "lat_kind", "lat_mean_us", "lat_p50_us",
                "lat_p90_us", "lat_p99_us", "lat_p999_us", "lat_max_us", "verified", "errors", "note", "hgrm",
                "jdk", "jvm_flags", "os", "cpu", "cores", "libs", "host", "shm_dir", "shm_fs", "run_id");
        static final String HEADER = String.join(",", COLUMNS);
        /** A row's kind: an inter-process method, or a reference beside them (the machine's limit, threads of one process, a server's own tool), never ranked. */
        static final String KIND_METHOD = "method", KIND_REFERENCE = "reference";

        final Path dir;
        final Map<String, Object> env;
        final String runId = SuiteFolder.newRunId();
        int written;

        Results(Path dir, Map<String, Object> env) {
            this.dir = dir;
            this.env = env;
        }

        /** Why rows cannot go to dir, or null: it must be a folder this user can create or write, without a results.csv of another schema. */
        static String unusable(Path dir) {
            Path p = dir.toAbsolutePath();
            while (p != null && !Files.exists(p)) p = p.getParent();
            if (p == null || !Files.isDirectory(p) || !Files.isWritable(p))
                return "must be a folder this user can create or write" + (p == null ? "" : "; " + p + " is not a writable folder");
            Path csv = dir.resolve("results.csv");
            if (Files.isRegularFile(csv)) {
                String header;
                try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                    header = r.readLine();
                } catch (IOException e) {
                    return "cannot read " + csv + ": " + e.getMessage();
                }
                if (header != null && !header.equals(HEADER))
                    return csv + " has other columns than this version of the suite writes; move it away or choose another --out";
            }
            return null;
        }

        /** Bad input, before anything runs: --out must be usable. */
        static void checkOut(CommandLine cl, Path dir) {
            String why = unusable(dir);
            if (why != null) throw new ParameterException(cl, "Invalid value for option '--out': '" + dir + "' (" + why + ")");
        }

        /**
         * Appends one row: fields in the schema's names (more are kept in the jsonl), hist for a latency row, else
         * null. Every row says its kind (method or reference) and its CPU cost (CpuMeter's two fields).
         */
        void write(Map<String, Object> fields, Histogram hist) throws RunFailure {
            Object kind = fields.get("kind");
            if (!(KIND_METHOD.equals(kind) || KIND_REFERENCE.equals(kind)) || !(fields.get("cpu_us_per_msg") instanceof Number)
                    || !(fields.get("cpu_cores") instanceof Number))
                throw new IllegalStateException("a row without kind or CPU cost: " + fields.get("method"));
            try {
                Files.createDirectories(dir);
                String why = unusable(dir);
                if (why != null) throw new IOException(why);
                Map<String, Object> all = new LinkedHashMap<>(fields);
                String hgrm = null;
                if (hist != null) {
                    Files.createDirectories(dir.resolve("hgrm"));
                    hgrm = "hgrm/" + Stream.of(BENCH, fields.get("method"), fields.get("pattern"), fields.get("size_bytes"), "r" + fields.get("run"), runId,
                            String.valueOf(++written)).map(String::valueOf).collect(Collectors.joining("_")).replaceAll("[^A-Za-z0-9._-]", "-") + ".hgrm";
                    try (PrintStream ps = new PrintStream(Files.newOutputStream(dir.resolve(hgrm)), false, StandardCharsets.UTF_8)) {
                        hist.outputPercentileDistribution(ps, 1000.0);
                    }
                }
                all.put("hgrm", hgrm);
                all.putAll(env);
                all.put("run_id", runId);
                Path csv = dir.resolve("results.csv");
                StringBuilder line = new StringBuilder();
                if (!Files.exists(csv) || Files.size(csv) == 0) line.append(HEADER).append('\n');
                line.append(COLUMNS.stream().map(c -> csvField(all.get(c))).collect(Collectors.joining(","))).append('\n');
                Files.writeString(csv, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Files.writeString(dir.resolve("results.jsonl"), JSON.writeValueAsString(all) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new RunFailure("cannot write results to " + dir + ": " + e.getMessage());
            }
        }

        static String csvField(Object v) {
            String s = v == null ? "" : v.toString();
            return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }

    /** JDK, JVM flags, OS, CPU, cores, library versions (from the jars on the class path), host, where shared memory is (after --shm-dir). */
    static final class Environment {
        static Map<String, Object> capture() {
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
            env.put("jvm_flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
            env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
            env.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch")));
            env.put("cores", Runtime.getRuntime().availableProcessors());
            env.put("libs", Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .map(p -> Path.of(p).getFileName().toString())
                    .filter(n -> n.endsWith(".jar") && !n.startsWith(BENCH))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().collect(Collectors.joining(" ")));
            env.put("host", hostname());
            env.putAll(SuiteFolder.fields());
            return env;
        }

        static String hostname() { return firstLine(Path.of("/proc/sys/kernel/hostname"), "").orElse("unknown"); }

        /** One id per boot of the machine: two processes with the same one share CLOCK_MONOTONIC (System.nanoTime). */
        static String bootId() { return firstLine(Path.of("/proc/sys/kernel/random/boot_id"), "").orElse(hostname()); }

        static Optional<String> firstLine(Path file, String key) {
            try (Stream<String> lines = Files.lines(file)) {
                return lines.filter(l -> l.startsWith(key)).findFirst()
                        .map(l -> key.isEmpty() ? l.strip() : l.substring(l.indexOf(':') + 1).strip());
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
        }
    }

    /** A progress line on stderr, only when stderr is a terminal. */
    static final class Progress {
        static final boolean TERMINAL = isTerminal();

        static boolean isTerminal() {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }

        static void show(String what) { if (TERMINAL) System.err.print("\r\033[K" + BENCH + ": " + what); }

        static void clear() { if (TERMINAL) System.err.print("\r\033[K"); }
    }

    /**
     * A child process: this script started again (same java, JVM flags and class path) with its arguments,
     * its configuration as one JSON line on its stdin, its stderr kept (the last few KiB) to quote when it fails.
     */
    static final class Child {
        final String name;
        final Process process;
        final InputStream stdout;
        final OutputStream stdin;
        private final StringBuffer err = new StringBuffer();
        private final Thread errDrain;

        private Child(String name, Process process) {
            this.name = name;
            this.process = process;
            this.stdout = process.getInputStream();
            this.stdin = process.getOutputStream();
            this.errDrain = daemon("stderr of " + name, () -> {
                try (Reader r = new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
                    char[] buf = new char[1024];
                    for (int n; (n = r.read(buf)) > 0; ) {
                        err.append(buf, 0, n);
                        if (err.length() > 8000) err.delete(0, err.length() - 4000);
                    }
                } catch (IOException ignored) { }
            });
        }

        /** The command that starts this program again, with args after the main class. */
        static List<String> command(Class<?> main, List<String> args) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
            cmd.addAll(args);
            return cmd;
        }

        /** Starts the child; config, when not null, goes to its stdin as one line of JSON. */
        static Child start(String name, Class<?> main, List<String> args, Object config) throws IOException {
            Child c = new Child(name, new ProcessBuilder(command(main, args)).start());
            try {
                if (config != null) c.send(JSON.writeValueAsString(config));
            } catch (IOException e) {
                c.stop();
                throw new IOException(c.endText(), e);
            }
            return c;
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        /** The next line it writes on stdout. */
        String receiveLine() throws IOException { return readLine(stdout); }

        /** Waits for the child's "ready" line; returns what follows the word (an endpoint, say), or "". */
        String awaitReady() throws IOException {
            String line = receiveLine();
            if (!line.startsWith("ready")) throw new IOException(name + " answered '" + line + "' instead of 'ready'");
            return line.substring(5).strip();
        }

        String exitText() { return howEnded(process); }

        /** Its last lines on stderr, joined with " | ", after waiting briefly for the rest of them. */
        String stderrTail() {
            try { errDrain.join(500); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            String text = err.toString().strip();
            return text.isEmpty() ? "" : text.lines().limit(12).collect(Collectors.joining(" | "));
        }

        /** How it ended, for a failure message: "the responder (pid 12) exited with code 137 (killed by signal 9); its stderr: ...". */
        String endText() {
            String tail = stderrTail();
            return name + " " + exitText() + (tail.isEmpty() ? "; it wrote nothing on stderr" : "; its stderr: " + tail);
        }

        /** Asks it to end, then forces it after 2 s. */
        void stop() { stopAll(List.of(this)); }

        /** Asks them all to end at once, then forces whichever still runs 2 s later; a stopped one, which would not hear the asking, at once. */
        static void stopAll(Collection<Child> children) {
            children.forEach(c -> {
                if (stoppedState(c.process.pid()) != null) c.process.destroyForcibly();
                else c.process.destroy();
            });
            long deadline = System.nanoTime() + 2_000_000_000L;
            try {
                for (Child c : children) c.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Child c : children) {
                if (!c.process.isAlive()) continue;
                c.process.destroyForcibly();
                try { c.process.waitFor(2, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }
        }

        /** The child's side: its configuration, the first line on stdin. */
        static <T> T readConfig(Class<T> type) throws IOException {
            return JSON.readValue(readLine(new FileInputStream(FileDescriptor.in)), type);
        }

        /** The child's side: it never outlives its parent, whatever it is blocked on. */
        static void watchParent(long parentPid, Runnable beforeExit) {
            daemon("parent watch", () -> {
                while (alive(parentPid)) {
                    try { Thread.sleep(100); } catch (InterruptedException e) { return; }
                }
                if (beforeExit != null) beforeExit.run();
                Runtime.getRuntime().halt(3);
            });
        }
    }

    /** "(pid N) exited with code C (killed by signal S)" of a process that has ended. */
    static String howEnded(Process p) {
        int code = p.exitValue();
        return "(pid " + p.pid() + ") exited with code " + code + (code > 128 ? " (killed by signal " + (code - 128) + ")" : "");
    }

    /** "is stopped (SIGSTOP or Ctrl-Z): alive but silent" for a process stopped by a signal or a debugger, else null. */
    static String stoppedState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return switch (stat.charAt(stat.lastIndexOf(')') + 2)) {
                case 'T' -> "is stopped (SIGSTOP or Ctrl-Z): alive but silent";
                case 't' -> "is stopped by a debugger: alive but silent";
                default -> null;
            };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Alive and not a zombie: a killed parent stays a zombie until someone reaps it. */
    static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** A line of UTF-8 without its newline, read byte by byte so nothing after it is taken; EOF is an IOException. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new EOFException("the other process closed the pipe");
            line.write(c);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- end of harness block: run
}
