///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Streaming numeric arrays from one process to another: Java serialization through a pipe, a shared slot with semaphores, a lock-free ring, Agrona's ring buffer, Aeron IPC, ZeroMQ + shared memory, Chronicle Queue
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//DEPS net.java.dev.jna:jna:5.17.0
//DEPS org.zeromq:jeromq:0.6.0
//DEPS net.openhft:chronicle-queue:2026.4
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS io.aeron:aeron-client:1.51.0
//DEPS io.aeron:aeron-driver:1.51.0
//RUNTIME_OPTIONS -Dchronicle.analytics.disable=true --enable-native-access=ALL-UNNAMED
//RUNTIME_OPTIONS --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
//RUNTIME_OPTIONS --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
//RUNTIME_OPTIONS --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
//RUNTIME_OPTIONS --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
//RUNTIME_OPTIONS --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
//RUNTIME_OPTIONS --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
//RUNTIME_OPTIONS --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED

/*
 * ShmBench: how fast can one process stream numeric arrays to another on the same machine?
 *
 * The parent (producer) streams --count arrays of --size bytes (or --elements of --dtype) to a child
 * process (consumer), --batch arrays per publish. The consumer checks every array (its sequence
 * number, and every byte against the arrays it knows) and records its one-way latency from the producer's
 * timestamp. The prototype: the local methods of the original Python array-IPC benchmark
 * (multiprocessing.Queue, mmap with an event, ZeroMQ + shared memory), grown with a lock-free ring and
 * Chronicle Queue.
 *
 *   jbang ShmBench.java                           all methods, 1024 float64 (8 KiB), 3 runs of at least 1 s each
 *   jbang ShmBench.java -m shm-ring --runs auto   runs until the 95% interval of arrays/s is within 5%
 *   jbang ShmBench.java --size 2000000            2 MB arrays
 *   jbang ShmBench.java -n 10000 -b 10            10 arrays per publish
 *   jbang ShmBench.java -m shm-ring --wait park   the ring, its consumer sleeping when idle
 *   jbang ShmBench.java --list                    the methods, one line each
 *
 * Methods: queue (Java serialization through a pipe: the baseline), shm-event (one shared slot
 * handed back and forth with POSIX semaphores), shm-ring (a single-producer single-consumer ring in
 * /dev/shm), agrona-ring (Agrona's OneToOneRingBuffer on a mapped file: the JVM world's building
 * block), aeron-ipc (Aeron's aeron:ipc channel through a media driver embedded in the producer),
 * zmq-shm (slots in shared memory, their descriptors over JeroMQ PUSH/PULL) and chronicle (Chronicle
 * Queue). Before them, limit-memcpy: one thread copying the same arrays into memory of the ring's
 * size, the limit of any method that copies each array once; after shm-ring, ref-shm-ring-raw: its ring with
 * nothing checked, so that shm-ring's row shows what its checks cost.
 *
 * Throughput runs from the producer's first send to the consumer having checked the last array; one-way
 * latency from the time an array was due to be sent to its verified receipt; CPU cost of both processes
 * over the window (README "How figures are defined"). limit-memcpy and ref-shm-ring-raw rows are references, never ranked.
 * Results: <out>/results.csv, results.jsonl, hgrm/*.hgrm (one-way latency distributions).
 */

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.aeron.Aeron;
import io.aeron.CncFileDescriptor;
import io.aeron.DirectBufferVector;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.LogBufferDescriptor;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
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
import java.util.function.LongConsumer;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

@Command(name = "ShmBench", mixinStandardHelpOptions = true, version = "ShmBench 1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Streams numeric arrays from a producer process to a consumer process, every array verified.",
                "Sizes accept 100, 10k, 2M (powers of 1000) and 64Ki, 1Mi (powers of 1024)."},
        footer = {"", "Warm-up: at least --warmup runs like the measured ones, repeated for at least 1 s, so that both JVMs "
                + "have compiled the timed paths before the clock starts. Without -n or -d, each measured run lasts at least about 1 s "
                + "(its count scaled from the warm-up's rate, in the row's count). The default run (8 KiB arrays, 3 runs) takes about 40 s.", "Documentation: docs/ShmBench.md in the suite's repository."})
public class ShmBench implements Callable<Integer> {

    static final String BENCH = "ShmBench";
    static final int MIN_SIZE = 8, MAX_SIZE = 64 << 20;
    static final long MIN_RING = 4 << 10, MAX_RING = 1L << 30;

    // ---------------------------------------------------------------- options

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "Arrays per run, exactly (default: as many as last 1 s at the rate the warm-up reached, at least 100, and more "
                    + "should the run reach 1 s later; 200 with --quick).")
    Integer count;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Bytes per array, a multiple of the dtype's width (default: 1024 elements of --dtype).")
    Integer size;

    @Option(names = "--sizes", paramLabel = "LIST", split = ",", converter = SizeConverter.class, description = "Sizes to sweep, e.g. 8Ki,1Mi,8Mi.")
    List<Integer> sizes;

    @Option(names = "--elements", paramLabel = "N", description = "Elements per array, instead of --size (what -s counted in the original Python benchmark).")
    Integer elements;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float64", description = "Element type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Dtype dtype;

    @Option(names = {"-b", "--batch"}, paramLabel = "N", defaultValue = "1", description = "Arrays per publish (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-w", "--warmup"}, paramLabel = "N", defaultValue = "1",
            description = "Warm-up runs before measuring, not counted; repeated for at least 1 s, 0 for none (then, without -n, each run lasts 1 s) (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class,
            description = "Run each configuration for this long (e.g. 10s) instead of --count arrays.")
    Duration duration;

    @Option(names = {"-m", "--methods"}, paramLabel = "LIST", split = ",", description = "Methods to run (default: all; see --list).")
    List<String> methods;

    @Option(names = "--list", description = "Print the methods, one line each, and exit.")
    boolean list;

    @Option(names = {"-r", "--runs"}, paramLabel = "N|auto", converter = RunsConverter.class, defaultValue = "3",
            description = "Measured runs of each configuration (default: ${DEFAULT-VALUE}); the summary quotes the median of arrays/s and its 95%% interval. "
                    + "auto: at least 6 runs, at most 10, stopping once the 95%% interval of arrays/s is within 5%% of its median.")
    Runs runs;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A small, fast configuration for smoke tests: 200 arrays, one run, short warm-up.")
    boolean quick;

    @Option(names = "--ring", paramLabel = "SIZE", converter = RingConverter.class,
            description = "Shared memory of shm-ring (its capacity) and zmq-shm (cut into slots of one batch), and how far chronicle's "
                    + "producer may run ahead; rounded down to 64 B. agrona-ring's ring and aeron-ipc's term are the power of two at or below it, "
                    + "whose eighth must carry a batch: sized up to fit when left to its default, refused when given "
                    + "(default: 4 MiB, or room for two batches of the largest size; halved, down to what carries a batch, while it would take more "
                    + "than half the space free in the suite folder).")
    Long ring;

    @Option(names = "--wait", paramLabel = "MODE",
            description = "How shm-ring, agrona-ring, chronicle and aeron-ipc wait for data or room: spin, or spin briefly then yield or park "
                    + "(default: spin; aeron-ipc: yield, for the thread of its driver needs a core too: see --driver-idle).")
    WaitMode waitMode;

    @Option(names = "--driver-idle", paramLabel = "MODE",
            description = "aeron-ipc: how the thread of its media driver (embedded in the producer) waits when it has nothing to do: spin "
                    + "(BusySpinIdleStrategy), yield, backoff (spin, yield, then park up to 1 ms: Aeron's default), park (100 µs) or sleep (1 ms). "
                    + "Spin takes a core of its own (default: yield; park where --wait spin makes the producer and consumer spin, the fastest of each "
                    + "pair on a 2-core machine).")
    DriverIdle driverIdle;

    @Option(names = "--rate", paramLabel = "N", description = "Send at N arrays/s (open loop) instead of as fast as possible; latency then counts from each array's due time.")
    Double rate;

    @Option(names = "--sem-spin", paramLabel = "N", defaultValue = "1000",
            description = "shm-event: tries of sem_trywait before sleeping in sem_timedwait; 0 always sleeps (default: ${DEFAULT-VALUE}).")
    int semSpins;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up when the consumer makes no progress for this long (stopped, or hung): it is killed, the rows so far kept, exit 1; "
                    + "its start, a JVM's, may take 30 s whatever this says (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--stall-at", hidden = true, paramLabel = "N",
            description = "Testing: the consumer stops for 50 ms once, when array N (counted over the session, warm-up included) arrives.")
    long stallAt;

    @Spec CommandSpec spec;

    /**
     * How a method's producer and consumer wait: --wait, else spin; aeron-ipc's yield, for three threads are busy in it (the
     * producer, the consumer and its driver's, which moves the producer's limit as the consumer reads) and, on a machine with
     * fewer cores than that, two spinning peers starve the driver: 0.07 to 0.1 million 8 KiB arrays a second here, 1.2 million yielding.
     */
    WaitMode waitOf(String method) { return waitMode != null ? waitMode : method.equals("aeron-ipc") ? WaitMode.yield : WaitMode.spin; }

    /** aeron-ipc's driver thread: --driver-idle, else yield beside yielding peers and park beside spinning ones (the fastest pairs measured here). */
    DriverIdle driverIdle() { return driverIdle != null ? driverIdle : waitOf("aeron-ipc") == WaitMode.spin ? DriverIdle.park : DriverIdle.yield; }

    /** What was shrunk to fit the space free in the suite folder, one line per method and size, for the summary (each row's note says it too). */
    final Set<String> fitted = new LinkedHashSet<>();

    /** Why a method the user did not name was left out (at a size, or on this file system), one line each, for the summary. */
    final Set<String> leftOut = new LinkedHashSet<>();

    enum WaitMode { spin, yield, park }

    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        public Integer convert(String value) {
            return (int) Units.parseSizeIn(value, MIN_SIZE, MAX_SIZE, "a size from 8 B to 64 MiB, such as 8Ki, 10k, 2M or 1Mi");
        }
    }

    static final class RingConverter implements CommandLine.ITypeConverter<Long> {
        public Long convert(String value) {
            return Units.parseSizeIn(value, MIN_RING, MAX_RING, "a size from 4 KiB to 1 GiB, such as 4Mi or 64Mi");
        }
    }

    public static void main(String[] args) {
        System.exit(runCommand(new ShmBench(), args));
    }

    // ---------------------------------------------------------------- the arrays

    /** Element types, as NumPy names them. Arrays travel as their little-endian bytes. */
    enum Dtype {
        float64(8), float32(4), int64(8), int32(4), int8(1);

        final int width;

        Dtype(int width) { this.width = width; }

        /** Random values; finite for the float types, since Java serialization rewrites NaN bit patterns. */
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

        /** The array an image holds: double[], float[], long[], int[] or byte[]. */
        Object typed(ByteBuffer image) {
            ByteBuffer b = image.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
            int n = b.capacity() / width;
            return switch (this) {
                case float64 -> { double[] a = new double[n]; b.asDoubleBuffer().get(a); yield a; }
                case float32 -> { float[] a = new float[n]; b.asFloatBuffer().get(a); yield a; }
                case int64 -> { long[] a = new long[n]; b.asLongBuffer().get(a); yield a; }
                case int32 -> { int[] a = new int[n]; b.asIntBuffer().get(a); yield a; }
                case int8 -> { byte[] a = new byte[n]; b.get(a); yield a; }
            };
        }

        /** Writes a typed array's little-endian bytes into dst from its position 0; returns dst ready to read. */
        ByteBuffer image(Object typed, ByteBuffer dst) {
            dst.clear().order(ByteOrder.LITTLE_ENDIAN);
            switch (this) {
                case float64 -> dst.asDoubleBuffer().put((double[]) typed);
                case float32 -> dst.asFloatBuffer().put((float[]) typed);
                case int64 -> dst.asLongBuffer().put((long[]) typed);
                case int32 -> dst.asIntBuffer().put((int[]) typed);
                case int8 -> dst.put((byte[]) typed);
            }
            return dst.limit(java.lang.reflect.Array.getLength(typed) * width).position(0);
        }

        /** The typed twin of writing a long into the first 8 bytes of the image, and of flipping its last byte. */
        void stamp(Object typed, long seq) {
            switch (this) {
                case float64 -> ((double[]) typed)[0] = Double.longBitsToDouble(seq);
                case float32 -> { float[] a = (float[]) typed; a[0] = Float.intBitsToFloat((int) seq); a[1] = Float.intBitsToFloat((int) (seq >>> 32)); }
                case int64 -> ((long[]) typed)[0] = seq;
                case int32 -> { int[] a = (int[]) typed; a[0] = (int) seq; a[1] = (int) (seq >>> 32); }
                case int8 -> { byte[] a = (byte[]) typed; for (int i = 0; i < 8; i++) a[i] = (byte) (seq >>> (8 * i)); }
            }
        }

        void flipLastByte(Object typed) {
            switch (this) {
                case float64 -> { double[] a = (double[]) typed; a[a.length - 1] = Double.longBitsToDouble(Double.doubleToRawLongBits(a[a.length - 1]) ^ (0xFFL << 56)); }
                case float32 -> { float[] a = (float[]) typed; a[a.length - 1] = Float.intBitsToFloat(Float.floatToRawIntBits(a[a.length - 1]) ^ (0xFF << 24)); }
                case int64 -> { long[] a = (long[]) typed; a[a.length - 1] ^= 0xFFL << 56; }
                case int32 -> { int[] a = (int[]) typed; a[a.length - 1] ^= 0xFF << 24; }
                case int8 -> { byte[] a = (byte[]) typed; a[a.length - 1] ^= (byte) 0xFF; }
            }
        }
    }

    /**
     * What the producer sends: seven distinct random arrays in rotation, each stamped with its sequence
     * number in its first 8 bytes, so that no two consecutive arrays are alike and a stale or torn one
     * cannot pass. They live in native memory, as an application's off-heap arrays would, which is what
     * Chronicle's fast copy path needs. The consumer knows the arrays too (same seed) and compares every
     * byte it receives with them (mismatch): the JDK's vectorized compare reads 32 bytes a step, where a
     * CRC32C of every byte held shm-ring at 8 KiB to 2.08 M arrays/s, against 2.44 M now (docs/ShmBench.md).
     */
    static final class Payload {
        static final int DISTINCT = 7;
        final Dtype dtype;
        final int size;
        final ByteBuffer[] images = new ByteBuffer[DISTINCT];
        final long corruptSeq;
        Object[] typed;
        int flippedImage = -1, flippedTyped = -1;

        Payload(Dtype dtype, int size, long seed, long corruptSeq) {
            this.dtype = dtype;
            this.size = size;
            this.corruptSeq = corruptSeq;
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int k = 0; k < DISTINCT; k++) {
                byte[] image = dtype.randomImage(size, rnd);
                images[k] = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN).put(image).clear();
            }
        }

        static int index(long seq) { return (int) (seq % DISTINCT); }

        /** Array seq's bytes, position 0 to limit (valid until the next call). */
        ByteBuffer array(long seq) {
            int k = index(seq);
            restore();
            ByteBuffer image = images[k].clear();
            image.putLong(0, seq);
            if (seq == corruptSeq) {
                image.put(size - 1, (byte) ~image.get(size - 1));
                flippedImage = k;
            }
            return image;
        }

        /** Array seq as double[], float[], ... (valid until the next call). */
        Object typedArray(long seq) {
            if (typed == null) typed = Arrays.stream(images).map(dtype::typed).toArray();
            int k = index(seq);
            restore();
            dtype.stamp(typed[k], seq);
            if (seq == corruptSeq) {
                dtype.flipLastByte(typed[k]);
                flippedTyped = k;
            }
            return typed[k];
        }

        /** Undoes the corruption of an earlier array. */
        private void restore() {
            if (flippedImage >= 0) images[flippedImage].put(size - 1, (byte) ~images[flippedImage].get(size - 1));
            if (flippedTyped >= 0) dtype.flipLastByte(typed[flippedTyped]);
            flippedImage = flippedTyped = -1;
        }

        /** Where data then rest first differ from array seq, or -1 when they are its bytes (consumer side: nothing is corrupted here). */
        long mismatch(long seq, ByteBuffer data, ByteBuffer rest) {
            ByteBuffer image = array(seq);
            int head = data.remaining();
            long at = mismatch(data, image, 0, head);
            if (at < 0 && rest != null) at = mismatch(rest, image, head, rest.remaining());
            image.clear();
            return at;
        }

        private static long mismatch(ByteBuffer part, ByteBuffer image, int from, int length) {
            image.limit(from + length).position(from);
            int at = part.mismatch(image);
            return at < 0 ? -1 : from + at;
        }
    }

    // ---------------------------------------------------------------- the methods

    /** What a consumer does with each array: the checker. Data comes in one piece, or two when it straddles the end of a ring. */
    interface Receiver {
        /** flags: LAST_OF_RUN on the last array of a run, END too on the last of the session. */
        void onArray(long seq, long sentNanos, int flags, ByteBuffer data, ByteBuffer rest) throws IOException;
    }

    static final int LAST_OF_RUN = 1, END = 2;

    /** One way of moving arrays from the producer to the consumer. The producer opens its end first; the consumer finds it by endpoint(). */
    interface Transport extends AutoCloseable {
        /** Where the consumer finds the producer's end (ports), or null when the run folder says it all. */
        default String endpoint() { return null; }
        /** Producer only: the consumer said it is ready; make sure it is reachable before the clock starts. */
        default void awaitPeer(Child consumer) throws IOException {}
        /** Producer: publishes arrays first..first+count-1, all stamped sentNanos; the last one carries lastFlags. */
        void send(long first, int count, long sentNanos, int lastFlags) throws IOException;
        /** Consumer: waits for what the producer published next and hands each array to the receiver. */
        void receive(Receiver receiver) throws IOException;
        @Override void close();
    }

    /**
     * What both ends of a method need to open it. ringBytes: shm-ring's and zmq-shm's memory, chronicle's window, agrona-ring's
     * capacity, aeron-ipc's term length (Session.start sizes each: ringOf); driverIdle: how aeron-ipc's driver thread waits.
     */
    record Context(boolean producer, Path runDir, String runId, int size, int batch, long ringBytes, WaitMode waitMode,
                   int semSpins, Payload payload, Abort abort, DriverIdle driverIdle) {
        Context(boolean producer, Path runDir, String runId, int size, int batch, long ringBytes, WaitMode waitMode, int semSpins, Payload payload, Abort abort) {
            this(producer, runDir, runId, size, batch, ringBytes, waitMode, semSpins, payload, abort, DriverIdle.yield);
        }

        int batchBytes() { return Records.bytes(size) * batch; }     // at most the ring's 1 GiB: plan() checked
        Idle idle() { return new Idle(waitMode, abort); }
    }

    interface TransportFactory { Transport open(Context ctx, String endpoint) throws IOException; }

    /**
     * A method: its description, and the factory of its two ends (null for the limit-memcpy reference). Its
     * waits() and note() are those of the default options; waits(o) and note(o, ...) say what a row of a
     * run with options o does.
     */
    record Method(MethodInfo info, TransportFactory factory) implements Described {
        /** A row beside the methods, never ranked: limit-memcpy, ref-shm-ring-raw. */
        boolean reference() { return this == LIMIT || this == RAW_RING; }

        /** The method whose files (and ring sizing) this one's are: ref-shm-ring-raw runs on shm-ring's ring. */
        String files() { return this == RAW_RING ? "shm-ring" : name(); }

        /** How the consumer waits, as the row reports it. */
        String waits(ShmBench o) {
            return switch (name()) {
                case "queue", "zmq-shm", "limit-memcpy" -> waits();
                case "shm-event" -> o.semSpins > 0 ? "spin-block" : "block";
                default -> o.waitOf(name()).name();
            };
        }

        /** What the method really does with these options, as the row's note says it (the note is a format). */
        String note(ShmBench o, long ringBytes, int size) {
            return String.format(note(), switch (name()) {
                case "shm-event" -> o.semSpins;
                case "shm-ring", "ref-shm-ring-raw", "chronicle", "agrona-ring" -> Units.size(ringBytes);
                case "zmq-shm" -> ZmqShmTransport.slots(ringBytes, Records.bytes(size) * o.batch);
                case "aeron-ipc" -> AeronIpcTransport.describe(ringBytes, BatchMessage.bytes(size, o.batch), o.driverIdle());
                default -> "";
            });
        }
    }

    static final List<Method> METHODS = List.of(
            new Method(MethodInfo.named("queue").waits("block")
                    .summary("the built-in way: arrays serialized with ObjectOutputStream through a pipe (the child's stdin); the baseline")
                    .note("Java serialization (ObjectOutputStream, reset per array) through a pipe to the child's stdin"),
                    (ctx, ep) -> new QueueTransport(ctx)),
            new Method(MethodInfo.named("shm-event").waits("spin-block")
                    .summary("one slot in a memory-mapped file, handed back and forth with two POSIX named semaphores")
                    .note("one slot in a memory-mapped file, handed over with two POSIX named semaphores (JNA); sem_trywait up to %d times, then sem_timedwait"),
                    (ctx, ep) -> new ShmEventTransport(ctx)),
            new Method(MethodInfo.named("shm-ring").waits("spin")
                    .summary("a lock-free single-producer single-consumer ring in /dev/shm, variable-length records, read in place")
                    .note("single-producer single-consumer ring of %s in /dev/shm, read in place"),
                    (ctx, ep) -> new ShmRingTransport(ctx)),
            new Method(MethodInfo.named("agrona-ring").waits("spin")
                    .summary("Agrona's OneToOneRingBuffer on a memory-mapped file: one message per batch, claimed and written in place, read in place")
                    .note("Agrona OneToOneRingBuffer of %s (a power of two; its largest message an eighth) in a memory-mapped file in the run folder; "
                            + "one message per batch: tryClaim, written in place, commit; read in place"),
                    (ctx, ep) -> new AgronaRingTransport(ctx)),
            new Method(MethodInfo.named("aeron-ipc").waits("yield")
                    .summary("Aeron's aeron:ipc channel, one publication and one subscription, through a media driver embedded in the producer")
                    .note("Aeron aeron:ipc, one exclusive publication and one subscription, one message per batch; %s; the driver's directory in the run folder"),
                    (ctx, ep) -> new AeronIpcTransport(ctx)),
            new Method(MethodInfo.named("zmq-shm").waits("block")
                    .summary("arrays in shared-memory slots, slot descriptors over JeroMQ PUSH/PULL, slots returned over a second socket")
                    .note("%d shared-memory slots; descriptors over JeroMQ PUSH/PULL on tcp://127.0.0.1, slots returned on a second socket"),
                    (ctx, ep) -> new ZmqShmTransport(ctx, ep)),
            new Method(MethodInfo.named("chronicle").waits("spin")
                    .summary("Chronicle Queue: the producer appends one document per batch, the consumer's tailer polls")
                    .note("Chronicle Queue in the suite folder, one document per batch, tailer polling; the producer waits when a ring's worth (%s) "
                            + "ahead; a queue per run, removed once read"),
                    (ctx, ep) -> new ChronicleTransport(ctx)));

    /** The reference row, run first at every size: not a method between processes, never ranked. */
    static final Method LIMIT = new Method(MethodInfo.named("limit-memcpy").waits("none")
            .summary("(reference, always run first) one thread copying the same arrays into memory of the ring's size")
            .note("one thread copying the arrays into direct memory of the ring's size, last copy checked"), null);

    /**
     * The reference beside shm-ring, run right after it at every size: the same ring, slots and copies between the same two
     * processes, but a consumer that only copies each array out and frees the slot (RawReader): no sequence check, no
     * compare, no clock read, no histogram. What shm-ring keeps of it is what checking costs.
     */
    static final Method RAW_RING = new Method(MethodInfo.named("ref-shm-ring-raw").waits("spin")
            .summary("(reference, run after shm-ring) shm-ring's ring with nothing checked: the consumer copies each array out and frees the slot")
            .note("shm-ring's ring of %s with nothing checked per array: the consumer copies each array out (one bulk copy) and frees the slot; "
                    + "the last array of each run checked; no latency"),
            (ctx, ep) -> new ShmRingTransport(ctx));

    /** Set by the watchdog when the consumer died or stalled; waiting loops check it now and then. */
    static final class Abort {
        volatile String reason;
        void check() throws IOException {
            if (reason != null) throw new IOException(reason);
        }
    }

    /** How a side waits for the other: spin; or spin a little, then Thread.yield; or spin, yield, then park with growing pauses. */
    static final class Idle {
        static final int SPINS = 100, YIELDS = 10;
        static final long MAX_PARK_NANOS = 100_000;
        final WaitMode mode;
        final Abort abort;
        int idles;

        Idle(WaitMode mode, Abort abort) {
            this.mode = mode;
            this.abort = abort;
        }

        void reset() { idles = 0; }

        void idle() throws IOException {
            int n = ++idles;
            if ((n & 0x3FF) == 0) abort.check();
            if (mode == WaitMode.spin || n <= SPINS) Thread.onSpinWait();
            else if (mode == WaitMode.yield || n <= SPINS + YIELDS) Thread.yield();
            else LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1000L << Math.min(n - SPINS - YIELDS, 10)));
            if (mode == WaitMode.park && n > SPINS + YIELDS) abort.check();
        }
    }

    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);

    /**
     * A file of the run folder, created by the producer (owner-only) and written whole before it is mapped (a full
     * file system is then an IOException here, never a SIGBUS on a mapped page later), or opened by the consumer; mapped whole.
     */
    static MappedByteBuffer mapFile(Context ctx, String name, long bytes) throws IOException {
        Path path = ctx.runDir.resolve(name);
        try (FileChannel file = ctx.producer
                ? FileChannel.open(path, CREATE, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ctx.producer) {
                try {
                    SuiteFolder.allocate(file, path, bytes);
                } catch (RunFailure f) {
                    throw new IOException(f.getMessage());
                }
            }
            MappedByteBuffer map = file.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            map.order(ByteOrder.nativeOrder());
            return map;
        }
    }

    /**
     * Arrays as records in shared memory: a 64-byte header (sequence number, timestamp, length, flags),
     * then the data from the next cache line on, the record padded to 64 bytes. Positions count bytes
     * from the start of the area and wrap at its capacity: in a ring a record's data may straddle the
     * end (headers never do, since records start on 64-byte boundaries); slots never reach the end.
     */
    static final class Records {
        static final int HEADER = 64;
        final ByteBuffer map, data, rest;
        final int base, capacity;

        Records(ByteBuffer map, int base, int capacity) {
            this.map = map;
            this.base = base;
            this.capacity = capacity;
            data = map.duplicate().order(map.order());     // a duplicate is big-endian whatever its source
            rest = map.duplicate().order(map.order());
        }

        static int bytes(int size) { return (HEADER + size + 63) & ~63; }

        /** Writes the array's bytes from its position to its limit as the record at pos. */
        void put(long pos, long seq, long sentNanos, int flags, ByteBuffer array) {
            int at = base + (int) (pos % capacity), from = array.position(), length = array.remaining();
            map.putLong(at, seq);
            map.putLong(at + 8, sentNanos);
            map.putInt(at + 16, length);
            map.putInt(at + 20, flags);
            int dataAt = (int) ((pos + HEADER) % capacity), head = Math.min(length, capacity - dataAt);
            map.put(base + dataAt, array, from, head);
            if (head < length) map.put(base, array, from + head, length - head);
        }

        /** Writes arrays first..first+count-1 of the payload one after the other from pos, the last with lastFlags; returns the bytes taken. */
        long putBatch(long pos, Payload payload, long first, int count, long sentNanos, int lastFlags) {
            for (int i = 0; i < count; i++) put(pos + (long) i * bytes(payload.size), first + i, sentNanos, i == count - 1 ? lastFlags : 0, payload.array(first + i));
            return (long) count * bytes(payload.size);
        }

        /** Hands the count records from pos to the receiver; returns the bytes they took. */
        long deliverBatch(long pos, int count, Receiver receiver) throws IOException {
            long start = pos;
            for (int i = 0; i < count; i++) pos += deliver(pos, receiver);
            return pos - start;
        }

        /** Hands the record at pos to the receiver, in place; returns the record's length in bytes. */
        int deliver(long pos, Receiver receiver) throws IOException {
            int at = base + (int) (pos % capacity), length = map.getInt(at + 16);
            if (length < 0 || length > capacity - HEADER) throw new IOException("record at " + pos + " has a bad length: " + length);
            int dataAt = (int) ((pos + HEADER) % capacity), head = Math.min(length, capacity - dataAt);
            data.limit(base + dataAt + head).position(base + dataAt);
            ByteBuffer tail = head == length ? null : rest.limit(base + length - head).position(base);
            receiver.onArray(map.getLong(at), map.getLong(at + 8), map.getInt(at + 20), data, tail);
            return bytes(length);
        }
    }

    /**
     * A single-producer single-consumer ring over a buffer: the producer's and the consumer's positions
     * on cache lines of their own, then the records. The producer writes records, then publishes its
     * position with a release store; the consumer reads the position with an acquire load, hands on
     * every record up to it and releases each record's space as soon as it is done with it. The producer
     * never overwrites what the consumer has not released.
     */
    static final class Ring {
        static final int TAIL = 0, HEAD = 128, DATA = 4096;
        final ByteBuffer map;
        final Records records;
        final long capacity;
        long tail, head, headSeen;

        /** The buffer holds DATA bytes of positions and then capacity bytes of records (a multiple of 64). */
        Ring(ByteBuffer map, int capacity) {
            if (capacity % 64 != 0 || map.capacity() < DATA + capacity) throw new IllegalArgumentException("ring capacity " + capacity);
            this.map = map;
            this.capacity = capacity;
            records = new Records(map, DATA, capacity);
            tail = (long) LONGS.getAcquire(map, TAIL);
            head = headSeen = (long) LONGS.getAcquire(map, HEAD);
        }

        /** Producer: is there room for `bytes` more without touching unreleased records? */
        boolean hasRoom(int bytes) {
            if (capacity - (tail - headSeen) >= bytes) return true;
            headSeen = (long) LONGS.getAcquire(map, HEAD);
            return capacity - (tail - headSeen) >= bytes;
        }

        /** Producer: writes a batch after the last record (check hasRoom first); the consumer sees it after publish(). */
        void write(Payload payload, long first, int count, long sentNanos, int lastFlags) {
            tail += records.putBatch(tail, payload, first, count, sentNanos, lastFlags);
        }

        void publish() { LONGS.setRelease(map, TAIL, tail); }

        /** Consumer: hands on every published record, releasing each; returns how many. */
        int poll(Receiver receiver) throws IOException {
            long published = (long) LONGS.getAcquire(map, TAIL);
            int n = 0;
            while (head < published) {
                head += records.deliver(head, receiver);
                LONGS.setRelease(map, HEAD, head);
                n++;
            }
            return n;
        }
    }

    static final class ShmRingTransport implements Transport {
        final Ring ring;
        final Payload payload;
        final Idle idle;
        final int recordBytes;

        ShmRingTransport(Context ctx) throws IOException {
            ring = new Ring(mapFile(ctx, "ring", Ring.DATA + ctx.ringBytes), (int) ctx.ringBytes);
            payload = ctx.payload;
            idle = ctx.idle();
            recordBytes = Records.bytes(ctx.size);
        }

        public void send(long first, int count, long sentNanos, int lastFlags) throws IOException {
            idle.reset();
            while (!ring.hasRoom(count * recordBytes)) idle.idle();
            ring.write(payload, first, count, sentNanos, lastFlags);
            ring.publish();
        }

        public void receive(Receiver receiver) throws IOException {
            idle.reset();
            while (ring.poll(receiver) == 0) idle.idle();
        }

        public void close() { }
    }

    /**
     * The arrays of a batch as one message, for the methods that carry messages of their own (agrona-ring, aeron-ipc): per
     * array a 32-byte header (sequence number, timestamp, length, flags) and its bytes, padded to 32, so that every header
     * and every array starts 32-byte aligned wherever the message does (Agrona aligns its records to 8, Aeron its frames to 32).
     */
    static final class BatchMessage {
        static final int HEADER = 32;

        static int padded(int length) { return (length + HEADER - 1) & -HEADER; }

        /** A batch of count arrays of size bytes, as one message. */
        static long bytes(int size, int count) { return (long) count * (HEADER + padded(size)); }

        static void putHeader(MutableDirectBuffer buffer, int at, long seq, long sentNanos, int length, int flags) {
            buffer.putLong(at, seq);
            buffer.putLong(at + 8, sentNanos);
            buffer.putInt(at + 16, length);
            buffer.putInt(at + 20, flags);
        }

        /** Writes arrays first..first+count-1 of the payload from offset on, the last with lastFlags: one copy of each array. */
        static void write(MutableDirectBuffer buffer, int offset, Payload payload, long first, int count, long sentNanos, int lastFlags) {
            for (int i = 0, at = offset; i < count; i++) {
                ByteBuffer array = payload.array(first + i);
                int length = array.remaining();
                putHeader(buffer, at, first + i, sentNanos, length, i == count - 1 ? lastFlags : 0);
                buffer.putBytes(at + HEADER, array, array.position(), length);
                at += HEADER + padded(length);
            }
        }

        /** Hands each array of the message at offset to the receiver in place: a view of the buffer's own memory. */
        static void deliver(DirectBuffer buffer, int offset, int length, Views views, Receiver receiver) throws IOException {
            for (int at = offset, end = offset + length; at < end; ) {
                int size = end - at < HEADER ? -1 : buffer.getInt(at + 16);
                if (size < 0 || size > end - at - HEADER) throw new IOException("a message of " + length + " bytes has an array with a bad length at byte " + (at - offset));
                receiver.onArray(buffer.getLong(at), buffer.getLong(at + 8), buffer.getInt(at + 20), views.of(buffer, at + HEADER, size), null);
                at += HEADER + padded(size);
            }
        }
    }

    /** ByteBuffer views of the memory under Agrona buffers, for the receiver: no copy, and no garbage per array (one duplicate per backing buffer). */
    static final class Views {
        Object backing;
        ByteBuffer view;

        ByteBuffer of(DirectBuffer buffer, int index, int length) {
            ByteBuffer bytes = buffer.byteBuffer();
            Object backs = bytes != null ? bytes : buffer.byteArray();
            if (backs == null) return new Pointer(buffer.addressOffset() + index).getByteBuffer(0, length);    // raw memory: not Aeron's nor Agrona's case here
            if (backs != backing) {
                backing = backs;
                view = bytes != null ? bytes.duplicate() : ByteBuffer.wrap(buffer.byteArray());
            }
            int at = buffer.wrapAdjustment() + index;
            return view.limit(at + length).position(at);
        }
    }

    /**
     * Agrona's OneToOneRingBuffer, the single-producer single-consumer ring Aeron is built on, over a file of the run folder
     * that both processes map: one message per batch (BatchMessage), claimed (tryClaim), written in place and committed by the
     * producer, read in place by the consumer. Its capacity is a power of two and its largest message an eighth of it (ringOf
     * sizes it). The consumer's read() hands on all there is up to the ring's end before it frees it: reading one message at a
     * time, so that the producer gets room sooner, measured no faster here.
     */
    static final class AgronaRingTransport implements Transport {
        static final int MESSAGE_TYPE = 1;
        final OneToOneRingBuffer ring;
        final Payload payload;
        final Idle idle;
        final int size;
        final Views views = new Views();
        Receiver receiver;
        final org.agrona.concurrent.MessageHandler handler = (type, buffer, index, length) -> {
            try {
                BatchMessage.deliver(buffer, index, length, views, receiver);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };

        AgronaRingTransport(Context ctx) throws IOException {
            ring = new OneToOneRingBuffer(new UnsafeBuffer(mapFile(ctx, "agrona-ring", ctx.ringBytes + RingBufferDescriptor.TRAILER_LENGTH)));
            payload = ctx.payload;
            idle = ctx.idle();
            size = ctx.size;
        }

        public void send(long first, int count, long sentNanos, int lastFlags) throws IOException {
            int length = (int) BatchMessage.bytes(size, count), index;
            idle.reset();
            while ((index = ring.tryClaim(MESSAGE_TYPE, length)) < 0) idle.idle();    // INSUFFICIENT_CAPACITY: wait for the consumer
            try {
                BatchMessage.write(ring.buffer(), index, payload, first, count, sentNanos, lastFlags);
            } catch (RuntimeException e) {
                ring.abort(index);
                throw e;
            }
            ring.commit(index);
        }

        public void receive(Receiver receiver) throws IOException {
            this.receiver = receiver;
            idle.reset();
            try {
                while (ring.read(handler) == 0) idle.idle();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        public void close() { }
    }

    /** How aeron-ipc's media driver thread waits when it has nothing to do (--driver-idle). */
    enum DriverIdle {
        spin, yield, backoff, park, sleep;

        IdleStrategy strategy() {
            return switch (this) {
                case spin -> new BusySpinIdleStrategy();
                case yield -> new YieldingIdleStrategy();
                case backoff -> new BackoffIdleStrategy();
                case park -> new SleepingIdleStrategy(100_000);
                case sleep -> new SleepingMillisIdleStrategy(1);
            };
        }

        String describe() {
            return switch (this) {
                case spin -> "BusySpinIdleStrategy";
                case yield -> "YieldingIdleStrategy";
                case backoff -> "BackoffIdleStrategy (spin, yield, then park 1 µs to 1 ms)";
                case park -> "SleepingIdleStrategy (park 100 µs)";
                case sleep -> "SleepingMillisIdleStrategy (sleep 1 ms)";
            };
        }
    }

    /**
     * Aeron's aeron:ipc channel: the producer publishes one message per batch (BatchMessage) on an exclusive publication, the
     * consumer polls a subscription, both through one media driver embedded in the producer, as a user runs it for two
     * processes of one host: its thread SHARED (conductor, sender and receiver in one; IPC needs only the conductor, which
     * moves the publisher's limit as the subscriber reads and zeroes what it has read), its directory (cnc.dat, the
     * publication's log) in the run folder, so that every clean-up path removes it. The channel sets the term length (ringOf)
     * and the frame size (mtu): a batch that fits one frame is claimed (tryClaim) and written in place, and read in place; a
     * larger one is offered as a gathering of its headers and arrays, which Aeron copies into the log cut into frames, and
     * the consumer's FragmentAssembler copies the frames together into one buffer before the check. A dead peer is not left
     * to Aeron's client timeouts: the producer's waits check the watchdog's Abort, and the consumer watches its parent, whose
     * death takes the driver with it.
     */
    static final class AeronIpcTransport implements Transport {
        /** Fragments per poll, after which the consumer's position moves: 1 to 64 measured alike here. */
        static final int STREAM = 1001, POLL_LIMIT = 16;
        static final int MAX_MTU = io.aeron.driver.Configuration.MAX_UDP_PAYLOAD_LENGTH, FRAME_HEADER = 32;   // DataHeaderFlyweight.HEADER_LENGTH
        /** The driver's own buffers at Aeron's smallest: its cnc.dat and loss-report.dat take about 12 MiB. */
        static final int COUNTERS = io.aeron.driver.Configuration.COUNTERS_VALUES_BUFFER_LENGTH_MIN;
        static final long DRIVER_FILES = CncFileDescriptor.computeCncFileLength(io.aeron.driver.Configuration.CONDUCTOR_BUFFER_LENGTH_DEFAULT
                + io.aeron.driver.Configuration.TO_CLIENTS_BUFFER_LENGTH_DEFAULT + io.aeron.driver.Configuration.countersMetadataBufferLength(COUNTERS)
                + COUNTERS + io.aeron.driver.Configuration.ERROR_BUFFER_LENGTH_DEFAULT, (int) PAGE)
                + io.aeron.driver.Configuration.LOSS_REPORT_BUFFER_LENGTH_DEFAULT;

        /** Aeron's largest message: an eighth of the term, at most 16 MiB. */
        static long maxMessage(long termLength) { return FrameDescriptor.computeMaxMessageLength((int) termLength); }

        /** The frame length: one frame for the message where it fits (Aeron allows 65,504 B, and at most its largest message). */
        static int mtu(long termLength, long messageBytes) {
            return (int) Math.min(messageBytes + FRAME_HEADER, Math.min(MAX_MTU, maxMessage(termLength)));
        }

        static int fragments(long termLength, long messageBytes) {
            int payload = mtu(termLength, messageBytes) - FRAME_HEADER;
            return (int) ((messageBytes + payload - 1) / payload);
        }

        static String channel(long termLength, long messageBytes) {
            return "aeron:ipc?term-length=" + termLength + "|mtu=" + mtu(termLength, messageBytes);
        }

        /** The row's note: term, mtu, the producer's path and the driver's thread. */
        static String describe(long termLength, long messageBytes, DriverIdle idle) {
            int fragments = fragments(termLength, messageBytes);
            return "term-length " + Units.size(termLength) + ", mtu " + whole(mtu(termLength, messageBytes)) + ": "
                    + (fragments == 1 ? "tryClaim (one frame), written and read in place"
                    : "offer, " + fragments + " fragments, gathered from the arrays, reassembled by a FragmentAssembler (one more copy)")
                    + "; embedded driver, SHARED thread, " + idle.describe();
        }

        /** The run folder's files of a session: the driver's, and the publication's log (three terms and its metadata). */
        static long files(long termLength) { return DRIVER_FILES + LogBufferDescriptor.computeLogLength((int) termLength, (int) PAGE); }

        final Payload payload;
        final Idle idle;
        final Abort abort;
        final int size;
        final long messageBytes;
        MediaDriver driver;
        Aeron aeron;
        ExclusivePublication publication;
        Subscription subscription;
        volatile Throwable aeronError;
        // the producer's
        final BufferClaim claim = new BufferClaim();
        int maxPayload;
        UnsafeBuffer[] images;
        UnsafeBuffer staged;
        long claims, offers;
        // the consumer's
        final Views views = new Views();
        FragmentHandler assembler;
        Receiver receiver;
        Exception handlerFailure;

        AeronIpcTransport(Context ctx) throws IOException {
            payload = ctx.payload;
            idle = ctx.idle();
            abort = ctx.abort;
            size = ctx.size;
            messageBytes = BatchMessage.bytes(ctx.size, ctx.batch);
            String dir = ctx.runDir.resolve("aeron").toString();
            try {
                if (ctx.producer) {
                    driver = MediaDriver.launchEmbedded(new MediaDriver.Context().aeronDirectoryName(dir)
                            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(ctx.driverIdle.strategy())
                            .dirDeleteOnStart(true).dirDeleteOnShutdown(true).warnIfDirectoryExists(false)
                            // Every page of the log written before the clock starts (not on first use, 10 µs a page on this VM), and a
                            // full file system an error now, never a SIGBUS later.
                            .termBufferSparseFile(false).counterValuesBufferLength(COUNTERS)
                            .errorHandler(this::onAeronError));
                }
                aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir).errorHandler(this::onAeronError)
                        .subscriberErrorHandler(e -> handlerFailure = e instanceof Exception x ? x : new RuntimeException(e)));
                if (ctx.producer) {
                    publication = aeron.addExclusivePublication(channel(ctx.ringBytes, messageBytes), STREAM);
                    maxPayload = publication.maxPayloadLength();
                    images = Arrays.stream(payload.images).map(UnsafeBuffer::new).toArray(UnsafeBuffer[]::new);
                    staged = new UnsafeBuffer(ByteBuffer.allocateDirect(ctx.batch * STAGED));
                } else {
                    subscription = aeron.addSubscription("aeron:ipc", STREAM);
                    assembler = new FragmentAssembler((buffer, offset, length, header) -> {
                        try {
                            BatchMessage.deliver(buffer, offset, length, views, receiver);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, (int) Math.min(messageBytes, Integer.MAX_VALUE), true);
                }
            } catch (RuntimeException e) {
                close();
                throw new IOException("Aeron: " + oneLine(e));
            }
        }

        /** Aeron's errors, from its client's and its driver's threads: kept for the failure's message, never printed. */
        private void onAeronError(Throwable e) {
            if (aeronError == null) aeronError = e;
        }

        private String aeronErrors() { return aeronError == null ? "" : "; Aeron: " + oneLine(aeronError); }

        /** Before the clock starts: no array may go before the consumer's subscription is there to read it. */
        public void awaitPeer(Child consumer) throws IOException {
            long until = System.nanoTime() + Session.START.toNanos();
            while (!publication.isConnected()) {
                abort.check();
                if (System.nanoTime() - until > 0) throw new IOException("the consumer's subscription did not reach aeron:ipc in " + Units.duration(Session.START) + aeronErrors());
                ShmBench.sleep(1);
            }
        }

        public void send(long first, int count, long sentNanos, int lastFlags) throws IOException {
            int length = (int) BatchMessage.bytes(size, count);
            long result;
            idle.reset();
            if (length <= maxPayload) {
                while ((result = publication.tryClaim(length, claim)) < 0) retry(result);
                try {
                    BatchMessage.write(claim.buffer(), claim.offset(), payload, first, count, sentNanos, lastFlags);
                } catch (RuntimeException e) {
                    claim.abort();
                    throw e;
                }
                claim.commit();
                claims++;
            } else {
                DirectBufferVector[] vectors = gather(first, count, sentNanos, lastFlags);
                while ((result = publication.offer(vectors)) < 0) retry(result);
                offers++;
            }
        }

        /** Back-pressure (the subscriber is a term window behind) or the driver's turn (a new term): wait and try again; else fail. */
        private void retry(long result) throws IOException {
            if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
                idle.idle();
                return;
            }
            throw new IOException("the aeron:ipc publication " + (result == Publication.NOT_CONNECTED ? "lost its subscriber (not connected)"
                    : result == Publication.CLOSED ? "was closed" : result == Publication.MAX_POSITION_EXCEEDED ? "reached its largest position"
                    : "failed (" + result + ")") + aeronErrors());
        }

        /** Per array: its header and first 8 bytes, its middle, its last 8 bytes and padding; see gather. */
        static final int STAGED = BatchMessage.HEADER + 8 + 8 + BatchMessage.HEADER;
        DirectBufferVector[] vectors = new DirectBufferVector[0];

        /**
         * A batch too large for one frame, as vectors for offer(): Aeron copies each array from its image into the log. A batch
         * may hold the same image more than once (the payload rotates seven), and array(seq) changes only an image's first 8
         * bytes (the stamp) and last byte (--corrupt's flip), so those come from a copy taken for each array, the rest from the image.
         */
        private DirectBufferVector[] gather(long first, int count, long sentNanos, int lastFlags) {
            if (vectors.length != 3 * count) {
                vectors = new DirectBufferVector[3 * count];
                for (int i = 0; i < vectors.length; i++) vectors[i] = new DirectBufferVector();
            }
            int n = 0;
            for (int i = 0; i < count; i++) {
                long seq = first + i;
                ByteBuffer array = payload.array(seq);
                int length = array.remaining(), at = i * STAGED, head = Math.min(8, length), tail = Math.min(8, length - head);
                BatchMessage.putHeader(staged, at, seq, sentNanos, length, i == count - 1 ? lastFlags : 0);
                staged.putBytes(at + BatchMessage.HEADER, array, 0, head);
                staged.putBytes(at + BatchMessage.HEADER + 8, array, length - tail, tail);
                staged.setMemory(at + BatchMessage.HEADER + 8 + tail, BatchMessage.HEADER, (byte) 0);
                int padding = BatchMessage.padded(length) - length;
                vectors[n++].reset(staged, at, BatchMessage.HEADER + head);
                int middle = length - head - tail;
                vectors[n++].reset(images[Payload.index(seq)], middle == 0 ? 0 : head, middle);      // a vector's offset must lie inside its buffer
                vectors[n++].reset(staged, at + BatchMessage.HEADER + 8, tail + padding);
            }
            return vectors;
        }

        public void receive(Receiver receiver) throws IOException {
            this.receiver = receiver;
            idle.reset();
            while (subscription.poll(assembler, POLL_LIMIT) == 0) idle.idle();
            if (handlerFailure != null) {
                Exception e = handlerFailure;
                handlerFailure = null;
                throw e instanceof UncheckedIOException u ? u.getCause() : new IOException("aeron-ipc's fragment handler: " + oneLine(e));
            }
        }

        public void close() {
            for (AutoCloseable c : new AutoCloseable[]{publication, subscription, aeron, driver}) {
                try {
                    if (c != null) c.close();
                } catch (Exception ignored) {
                    // the run folder, and Aeron's directory in it, goes whatever Aeron says
                }
            }
        }
    }

    /**
     * The original Python benchmark's "simple shared memory": one slot, filled by the producer, emptied by
     * the consumer, each telling the other with a semaphore.
     */
    static final class ShmEventTransport implements Transport {
        static final int COUNT = 0, SLOT = 64;
        final MappedByteBuffer map;
        final Records slot;
        final Payload payload;
        final NamedSemaphore filled, emptied;
        final Abort abort;

        ShmEventTransport(Context ctx) throws IOException {
            map = mapFile(ctx, "slot", SLOT + ctx.batchBytes());
            slot = new Records(map, SLOT, ctx.batchBytes());
            payload = ctx.payload;
            abort = ctx.abort;
            filled = new NamedSemaphore(SuiteFolder.semaphoreName(ctx.runId, "filled"), ctx.producer, 0, ctx.semSpins);
            emptied = new NamedSemaphore(SuiteFolder.semaphoreName(ctx.runId, "emptied"), ctx.producer, 1, ctx.semSpins);
        }

        public void send(long first, int count, long sentNanos, int lastFlags) throws IOException {
            emptied.await(abort);
            slot.putBatch(0, payload, first, count, sentNanos, lastFlags);
            map.putInt(COUNT, count);
            filled.post();
        }

        public void receive(Receiver receiver) throws IOException {
            filled.await(abort);
            slot.deliverBatch(0, map.getInt(COUNT), receiver);
            emptied.post();
        }

        public void close() {
            filled.close();
            emptied.close();
        }
    }

    /** POSIX named semaphores through JNA's direct mapping (the cheapest JNA call path). */
    static final class Posix {
        static { Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME)); }
        static final int O_CREAT = 0100, O_EXCL = 0200;
        // sem_open is variadic in C; on x86-64 and aarch64 Linux the two extra ints travel as fixed arguments do.
        static native Pointer sem_open(String name, int oflag, int mode, int value);
        static native int sem_post(Pointer sem);
        static native int sem_trywait(Pointer sem);
        static native int sem_timedwait(Pointer sem, Pointer absTimeout);
        static native int sem_close(Pointer sem);
        static native int sem_unlink(String name);
        static native int clock_gettime(int clock, Pointer timespec);
    }

    /**
     * This process's CPU time (user + system, all threads) to the nanosecond: clock_gettime(CLOCK_PROCESS_CPUTIME_ID).
     * The harness's CpuMeter reads /proc/<pid>/stat, which counts in 10 ms ticks: a 1 ms run (--quick) would cost 0
     * or 10 cores. Each process reads its own (the consumer reports its part with its run's report); CpuMeter.fields
     * turns the sum into the row's two fields. Where the clock is not there, the kernel's ticks (ProcessHandle).
     */
    static final class ProcessCpu {
        static final int CLOCK_PROCESS_CPUTIME_ID = Platform.isLinux() ? 2 : Platform.isMac() ? 12 : -1;
        static final ThreadLocal<Memory> TIMESPEC = ThreadLocal.withInitial(() -> new Memory(16));

        static long nanos() {
            if (CLOCK_PROCESS_CPUTIME_ID >= 0) {
                try {
                    Memory ts = TIMESPEC.get();
                    if (Posix.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts) == 0) return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
                } catch (LinkageError e) {
                    // no C library through JNA here: the kernel's ticks below
                }
            }
            return CpuMeter.cpuNanos(ProcessHandle.current());
        }
    }

    /** A POSIX named semaphore: waiting tries sem_trywait `spins` times, then sleeps in sem_timedwait slices of 100 ms. */
    static final class NamedSemaphore {
        final String name;
        final boolean owner;
        final Pointer sem;
        final int spins;
        final Memory deadline = new Memory(16);

        NamedSemaphore(String name, boolean create, int initial, int spins) throws IOException {
            this.name = name;
            this.owner = create;
            this.spins = spins;
            sem = Posix.sem_open(name, create ? Posix.O_CREAT | Posix.O_EXCL : 0, 0600, initial);
            if (sem == null || Pointer.nativeValue(sem) == -1) throw new IOException("sem_open failed for " + name + " (errno " + Native.getLastError() + ")");
        }

        void post() { Posix.sem_post(sem); }

        void await(Abort abort) throws IOException {
            for (int i = 0; i < spins; i++) {
                if (Posix.sem_trywait(sem) == 0) return;
                Thread.onSpinWait();
            }
            while (true) {
                long until = System.currentTimeMillis() + 100;
                deadline.setLong(0, until / 1000);
                deadline.setLong(8, (until % 1000) * 1_000_000L);
                if (Posix.sem_timedwait(sem, deadline) == 0) return;
                abort.check();
            }
        }

        void close() {
            Posix.sem_close(sem);
            if (owner) Posix.sem_unlink(name);
        }
    }

    /**
     * The original Python benchmark's "ZeroMQ + shared memory": arrays go into slots of a shared file, a
     * PUSH socket carries (slot, count) descriptors to the consumer's PULL, and a second PUSH/PULL pair
     * returns freed slots. The producer binds both sockets; before the clock starts it sends probe
     * descriptors until the consumer echoes one, so that a message lost on a fresh JeroMQ connection
     * cannot hang the run.
     */
    static final class ZmqShmTransport implements Transport {
        static final int PROBE = -1, MAX_SLOTS = 64;
        final ZContext context = new ZContext(1);
        final ZMQ.Socket descriptors, returns;
        final MappedByteBuffer map;
        final Records records;
        final int slots, slotBytes;
        final ArrayDeque<Integer> free = new ArrayDeque<>();
        final Payload payload;
        final Abort abort;

        static int slots(long ringBytes, int batchBytes) {
            return (int) Math.max(2, Math.min(MAX_SLOTS, ringBytes / batchBytes));
        }

        ZmqShmTransport(Context ctx, String endpoint) throws IOException {
            payload = ctx.payload;
            abort = ctx.abort;
            slotBytes = ctx.batchBytes();
            slots = slots(ctx.ringBytes, slotBytes);
            map = mapFile(ctx, "slots", (long) slots * slotBytes);
            records = new Records(map, 0, slots * slotBytes);
            descriptors = socket(ctx.producer ? SocketType.PUSH : SocketType.PULL);
            returns = socket(ctx.producer ? SocketType.PULL : SocketType.PUSH);
            if (ctx.producer) {
                descriptors.bind("tcp://127.0.0.1:*");
                returns.bind("tcp://127.0.0.1:*");
                for (int i = 0; i < slots; i++) free.add(i);
            } else {
                String[] ends = endpoint.split(" ");
                descriptors.connect(ends[0]);
                returns.connect(ends[1]);
            }
        }

        private ZMQ.Socket socket(SocketType type) {
            ZMQ.Socket s = context.createSocket(type);
            s.setLinger(0);
            s.setReceiveTimeOut(100);
            s.setSendTimeOut(100);
            s.setSndHWM(MAX_SLOTS * 4);
            s.setRcvHWM(MAX_SLOTS * 4);
            return s;
        }

        public String endpoint() { return descriptors.getLastEndpoint() + " " + returns.getLastEndpoint(); }

        public void awaitPeer(Child consumer) throws IOException {
            for (int tries = 0; tries < 300; tries++) {   // 30 s, as long as a consumer's JVM may take to start on a busy machine
                descriptors.send(pair(PROBE, 0), 0);    // may time out while the connection is still being made
                byte[] echo = returns.recv(0);
                if (echo != null && ByteBuffer.wrap(echo).getInt(0) == PROBE) return;
                abort.check();
            }
            throw new IOException("the consumer echoed no probe on " + returns.getLastEndpoint() + " in 30 s");
        }

        /** A fresh array each time: JeroMQ sends the array itself, later, from its I/O thread. */
        static byte[] pair(int slot, int count) {
            return ByteBuffer.allocate(8).putInt(slot).putInt(count).array();
        }

        private void sendPair(ZMQ.Socket socket, int slot, int count) throws IOException {
            byte[] message = pair(slot, count);
            while (!socket.send(message, 0)) {
                if (socket.errno() != ZMQ.Error.EAGAIN.getCode()) throw new IOException("zmq send failed: errno " + socket.errno());
                abort.check();
            }
        }

        public void send(long first, int count, long sentNanos, int lastFlags) throws IOException {
            while (free.isEmpty()) {
                byte[] freed = returns.recv(0);
                if (freed == null) abort.check();
                else if (ByteBuffer.wrap(freed).getInt(0) != PROBE) free.add(ByteBuffer.wrap(freed).getInt(0));
            }
            int slot = free.poll();
            records.putBatch((long) slot * slotBytes, payload, first, count, sentNanos, lastFlags);
            sendPair(descriptors, slot, count);
        }

        public void receive(Receiver receiver) throws IOException {
            byte[] descriptor = descriptors.recv(0);
            if (descriptor == null) return;
            ByteBuffer d = ByteBuffer.wrap(descriptor);
            int slot = d.getInt(0), count = d.getInt(4);
            if (slot != PROBE) {
                if (slot < 0 || slot >= slots) throw new IOException("descriptor names slot " + slot + " of " + slots);
                records.deliverBatch((long) slot * slotBytes, count, receiver);
            }
            sendPair(returns, slot, 0);
        }

        public void close() { context.close(); }
    }

    /**
     * The built-in way, as Python's multiprocessing.Queue: each array serialized on its own (a record
     * with the sequence number, the timestamp and the typed array) by an ObjectOutputStream over a pipe,
     * the child's stdin; flushed once per batch. reset() after each array forgets what was sent, as
     * every pickle does. The consumer's ObjectInputStream accepts only these classes.
     */
    static final class QueueTransport implements Transport {
        record Item(long seq, long sentNanos, int flags, Object array) implements Serializable {}

        static final ObjectInputFilter ONLY_ARRAYS = ObjectInputFilter.Config.createFilter(
                Item.class.getName() + ";[D;[F;[J;[I;[B;maxdepth=3;!*");
        final Payload payload;
        final Dtype dtype;
        final ByteBuffer image;
        ObjectOutputStream out;
        ObjectInputStream in;

        QueueTransport(Context ctx) throws IOException {
            payload = ctx.payload;
            dtype = ctx.payload.dtype;
            image = ctx.producer ? null : ByteBuffer.allocateDirect(ctx.size);
        }

        public void awaitPeer(Child consumer) throws IOException {
            out = new ObjectOutputStream(new BufferedOutputStream(consumer.stdin, 1 << 16));
        }

        public void send(long first, int count, long sentNanos, int lastFlags) throws IOException {
            for (int i = 0; i < count; i++) {
                out.writeObject(new Item(first + i, sentNanos, i == count - 1 ? lastFlags : 0, payload.typedArray(first + i)));
                out.reset();
            }
            out.flush();
        }

        public void receive(Receiver receiver) throws IOException {
            if (in == null) {   // not before: its constructor waits for the producer's stream header
                in = new ObjectInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
                in.setObjectInputFilter(ONLY_ARRAYS);
            }
            Item item;
            try {
                item = (Item) in.readObject();
            } catch (ClassNotFoundException | ClassCastException e) {
                throw new IOException("not an array message: " + e);
            }
            receiver.onArray(item.seq, item.sentNanos, item.flags, dtype.image(item.array, image), null);
        }

        public void close() {
            try { if (out != null) out.close(); } catch (IOException ignored) { }
        }
    }

    /**
     * Chronicle Queue: the producer appends one document per batch (count, then per array its header
     * and bytes); the consumer polls a tailer and checks each array in place in the queue's mapped file.
     * Chronicle copies from native memory with Unsafe.copyMemory but from a byte[] with a loop of 8-byte
     * moves (three times slower here at 8 KiB), so the producer hands it its arrays as native BytesStores.
     * Chronicle never waits for its readers and never frees what they have read, so, as with every other
     * method here, the producer waits when it is a ring's worth of arrays ahead of the consumer (which
     * acknowledges what it has checked in a small shared file), and each run writes a queue of its own,
     * removed by the consumer once it has read it. Both sides switch queues before the run's report is
     * written, so that opening a queue never falls inside a timed run.
     */
    static final class ChronicleTransport implements Transport {
        final Context ctx;
        final Payload payload;
        final BytesStore<?, ?>[] sources;
        final Idle idle;
        final MappedByteBuffer checked;      // the last sequence number the consumer has checked
        final long window;
        ChronicleQueue queue;
        ExcerptAppender appender;
        ExcerptTailer tailer;
        int run;

        ChronicleTransport(Context ctx) throws IOException {
            this.ctx = ctx;
            payload = ctx.payload;
            idle = ctx.idle();
            checked = mapFile(ctx, "checked", 64);
            window = Math.max(ctx.batch, ctx.ringBytes / Records.bytes(ctx.size));
            sources = ctx.producer ? Arrays.stream(payload.images).map(BytesStore::wrap).toArray(BytesStore[]::new) : null;
            openNextRun();
        }

        private void openNextRun() {
            // A document may not exceed blockSize / 4, and then lies whole in one mapped chunk.
            queue = SingleChronicleQueueBuilder.binary(queueFolder(++run)).blockSize(Math.max(64L << 20, 4L * ctx.batchBytes())).build();
            if (ctx.producer) appender = queue.createAppender();
            else tailer = queue.createTailer();
        }

        private Path queueFolder(int run) { return ctx.runDir.resolve("queue-" + run); }

        public void send(long first, int count, long sentNanos, int lastFlags) throws IOException {
            idle.reset();
            while (first + count - 1 - (long) LONGS.getAcquire(checked, 0) > window) idle.idle();
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> bytes = dc.wire().bytes();
                bytes.writeInt(count);
                for (int i = 0; i < count; i++) {
                    long seq = first + i;
                    int length = payload.array(seq).remaining();
                    bytes.writeLong(seq).writeLong(sentNanos).writeInt(i == count - 1 ? lastFlags : 0).writeInt(length)
                            .write(sources[Payload.index(seq)], 0L, length);
                }
            }
            if (lastFlags == LAST_OF_RUN) {
                queue.close();
                openNextRun();
            }
        }

        public void receive(Receiver receiver) throws IOException {
            idle.reset();
            int lastFlags;
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (dc.isPresent()) {
                        Bytes<?> bytes = dc.wire().bytes();
                        long seq = 0;
                        int flags = 0;
                        for (int i = bytes.readInt(); i > 0; i--) {
                            seq = bytes.readLong();
                            long sentNanos = bytes.readLong();
                            flags = bytes.readInt();
                            int length = bytes.readInt();
                            long address = bytes.addressForRead(bytes.readPosition(), length);
                            receiver.onArray(seq, sentNanos, flags, new Pointer(address).getByteBuffer(0, length), null);
                            bytes.readSkip(length);
                        }
                        LONGS.setRelease(checked, 0, seq);
                        lastFlags = flags;
                        break;
                    }
                }
                idle.idle();
            }
            if (lastFlags == LAST_OF_RUN) {
                queue.close();
                BackgroundResourceReleaser.releasePendingResources();   // unmapped now, not by Chronicle's background thread: the space is free for the next run
                SuiteFolder.delete(queueFolder(run));
                openNextRun();
            }
        }

        public void close() { queue.close(); }
    }

    // ---------------------------------------------------------------- the consumer's check

    /** What the consumer reports after each run, one JSON line on its stdout. */
    /** cpuNanos: the consumer's CPU time from the run's first array to its last verified receipt (ProcessCpu). */
    record RunReport(int run, long arrays, long errors, String firstError, long lastNanos, long cpuNanos, String histogram) {
        Histogram decodeHistogram() throws IOException {
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(histogram)), 0);
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException("the consumer's histogram does not decode: " + e.getMessage());
            }
        }
    }

    /**
     * Checks every array: the sequence number follows the previous one, the length is right, and every
     * byte is the producer's (Payload.mismatch). Records one-way latency: the time of
     * the verified receipt (once the check is done) minus the time the producer stamped, the time the
     * array was due to be sent (System.nanoTime is one clock for all processes on Linux). The last array
     * of a run ends the run's window at its verified receipt: that time is taken first, onWindowEnd hears
     * of it at once, and only then is the histogram encoded and the report handed on; the next run starts
     * afresh.
     */
    static class Checker implements Receiver {
        static final long STALL_NANOS = 50_000_000L;
        final Payload expected;
        final Consumer<RunReport> onRunEnd;
        final LongConsumer onWindowEnd;
        Histogram latency = new Histogram(3);
        long nextSeq = 1, arrays, errors, cpuAtFirst;
        /** Testing (--stall-at): the sequence number at which the consumer stops for STALL_NANOS, once; 0 for none. */
        long stallAt;
        int runsDone;
        boolean ended;
        String firstError;

        Checker(Payload expected, Consumer<RunReport> onRunEnd) { this(expected, end -> { }, onRunEnd); }

        Checker(Payload expected, LongConsumer onWindowEnd, Consumer<RunReport> onRunEnd) {
            this.expected = expected;
            this.onWindowEnd = onWindowEnd;
            this.onRunEnd = onRunEnd;
        }

        public void onArray(long seq, long sentNanos, int flags, ByteBuffer data, ByteBuffer rest) {
            if (stallAt > 0 && seq == stallAt) {
                stallAt = 0;
                for (long until = System.nanoTime() + STALL_NANOS; System.nanoTime() - until < 0; ) LockSupport.parkNanos(until - System.nanoTime());
            }
            if (arrays++ == 0) cpuAtFirst = ProcessCpu.nanos();
            int length = data.remaining() + (rest == null ? 0 : rest.remaining());
            String error = null;
            if (seq != nextSeq) error = (seq < nextSeq ? "duplicate or stale" : "gap") + ": sequence " + seq + " instead of " + nextSeq;
            else if (length != expected.size) error = "length " + length + " instead of " + expected.size;
            else {
                long at = expected.mismatch(seq, data, rest);
                if (at >= 0) error = "bytes differ from what was sent, first at byte " + at;
            }
            // One-way latency = verified receipt - due time (README "How figures are defined").
            long received = System.nanoTime();
            latency.recordValue(Math.max(0, received - sentNanos));
            if (error != null && errors++ == 0) firstError = "array " + seq + ": " + error;
            nextSeq = Math.max(nextSeq, seq + 1);
            if ((flags & LAST_OF_RUN) != 0) endRun(received, flags);
        }

        /** The run's last array is in: its window ends at `received`, before any bookkeeping (README "How figures are defined"). */
        void endRun(long received, int flags) {
            long cpu = ProcessCpu.nanos() - cpuAtFirst;
            onWindowEnd.accept(received);
            ended = (flags & END) != 0;
            onRunEnd.accept(new RunReport(++runsDone, arrays, errors, firstError, received, cpu, encode(latency)));
            latency = new Histogram(3);
            arrays = errors = 0;
            firstError = null;
        }

        /** The run's latency histogram, compressed, in Base64: bookkeeping, after the window's end. */
        String encode(Histogram h) {
            ByteBuffer encoded = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            h.encodeIntoCompressedByteBuffer(encoded);
            return Base64.getEncoder().encodeToString(Arrays.copyOf(encoded.array(), encoded.position()));
        }
    }

    /**
     * ref-shm-ring-raw's consumer: copies each array out of the ring in one bulk copy (the JDK's fastest way to read every
     * byte of it) and frees its slot; no sequence check, no compare, no clock read, no histogram (its runs report an empty
     * one). Like limit-memcpy, it checks the last array of each run only, so that a reference that moved nothing cannot pass.
     */
    static final class RawReader extends Checker {
        final byte[] copy;

        RawReader(Payload expected, LongConsumer onWindowEnd, Consumer<RunReport> onRunEnd) {
            super(expected, onWindowEnd, onRunEnd);
            copy = new byte[expected.size];
        }

        @Override public void onArray(long seq, long sentNanos, int flags, ByteBuffer data, ByteBuffer rest) {
            if (arrays++ == 0) cpuAtFirst = ProcessCpu.nanos();
            int head = data.remaining(), length = head + (rest == null ? 0 : rest.remaining());
            if (length != copy.length) {
                if (errors++ == 0) firstError = "array " + seq + ": length " + length + " instead of " + copy.length;
            } else {
                data.get(data.position(), copy, 0, head);
                if (rest != null) rest.get(rest.position(), copy, head, length - head);
            }
            if ((flags & LAST_OF_RUN) == 0) return;
            long received = System.nanoTime();
            long at = length == copy.length ? expected.mismatch(seq, ByteBuffer.wrap(copy), null) : -1;
            if (at >= 0 && errors++ == 0) firstError = "array " + seq + " (the last of the run): bytes differ from what was sent, first at byte " + at;
            endRun(received, flags);
        }
    }

    // ---------------------------------------------------------------- the parent: options, sessions, measuring

    public Integer call() throws Exception {
        if ("consumer".equals(role)) return ChildRole.run();
        if (role != null) throw new ParameterException(spec.commandLine(), "Invalid value for option '--role': '" + role + "'");
        if (list) return printList(Stream.concat(METHODS.stream(), Stream.of(LIMIT, RAW_RING)).toList());
        SuiteFolder.useShmDir(spec.commandLine(), shmDir);
        if (cleanup) return SuiteFolder.cleanup();
        Plan plan = plan();
        SuiteFolder.removeLeftovers();
        Results results = new Results(out, Environment.capture());
        List<Row> rows = new ArrayList<>();
        try {
            checkSpace(plan);
            for (int s : plan.sizes) {
                measureMemcpy(s, plan, results, rows);
                for (Method m : plan.methods) {
                    if (plan.leftOut(m, s)) continue;
                    runMethod(m, s, plan, results, rows);
                    // The finished session's files are gone but its mappings hold their memory until collected.
                    System.gc();
                    // At a fixed --rate both move --rate arrays/s, and their ratio says nothing: the reference runs at full throughput only.
                    if (m.name().equals("shm-ring") && rate == null) {
                        runMethod(RAW_RING, s, plan, results, rows);
                        System.gc();
                    }
                }
            }
        } catch (RunFailure failure) {
            reportFailure(failure.getMessage());
            printSummary(rows, plan, true);
            return 1;
        }
        printSummary(rows, plan, false);
        return 0;
    }

    /**
     * count: arrays per run as given (-n, or --quick's 200), or null: runs of at least about 1 s (RunLength). leftOut: "method at
     * size" of the methods left to their default that cannot run at a size (said in the summary: ShmBench.leftOut).
     */
    record Plan(List<Method> methods, List<Integer> sizes, Integer count, Runs runs, long ringBytes, Duration warmupMinimum, Set<String> leftOut) {
        boolean leftOut(Method m, int size) { return leftOut.contains(m.name() + " at " + Units.size(size)); }
    }

    /** The fewest arrays of a run whose length is scaled from the warm-up (no -n): enough for a latency distribution. */
    static final long FLOOR_COUNT = 100;

    /**
     * The most arrays of a run whose length is scaled from the warm-up (or that -d bounds): chronicle keeps a run's
     * arrays in its queue in the suite folder until the run is read, so at most 2 GiB of them, and never more than a
     * quarter of the space free there (why says which, for the row's note should a run stop there); the other
     * methods reuse their memory (the cap only bounds a runaway estimate).
     */
    record Cap(long arrays, String why) {}

    static Cap countCap(Method m, int size, int batch) {
        if (!m.name().equals("chronicle")) return new Cap(Math.max(100_000_000L, batch), null);
        long free = SuiteFolder.freeBytes(), perArray = Records.bytes(size) + 24;
        boolean byFree = free / 4 < 2L << 30;
        long arrays = Math.max(batch, Math.min(2L << 30, free / 4) / perArray);
        return new Cap(arrays, byFree ? "a run's queue may take a quarter of the " + Units.size(free) + " free in " + SuiteFolder.base()
                + " (" + SuiteFolder.fsType() + ")" : "a run's queue may take 2 GiB");
    }

    // ---------------------------------------------------------------- room in the suite folder

    static final long PAGE = 4096;

    static long pages(long bytes) { return (bytes + PAGE - 1) / PAGE * PAGE; }

    /** A count as 2,026. */
    static String whole(long n) { return String.format(Locale.ROOT, "%,d", n); }

    /**
     * A chronicle queue's own bytes besides its documents (metadata.cq4t, the cycle file's header and first index): 24 KiB
     * measured on tmpfs with Chronicle Queue 2026.4, whatever the number of documents; 256 KiB allowed.
     */
    static final long CHRONICLE_OVERHEAD = 256 << 10;

    /**
     * What a session of the method keeps in the suite folder from its start to its end, whatever its runs: the files
     * the script maps itself, written whole before they are mapped (shm-event's slot and its two semaphores, the ring,
     * agrona-ring's ring, zmq-shm's slots), aeron-ipc's driver files and its publication's log (written whole by Aeron), or,
     * for chronicle, its acknowledgement file and the queue it opens ahead for the next run. Chronicle's queue of a run comes
     * on top (chronicleRunBytes), checked before each run and while it grows. ringBytes: the ring as --ring gives it (ringOf).
     */
    static long sessionBytes(String method, int size, int batch, long ringBytes) {
        int batchBytes = Records.bytes(size) * batch;
        return switch (method) {
            case "shm-event" -> pages(ShmEventTransport.SLOT + batchBytes) + 2 * PAGE;
            case "shm-ring" -> pages(Ring.DATA + ringBytes);
            case "agrona-ring" -> pages(ringOf(method, ringBytes, size, batch) + RingBufferDescriptor.TRAILER_LENGTH);
            case "aeron-ipc" -> AeronIpcTransport.files(ringOf(method, ringBytes, size, batch));
            case "zmq-shm" -> pages((long) ZmqShmTransport.slots(ringBytes, batchBytes) * batchBytes);
            case "chronicle" -> PAGE + CHRONICLE_OVERHEAD;
            default -> 0;
        };
    }

    /**
     * Chronicle's queue of a run of `arrays` (warm-up runs too): a document per batch, one more for a batch cut short,
     * each its header and count, then per array 24 bytes and the array; 2% more for its indexes, and its overhead. Chronicle
     * grows its file as it writes (a sparse file on tmpfs), so this is what the run adds to the file system.
     */
    static long chronicleRunBytes(long arrays, int size, int batch) {
        long documents = (arrays + batch - 1) / batch + 1;
        long data = documents * ((8 + (long) batch * (24 + size) + 7) & ~7L);
        return data + data / 50 + CHRONICLE_OVERHEAD;
    }

    /**
     * The ring of shm-ring, of zmq-shm's slots, of agrona-ring and of aeron-ipc's term (ringOf) in a session at this size:
     * --ring as given; else the default, halved while the method's files would take more than half the space free, down to
     * two batches (agrona-ring and aeron-ipc: down to what carries a batch).
     */
    static long fitRing(String method, long ringBytes, boolean given, int size, int batch, long free) {
        long least = CARRIERS.contains(method) ? carrying(method, size, batch) : 2L * Records.bytes(size) * batch, ring = ringBytes;
        while (!given && sessionBytes(method, size, batch, ring) > free / 2 && ring / 2 >= least) ring = (ring / 2) & ~63L;
        return ring;
    }

    /** The methods whose ring is a power of two carrying one message per batch: Agrona's ring, Aeron's term. */
    static final Set<String> CARRIERS = Set.of("agrona-ring", "aeron-ipc");

    /**
     * The ring a method's session takes from --ring (or its default, halved to fit): shm-ring's and zmq-shm's memory and
     * chronicle's window as it is; agrona-ring's capacity and aeron-ipc's term length the power of two at or below it, sized up
     * until an eighth of it (the largest message of both) carries a batch: plan() refused a given --ring that does not.
     */
    static long ringOf(String method, long ringBytes, int size, int batch) {
        return CARRIERS.contains(method) ? Math.max(Long.highestOneBit(ringBytes), carrying(method, size, batch)) : ringBytes;
    }

    /** The smallest power of two whose eighth carries a batch as one message: agrona-ring's ring (4 KiB at least), aeron-ipc's term (64 KiB). */
    static long carrying(String method, int size, int batch) {
        long eightMessages = 8 * BatchMessage.bytes(size, batch), least = Long.highestOneBit(eightMessages - 1) << 1;
        return Math.max(method.equals("aeron-ipc") ? LogBufferDescriptor.TERM_MIN_LENGTH : MIN_RING, least);
    }

    /** The largest batch a method carries in one message: an eighth of Agrona's largest ring here (1 GiB), Aeron's largest message. */
    static long largestMessage(String method) {
        return method.equals("aeron-ipc") ? FrameDescriptor.MAX_MESSAGE_LENGTH : MAX_RING / 8;
    }

    /** What helps when the method's files do not fit: the option that makes them smaller. */
    String smallerFiles(String method) {
        return switch (method) {
            case "shm-ring", "zmq-shm", "agrona-ring", "aeron-ipc" -> ring != null ? "a smaller --ring or --size" : "a smaller --size or --batch";
            case "chronicle" -> (count != null || quick ? "a smaller -n or --size" : "a smaller --size or --batch") + ", -m without chronicle";
            default -> "a smaller --size or --batch";
        };
    }

    /** What the method keeps in the suite folder, for a line saying it does not fit. */
    static String filesOf(String method, int size, int batch, long ringBytes) {
        return method + (switch (method) {
            case "shm-event" -> "'s slot";
            case "shm-ring" -> "'s ring of " + Units.size(ringBytes);
            case "agrona-ring" -> "'s ring of " + Units.size(ringOf(method, ringBytes, size, batch));
            case "aeron-ipc" -> "'s driver files and log (three terms of " + Units.size(ringOf(method, ringBytes, size, batch)) + ")";
            case "zmq-shm" -> "'s slots";
            case "chronicle" -> "'s queue";
            default -> "'s files";
        }) + " at " + Units.size(size);
    }

    /**
     * Before the first run: each method at each size must fit in the space free in the suite folder, its ring halved
     * to fit where the default was left, chronicle's runs cut to fit where their length was left to the warm-up (runs
     * of -n arrays must fit whole). Methods run one after another, so each alone. Otherwise one line: the free space,
     * the need and what helps.
     */
    void checkSpace(Plan plan) throws RunFailure {
        long free = SuiteFolder.freeBytes();
        for (int s : plan.sizes)
            for (Method m : plan.methods) {
                if (plan.leftOut(m, s)) continue;
                long ringBytes = fitRing(m.name(), plan.ringBytes, ring != null, s, batch, free);
                long need = sessionBytes(m.name(), s, batch, ringBytes);
                if (m.name().equals("chronicle")) need += chronicleRunBytes(plan.count != null ? plan.count : batch, s, batch);
                SuiteFolder.requireSpace(filesOf(m.name(), s, batch, ringBytes), need, smallerFiles(m.name()));
            }
    }

    /** The first warm-up run's length without -n: up to 1000 arrays and 64 MiB; later ones double until a run lasts 50 ms. */
    static long firstWarmupCount(int size, int batch, long cap) {
        return Math.min(cap, Math.max(batch, Math.min(1000, (64L << 20) / size)));
    }

    /** Checks every option before anything is started or written: bad input leaves nothing behind. */
    Plan plan() {
        CommandLine cl = spec.commandLine();
        if (count != null && count < 1) throw bad(cl, "--count", count, "must be at least 1");
        if (batch < 1) throw bad(cl, "--batch", batch, "must be at least 1");
        if (warmup < 0) throw bad(cl, "--warmup", warmup, "must be 0 or more");
        if (semSpins < 0) throw bad(cl, "--sem-spin", semSpins, "must be 0 or more");
        if (timeout.isZero()) throw bad(cl, "--timeout", given("--timeout", timeout), "must be positive");
        if (duration != null && duration.isZero()) throw bad(cl, "--duration", "0s", "must be positive");
        if (rate != null && !(rate > 0)) throw bad(cl, "--rate", given("--rate", rate), "must be a positive number of arrays per second");
        if ((size != null ? 1 : 0) + (sizes != null ? 1 : 0) + (elements != null ? 1 : 0) > 1)
            throw new ParameterException(cl, "Options '--size', '--sizes' and '--elements' exclude each other: give one");
        List<Integer> chosenSizes;
        if (elements != null) {
            long bytes = (long) elements * dtype.width;
            if (bytes < MIN_SIZE || bytes > MAX_SIZE)
                throw bad(cl, "--elements", elements, "arrays of " + dtype + " must be from 8 B to 64 MiB, so from "
                        + Math.max(1, MIN_SIZE / dtype.width) + " to " + MAX_SIZE / dtype.width + " elements");
            chosenSizes = List.of((int) bytes);
        } else {
            chosenSizes = size != null ? List.of(size) : sizes != null ? sizes : List.of(1024 * dtype.width);
            String option = size != null ? "--size" : "--sizes";
            for (int s : chosenSizes)
                if (s % dtype.width != 0) throw bad(cl, option, size != null ? given("--size", s) : s, "not a whole number of " + dtype + " elements of " + dtype.width + " bytes");
        }
        List<Method> chosen = chooseMethods(cl, METHODS, methods);
        // hugetlbfs takes mappings only, no write(2): Aeron's driver writes its files.
        if (SuiteFolder.fsType().equals("hugetlbfs") && chosen.stream().anyMatch(m -> m.name().equals("aeron-ipc"))) {
            String why = "aeron-ipc's media driver writes its files with write(2), which hugetlbfs (--shm-dir " + SuiteFolder.base() + ") refuses; give a tmpfs for it";
            if (methods != null) throw bad(cl, "--methods", String.join(",", methods), why);
            chosen = chosen.stream().filter(m -> !m.name().equals("aeron-ipc")).toList();
            leftOut.add("aeron-ipc: its " + why.substring("aeron-ipc's ".length()));
        }
        long largestBatch = (long) batch * Records.bytes(Collections.max(chosenSizes));
        long ringBytes;
        if (ring != null) {
            ringBytes = ring & ~63L;
            if (ringBytes < largestBatch)
                throw bad(cl, "--ring", given("--ring", ring), "a batch of " + batch + " x " + Units.size(Collections.max(chosenSizes))
                        + " arrays takes " + Units.size(largestBatch) + " with headers; give a larger --ring or a smaller --size");
        } else {
            ringBytes = Math.max(4L << 20, ((2L * largestBatch + (1 << 20) - 1) >> 20) << 20);
            if (ringBytes > MAX_RING) throw bad(cl, "--batch", batch, "batches of " + Units.size(largestBatch) + " are too large for a ring of at most 1 GiB");
        }
        Set<String> skip = carriable(cl, chosen, chosenSizes, ringBytes);
        Results.checkOut(cl, out);
        if (stallAt < 0) throw bad(cl, "--stall-at", stallAt, "must be 0 (none) or an array's sequence number");
        return new Plan(chosen, chosenSizes, count != null ? Integer.valueOf(count) : quick ? Integer.valueOf(200) : null,
                quick ? new Runs(1, false) : runs, ringBytes, quick ? Duration.ZERO : RunLength.WARMUP, skip);
    }

    /**
     * agrona-ring and aeron-ipc carry a batch as one message, at most an eighth of their ring (term): a given --ring too small
     * for it is bad input, a default one is sized up (ringOf). A batch larger than the method can carry at all (largestMessage)
     * is bad input where the user named the method, else the method is left out at that size and the summary says so.
     * Returns the "method at size" left out.
     */
    Set<String> carriable(CommandLine cl, List<Method> chosen, List<Integer> chosenSizes, long ringBytes) {
        Set<String> skip = new LinkedHashSet<>();
        for (Method m : chosen) {
            if (!CARRIERS.contains(m.name())) continue;
            String ringName = m.name().equals("aeron-ipc") ? "term" : "ring";
            for (int s : chosenSizes) {
                long message = BatchMessage.bytes(s, batch), largest = largestMessage(m.name());
                String batchText = "a batch of " + batch + " x " + Units.size(s) + " arrays is one message of " + Units.size(message) + " with their headers";
                if (message > largest) {
                    String why = m.name() + " carries at most " + Units.size(largest) + " in one message ("
                            + (m.name().equals("aeron-ipc") ? "Aeron's largest" : "an eighth of its largest ring, 1 GiB") + "); " + batchText;
                    if (methods != null) {
                        String option = batch > 1 ? "--batch" : elements != null ? "--elements" : size != null ? "--size" : "--sizes";
                        Object value = batch > 1 ? batch : elements != null ? elements : size != null ? given("--size", s) : s;
                        throw bad(cl, option, value, why + "; a smaller --size or --batch, or -m without " + m.name());
                    }
                    skip.add(m.name() + " at " + Units.size(s));
                    leftOut.add(m.name() + " at " + Units.size(s) + ": it " + why.substring(m.name().length() + 1));
                } else if (ring != null && ringOf(m.name(), ringBytes, s, batch) > Long.highestOneBit(ringBytes)) {
                    long pow2 = Long.highestOneBit(ringBytes);
                    throw bad(cl, "--ring", given("--ring", ring), m.name() + "'s " + ringName + " is the power of two at or below --ring, "
                            + Units.size(pow2) + (pow2 < carrying(m.name(), MIN_SIZE, 1) ? " (at least " + Units.size(carrying(m.name(), MIN_SIZE, 1)) + ")" : "")
                            + ", and its largest message an eighth of that; " + batchText + ": give a --ring of " + Units.size(carrying(m.name(), s, batch)) + " or more");
                }
            }
        }
        return skip;
    }

    /** The value as the user typed it (64Ki rather than 65536), for error messages. */
    String given(String option, Object parsed) {
        var matched = spec.commandLine().getParseResult().matchedOption(option);
        return matched == null ? String.valueOf(parsed) : matched.stringValues().get(matched.stringValues().size() - 1);
    }

    static ParameterException bad(CommandLine cl, String option, Object value, String why) {
        return new ParameterException(cl, "Invalid value for option '" + option + "': '" + value + "' (" + why + ")");
    }

    /**
     * The machine's limit for a method that copies each array once: this JVM, one thread, copying the
     * same arrays (stamped, in rotation) into direct memory of the ring's size, as shm-ring's producer
     * does. A reference, not a method between processes: kind=reference, never ranked. Warm-up as the
     * methods' (at least --warmup runs and 1 s); each measured run lasts at least 1 s without -n (-d: that
     * long, 1 s at most; with -n: at least 0.1 s, in rounds of -n copies), so that the figure is a steady state.
     */
    void measureMemcpy(int size, Plan plan, Results results, List<Row> rows) throws RunFailure {
        Progress.show(LIMIT.name() + " " + Units.size(size));
        Payload payload = new Payload(dtype, size, seed, 0);
        ByteBuffer target = ByteBuffer.allocateDirect((int) plan.ringBytes);
        Records area = new Records(target, 0, (int) plan.ringBytes);
        int recordBytes = Records.bytes(size);
        long round = plan.count != null ? plan.count : firstWarmupCount(size, 1, Long.MAX_VALUE);
        long minNanos = duration != null ? Math.min(duration.toNanos(), RunLength.MEASURED.toNanos())
                : plan.count == null ? RunLength.MEASURED.toNanos() : 100_000_000L;
        long warmMin = warmup > 0 ? Math.min(minNanos, 100_000_000L) : 0, warmupEnds = System.nanoTime() + plan.warmupMinimum.toNanos();
        long seq = 0;
        List<Double> headlines = new ArrayList<>();
        for (int w = 1; warmup > 0 && (w <= warmup || System.nanoTime() - warmupEnds < 0); w++) {
            long start = System.nanoTime(), pos = 0;
            do {
                for (int i = 0; i < round; i++, seq++) pos += area.putBatch(pos, payload, seq + 1, 1, 0, 0);
            } while (System.nanoTime() - start < warmMin);
        }
        for (int run = 1; plan.runs.another(headlines); run++) {
            long cpuBefore = ProcessCpu.nanos();
            long copies = 0, pos = 0, start = System.nanoTime(), elapsed;
            do {
                for (int i = 0; i < round; i++, seq++) pos += area.putBatch(pos, payload, seq + 1, 1, 0, 0);
                copies += round;
            } while ((elapsed = System.nanoTime() - start) < minNanos);
            Map<String, Object> cpuFields = CpuMeter.fields(ProcessCpu.nanos() - cpuBefore, elapsed, copies);
            long lastPos = pos - recordBytes;
            Checker check = new Checker(payload, r -> { });
            check.nextSeq = seq;
            try {
                area.deliver(lastPos, check);
            } catch (IOException e) {
                throw new RunFailure(LIMIT.name() + ": " + e.getMessage());
            }
            Row row = Row.ofLimit(dtype, size, batch, run, elapsed / 1e9, copies, cpuFields, check.errors, check.firstError);
            results.write(row.fields, row.hist);
            rows.add(row);
            if (!row.verified) throw new RunFailure(LIMIT.name() + ": the copy does not match at " + Units.size(size) + ": " + row.firstError);
            headlines.add(row.rate);
        }
        Progress.clear();
    }

    void runMethod(Method m, int size, Plan plan, Results results, List<Row> rows) throws RunFailure {
        Cap cap = countCap(m, size, batch);
        try (Session session = Session.start(m, this, size, plan, cap.arrays)) {
            // Warm-up runs are runs thrown away, so that the JIT compiles the very paths that are then timed: at least
            // --warmup of them and at least 1 s (RunLength.WARMUP), in this session, whose consumer then serves every
            // measured run. Without -n or -d they start at up to 1000 arrays and double until one lasts 50 ms; the
            // rate of the later half of them gives the measured runs' count.
            long warmupEnds = System.nanoTime() + plan.warmupMinimum.toNanos(), warmArrays = plan.count != null ? plan.count
                    : duration != null ? batch : firstWarmupCount(size, batch, cap.arrays);
            if (rate != null && plan.count == null) warmArrays = Math.max(batch, Math.min(warmArrays, (long) Math.ceil(rate * 0.05)));   // 50 ms at --rate
            List<long[]> warmRuns = new ArrayList<>();     // {arrays, window nanos} of each warm-up run
            for (int w = 1; warmup > 0 && (w <= warmup || System.nanoTime() - warmupEnds < 0); w++) {
                session.stage = Units.size(size) + " warm-up run " + w;
                Progress.show(m.name() + " " + session.stage);
                Session.Outcome warm = session.stream(warmArrays, duration, false, false);
                if (warm.report.errors > 0)
                    throw new RunFailure(m.name() + ": verification failed during the warm-up at " + Units.size(size) + ": " + warm.report.firstError);
                warmRuns.add(new long[]{warm.report.arrays, Math.round(warm.seconds * 1e9)});
                if (plan.count == null && duration == null && warm.seconds < 0.05) warmArrays = Math.min(cap.arrays, 2 * warmArrays);
            }
            long arraysPerRun;
            Duration minTime = duration;
            if (duration != null) arraysPerRun = batch;
            else if (plan.count != null) arraysPerRun = plan.count;
            else {
                // Without -n or -d: the count that lasts RunLength.MEASURED (1 s) at the warm-up's rate (-w 0: no rate, so
                // one batch), and, should the run go faster than the warm-up did (a VM's calm spell), at least 1 s by the clock.
                List<long[]> later = warmRuns.subList(warmRuns.size() / 2, warmRuns.size());
                arraysPerRun = warmRuns.isEmpty() ? batch
                        : RunLength.count(later.stream().mapToLong(r -> r[0]).sum(), later.stream().mapToLong(r -> r[1]).sum(), FLOOR_COUNT, cap.arrays);
                minTime = RunLength.MEASURED;
            }
            List<Double> headlines = new ArrayList<>();
            for (int run = 1; plan.runs.another(headlines); run++) {
                session.stage = Units.size(size) + " run " + run + (plan.runs.auto() ? " (auto)" : "/" + plan.runs.count());
                Progress.show(m.name() + " " + session.stage);
                Session.Outcome o = session.stream(arraysPerRun, minTime, duration != null ? Long.MAX_VALUE : Math.max(cap.arrays, arraysPerRun), false, true);
                Progress.clear();
                Histogram h;
                try {
                    h = o.report.decodeHistogram();
                } catch (IOException e) {
                    throw session.failure(e);
                }
                String note = session.note;
                if (o.cut && cap.why != null) {
                    String cut = "runs cut to " + whole(o.report.arrays) + " arrays, short of their time: " + cap.why;
                    note += "; " + cut;
                    fitted.add(m.name() + " at " + Units.size(size) + ": " + cut);
                }
                Row row = m.reference() ? Row.ofReference(m, m.waits(this), note, dtype, size, batch, run, o.seconds, o.report.arrays, o.cpu,
                        o.report.errors, o.report.firstError)
                        : Row.of(m.name(), m.waits(this), note, dtype, size, batch, run, o.seconds, h, o.report.arrays, o.cpu,
                        o.report.errors, o.report.firstError);
                results.write(row.fields, row.hist);
                rows.add(row);
                if (!row.verified) throw new RunFailure(m.name() + ": verification failed at " + Units.size(size) + ": " + row.firstError);
                headlines.add(row.rate);    // the headline figure of --runs auto: arrays/s
            }
            // One batch more, not measured, tells the consumer that the session is over (with --runs auto, which run is
            // the last is known only after it).
            session.stage = "ending the session";
            Session.Outcome end = session.stream(batch, null, true, false);
            if (end.report.errors > 0) throw new RunFailure(m.name() + ": verification failed at the session's end: " + end.report.firstError);
            session.awaitConsumerExit();
        }
    }

    /** A running consumer and the producer's end of the method, from start to clean-up. */
    static final class Session implements AutoCloseable {
        static final Set<Session> LIVE = Collections.synchronizedSet(new HashSet<>());
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                SHUTTING_DOWN.set(true);
                List.copyOf(LIVE).forEach(s -> s.end(false));
            }));
        }

        final Method method;
        final Path runDir;
        final Abort abort = new Abort();
        final AtomicLong progress = new AtomicLong();
        final Duration timeout;
        final String note;
        final int size, batch;
        final Double rate;
        /** chronicle: the most arrays of any run, warm-up ones too, so that its queue fits (countCap); 0 for methods whose files do not grow. */
        final long queueCap;
        Transport transport;
        Child child;
        Thread watchdog;
        volatile String stage = "starting the consumer";
        volatile boolean failureReported, ending, stalled, started;
        long seq;

        private Session(Method method, Path runDir, ShmBench o, int size, String note, long queueCap) {
            this.method = method;
            this.runDir = runDir;
            this.timeout = o.timeout;
            this.size = size;
            this.batch = o.batch;
            this.rate = o.rate;
            this.note = note;
            this.queueCap = queueCap;
        }

        /**
         * Opens the producer's end and starts the consumer, once the session's files fit in the space free now (the
         * default ring halved to fit: fitRing); queueCap: the most arrays of a chronicle run (countCap).
         */
        static Session start(Method m, ShmBench o, int size, Plan plan, long queueCap) throws RunFailure {
            long free = SuiteFolder.freeBytes(), ring = plan.ringBytes, ringBytes = ring;
            String note = m.note(o, ringBytes, size), files = m.files();
            if (files.equals("shm-ring") || files.equals("zmq-shm") || CARRIERS.contains(files)) {
                ring = fitRing(files, plan.ringBytes, o.ring != null, size, o.batch, free);
                ringBytes = ringOf(files, ring, size, o.batch);
                long full = ringOf(files, plan.ringBytes, size, o.batch);
                note = m.note(o, ringBytes, size);
                String ringName = m.name().equals("aeron-ipc") ? "term" : "ring";
                if (CARRIERS.contains(m.name()) && full > Long.highestOneBit(plan.ringBytes))
                    note += "; the " + ringName + " sized up from the power of two at or below the default --ring (" + Units.size(Long.highestOneBit(plan.ringBytes))
                            + ") so that an eighth of it carries a batch (" + Units.size(BatchMessage.bytes(size, o.batch)) + " with headers)";
                if (ringBytes < full) {
                    String shrunk = "a " + ringName + " of " + Units.size(ringBytes) + ", not the default " + Units.size(full) + ", to fit the "
                            + Units.size(free) + " free in " + SuiteFolder.base() + " (" + SuiteFolder.fsType() + ")";
                    note += "; " + shrunk;
                    o.fitted.add(m.name() + " at " + Units.size(size) + ": " + shrunk);
                }
            }
            SuiteFolder.requireSpace(filesOf(files, size, o.batch, ring), sessionBytes(files, size, o.batch, ring), o.smallerFiles(files));
            String runId = SuiteFolder.newRunId();
            Session s;
            try {
                s = new Session(m, SuiteFolder.createRunDir(runId), o, size, note, m.name().equals("chronicle") ? queueCap : 0);
            } catch (IOException e) {
                throw new RunFailure("cannot create the run folder in " + SuiteFolder.root() + ": " + e.getMessage());
            }
            LIVE.add(s);
            try {
                s.stage = "opening its files";
                Payload payload = new Payload(o.dtype, size, o.seed, o.corrupt);
                Context ctx = new Context(true, s.runDir, runId, size, o.batch, ringBytes, o.waitOf(m.name()), o.semSpins, payload, s.abort, o.driverIdle());
                s.transport = m.factory().open(ctx, null);
                s.stage = "starting the consumer";
                s.launch(new ChildConfig(m.name(), o.dtype, size, o.batch, s.runDir.toString(), runId, s.transport.endpoint(),
                        ringBytes, o.waitOf(m.name()), o.semSpins, o.seed, ProcessHandle.current().pid(), o.stallAt));
                s.transport.awaitPeer(s.child);
                s.started = true;
                return s;
            } catch (Exception e) {
                RunFailure f = s.failure(e);
                s.close();
                throw f;
            }
        }

        /** Starts the consumer (this program again, with its configuration on stdin) and its watchdog; waits for its "ready". */
        void launch(ChildConfig config) throws IOException {
            child = Child.start("the consumer", ShmBench.class, List.of("--role=consumer"), config);
            watchdog = daemon("watchdog", this::watch);
            child.awaitReady();
        }

        /**
         * How long the consumer may take to start (a JVM, its libraries) before it is taken for hung: --timeout, but at
         * least this, so that a short --timeout on a busy machine judges the runs, not the JVM's start.
         */
        static final Duration START = Duration.ofSeconds(30);

        Duration limit() { return started || START.compareTo(timeout) <= 0 ? timeout : START; }

        /** Watches the consumer: dead, or no progress for the timeout (START at least until it has started), aborts the run. */
        private void watch() {
            long last = -1, since = System.nanoTime();
            boolean sawStart = false;
            try {
                while (abort.reason == null) {
                    Thread.sleep(50);
                    long now = System.nanoTime(), p = progress.get();
                    if (started && !sawStart) {     // its start, however long, is not silence in a run
                        sawStart = true;
                        since = now;
                    }
                    if (!child.process.isAlive()) {
                        if (ending) return;      // it exits by itself after the last run
                        abort.reason = "the consumer exited";
                    }
                    else if (p != last) { last = p; since = now; }
                    else if (now - since > limit().toNanos()) {
                        // Alive but silent (stopped with SIGSTOP, or hung): the main thread may be blocked on it anywhere; killing it
                        // ends every wait (pipes close, waits that spin or sleep in slices see the abort).
                        stalled = true;
                        abort.reason = "the consumer (pid " + child.process.pid() + ") made no progress for " + Units.duration(limit())
                                + " (stopped, or hung), so it was killed";
                        child.process.destroyForcibly();
                    }
                }
                // Waits that spin or sleep in slices see the abort, pipes see the peer's end; should the
                // main thread be stuck elsewhere, the run ends here instead.
                Thread.sleep(2000);
                if (!failureReported) {
                    reportFailure(failure(null).getMessage());
                    System.exit(1);
                }
            } catch (InterruptedException e) {
                // the session closed normally
            }
        }

        /**
         * A run's report, its window (first send to last verified receipt), for a measured run CpuMeter's two fields, and
         * whether it was cut: stopped at its most arrays (maxArrays, or the session's queueCap) before its time was up.
         */
        record Outcome(RunReport report, double seconds, Map<String, Object> cpu, boolean cut) {}

        /**
         * One run: at least minArrays arrays and, when minTime is given, until that much time has passed;
         * then the consumer's report. The last array of the session tells the consumer to exit. With --rate, batches leave at fixed times (open loop) and carry
         * their due time, so that a late send shows up as latency rather than as a gap.
         */
        Outcome stream(long minArrays, Duration minTime, boolean endOfSession, boolean measured) throws RunFailure {
            return stream(minArrays, minTime, Long.MAX_VALUE, endOfSession, measured);
        }

        /**
         * A run as above that ends at maxArrays (arrays, rounded up to a whole batch) even before minTime. Chronicle's
         * runs end at queueCap too; its queue, which grows as the run goes, must fit in the space free before the run
         * starts, and is checked again every SPACE_CHECK_BYTES it grows (another program may fill the file system meanwhile).
         */
        Outcome stream(long minArrays, Duration minTime, long maxArrays, boolean endOfSession, boolean measured) throws RunFailure {
            if (queueCap > 0) maxArrays = Math.min(maxArrays, Math.max(queueCap, minArrays));
            long most = minTime == null ? minArrays : (maxArrays == Long.MAX_VALUE ? Long.MAX_VALUE : (maxArrays + batch - 1) / batch * batch);
            if (queueCap > 0) awaitQueueSpace(most);
            // CPU cost (README "How figures are defined"): the producer's CPU from just before the first send to the consumer's
            // "done", plus the consumer's from its first array to its last verified receipt (ProcessCpu: CpuMeter's ticks are 10 ms).
            long cpuBefore = measured ? ProcessCpu.nanos() : 0;
            // The window starts at the first send (README "How figures are defined": throughput).
            long sent = 0, start = System.nanoTime();
            Long until = minTime == null ? null : start + minTime.toNanos();
            double interval = rate == null ? 0 : batch * 1e9 / rate;
            long checkedAt = 0, arrayBytes = 24L + Records.bytes(size);
            boolean cut = false;
            try {
                for (long b = 0; ; b++) {
                    abort.check();      // a method that never waits for the consumer (chronicle) would not notice its death
                    if (queueCap > 0 && (sent - checkedAt) * arrayBytes >= SPACE_CHECK_BYTES) {
                        checkedAt = sent;
                        checkQueueSpace(most - sent);
                    }
                    long now = System.nanoTime();
                    int n = until == null ? (int) Math.min(batch, minArrays - sent) : batch;
                    boolean last = sent + n >= minArrays && (until == null || now - until >= 0) || sent + n >= maxArrays;
                    cut = last && until != null && now - until < 0;
                    // One-way latency counts from the time the batch is due (README "How figures are defined"): stamped here,
                    // before send() waits for ring room, a free slot, the chronicle window, the pipe or a semaphore.
                    long stamp = now;
                    if (rate != null) {
                        stamp = start + (long) (b * interval);
                        // Yield rather than spin: a method's own threads (JeroMQ's I/O threads) may need this core meanwhile.
                        while (System.nanoTime() - stamp < 0) Thread.yield();
                    }
                    if (last && endOfSession) ending = true;
                    transport.send(seq + 1, n, stamp, !last ? 0 : endOfSession ? LAST_OF_RUN | END : LAST_OF_RUN);
                    seq += n;
                    sent += n;
                    progress.lazySet(seq);
                    if (last) break;
                }
                // The consumer says "done" as soon as it has checked the last array, then encodes its histogram and
                // reports: the CPU meter stops at "done", the window ends at the report's lastNanos (its last verified receipt).
                String done = awaitLine();
                if (!done.equals("done")) throw new IOException("the consumer said '" + done + "' instead of 'done'");
                long producerCpu = measured ? ProcessCpu.nanos() - cpuBefore : 0, doneSeen = System.nanoTime();
                String line = awaitLine();
                progress.incrementAndGet();
                RunReport report = JSON.readValue(line, RunReport.class);
                if (report.arrays != sent && report.errors == 0)
                    report = new RunReport(report.run, report.arrays, 1, "the consumer saw " + report.arrays + " arrays of " + sent, report.lastNanos,
                            report.cpuNanos, report.histogram);
                // Throughput = arrays / (last verified receipt - first send) (README "How figures are defined").
                return new Outcome(report, (report.lastNanos - start) / 1e9,
                        measured ? CpuMeter.fields(producerCpu + report.cpuNanos, doneSeen - start, sent) : null, cut);
            } catch (Exception e) {
                throw failure(e);
            } catch (InternalError e) {
                // A SIGBUS on a page of a mapped file (the checks above leave another program filling the file system
                // between two of them): one line, and the session's clean-up, as for any failure.
                throw failure(new IOException(oneLine(e)));
            }
        }

        /** How much chronicle's queue may grow between two checks of the space free: a statfs per MiB costs nothing measurable. */
        static final long SPACE_CHECK_BYTES = 1 << 20;

        /**
         * Before a chronicle run of at most `arrays`: its queue must fit in the space free now. The previous run's queue,
         * removed by the consumer before it reported, may still be in the middle of being unmapped: up to a second for that.
         */
        private void awaitQueueSpace(long arrays) throws RunFailure {
            long need = chronicleRunBytes(arrays, size, batch), until = System.nanoTime() + 1_000_000_000L;
            while (SuiteFolder.freeBytes() < need && System.nanoTime() - until < 0) ShmBench.sleep(20);
            try {
                SuiteFolder.requireSpace("chronicle's queue for a run of " + whole(arrays) + " arrays of " + Units.size(size), need,
                        "a smaller -n or --size");
            } catch (RunFailure f) {
                throw failure(f);
            }
        }

        /** While a chronicle run writes: the rest of its queue must still fit, else one line now rather than a SIGBUS later. */
        private void checkQueueSpace(long arraysLeft) throws IOException {
            long need = chronicleRunBytes(arraysLeft, size, batch) - CHRONICLE_OVERHEAD, free = SuiteFolder.freeBytes();
            if (free < need)
                throw new IOException(SuiteFolder.noSpace("the rest of this run's chronicle queue (" + whole(arraysLeft) + " arrays)", need, free)
                        + ": something else is filling it; a smaller -n, or --shm-dir DIR on a bigger file system (Docker: --shm-size=1g)");
        }

        /**
         * The consumer's next line, waiting spinning, not blocked: a blocked thread lets its vCPU halt, and on a VM
         * waking it again delays the next run by up to milliseconds (the ring's 1000-array runs were 2x slower).
         */
        private String awaitLine() throws IOException {
            while (child.stdout.available() == 0) {
                boolean dead = !child.process.isAlive();      // read before the stream: a report written just before exiting still counts
                if (dead && child.stdout.available() == 0) throw new EOFException("the consumer exited before its report");
                Thread.onSpinWait();
                abort.check();
            }
            return child.receiveLine();
        }

        void awaitConsumerExit() throws RunFailure {
            stage = "waiting for the consumer to exit";
            try {
                if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new IOException("the consumer did not exit");
                if (child.process.exitValue() != 0) throw new IOException("the consumer ended with exit code " + child.process.exitValue());
            } catch (Exception e) {
                throw failure(e);
            }
        }

        /** Explains a failure, quoting the consumer's exit and its stderr when it is gone. */
        RunFailure failure(Exception e) {
            failureReported = true;
            try { if (child != null) child.process.waitFor(2, TimeUnit.SECONDS); } catch (InterruptedException ignored) { }
            StringBuilder msg = new StringBuilder(method.name() + ", " + stage + (seq > 0 ? ", array " + seq : "") + ": ");
            if (stalled) {
                String tail = child.stderrTail();
                msg.append(abort.reason).append(tail.isEmpty() ? "" : "; its stderr: " + tail);
            } else if (child != null && !child.process.isAlive() && child.process.exitValue() != 0) {
                msg.append(child.endText());
            } else {
                msg.append(e == null ? abort.reason : String.valueOf(e.getMessage()));
            }
            return new RunFailure(msg.toString());
        }

        public void close() { end(true); }

        /**
         * Stops the consumer and removes the run's files and semaphores. The shutdown hook (Ctrl-C, or the
         * watchdog's exit) passes false: the main thread may still be inside the transport, and closing a
         * semaphore or a mapping under it would crash the JVM; the process is ending anyway.
         */
        void end(boolean closeTransport) {
            if (!LIVE.remove(this)) return;
            if (watchdog != null) watchdog.interrupt();
            if (child != null) child.stop();
            if (transport != null && closeTransport) transport.close();
            SuiteFolder.delete(runDir);
        }
    }

    // ---------------------------------------------------------------- the child

    record ChildConfig(String method, Dtype dtype, int size, int batch, String runDir, String runId, String endpoint,
                       long ringBytes, WaitMode waitMode, int semSpins, long seed, long parentPid, long stallAt) {}

    /** The consumer: reads its configuration from stdin, opens its end, says "ready", checks arrays and reports each run. */
    static final class ChildRole {
        static int run() throws Exception {
            PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
            System.setOut(System.err);     // stdout speaks to the producer: whatever a library prints goes to stderr
            ChildConfig cfg = Child.readConfig(ChildConfig.class);
            Path runDir = Path.of(cfg.runDir);
            // It never outlives its producer, and removes what a dead producer left.
            Child.watchParent(cfg.parentPid, () -> SuiteFolder.delete(runDir));
            Payload expected = new Payload(cfg.dtype, cfg.size, cfg.seed, 0);
            Context ctx = new Context(false, runDir, cfg.runId, cfg.size, cfg.batch, cfg.ringBytes, cfg.waitMode,
                    cfg.semSpins, expected, new Abort());
            Method method = Stream.concat(METHODS.stream(), Stream.of(RAW_RING)).filter(m -> m.name().equals(cfg.method)).findFirst()
                    .orElseThrow(() -> new IOException("no method " + cfg.method));
            List<RunReport> finished = new ArrayList<>();
            // "done" as soon as a run's last array is checked (the producer stops its CPU meter), the report after it.
            LongConsumer done = end -> stdout.println("done");
            Checker checker = method == RAW_RING ? new RawReader(expected, done, finished::add) : new Checker(expected, done, finished::add);
            checker.stallAt = cfg.stallAt;
            try (Transport transport = method.factory().open(ctx, cfg.endpoint)) {
                stdout.println("ready");
                while (!checker.ended) {
                    transport.receive(checker);
                    // Reported once receive() is done: a transport may get ready for the next run first.
                    for (RunReport report : finished) stdout.println(JSON.writeValueAsString(report));
                    finished.clear();
                }
            } catch (IOException | RuntimeException e) {
                // The session is over either way, so its files go now: a killed producer (whose pipe closing may be
                // what we saw, a moment before it is gone) removes nothing; a live one removes them too, and reports e.
                SuiteFolder.delete(runDir);
                if (alive(cfg.parentPid)) throw e;
                return 3;
            }
            return 0;
        }
    }

    // ---------------------------------------------------------------- results

    /** One measured configuration, in the suite's schema (README.md, "Results files"). */
    static final class Row {
        final Map<String, Object> fields = new LinkedHashMap<>();
        boolean verified, reference;
        String firstError, method, wait;
        int size;
        double rate, mbps, seconds, p50, p99, p999, cpuCores, cpuPerArray;
        Histogram hist;

        /** A method's row; cpu: CpuMeter's fields for the run (producer and consumer). */
        static Row of(String method, String wait, String note, Dtype dtype, int size, int batch, int run, double seconds,
                      Histogram h, long arrays, Map<String, Object> cpu, long errors, String firstError) {
            Row r = common(method, Results.KIND_METHOD, wait, dtype, size, batch, run, seconds, arrays, cpu, errors, firstError);
            r.hist = h;
            r.p50 = h.getValueAtPercentile(50) / 1e3;
            r.p99 = h.getValueAtPercentile(99) / 1e3;
            r.p999 = h.getValueAtPercentile(99.9) / 1e3;
            var f = r.fields;
            f.put("lat_kind", "one-way");
            f.put("lat_mean_us", round(h.getMean() / 1e3, 3));
            f.put("lat_p50_us", round(r.p50, 3));
            f.put("lat_p90_us", round(h.getValueAtPercentile(90) / 1e3, 3));
            f.put("lat_p99_us", round(r.p99, 3));
            f.put("lat_p999_us", round(r.p999, 3));
            f.put("lat_max_us", round(h.getMaxValue() / 1e3, 3));
            r.tail(errors, note + "; latency clock: System.nanoTime of both processes (" + LATENCY_CLOCK + ")");
            return r;
        }

        /** limit-memcpy's row; cpu: CpuMeter's fields (this process). */
        static Row ofLimit(Dtype dtype, int size, int batch, int run, double seconds, long copies, Map<String, Object> cpu, long errors, String firstError) {
            return ofReference(LIMIT, LIMIT.waits(), LIMIT.note(), dtype, size, batch, run, seconds, copies, cpu, errors, firstError);
        }

        /** A reference's row (kind=reference), never ranked, without latency; cpu: CpuMeter's fields. */
        static Row ofReference(Method ref, String wait, String note, Dtype dtype, int size, int batch, int run, double seconds, long arrays,
                               Map<String, Object> cpu, long errors, String firstError) {
            Row r = common(ref.name(), Results.KIND_REFERENCE, wait, dtype, size, batch, run, seconds, arrays, cpu, errors, firstError);
            r.p50 = r.p99 = r.p999 = Double.NaN;
            r.fields.put("lat_kind", "none");
            for (String k : List.of("lat_mean_us", "lat_p50_us", "lat_p90_us", "lat_p99_us", "lat_p999_us", "lat_max_us")) r.fields.put(k, null);
            r.tail(errors, note);
            return r;
        }

        private static Row common(String method, String kind, String wait, Dtype dtype, int size, int batch, int run, double seconds,
                                  long arrays, Map<String, Object> cpu, long errors, String firstError) {
            Row r = new Row();
            r.method = method; r.wait = wait; r.size = size;
            r.reference = kind.equals(Results.KIND_REFERENCE);
            r.verified = errors == 0;
            r.firstError = firstError;
            r.seconds = seconds;
            r.rate = arrays / seconds;      // throughput = arrays / window (README "How figures are defined")
            r.mbps = r.rate * size / 1e6;
            var f = r.fields;
            f.put("timestamp", Instant.now().toString());
            f.put("bench", BENCH);
            f.put("method", method);
            f.put("kind", kind);
            f.put("pattern", "stream");
            f.put("wait", wait);
            f.put("payload", dtype.name());
            f.put("size_bytes", size);
            f.put("count", arrays);
            f.put("batch", batch);
            f.put("peers", 1);
            f.put("run", run);
            f.put("seconds", round(seconds, 6));
            f.put("msgs_per_s", round(r.rate, 1));
            f.put("mb_per_s", round(r.mbps, 3));
            f.put("cpu_us_per_msg", cpu.get("cpu_us_per_msg"));
            f.put("cpu_cores", cpu.get("cpu_cores"));
            r.cpuPerArray = ((Number) cpu.get("cpu_us_per_msg")).doubleValue();
            r.cpuCores = ((Number) cpu.get("cpu_cores")).doubleValue();
            return r;
        }

        private void tail(long errors, String note) {
            fields.put("verified", verified);
            fields.put("errors", errors);
            fields.put("note", note);
        }
    }

    /** One-way latency compares two processes' System.nanoTime: on Linux both read CLOCK_MONOTONIC, one clock for the machine. */
    static final String LATENCY_CLOCK = System.getProperty("os.name").equals("Linux") ? "CLOCK_MONOTONIC, one clock for all processes"
            : "one clock for all processes only where the OS makes it so";

    // ---------------------------------------------------------------- the summary

    /**
     * Per size, each method's throughput (the median of the runs, with its 95% interval: Interval), its share
     * of limit-memcpy, its one-way latency, its CPU cost, and how it compares with the fastest method of the
     * same size and with queue, the built-in baseline. limit-memcpy is shown as a reference, never ranked.
     */
    void printSummary(List<Row> rows, Plan plan, boolean stoppedEarly) {
        if (rows.isEmpty()) return;
        System.out.printf("%nShmBench: %s arrays streamed to a second process, batch %d, %s%s%n",
                dtype, batch, plan.runs.auto() ? "runs until the 95% interval is within 5% (--runs auto)" : plan.runs.count() + " run(s) per cell",
                rate == null ? "; latency at full throughput (queueing included)" : "; sent at " + fmt(rate) + " arrays/s");
        System.out.println("One-way latency: the consumer's System.nanoTime at the verified receipt minus the time the array was due to be sent ("
                + LATENCY_CLOCK + ").");
        List<String[]> table = new ArrayList<>();
        table.add(new String[]{"size", "method", "wait", "count", "arrays/s [95% interval]", "MB/s", "of memcpy", "p50 µs", "p99 µs", "p99.9 µs",
                "cores", "cpu µs/array", "vs fastest", "vs queue"});
        List<String> notes = new ArrayList<>();
        Map<Integer, Map<String, List<Row>>> bySize = rows.stream().collect(Collectors.groupingBy(r -> r.size, TreeMap::new,
                Collectors.groupingBy(r -> r.method, LinkedHashMap::new, Collectors.toList())));
        double confidence = Double.NaN;
        boolean spreadMarked = false, overlapMarked = false;
        for (var bySizeEntry : bySize.entrySet()) {
            Map<String, Interval> rates = new LinkedHashMap<>();
            bySizeEntry.getValue().forEach((m, rs) -> rates.put(m, Interval.of(rs.stream().map(x -> x.rate).toList())));
            Interval limit = rates.get(LIMIT.name()), queue = rates.get("queue"), ring = rates.get("shm-ring"), raw = rates.get(RAW_RING.name());
            if (ring != null && raw != null)
                notes.add(String.format(Locale.ROOT, "Checks' cost at %s: shm-ring moves %.2fx the arrays/s of %s, the same ring with nothing checked "
                        + "(checking its sequence and every byte, and its latency, are what the difference pays for).", Units.size(bySizeEntry.getKey()), ring.median() / raw.median(), RAW_RING.name()));
            // The fastest METHOD: references (limit-memcpy) are shown but never ranked.
            String fastest = bySizeEntry.getValue().entrySet().stream().filter(e -> !e.getValue().get(0).reference)
                    .max(Comparator.comparingDouble(e -> rates.get(e.getKey()).median())).map(Map.Entry::getKey).orElse(null);
            String label = Units.size(bySizeEntry.getKey());
            for (var e : bySizeEntry.getValue().entrySet()) {
                List<Row> rs = e.getValue();
                Interval r = rates.get(e.getKey());
                boolean reference = rs.get(0).reference;
                if (r.runs() > 1 && Double.isNaN(confidence)) confidence = r.confidence();
                spreadMarked |= r.spread() > Interval.SPREAD_MARK;
                String vsFastest;
                if (reference) vsFastest = "(reference)";
                else if (fastest == null) vsFastest = "";
                else {
                    vsFastest = times(rates.get(fastest).median() / r.median());
                    if (!e.getKey().equals(fastest) && r.overlaps(rates.get(fastest))) {
                        vsFastest += " (≈)";
                        overlapMarked = true;
                    }
                }
                table.add(new String[]{label, e.getKey(), rs.get(0).wait, fmt(median(rs, x -> x.fields.get("count") instanceof Number n ? n.doubleValue() : Double.NaN)),
                        r.text(), fmt(median(rs, x -> x.mbps)), limit == null ? "" : String.format("%.0f%%", 100 * r.median() / limit.median()),
                        fmt(median(rs, x -> x.p50)), fmt(median(rs, x -> x.p99)), fmt(median(rs, x -> x.p999)),
                        fmt(median(rs, x -> x.cpuCores)), fmt(median(rs, x -> x.cpuPerArray)),
                        vsFastest, reference || queue == null ? "" : times(r.median() / queue.median())});
                rs.stream().filter(x -> !x.verified).findFirst().ifPresent(x -> notes.add("NOT VERIFIED: " + e.getKey() + " at " + Units.size(x.size) + ": " + x.firstError));
                label = "";
            }
        }
        int[] widths = new int[table.get(0).length];
        for (String[] line : table) for (int i = 0; i < line.length; i++) widths[i] = Math.max(widths[i], line[i].length());
        for (String[] line : table) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                boolean left = i < 3;       // size, method, wait; the figures are right-aligned
                text.append(i == 0 ? "" : "  ").append(String.format("%" + (left ? "-" : "") + widths[i] + "s", line[i]));
            }
            System.out.println(text.toString().stripTrailing());
        }
        notes.forEach(System.out::println);
        for (String f : fitted)
            System.out.println("Shrunk to fit: " + f + ". More room there (Docker: --shm-size=1g) or --shm-dir DIR on a bigger file system runs it in full.");
        for (String l : leftOut) System.out.println("Left out: " + l + ".");
        System.out.println("arrays/s: the median of the runs, each run's arrays over its window (first send to last verified receipt), and its "
                + (Double.isNaN(confidence) ? "95% interval (one run: none)"
                : confidence >= Interval.LEVEL ? "95% interval (order statistics of the runs)"
                : "interval from the runs' order statistics, here their range, which covers the median with only "
                  + String.format(Locale.ROOT, "%.0f%%", 100 * confidence) + " confidence (6 runs or more give 95%: -r 6, or --runs auto)") + ".");
        if (spreadMarked) System.out.println("~: the runs spread more than 10% (half their range over the median): a figure to take with care.");
        if (overlapMarked) System.out.println("(≈): its interval overlaps the fastest method's: not distinguishable from it with these runs.");
        System.out.println("cores: CPU time of the producer and the consumer in the window over its wall time (1 = one core busy throughout); "
                + "cpu µs/array: that CPU time per array (medians; limit-memcpy: this process).");
        System.out.println("vs fastest: times slower than the fastest method of the same size; limit-memcpy (one thread copying, not a method between "
                + "processes) and " + RAW_RING.name() + " (shm-ring checking nothing) are references, never ranked. vs queue: times faster than the built-in baseline.");
        System.out.println((stoppedEarly ? "Stopped early by the failure reported on stderr" : "All arrays verified: "
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
