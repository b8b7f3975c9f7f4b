///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Request/reply ping-pong of raw bytes between two processes: shared memory (spin, semaphores), ZeroMQ, Unix sockets, TCP, pipes, Chronicle Queue, Agrona rings, Aeron (ipc, udp)
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
//RUNTIME_OPTIONS --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED

/*
 * TransportBench: how long does one request/reply round trip of N bytes take between two processes?
 *
 * The parent (requester) sends a message of --size bytes, the child (responder) sends the whole
 * payload back, the parent checks every byte and the sequence number, and times the round trip.
 * From two prototypes: a Python benchmark of shared memory + POSIX semaphores against ZeroMQ REQ/REP
 * (100 B to 2 MB), and a Rust parent/child ping-pong bootstrapped over stdin with JSON in the hot path.
 *
 *   jbang TransportBench.java                          all methods, sizes 100,10k,500k,2M
 *   jbang TransportBench.java -m shm-spin,uds -s 64Ki  two methods, one size
 *   jbang TransportBench.java --duration 10s -s 100    round trips per second for 10 s
 *   jbang TransportBench.java --payload json           Jackson (de)serialization on both sides
 *   jbang TransportBench.java --list                   the methods, one line each
 *
 * Methods: shm-spin and shm-sem (a memory-mapped file in /dev/shm; busy-spin, or POSIX named
 * semaphores through JNA), zmq-tcp and zmq-ipc (JeroMQ REQ/REP), uds (Unix domain socket),
 * tcp (loopback, TCP_NODELAY), pipe (the child's stdin/stdout), chronicle (two Chronicle Queues), and the JVM world's
 * references: agrona-ring (two Agrona OneToOneRingBuffers on a mapped file) and aeron-ipc, aeron-udp (Aeron through a
 * media driver embedded in the requester, its directory in the run folder; docs/TransportBench.md says how it is run).
 * After shm-spin, the reference ref-shm-spin-raw: the same round trips with nothing checked, so that shm-spin's row shows
 * what its checks cost (kind=reference, never ranked).
 *
 * RTT is timed from encoding the request to the whole reply in the requester's own memory (the
 * shared-memory methods copy it out of the mapping, as a socket's read does; with --payload json,
 * parsed); checking the reply against what was sent happens after the clock stops, but inside the
 * round trips/s figure. With no -n/-d each (method, size) warms up for at least 1 s and each measured
 * run lasts at least about 1 s. Every row has its CPU cost (requester + responder). Results:
 * <out>/results.csv, results.jsonl, hgrm/*.hgrm.
 *
 * Files go to the run folder in /dev/shm/ipcbench-<uid> (--shm-dir DIR: DIR/ipcbench-<uid>). Chronicle's queues keep
 * every message, so they are fitted to the free space before each run (the script's own counts shrink, named in the
 * row's note and the summary; -n fails with one line) and watched as they grow; a responder silent for --timeout
 * (stopped, stuck) is killed and named.
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
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

@Command(name = "TransportBench", mixinStandardHelpOptions = true, version = "TransportBench 1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Request/reply round trips of raw bytes between two processes, every reply verified.",
                "Sizes accept 100, 10k, 2M (powers of 1000) and 64Ki, 1Mi (powers of 1024); from 8 B to 64 MiB."},
        footer = {"", "With no --count or --duration, each method and size warms up for at least 1 s (and at least --warmup round trips, "
                + "default " + TransportBench.AUTO_FLOOR + "), then every run measures as many round trips as the warm-up's rate fits in about 1 s "
                + "(at least " + TransportBench.AUTO_FLOOR + "; the row's count says how many). The runs of one method and size reuse the warmed-up processes. "
                + "--quick and --count: fixed counts, warm-up of --warmup or half the count. The default run takes about 3 to 3.5 minutes on 2 cores.",
                "Documentation: docs/TransportBench.md in the suite's repository."})
public class TransportBench implements Callable<Integer> {

    static final String BENCH = "TransportBench";
    static final int MIN_SIZE = 8, MAX_SIZE = 64 << 20;
    /** With no -n/-d: the fewest round trips of a warm-up and of a measured run, and the most of a measured run. */
    static final long AUTO_FLOOR = 100, AUTO_CAP = 20_000_000;
    /** With no -n/-d: a run that the machine slowed down (far below the warm-up's rate) stops after this long; its count says how many. */
    static final Duration AUTO_RUN_LIMIT = Duration.ofSeconds(10);
    /** The test-only --stall-reply: how long the responder pauses before that reply. */
    static final long STALL_MILLIS = 50;

    // ---------------------------------------------------------------- options

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Measured round trips per run, exactly (default: as many as fit in about 1 s, see below).")
    Integer count;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Payload bytes per message (one size).")
    Integer size;

    @Option(names = "--sizes", paramLabel = "LIST", split = ",", converter = SizeConverter.class,
            description = "Sizes to sweep (default: 100,10k,500k,2M).")
    List<Integer> sizes;

    @Option(names = {"-w", "--warmup"}, paramLabel = "N", description = "Warm-up round trips before each size, not counted: at least this many (default: at least 1 s and "
            + AUTO_FLOOR + " round trips; with --count or --quick, half the count).")
    Integer warmup;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class,
            description = "Run each configuration for this long (e.g. 10s, 500ms) instead of --count.")
    Duration duration;

    @Option(names = {"-m", "--methods"}, paramLabel = "LIST", split = ",", description = "Methods to run (default: all; see --list).")
    List<String> methods;

    @Option(names = "--list", description = "Print the methods, one line each, and exit.")
    boolean list;

    @Option(names = {"-r", "--runs"}, paramLabel = "N|auto", converter = RunsConverter.class, defaultValue = "3",
            description = "Measured runs of each configuration, in the same warmed-up processes (default: ${DEFAULT-VALUE}); the summary quotes the median "
                    + "and its 95% interval. auto: at least 6 and at most 10 runs, stopping once the 95% interval of the median RTT p50 "
                    + "is within ±5% of it.")
    Runs runs;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A small, fast configuration for smoke tests: every method and size, few round trips, one run.")
    boolean quick;

    @Option(names = "--payload", paramLabel = "KIND", defaultValue = "raw", description = "raw: bytes as they are; json: a message object (id, timestamp, payload) serialized with Jackson on both sides (default: ${DEFAULT-VALUE}).")
    PayloadKind payload;

    @Option(names = "--sem-spin", paramLabel = "N", defaultValue = "1000",
            description = "shm-sem: tries of sem_trywait before sleeping in sem_timedwait; 0 always sleeps (default: ${DEFAULT-VALUE}).")
    int semSpins;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up when the peer makes no progress for this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the random payload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shm-dir", paramLabel = "DIR",
            description = "Where the run's shared-memory files go (DIR/ipcbench-<uid>): a bigger tmpfs, or a hugetlbfs mount (default: /dev/shm, else the temp dir).")
    Path shmDir;

    @Option(names = "--cleanup", description = "Remove what killed runs left in the suite folder (owner process gone), then exit.")
    boolean cleanup;

    @Option(names = "--role", hidden = true, description = "Internal: 'responder' runs the child side.")
    String role;

    @Option(names = "--corrupt-reply", hidden = true, paramLabel = "N", description = "Testing: the responder flips one byte of its N-th reply.")
    long corruptReply;

    @Option(names = "--stall-reply", hidden = true, paramLabel = "N", description = "Testing: the responder pauses " + STALL_MILLIS + " ms before its N-th reply.")
    long stallReply;

    @Option(names = "--scribble-reply", hidden = true, description = "Testing: shm-spin and shm-sem overwrite the shared reply slot right after the requester copied the reply out.")
    boolean scribbleReply;

    @Spec CommandSpec spec;

    enum PayloadKind { raw, json }

    public static void main(String[] args) {
        System.exit(runCommand(new TransportBench(), args));
    }

    // ---------------------------------------------------------------- the methods

    /** One end of a request/reply transport. The requester opens it first, the responder finds it by endpoint(). */
    interface Transport extends AutoCloseable {
        /** Requester only: called once the responder said it is ready, with the endpoint it reported, if any. */
        default void awaitPeer(Child responder, String responderEndpoint) throws IOException {}
        /** Where the other side finds this end (a port, a path), or null when the run folder says it all. */
        default String endpoint() { return null; }
        /** Sends the frame between position and limit; an empty frame tells the responder to stop. */
        void send(ByteBuffer frame) throws IOException;
        /** Waits for the next frame; the returned view is valid until the next send or receive. */
        ByteBuffer receive() throws IOException;
        /** What the row's note adds for this end as opened (sizes chosen for the messages), or null. */
        default String detail() { return null; }
        /** Testing (--scribble-reply): overwrite the memory the peer wrote the last frame into, where that is shared. */
        default void scribbleShared() {}
        @Override void close();
    }

    /** Where a transport lives and how a waiting side learns that the run was aborted. */
    record Context(boolean requester, Path runDir, String runId, int capacity, int semSpins, Abort abort) {}

    interface TransportFactory { Transport open(Context ctx, String endpoint) throws IOException, RunFailure; }

    /**
     * What a method's files take in the suite folder's file system, for messages of a capacity: `fixed` bytes while
     * its processes run, and `perRoundTrip` more for every round trip (a queue that keeps every message).
     */
    record Footprint(String files, long fixed, long perRoundTrip) {
        static final Footprint NONE = new Footprint("", 0, 0);

        /** Bytes that n round trips need, with the fixed part and SPACE_MARGIN. */
        long need(long roundTrips) { return fixed + SPACE_MARGIN + roundTrips * perRoundTrip; }

        /** Round trips whose files still fit in the free space, keeping the fixed part and SPACE_MARGIN. */
        long fits(long freeBytes) {
            long room = freeBytes - fixed - SPACE_MARGIN;
            return room <= 0 ? 0 : room / perRoundTrip;
        }
    }

    /**
     * freshPerSize: a new pair of processes (and new files) for each size; else one pair serves every size.
     * footprint: what its files take for messages of a capacity.
     */
    record Method(MethodInfo info, TransportFactory factory, boolean freshPerSize, java.util.function.IntFunction<Footprint> footprint) implements Described {
        Method(MethodInfo info, TransportFactory factory) { this(info, factory, false, capacity -> Footprint.NONE); }

        Method(MethodInfo info, TransportFactory factory, java.util.function.IntFunction<Footprint> footprint) { this(info, factory, false, footprint); }
    }

    /** Room left free beside a run's planned files (semaphores, page rounding, other users of the file system). */
    static final long SPACE_MARGIN = 2L << 20;
    /**
     * Files that keep every message, shrunk to fit the free space: a warm-up of at least MIN_FIT_WARMUP round trips,
     * runs of at least MIN_FIT_RUN; where even that does not fit, the configuration is skipped.
     */
    static final long MIN_FIT_WARMUP = 2, MIN_FIT_RUN = 10;

    static final List<Method> METHODS = List.of(
            new Method(MethodInfo.named("shm-spin").waits("spin")
                    .summary("memory-mapped file in /dev/shm, both sides busy-spin on a sequence word"),
                    (ctx, ep) -> new ShmTransport(ctx, false), ShmTransport::footprint),
            new Method(MethodInfo.named("shm-sem").waits("spin-block")
                    .summary("the same memory, each side waits on a POSIX named semaphore (sem_post/sem_wait via JNA)")
                    .note("POSIX named semaphores via JNA; sem_trywait up to %d times, then sem_timedwait"),
                    (ctx, ep) -> new ShmTransport(ctx, true), ShmTransport::footprint),
            new Method(MethodInfo.named("zmq-tcp").waits("block")
                    .summary("JeroMQ REQ/REP over loopback TCP")
                    .note("JeroMQ REQ/REP on tcp://127.0.0.1"),
                    (ctx, ep) -> new ZmqTransport(ctx, ep, false)),
            new Method(MethodInfo.named("zmq-ipc").waits("block")
                    .summary("JeroMQ REQ/REP over ipc:// (which JeroMQ emulates with loopback TCP)")
                    .note("JeroMQ's ipc:// is TCP on 127.0.0.1 underneath (port hashed from the name)"),
                    (ctx, ep) -> new ZmqTransport(ctx, ep, true)),
            new Method(MethodInfo.named("uds").waits("block")
                    .summary("Unix domain stream socket (SocketChannel, JDK 16+)"),
                    (ctx, ep) -> new StreamTransport(ctx, ep, true)),
            new Method(MethodInfo.named("tcp").waits("block")
                    .summary("loopback TCP with TCP_NODELAY")
                    .note("TCP_NODELAY"),
                    (ctx, ep) -> new StreamTransport(ctx, ep, false)),
            new Method(MethodInfo.named("pipe").waits("block")
                    .summary("the child's stdin and stdout"),
                    (ctx, ep) -> ctx.requester ? new PipeTransport()
                            : new PipeTransport(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out))),
            new Method(MethodInfo.named("chronicle").waits("spin")
                    .summary("two Chronicle Queues (request, reply), tailers busy-polling")
                    .note("two Chronicle Queues in the suite folder, tailers polling"),
                    // A queue keeps every message until its files are removed: a new pair per size keeps /dev/shm's peak use to one size's.
                    (ctx, ep) -> new ChronicleTransport(ctx), true, ChronicleTransport::footprint),
            // Sized per message size (rings, terms), so each size gets a new pair: a small message then cycles through little memory.
            new Method(MethodInfo.named("agrona-ring").waits("spin")
                    .summary("two Agrona OneToOneRingBuffers (request, reply) on one memory-mapped file in /dev/shm, no driver")
                    .note("two Agrona OneToOneRingBuffers on one mapped file, busy-polled; the responder echoes from ring to ring"),
                    (ctx, ep) -> new AgronaRingTransport(ctx), true, AgronaRingTransport::footprint),
            new Method(MethodInfo.named("aeron-ipc").waits("spin")
                    .summary("Aeron aeron:ipc, a publication and a subscription each way, media driver embedded in the requester")
                    .note("Aeron aeron:ipc, exclusive publications, both sides busy-polling; " + AeronTransport.DRIVER_NOTE),
                    (ctx, ep) -> new AeronTransport(ctx, ep, false), true, capacity -> AeronTransport.footprint(capacity, false)),
            new Method(MethodInfo.named("aeron-udp").waits(AeronTransport.UDP_WAITS)
                    .summary("Aeron aeron:udp on loopback (the path between hosts), the same driver sending and receiving")
                    .note("Aeron aeron:udp on 127.0.0.1, exclusive publications, both sides polling" + (AeronTransport.SPARE_CORES ? "" : " and yielding when idle")
                            + "; " + AeronTransport.DRIVER_NOTE),
                    (ctx, ep) -> new AeronTransport(ctx, ep, true), true, capacity -> AeronTransport.footprint(capacity, true)));

    /**
     * The reference beside shm-spin, run right after it at every size: the same file, slots and copies between the same two
     * processes, each request built, each round trip timed and each reply read (--payload json: parsed) as shm-spin's, but
     * no reply checked (UncheckedChecker). What shm-spin keeps of it is what its checks cost.
     */
    static final Method RAW_SPIN = new Method(MethodInfo.named("ref-shm-spin-raw").waits("spin")
            .summary("(reference, run after shm-spin) shm-spin with no reply checked: the same requests, copies and RTT clock")
            .note("reference: shm-spin's round trips (requests built, replies copied out and read, RTT timed) with no reply checked"),
            (ctx, ep) -> new ShmTransport(ctx, false), ShmTransport::footprint);

    /** What --list shows and a responder may be asked to run: the methods, then the reference. */
    static final List<Method> LISTED = Stream.concat(METHODS.stream(), Stream.of(RAW_SPIN)).toList();

    static Method method(String name) {
        return LISTED.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    /** Set by the watchdog when the peer died or stalled; spinning loops check it now and then. */
    static final class Abort {
        volatile String reason;
        void check() throws IOException {
            if (reason != null) throw new IOException(reason);
        }
    }

    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /**
     * A file of the run folder that both sides map: created by the requester (owner-only) with every page written now, so
     * that a full file system is one line here, never a SIGBUS on a mapped page later; opened by the responder.
     */
    static FileChannel openShared(Context ctx, String name, long bytes) throws IOException, RunFailure {
        Path path = ctx.runDir.resolve(name);
        if (!ctx.requester) return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel file = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            SuiteFolder.allocate(file, path, bytes);
        } catch (RunFailure f) {
            file.close();
            throw f;
        }
        return file;
    }

    /**
     * Shared memory: a control line per direction (sequence word, frame length) and a data slot per
     * direction. The writer copies the frame, then publishes the sequence with release semantics; the
     * reader spins with acquire semantics, so the frame is complete once the sequence is seen.
     * With semaphores the reader spins a little on sem_trywait and then sleeps in sem_timedwait.
     */
    static final class ShmTransport implements Transport {
        static final int REQUEST_CTL = 0, REPLY_CTL = 128, DATA = 4096;
        final FileChannel file;
        final MappedByteBuffer map;
        final ByteBuffer view;
        final int sendCtl, receiveCtl, sendData, receiveData;
        final Abort abort;
        final Semaphores sems;
        final boolean requester;
        /** The requester's own copy of the reply, as a socket's read would leave it. */
        final byte[] own;
        final ByteBuffer ownView;
        long sent, received;

        static int slot(int capacity) { return (capacity + 4095) & ~4095; }

        /** The file: control lines and a slot per direction, all of it written before it is mapped. */
        static Footprint footprint(int capacity) {
            return new Footprint("shared-memory file", DATA + 2L * slot(capacity), 0);
        }

        /** The file's length: on hugetlbfs (--shm-dir), whole huge pages, the only lengths it takes. */
        static long fileBytes(Path dir, int capacity) {
            return SuiteFolder.mappedLength(dir, footprint(capacity).fixed());
        }

        ShmTransport(Context ctx, boolean semaphores) throws IOException, RunFailure {
            int slot = slot(ctx.capacity);
            long bytes = fileBytes(ctx.runDir, ctx.capacity);
            file = openShared(ctx, "shm", bytes);
            map = file.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            map.order(ByteOrder.nativeOrder());
            view = map.duplicate().order(ByteOrder.nativeOrder());
            sendCtl = ctx.requester ? REQUEST_CTL : REPLY_CTL;
            receiveCtl = ctx.requester ? REPLY_CTL : REQUEST_CTL;
            sendData = ctx.requester ? DATA : DATA + slot;
            receiveData = ctx.requester ? DATA + slot : DATA;
            abort = ctx.abort;
            requester = ctx.requester;
            own = new byte[requester ? ctx.capacity : 0];
            ownView = ByteBuffer.wrap(own);
            sems = semaphores ? new Semaphores(ctx) : null;
        }

        public void send(ByteBuffer frame) {
            int length = frame.remaining();
            map.put(sendData, frame, frame.position(), length);
            map.putInt(sendCtl + 8, length);
            LONGS.setRelease(map, sendCtl, ++sent);
            if (sems != null) sems.post();
        }

        public ByteBuffer receive() throws IOException {
            long expected = ++received;
            if (sems != null) sems.await(abort);
            int spins = 0;
            while ((long) LONGS.getAcquire(map, receiveCtl) != expected) {
                Thread.onSpinWait();
                if ((++spins & 0x3FF) == 0) abort.check();
            }
            int length = map.getInt(receiveCtl + 8);
            if (!requester) {
                // The responder echoes from the request slot straight into the reply slot (one copy, as the C reference does).
                view.clear().position(receiveData).limit(receiveData + length);
                return view;
            }
            // RTT ends with the whole reply in the requester's own memory: copy it out of the mapping, as a
            // socket's read does, and verify that copy (README "How figures are defined").
            map.get(receiveData, own, 0, length);
            return ownView.clear().limit(length);
        }

        /** The reply slot, every byte flipped: a reply still read from the slot would no longer verify. */
        public void scribbleShared() {
            int length = map.getInt(receiveCtl + 8);
            for (int i = 0; i < length; i++) map.put(receiveData + i, (byte) ~map.get(receiveData + i));
        }

        public void close() {
            if (sems != null) sems.close();
            IoUtil.unmap(map);    // at once: a deleted file's pages stay taken while a mapping holds them, until the GC gets to it
            try { file.close(); } catch (IOException ignored) { }
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
    }

    static final class Semaphores {
        final Pointer mine, theirs;
        final String[] names;
        final boolean owner;
        final Memory deadline = new Memory(16);
        final int spins;

        Semaphores(Context ctx) throws IOException {
            String request = SuiteFolder.semaphoreName(ctx.runId, "request"), reply = SuiteFolder.semaphoreName(ctx.runId, "reply");
            names = new String[]{request, reply};
            owner = ctx.requester;
            spins = ctx.semSpins;
            int flags = owner ? Posix.O_CREAT | Posix.O_EXCL : 0;
            Pointer req = Posix.sem_open(request, flags, 0600, 0), rep = Posix.sem_open(reply, flags, 0600, 0);
            if (req == null || rep == null || Pointer.nativeValue(req) == -1 || Pointer.nativeValue(rep) == -1)
                throw new IOException("sem_open failed for " + request + " (errno " + Native.getLastError() + ")");
            mine = owner ? rep : req;       // the requester waits for replies, the responder for requests
            theirs = owner ? req : rep;
        }

        void post() { Posix.sem_post(theirs); }

        void await(Abort abort) throws IOException {
            for (int i = 0; i < spins; i++) {
                if (Posix.sem_trywait(mine) == 0) return;
                Thread.onSpinWait();
            }
            while (true) {
                long until = System.currentTimeMillis() + 100;
                deadline.setLong(0, until / 1000);
                deadline.setLong(8, (until % 1000) * 1_000_000L);
                if (Posix.sem_timedwait(mine, deadline) == 0) return;
                abort.check();
            }
        }

        void close() {
            Posix.sem_close(mine);
            Posix.sem_close(theirs);
            if (owner) for (String n : names) Posix.sem_unlink(n);
        }
    }

    /**
     * JeroMQ REQ/REP: the responder's REP binds, the requester's REQ connects. JeroMQ 0.6.0 lost the
     * very first request of a fresh connection now and then here (about one quick run in ten, with
     * either side bound), after which both sides wait for ever. So before the clock starts the
     * requester proves the connection with a 1-byte probe, which the responder echoes; without an
     * answer within a second it starts over on a new socket (a REQ cannot send twice). Data frames are
     * never 1 byte long (at least 8 raw, more as JSON). recv waits in 100 ms slices so that an aborted
     * run is noticed.
     */
    static final class ZmqTransport implements Transport {
        static final byte[] PROBE = {0x7F};
        final ZContext context = new ZContext(1);
        ZMQ.Socket socket;
        final ByteBuffer in;
        final Abort abort;
        final String endpoint;

        ZmqTransport(Context ctx, String peerEndpoint, boolean ipc) {
            abort = ctx.abort;
            in = ByteBuffer.allocateDirect(Math.max(ctx.capacity, PROBE.length));
            if (ctx.requester) {
                endpoint = ipc ? "ipc://ipcbench-" + ctx.runId : "tcp://127.0.0.1:0";
            } else {
                socket = newSocket(SocketType.REP);
                socket.bind(peerEndpoint);
                endpoint = socket.getLastEndpoint();
            }
        }

        private ZMQ.Socket newSocket(SocketType type) {
            ZMQ.Socket s = context.createSocket(type);
            s.setLinger(0);
            s.setReceiveTimeOut(100);
            return s;
        }

        public String endpoint() { return endpoint; }

        public void awaitPeer(Child responder, String responderEndpoint) throws IOException {
            for (int attempt = 1; attempt <= 10; attempt++) {
                socket = newSocket(SocketType.REQ);
                socket.connect(responderEndpoint);
                socket.send(PROBE, 0);
                long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until) {
                    in.clear();
                    if (socket.recvByteBuffer(in, 0) == PROBE.length) return;
                    abort.check();
                }
                socket.close();
            }
            throw new IOException("the responder's REP socket at " + responderEndpoint + " answered no probe in 10 tries");
        }

        public void send(ByteBuffer frame) throws IOException {
            // A copy: JeroMQ 0.6.0's zero-copy sendByteBuffer lost large replies here (both sides then wait forever).
            byte[] bytes = new byte[frame.remaining()];
            frame.duplicate().get(bytes);
            if (!socket.send(bytes, 0)) throw new IOException("zmq send failed: errno " + socket.errno());
        }

        public ByteBuffer receive() throws IOException {
            while (true) {
                in.clear();
                int length;
                while ((length = socket.recvByteBuffer(in, 0)) < 0) {
                    if (socket.errno() != ZMQ.Error.EAGAIN.getCode()) throw new IOException("zmq receive failed: errno " + socket.errno());
                    abort.check();
                }
                if (length != PROBE.length) return in.flip();
                socket.send(PROBE, 0);      // the requester proving the connection: echo, then wait for data
            }
        }

        public void close() { context.close(); }
    }

    /** A stream socket, Unix domain or loopback TCP: each frame is a 4-byte length and the bytes. */
    static final class StreamTransport implements Transport {
        final ServerSocketChannel server;
        SocketChannel channel;
        final ByteBuffer header = ByteBuffer.allocateDirect(4), in;
        final ByteBuffer[] out = new ByteBuffer[2];
        final String endpoint;
        final boolean unix;

        StreamTransport(Context ctx, String peerEndpoint, boolean unix) throws IOException {
            this.unix = unix;
            in = ByteBuffer.allocateDirect(ctx.capacity);
            if (ctx.requester) {
                if (unix) {
                    Path path = ctx.runDir.resolve("uds.sock");
                    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
                    endpoint = path.toString();
                } else {
                    server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    endpoint = String.valueOf(server.socket().getLocalPort());
                }
            } else {
                server = null;
                endpoint = peerEndpoint;
                channel = unix ? SocketChannel.open(UnixDomainSocketAddress.of(peerEndpoint))
                        : SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(peerEndpoint)));
                noDelay();
            }
        }

        private void noDelay() throws IOException {
            if (!unix) channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }

        public String endpoint() { return endpoint; }

        public void awaitPeer(Child responder, String responderEndpoint) throws IOException {
            channel = server.accept();
            noDelay();
        }

        public void send(ByteBuffer frame) throws IOException {
            header.clear().putInt(frame.remaining()).flip();
            out[0] = header;
            out[1] = frame;
            while (frame.hasRemaining() || header.hasRemaining()) channel.write(out);
        }

        public ByteBuffer receive() throws IOException {
            header.clear();
            readFully(header);
            in.clear().limit(header.getInt(0));
            readFully(in);
            return in.flip();
        }

        private void readFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) if (channel.read(b) < 0) throw new EOFException("the peer closed the connection");
        }

        public void close() {
            try { if (channel != null) channel.close(); if (server != null) server.close(); } catch (IOException ignored) { }
        }
    }

    /** The child's stdin and stdout as plain streams, framed like the sockets. */
    static final class PipeTransport implements Transport {
        DataInputStream in;
        OutputStream out;
        // Separate buffers: the responder sends back the very view it received.
        byte[] inBytes = new byte[64], outBytes = new byte[64];
        ByteBuffer view = ByteBuffer.wrap(inBytes);

        PipeTransport() { }

        /** The responder's side: its own stdin and stdout. */
        PipeTransport(InputStream in, OutputStream out) {
            this.in = new DataInputStream(in);
            this.out = out;
        }

        public void awaitPeer(Child responder, String responderEndpoint) {
            in = new DataInputStream(responder.stdout);
            out = responder.stdin;
        }

        public void send(ByteBuffer frame) throws IOException {
            int length = frame.remaining();
            if (outBytes.length < 4 + length) outBytes = new byte[4 + length];
            ByteBuffer.wrap(outBytes).putInt(length).put(frame.duplicate());
            out.write(outBytes, 0, 4 + length);
            out.flush();
        }

        public ByteBuffer receive() throws IOException {
            int length = in.readInt();
            if (inBytes.length < length) { inBytes = new byte[length]; view = ByteBuffer.wrap(inBytes); }
            in.readFully(inBytes, 0, length);
            return view.clear().limit(length);
        }

        public void close() {
            try { if (out != null) out.close(); } catch (IOException ignored) { }
        }
    }

    /** Chronicle Queue: one queue per direction; the reader polls its tailer in a busy loop. */
    static final class ChronicleTransport implements Transport {
        final ChronicleQueue outQueue, inQueue;
        final ExcerptAppender appender;
        final ExcerptTailer tailer;
        final Abort abort;
        // Chronicle's byte[] copies are plain memory copies; its ByteBuffer paths were ten times slower here.
        byte[] out = new byte[64];
        ByteBuffer in = ByteBuffer.wrap(new byte[64]);

        /**
         * Measured on tmpfs (du): a queue's header, index and metadata touch about 16 KiB, each document its frame
         * and 8 bytes (header, length), each 4096 x 256 documents a 32 KiB index. Blocks are mapped but only the
         * pages written take space. Counted here with room to spare: 256 KiB a queue, the frame + 16 a document.
         */
        static final long QUEUE_BYTES = 256 << 10, DOCUMENT_BYTES = 16;

        /** Two queues, each keeping every message: a round trip adds a request to one and a reply to the other. */
        static Footprint footprint(int capacity) {
            return new Footprint("queues", 2 * QUEUE_BYTES, 2 * (capacity + DOCUMENT_BYTES));
        }

        ChronicleTransport(Context ctx) {
            abort = ctx.abort;
            // A document may take a quarter of a block: the frame and its 4-byte length, with room to spare.
            long block = Math.max(64L << 20, 4L * (ctx.capacity + 64));
            ChronicleQueue requests = SingleChronicleQueueBuilder.binary(ctx.runDir.resolve("requests")).blockSize(block).build();
            ChronicleQueue replies = SingleChronicleQueueBuilder.binary(ctx.runDir.resolve("replies")).blockSize(block).build();
            outQueue = ctx.requester ? requests : replies;
            inQueue = ctx.requester ? replies : requests;
            appender = outQueue.createAppender();
            tailer = inQueue.createTailer();
        }

        /** Each document starts with the frame length: a document with no bytes was not delivered promptly. */
        public void send(ByteBuffer frame) {
            try (DocumentContext dc = appender.writingDocument()) {
                int length = frame.remaining();
                if (out.length < length) out = new byte[length];
                frame.duplicate().get(out, 0, length);
                dc.wire().bytes().writeInt(length).write(out, 0, length);
            }
        }

        public ByteBuffer receive() throws IOException {
            for (int spins = 0; ; spins++) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (dc.isPresent()) {
                        var bytes = dc.wire().bytes();
                        int length = bytes.readInt();
                        if (in.capacity() < length) in = ByteBuffer.wrap(new byte[length]);
                        bytes.read(in.array(), 0, length);
                        return in.clear().limit(length);
                    }
                }
                if ((spins & 0x3FF) == 0x3FF) abort.check();
            }
        }

        public void close() {
            appender.close();
            tailer.close();
            outQueue.close();
            inQueue.close();
            // Chronicle unmaps in a background thread: until it has, the deleted files' pages still take their space.
            BackgroundResourceReleaser.releasePendingResources();
        }
    }

    /**
     * Agrona's OneToOneRingBuffer, the ring under Aeron: a request ring and a reply ring on one memory-mapped file, no
     * driver. Each ring is the smallest power of two whose largest message (an eighth of it) takes the frame, so a
     * small message cycles through little memory, as shm-spin's one slot does. The responder echoes from the request
     * ring straight into the reply ring (one copy): it reads the request without consuming it (controlledRead, ABORT)
     * and consumes it once the reply is written. The requester copies the reply out, as a socket's read does.
     */
    static final class AgronaRingTransport implements Transport {
        static final int MESSAGE = 1, MIN_CAPACITY = 4096;
        final FileChannel file;
        final OneToOneRingBuffer sendRing, receiveRing;
        final UnsafeBuffer source = new UnsafeBuffer(0, 0);
        final MappedByteBuffer ringMemory;
        final Abort abort;
        final boolean requester;
        final byte[] own;
        final ByteBuffer ownView;
        final MessageHandler copyOut;
        final ControlledMessageHandler peek = (type, buffer, index, length) -> {
            peekedIndex = index;
            peekedLength = length;
            return ControlledMessageHandler.Action.ABORT;
        };
        final ControlledMessageHandler consume = (type, buffer, index, length) -> ControlledMessageHandler.Action.BREAK;
        int receivedLength, peekedIndex, peekedLength = -1;
        ByteBuffer peeked;

        /** The ring for frames of this capacity: the smallest power of two whose largest message (capacity/8) takes one. */
        static int ringCapacity(int frameCapacity) {
            long need = 8L * align(frameCapacity + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
            return (int) Math.max(MIN_CAPACITY, Long.highestOneBit(need - 1) << 1);
        }

        /** Two rings with their trailers, in whole pages. */
        static Footprint footprint(int frameCapacity) {
            return new Footprint("ring file", (2L * (ringCapacity(frameCapacity) + RingBufferDescriptor.TRAILER_LENGTH) + 4095) & ~4095L, 0);
        }

        static int align(int value, int alignment) { return (value + alignment - 1) & -alignment; }

        AgronaRingTransport(Context ctx) throws IOException, RunFailure {
            int ringBytes = ringCapacity(ctx.capacity) + RingBufferDescriptor.TRAILER_LENGTH;
            long bytes = SuiteFolder.mappedLength(ctx.runDir, 2L * ringBytes);
            file = openShared(ctx, "agrona-rings", bytes);
            ringMemory = file.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            OneToOneRingBuffer requests = new OneToOneRingBuffer(new UnsafeBuffer(ringMemory, 0, ringBytes));
            OneToOneRingBuffer replies = new OneToOneRingBuffer(new UnsafeBuffer(ringMemory, ringBytes, ringBytes));
            requester = ctx.requester;
            sendRing = requester ? requests : replies;
            receiveRing = requester ? replies : requests;
            abort = ctx.abort;
            own = new byte[requester ? ctx.capacity : 0];
            ownView = ByteBuffer.wrap(own);
            copyOut = (type, buffer, index, length) -> {
                buffer.getBytes(index, own, 0, length);
                receivedLength = length;
            };
        }

        public String detail() { return "rings of " + Units.size(sendRing.capacity()); }

        public void send(ByteBuffer frame) throws IOException {
            source.wrap(frame, frame.position(), frame.remaining());
            for (int spins = 0; !sendRing.write(MESSAGE, source, 0, frame.remaining()); spins++)
                if ((spins & 0x3FF) == 0x3FF) abort.check();
            if (peekedLength >= 0) {
                receiveRing.controlledRead(consume, 1);    // the request echoed: its space goes back to the requester
                peekedLength = -1;
            }
        }

        public ByteBuffer receive() throws IOException {
            if (requester) {
                for (int spins = 0; receiveRing.read(copyOut, 1) == 0; spins++)
                    if ((spins & 0x3FF) == 0x3FF) abort.check();
                return ownView.clear().limit(receivedLength);
            }
            for (int spins = 0; receiveRing.controlledRead(peek, 1) == 0 && peekedLength < 0; spins++)
                if ((spins & 0x3FF) == 0x3FF) abort.check();
            // A view of the request in the ring: the UnsafeBuffer wraps the mapping, so its index is the mapping's position.
            if (peeked == null) peeked = ringMemory.duplicate();
            int at = receiveRing.buffer().wrapAdjustment() + peekedIndex;
            return peeked.limit(at + peekedLength).position(at);
        }

        /** Unmapped at once: a deleted file's pages stay taken while a mapping holds them, until the GC gets to it. */
        public void close() {
            IoUtil.unmap(ringMemory);
            try { file.close(); } catch (IOException ignored) { }
        }
    }

    /**
     * Aeron: an exclusive publication and a subscription each way (request stream, reply stream), through one media
     * driver embedded in the requester, its directory in the run folder. On aeron:ipc both processes map the
     * publications' logs and the driver only moves the publishers' limits; on aeron:udp the driver's thread also sends
     * and receives the datagrams on loopback. Each side polls its subscription in a busy loop. Terms are sized per
     * message size (Aeron's largest message is an eighth of a term), the MTU as large as the term allows. The responder
     * echoes a request that fits one MTU straight from the log (one copy, as Aeron's Pong sample does), leaving it
     * unconsumed until the reply is out; a larger one, and every reply, is gathered into the side's own memory.
     */
    static final class AeronTransport implements Transport {
        static final int REQUEST_STREAM = 1001, REPLY_STREAM = 1002;
        /**
         * Busy-spin everywhere, Aeron's choice for latency, needs a core for each spinning thread: the two sides and the
         * driver. With fewer than 4 cores (this 2-vCPU VM) a third spinner runs only when the scheduler preempts one
         * of the others, every few milliseconds: measured here, aeron-ipc's round trips/s fell from 1.3 M to 0.2 M with
         * a busy-spinning driver, and aeron-udp's RTT p50 was 2 ms (its driver moves every datagram) while both sides
         * spun. So with fewer cores the driver backs off (spin, yield, then park up to 1 ms; on ipc it only moves the
         * publishers' limits), and aeron-udp's sides yield when idle, leaving the driver a core to move the datagrams.
         */
        static final boolean SPARE_CORES = Runtime.getRuntime().availableProcessors() >= 4;
        static final String DRIVER_NOTE = "media driver embedded in the requester, one SHARED thread, " + (SPARE_CORES ? "busy-spin" : "backoff idle strategy (fewer than 4 cores)")
                + ", its directory in the run folder";
        static final String UDP_WAITS = SPARE_CORES ? "spin" : "yield";
        static final int MIN_TERM = 1 << 20, MAX_MESSAGE = 16 << 20, MAX_MTU = 65504;
        static final int COUNTER_VALUES = 1 << 20;
        /** The driver's own files with these counters, as Aeron lays them out: cnc.dat (11 MiB with Aeron 1.51) and loss-report.dat. */
        static final long DRIVER_FILES = CncFileDescriptor.computeCncFileLength(Configuration.CONDUCTOR_BUFFER_LENGTH_DEFAULT
                + Configuration.TO_CLIENTS_BUFFER_LENGTH_DEFAULT + Configuration.countersMetadataBufferLength(COUNTER_VALUES) + COUNTER_VALUES
                + Configuration.ERROR_BUFFER_LENGTH_DEFAULT, 4096) + Configuration.LOSS_REPORT_BUFFER_LENGTH_DEFAULT;
        final boolean requester, udp, yieldWhenIdle;
        final MediaDriver driver;
        final Aeron aeron;
        final Subscription subscription;
        final Abort abort;
        final int termLength, mtu;
        Publication publication;
        final UnsafeBuffer source = new UnsafeBuffer(0, 0);
        final ByteBuffer own;
        final ControlledFragmentHandler gather, consume = (buffer, offset, length, header) -> ControlledFragmentHandler.Action.CONTINUE;
        ByteBuffer received;
        boolean complete, peeked;
        String endpoint;

        /** Term length: the smallest power of two of at least MIN_TERM whose largest message (an eighth) takes the frame. */
        static int termLength(int frameCapacity) {
            long need = 8L * align(frameCapacity + DataHeaderFlyweight.HEADER_LENGTH, FrameDescriptor.FRAME_ALIGNMENT);
            return (int) Math.max(MIN_TERM, Long.highestOneBit(need - 1) << 1);
        }

        static int align(int value, int alignment) { return (value + alignment - 1) & -alignment; }

        /** The largest MTU Aeron takes with this term (at most its largest message, an eighth of the term): fewer fragments. */
        static int mtu(int termLength) { return Math.min(MAX_MTU, termLength / 8); }

        /** Logs of three terms each: one per publication on ipc; on udp the driver keeps a sender's and a receiver's per direction. */
        static Footprint footprint(int frameCapacity, boolean udp) {
            long log = LogBufferDescriptor.computeLogLength(termLength(frameCapacity), 4096);
            return new Footprint("driver files and logs", DRIVER_FILES + (udp ? 4 : 2) * log, 0);
        }

        AeronTransport(Context ctx, String peerEndpoint, boolean udp) throws IOException {
            this.udp = udp;
            yieldWhenIdle = udp && !SPARE_CORES;
            requester = ctx.requester;
            abort = ctx.abort;
            termLength = termLength(ctx.capacity);
            mtu = mtu(termLength);
            String dir = ctx.runDir.resolve("aeron").toString();
            driver = requester ? MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .aeronDirectoryName(dir)
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(SPARE_CORES ? new BusySpinIdleStrategy() : new BackoffIdleStrategy())
                    // Aeron's default counters (8 MiB of values, four times that of labels) would take 40 of cnc.dat's 47 MiB.
                    .counterValuesBufferLength(COUNTER_VALUES)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .errorHandler(AeronTransport::ignore)) : null;
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir).errorHandler(AeronTransport::ignore));
            int inStream = requester ? REPLY_STREAM : REQUEST_STREAM;
            own = ByteBuffer.allocateDirect(ctx.capacity);
            gather = (buffer, offset, length, header) -> {
                byte flags = header.flags();
                if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED && !requester) {
                    // The responder echoes straight from the log: left unconsumed (ABORT) until the reply is sent, so the
                    // driver cannot clean it meanwhile.
                    int at = buffer.wrapAdjustment() + offset;
                    received = buffer.byteBuffer().duplicate().limit(at + length).position(at);
                    complete = peeked = true;
                    return ControlledFragmentHandler.Action.ABORT;
                }
                if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) != 0) own.clear();
                buffer.getBytes(offset, own, own.position(), length);
                own.position(own.position() + length);
                if ((flags & FrameDescriptor.END_FRAG_FLAG) != 0) {
                    received = own.flip();
                    complete = true;
                }
                return ControlledFragmentHandler.Action.CONTINUE;
            };
            if (udp) {
                subscription = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", inStream);
                while ((endpoint = subscription.resolvedEndpoint()) == null) {
                    abort.check();
                    Thread.onSpinWait();
                }
                if (!requester) publication = publish(peerEndpoint);
            } else {
                subscription = aeron.addSubscription("aeron:ipc", inStream);
                publication = publish(null);
            }
        }

        Publication publish(String peerEndpoint) {
            int stream = requester ? REQUEST_STREAM : REPLY_STREAM;
            String params = "term-length=" + termLength + "|mtu=" + mtu;
            return aeron.addExclusivePublication(udp ? "aeron:udp?endpoint=" + peerEndpoint + "|" + params : "aeron:ipc?" + params, stream);
        }

        static void ignore(Throwable t) { }

        public String detail() {
            int payload = mtu - DataHeaderFlyweight.HEADER_LENGTH;
            return "terms of " + Units.size(termLength) + ", MTU " + String.format("%,d B", mtu) + (own.capacity() > payload
                    ? ": a message travels in fragments of " + String.format("%,d B", payload) + ", gathered on receipt" : "");
        }

        public String endpoint() { return endpoint; }

        /** Both ways connected before the clock starts: no request waits for a subscription that is not there yet. */
        public void awaitPeer(Child responder, String responderEndpoint) throws IOException {
            if (udp) publication = publish(responderEndpoint);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!publication.isConnected() || !subscription.isConnected()) {
                if (!responder.process.isAlive()) throw new IOException("the responder exited before Aeron connected");
                if (System.nanoTime() - deadline > 0) throw new IOException("Aeron did not connect the two processes within 30 s");
                Thread.onSpinWait();
            }
        }

        public void send(ByteBuffer frame) throws IOException {
            source.wrap(frame, frame.position(), frame.remaining());
            for (int spins = 0; ; spins++) {
                long result = publication.offer(source, 0, frame.remaining());
                if (result > 0) break;
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                    throw new IOException("Aeron's publication refused the message (" + Publication.errorString(result) + ")");
                // NOT_CONNECTED (a udp publication still being set up), BACK_PRESSURED, ADMIN_ACTION: try again
                if ((spins & 0x3FF) == 0x3FF) abort.check();
                Thread.onSpinWait();
            }
            if (peeked) {
                subscription.controlledPoll(consume, 1);    // the request echoed: consumed now
                peeked = false;
            }
        }

        public ByteBuffer receive() throws IOException {
            complete = false;
            for (int spins = 0; !complete; spins++) {
                if (subscription.controlledPoll(gather, 1) == 0) {
                    if ((spins & 0x3FF) == 0x3FF) abort.check();
                    if (yieldWhenIdle) Thread.yield();
                }
            }
            return received;
        }

        public void close() {
            CloseHelper.quietCloseAll(publication, subscription, aeron, driver);
        }
    }

    // ---------------------------------------------------------------- what travels: raw bytes or JSON

    /** Builds requests and checks replies (requester), answers requests (responder). */
    interface Checker {
        ByteBuffer request(long seq);
        /** The part of reading a reply that belongs inside the round trip (JSON: parsing it). */
        default Object decode(ByteBuffer reply) throws IOException { return reply; }
        /** Null when the reply is the request's payload with the right sequence number, else what is wrong. */
        String check(long seq, Object reply);
        ByteBuffer answer(ByteBuffer request, boolean corrupt) throws IOException;
        /** Bytes the largest frame of this payload size can take. */
        static int capacity(PayloadKind kind, int size) {
            return kind == PayloadKind.raw ? size : size / 3 * 4 + 256;
        }
    }

    static byte[] randomPayload(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** Raw frames: the payload's first 8 bytes carry the sequence number; the reply must equal the request. */
    static final class RawChecker implements Checker {
        final ByteBuffer frame, expected;
        ByteBuffer scratch;

        RawChecker(int size, long seed) {
            frame = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
            frame.put(randomPayload(size, seed)).clear();
            expected = frame.duplicate();
        }

        RawChecker() { frame = expected = null; }

        public ByteBuffer request(long seq) {
            frame.putLong(0, seq);
            return frame.clear();
        }

        public String check(long seq, Object decoded) {
            ByteBuffer reply = (ByteBuffer) decoded;
            if (reply.remaining() != expected.capacity())
                return "length " + reply.remaining() + " instead of " + expected.capacity();
            long got = reply.order(ByteOrder.LITTLE_ENDIAN).getLong(reply.position());
            if (got != seq) return (got < seq ? "stale or duplicate" : "gap") + ": sequence " + got + " instead of " + seq;
            int at = reply.mismatch(expected.clear());
            return at < 0 ? null : "payload differs at byte " + at;
        }

        public ByteBuffer answer(ByteBuffer request, boolean corrupt) {
            if (!corrupt) return request;
            if (scratch == null || scratch.capacity() < request.remaining()) scratch = ByteBuffer.allocateDirect(request.remaining());
            scratch.clear().put(request.duplicate()).flip();
            int last = scratch.limit() - 1;
            scratch.put(last, (byte) ~scratch.get(last));
            return scratch;
        }
    }

    /** ref-shm-spin-raw's requester: requests built and replies read (JSON: parsed) as the method's, and any reply passes. */
    record UncheckedChecker(Checker method) implements Checker {
        public ByteBuffer request(long seq) { return method.request(seq); }

        public Object decode(ByteBuffer reply) throws IOException { return method.decode(reply); }

        public String check(long seq, Object reply) { return null; }

        public ByteBuffer answer(ByteBuffer request, boolean corrupt) throws IOException { return method.answer(request, corrupt); }
    }

    /** The Rust prototype's point: a message object serialized with JSON on both sides, inside the round trip. */
    record Message(String kind, long id, long sentNanos, byte[] payload) {}

    static final class JsonChecker implements Checker {
        final byte[] payload;
        byte[] in = new byte[256];

        JsonChecker(int size, long seed) { payload = randomPayload(size, seed); }

        JsonChecker() { payload = null; }

        public ByteBuffer request(long seq) {
            return ByteBuffer.wrap(write(new Message("ping", seq, System.nanoTime(), payload)));
        }

        public Object decode(ByteBuffer reply) throws IOException {
            int length = reply.remaining();
            if (in.length < length) in = new byte[length];
            reply.duplicate().get(in, 0, length);
            return JSON.readValue(in, 0, length, Message.class);
        }

        public String check(long seq, Object decoded) {
            Message reply = (Message) decoded;
            if (!"pong".equals(reply.kind)) return "kind " + reply.kind + " instead of pong";
            if (reply.id != seq) return (reply.id < seq ? "stale or duplicate" : "gap") + ": id " + reply.id + " instead of " + seq;
            int at = Arrays.mismatch(reply.payload, payload);
            return at < 0 ? null : "payload differs at byte " + at;
        }

        public ByteBuffer answer(ByteBuffer request, boolean corrupt) throws IOException {
            Message ping = (Message) decode(request);
            byte[] data = ping.payload;
            if (corrupt) data[data.length - 1] ^= (byte) 0xFF;
            return ByteBuffer.wrap(write(new Message("pong", ping.id, ping.sentNanos, data)));
        }

        private static byte[] write(Message m) {
            try {
                return JSON.writeValueAsBytes(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---------------------------------------------------------------- the parent: options, sessions, measuring

    public Integer call() throws Exception {
        if ("responder".equals(role)) return ChildRole.run();
        if (role != null) throw new ParameterException(spec.commandLine(), "Invalid value for option '--role': '" + role + "'");
        if (list) return printList(LISTED);
        SuiteFolder.useShmDir(spec.commandLine(), shmDir);
        if (cleanup) return SuiteFolder.cleanup();
        Plan plan = plan();
        SuiteFolder.removeLeftovers();
        Results results = new Results(out, Environment.capture());
        List<Row> rows = new ArrayList<>();
        try {
            for (Method m : plan.methods) {
                runMethod(m, plan, results, rows);
                if (m.name().equals("shm-spin")) runMethod(RAW_SPIN, plan, results, rows);
            }
        } catch (RunFailure failure) {
            reportFailure(failure.getMessage());
            printSummary(rows);
            return 1;
        }
        printSummary(rows);
        return 0;
    }

    record Plan(List<Method> methods, List<Integer> sizes, Runs runs) {}

    /** No --count, --duration or --quick: warm-up of at least RunLength.WARMUP, runs of at least about RunLength.MEASURED. */
    boolean autoLength() {
        return count == null && duration == null && !quick;
    }

    /** Round trips per run at this size: --count, else (--quick, or the warm-up of a --duration run) fewer for larger payloads. */
    long fixedCount(int size) {
        if (count != null) return count;
        if (quick) return size <= 64 << 10 ? 300 : 40;
        return size <= 64 << 10 ? 10_000 : size <= 1 << 20 ? 1_000 : 300;
    }

    /** The fewest warm-up round trips; with autoLength() the warm-up also lasts at least RunLength.WARMUP. */
    long warmupFor(int size) {
        return warmup != null ? warmup : autoLength() ? AUTO_FLOOR : fixedCount(size) / 2;
    }

    /** With autoLength(): the most round trips of one run, so that Chronicle's files (every message kept) stay within 2 GB a run. */
    long autoCap(Method m, int capacity) {
        return m.freshPerSize() ? Math.max(AUTO_FLOOR, 2_000_000_000L / (2L * capacity)) : AUTO_CAP;
    }

    /** Checks every option before anything is started or written: bad input leaves nothing behind. */
    Plan plan() {
        CommandLine cl = spec.commandLine();
        if (count != null && count < 1) throw new ParameterException(cl, "Invalid value for option '--count': '" + count + "' (must be at least 1)");
        if (warmup != null && warmup < 0) throw new ParameterException(cl, "Invalid value for option '--warmup': '" + warmup + "' (must be 0 or more)");
        if (semSpins < 0) throw new ParameterException(cl, "Invalid value for option '--sem-spin': '" + semSpins + "' (must be 0 or more)");
        if (duration != null && duration.isZero()) throw new ParameterException(cl, "Invalid value for option '--duration': '0s' (must be positive)");
        if (size != null && sizes != null) throw new ParameterException(cl, "Options '--size' and '--sizes' exclude each other: give one");
        List<Method> chosen = chooseMethods(cl, METHODS, methods);
        Results.checkOut(cl, out);
        List<Integer> chosenSizes = size != null ? List.of(size) : sizes != null ? sizes : List.of(100, 10_000, 500_000, 2_000_000);
        if (stallReply < 0) throw new ParameterException(cl, "Invalid value for option '--stall-reply': '" + stallReply + "' (must be 0 or more)");
        // Named with -m, an Aeron method that cannot carry a size is bad input; left to the default, it is left out at that size (runSizes).
        for (Method m : methods == null ? List.<Method>of() : chosen) {
            if (!m.name().startsWith("aeron-")) continue;
            for (int s : chosenSizes)
                if (Checker.capacity(payload, s) > AeronTransport.MAX_MESSAGE) {
                    String option = size != null ? "--size" : "--sizes";
                    String given = String.join(",", cl.getParseResult().matchedOption(option).originalStringValues());
                    throw new ParameterException(cl, "Invalid value for option '" + option + "': '" + given + "': " + m.name() + " carries at most "
                            + Units.size(AeronTransport.MAX_MESSAGE) + " a message (Aeron's limit), and " + Units.size(s)
                            + (payload == PayloadKind.json ? " takes " + Units.size(Checker.capacity(payload, s)) + " as JSON" : " is more")
                            + "; choose a smaller size or other methods");
                }
        }
        return new Plan(chosen, chosenSizes, quick ? new Runs(1, false) : runs);
    }

    void runMethod(Method m, Plan plan, Results results, List<Row> rows) throws RunFailure {
        if (m.freshPerSize()) {
            for (int size : plan.sizes) runSizes(m, List.of(size), plan.runs, results, rows);
        } else {
            runSizes(m, plan.sizes, plan.runs, results, rows);
        }
    }

    /**
     * One pair of processes for these sizes. Per size: a warm-up (with autoLength() at least RunLength.WARMUP, its
     * rate sets the count of every run), then the runs, in the same processes: one warm-up covers them all.
     * Files that keep every message (Chronicle's queues) are fitted to the free space before the warm-up and before
     * each run: the script's own counts shrink (said in the row's note and the summary), -n's never do (one line,
     * exit 1); where not even a short run fits, the size is skipped, named in the summary.
     */
    void runSizes(Method m, List<Integer> sizes, Runs runs, Results results, List<Row> rows) throws RunFailure {
        int capacity = sizes.stream().mapToInt(s -> Checker.capacity(payload, s)).max().orElseThrow();
        Footprint footprint = m.footprint().apply(capacity);
        int totalRuns = runs.auto() ? Runs.AUTO_MAX : runs.count();
        if (m.name().startsWith("aeron-") && capacity > AeronTransport.MAX_MESSAGE) {
            fitted.put(m.name() + "@" + sizes.get(0), m.name() + " at " + Units.size(sizes.get(0)) + " left out: Aeron carries at most "
                    + Units.size(AeronTransport.MAX_MESSAGE) + " a message");
            return;
        }
        if (m.name().startsWith("aeron-") && SuiteFolder.fsType().equals("hugetlbfs")) {
            fitted.put(m.name() + "@" + sizes.get(0), m.name() + " at " + Units.size(sizes.get(0)) + " skipped: Aeron writes its files, which "
                    + SuiteFolder.base() + " (hugetlbfs) refuses, as it takes only mapped whole huge pages; a tmpfs for --shm-dir runs it");
            return;
        }
        if (footprint.perRoundTrip() > 0 && SuiteFolder.fsType().equals("hugetlbfs")) {
            fitted.put(m.name() + "@" + sizes.get(0), m.name() + " at " + Units.size(sizes.get(0)) + " skipped: its library sizes its " + footprint.files()
                    + " in steps that " + SuiteFolder.base() + " (hugetlbfs) refuses, which takes only whole huge pages; a tmpfs for --shm-dir runs it");
            return;
        }
        if (footprint.perRoundTrip() > 0) {
            if (!roomForTheFewest(m, sizes.get(0), footprint, totalRuns)) return;
        } else if (footprint.fixed() > 0 && footprint.fixed() > SuiteFolder.freeBytes()) {
            String sizesText = sizes.stream().map(Units::size).collect(Collectors.joining(", "));
            fitted.put(m.name() + "@" + sizes.get(0), m.name() + " at " + sizesText + " skipped: " + SuiteFolder.noSpace(m.name() + "'s " + footprint.files()
                    + " for " + Units.size(capacity) + " messages", footprint.fixed(), SuiteFolder.freeBytes()) + "; --shm-dir DIR on a bigger file system (Docker: --shm-size=1g) runs it");
            return;
        }
        try (Session session = Session.start(m, this, capacity)) {
            for (int size : sizes) {
                Checker checker = payload == PayloadKind.raw ? new RawChecker(size, seed) : new JsonChecker(size, seed);
                if (m == RAW_SPIN) checker = new UncheckedChecker(checker);
                session.stage = Units.size(size) + " warm-up";
                Progress.show(m.name() + " " + session.stage);
                Duration minWarmup = autoLength() ? RunLength.WARMUP : Duration.ZERO;
                long freeBefore = SuiteFolder.freeBytes();
                session.limitRoundTrips(footprint.perRoundTrip() > 0 ? warmupRoom(size, footprint, totalRuns, freeBefore) : Long.MAX_VALUE);
                Session.Warmup warm = session.warmUp(checker, warmupFor(size), minWarmup);
                String warmupFitted = !session.roomUsedUp ? null : autoLength()
                        ? String.format("a warm-up of %,d round trips, short of %s", warm.messages(), Units.duration(RunLength.WARMUP))
                        : String.format("a warm-up of %,d round trips instead of %,d", warm.messages(), warmupFor(size));
                if (warm.errors() > 0) throw new RunFailure(m.name() + ": verification failed during the warm-up at " + Units.size(size) + ": " + warm.firstError());
                long perRun = autoLength()
                        ? RunLength.count(warm.rateMessages(), warm.rateNanos(), AUTO_FLOOR, autoCap(m, Checker.capacity(payload, size)))
                        : fixedCount(size);
                List<Double> headlines = new ArrayList<>();
                for (int run = 1; runs.another(headlines); run++) {
                    session.stage = Units.size(size) + " run " + run + (runs.auto() ? " (auto)" : "/" + runs.count());
                    long wanted = duration != null ? Long.MAX_VALUE : perRun;
                    long room = footprint.perRoundTrip() > 0 ? runRoom(m, footprint, wanted, totalRuns - run + 1, session.stage) : Long.MAX_VALUE;
                    session.limitRoundTrips(room);
                    long n = Math.min(wanted, room);
                    Row row = duration != null ? session.measure(checker, Long.MAX_VALUE, null, duration, size, run)
                            : autoLength() ? session.measure(checker, n, RunLength.MEASURED, AUTO_RUN_LIMIT, size, run)
                            : session.measure(checker, n, null, null, size, run);
                    row.fields.put("warmup_count", warm.messages());
                    row.fields.put("warmup_seconds", round(warm.nanos() / 1e9, 6));
                    String runFitted = duration == null && n < wanted ? String.format("%,d round trips instead of %,d", n, wanted)
                            : !session.roomUsedUp ? null
                            : String.format("%,d round trips, short of %s", row.hist.getTotalCount(), Units.duration(duration != null ? duration : RunLength.MEASURED));
                    noteFitted(m, size, row, freeBefore, runFitted, warmupFitted);
                    results.write(row.fields, row.hist);
                    rows.add(row);
                    if (!row.verified)
                        throw new RunFailure(m.name() + ": verification failed at " + Units.size(size) + ": " + row.firstError);
                    headlines.add(row.p50);     // the headline figure of --runs auto: this run's RTT p50
                }
            }
            session.stopResponder();
        }
    }

    static String plural(long n, String noun) { return n + " " + noun + (n == 1 ? "" : "s"); }

    /** What the summary says of configurations shrunk or skipped to fit the free space, by method@size, in order. */
    final Map<String, String> fitted = new LinkedHashMap<>();

    /**
     * Before a method's pair starts, for files that keep every message: whether its fewest round trips fit (-n's
     * warm-up and runs; else MIN_FIT_WARMUP and MIN_FIT_RUN a run). -n's that do not fit are requireSpace's line;
     * the script's own counts that do not are a skip, named in the summary.
     */
    boolean roomForTheFewest(Method m, int size, Footprint footprint, int totalRuns) throws RunFailure {
        long fewest = count != null ? warmupFor(size) + totalRuns * (long) count : MIN_FIT_WARMUP + totalRuns * MIN_FIT_RUN;
        long free = SuiteFolder.freeBytes();
        if (footprint.need(fewest) <= free) return true;
        String what = m.name() + " at " + Units.size(size) + " (" + (count != null
                ? String.format("a warm-up of %,d and %s of %,d round trips", warmupFor(size), plural(totalRuns, "run"), count)
                : String.format("a warm-up and %s of at least %d round trips", plural(totalRuns, "run"), MIN_FIT_RUN))
                + ", every message kept in its " + footprint.files() + ")";
        if (count != null) SuiteFolder.requireSpace(what, footprint.need(fewest), "a smaller -n or fewer runs (-r)");
        fitted.put(m.name() + "@" + size, m.name() + " at " + Units.size(size) + " skipped: " + SuiteFolder.noSpace(what, footprint.need(fewest), free)
                + "; --shm-dir DIR on a bigger file system (Docker: --shm-size=1g) runs it");
        return false;
    }

    /**
     * The most round trips a warm-up may take: all it wants where the whole plan fits, else a tenth of what fits (at
     * least MIN_FIT_WARMUP), so that the runs get the rest. -n's plan was found to fit before the pair started.
     */
    long warmupRoom(int size, Footprint footprint, int totalRuns, long free) {
        if (count != null) return Long.MAX_VALUE;
        long fits = footprint.fits(free);
        long wantedWarmup = autoLength() ? Long.MAX_VALUE : warmupFor(size);
        long wantedRuns = quick ? fixedCount(size) * totalRuns : Long.MAX_VALUE;
        if (wantedWarmup < Long.MAX_VALUE && wantedRuns < Long.MAX_VALUE && wantedWarmup + wantedRuns <= fits) return Long.MAX_VALUE;
        return Math.max(MIN_FIT_WARMUP, Math.min(wantedWarmup, fits / 10));
    }

    /**
     * Before each run (the space may have shrunk meanwhile): the most round trips it may take, its share of what
     * fits now (at least MIN_FIT_RUN), or -n's count exactly. Where what it will take does not fit, requireSpace's line.
     */
    long runRoom(Method m, Footprint footprint, long wanted, int runsLeft, String stage) throws RunFailure {
        long room = count != null ? wanted : Math.max(footprint.fits(SuiteFolder.freeBytes()) / runsLeft, MIN_FIT_RUN);
        long takes = Math.min(wanted, room);
        SuiteFolder.requireSpace(String.format("%s, %s (%,d round trips, every message kept in its %s)", m.name(), stage, takes, footprint.files()),
                footprint.need(takes), count != null ? "a smaller -n or fewer runs (-r)" : "a smaller --size or fewer runs (-r)");
        return room;
    }

    /** A run or its warm-up shrunk to fit the free space: said in the row's note, and once per configuration in the summary. */
    void noteFitted(Method m, int size, Row row, long freeBefore, String runFitted, String warmupFitted) {
        if (runFitted == null && warmupFitted == null) return;
        String what = Stream.of(runFitted, warmupFitted).filter(Objects::nonNull).collect(Collectors.joining(", "));
        String text = "shrunk to fit " + SuiteFolder.base() + " (" + SuiteFolder.fsType() + ", " + Units.size(freeBefore) + " free): " + what;
        Object note = row.fields.get("note");
        row.fields.put("note", note == null || note.toString().isEmpty() ? text : note + "; " + text);
        fitted.putIfAbsent(m.name() + "@" + size, m.name() + " at " + Units.size(size) + " " + text
                + "; its " + m.footprint().apply(Checker.capacity(payload, size)).files() + " keep every message: --shm-dir DIR on a bigger file system runs the full counts");
    }

    /** A running responder and the transport to it, from start to clean-up. */
    static final class Session implements AutoCloseable {
        static final Set<Session> LIVE = Collections.synchronizedSet(new HashSet<>());
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                SHUTTING_DOWN.set(true);    // Ctrl-C: the children's ends are no failure to report
                List.copyOf(LIVE).forEach(s -> s.end(false));
            }));
        }

        final Method method;
        final Path runDir;
        final Abort abort = new Abort();
        final AtomicLong progress = new AtomicLong();
        final Duration timeout;
        final PayloadKind payload;
        String note;
        Transport transport;
        Child child;
        Thread watchdog;
        volatile String stage = "starting the responder";
        String responderEndpoint;
        volatile boolean failureReported, stopping;
        boolean scribbleReply;
        long seq;
        /** What the method's files take; where they grow with every round trip, the file system they are on, checked as they grow. */
        Footprint footprint = Footprint.NONE;
        FileStore store;
        /** Round trips the files may still take (limitRoundTrips), and whether the last series stopped there rather than at its count or time. */
        long room = Long.MAX_VALUE;
        boolean roomUsedUp;
        /** Round trips between two looks at the free space (about 256 KiB of the files' growth), and until the next. */
        long checkEvery = Long.MAX_VALUE, untilCheck = Long.MAX_VALUE;

        private Session(Method method, Path runDir, Duration timeout, PayloadKind payload, String note) {
            this.method = method;
            this.note = note;
            this.payload = payload;
            this.runDir = runDir;
            this.timeout = timeout;
        }

        static Session start(Method m, TransportBench o, int capacity) throws RunFailure {
            String runId = SuiteFolder.newRunId();
            Session s;
            try {
                s = new Session(m, SuiteFolder.createRunDir(runId), o.timeout, o.payload, String.format(m.note(), o.semSpins));
            } catch (IOException e) {
                throw new RunFailure("cannot create the run folder in " + SuiteFolder.root() + ": " + e.getMessage());
            }
            LIVE.add(s);
            s.scribbleReply = o.scribbleReply;
            s.footprint = m.footprint().apply(capacity);
            if (s.footprint.perRoundTrip() > 0) {
                try {
                    s.store = Files.getFileStore(s.runDir);
                    s.checkEvery = s.untilCheck = Math.max(1, (256 << 10) / s.footprint.perRoundTrip());
                } catch (IOException e) {
                    s.store = null;     // a file system that does not say its free space: the checks before each run said what they could
                }
            }
            try {
                s.transport = m.factory.open(new Context(true, s.runDir, runId, capacity, o.semSpins, s.abort), null);
                if (s.transport.detail() != null) s.note += "; " + s.transport.detail();
                s.launch(new ChildConfig(m.name(), o.payload, s.runDir.toString(), runId, s.transport.endpoint(), capacity,
                        o.semSpins, ProcessHandle.current().pid(), o.corruptReply, o.stallReply));
                s.transport.awaitPeer(s.child, s.responderEndpoint);
                return s;
            } catch (Exception e) {
                RunFailure f = s.failure(e);
                s.close();
                throw f;
            }
        }

        /** Starts this same program again as the responder and waits for its "ready" (with its endpoint, if any). */
        void launch(ChildConfig config) throws IOException {
            child = Child.start("the responder", TransportBench.class, List.of("--role=responder"), config);
            watchdog = daemon("watchdog", this::watch);
            String endpoint = child.awaitReady();
            responderEndpoint = endpoint.isEmpty() ? null : endpoint;
        }

        /** Watches the responder: dead, or no progress for the timeout, aborts the run. */
        private void watch() {
            long last = -1, since = System.nanoTime();
            try {
                while (abort.reason == null) {
                    Thread.sleep(50);
                    long now = System.nanoTime(), p = progress.get();
                    if (!child.process.isAlive()) {
                        if (stopping) return;    // told to stop
                        abort.reason = "the responder exited";
                    }
                    else if (p != last) { last = p; since = now; }
                    else if (now - since > timeout.toNanos()) {
                        String state = stoppedState(child.process.pid());
                        abort.reason = "no reply for " + Units.duration(timeout) + (state == null ? ", so the responder was killed"
                                : "; the responder " + state + ", so it was killed");
                        child.process.destroyForcibly();
                    }
                }
                // Spinning waits see the abort, sockets and pipes see the peer's end; a wait that sees
                // neither (JeroMQ's recv) would block for ever, so the run ends here instead.
                Thread.sleep(2000);
                if (!failureReported) {
                    reportFailure(failure(null).getMessage());
                    System.exit(1);
                }
            } catch (InterruptedException e) {
                // the session closed normally
            }
        }

        /** What a series of round trips did: how many, the errors, and its window (first send to last verified receipt). */
        record Outcome(long messages, long errors, String firstError, long startNanos, long endNanos) {}

        /**
         * Round trips until count is reached or the clock passes `until`; records each RTT unless hist is null.
         * RTT = request encoded to the whole reply in the requester's own memory; the window runs from the first
         * send to the last verified receipt, its end stamped before any bookkeeping (README "How figures are defined").
         */
        Outcome roundTrips(Checker checker, long count, Long until, Histogram hist) throws RunFailure {
            return roundTrips(checker, count, null, until, hist);
        }

        /**
         * count round trips, and on until notBefore when given (a run sized from the warm-up still lasts its second), but
         * never past until, nor past the room its files have (limitRoundTrips: then roomUsedUp).
         */
        Outcome roundTrips(Checker checker, long count, Long notBefore, Long until, Histogram hist) throws RunFailure {
            long errors = 0, done = 0, first = 0, end = 0;
            String firstError = null;
            if (room <= 0 && count > 0) {
                roomUsedUp = true;
                return new Outcome(0, 0, null, 0, 0);
            }
            try {
                for (long i = 0; count > 0; i++) {
                    long s = ++seq, t0 = System.nanoTime();
                    if (i == 0) first = t0;
                    transport.send(checker.request(s));
                    Object reply = checker.decode(transport.receive());
                    long t1 = System.nanoTime();
                    if (scribbleReply) transport.scribbleShared();    // testing: what is checked must be the requester's own copy
                    String error = checker.check(s, reply);
                    done++;
                    boolean last = (i >= count - 1 && (notBefore == null || t1 - notBefore >= 0)) || (until != null && t1 - until >= 0);
                    if (--room <= 0 && !last) last = roomUsedUp = true;
                    if (last) end = System.nanoTime();    // the last receipt, verified: the window ends before its bookkeeping
                    if (error != null && errors++ == 0) firstError = "message " + s + ": " + error;
                    if (hist != null) hist.recordValue(t1 - t0);
                    progress.lazySet(s);
                    if (last) break;
                    if (--untilCheck <= 0) checkSpace(done < count ? Math.min(count - done, room) : Math.min(room, checkEvery));
                }
            } catch (InternalError e) {
                if (!pageFault(e)) throw e;
                throw failure(new IOException(pageFaultText("the requester", footprint, runDir)));
            } catch (Exception e) {
                throw failure(e);
            }
            return new Outcome(done, errors, firstError, first, done == 0 ? first : end);
        }

        /** Limits the round trips the files may still take, from the next series on. */
        void limitRoundTrips(long roundTrips) {
            room = roundTrips;
            roomUsedUp = false;
        }

        /**
         * Mid-run, where the files grow with every round trip: the free space must still hold the rest of the series
         * (planned to fit, with SPACE_MARGIN to spare), else something else is filling the file system: one line now,
         * before a page of a mapped file finds no room (a SIGBUS).
         */
        void checkSpace(long remaining) throws IOException {
            untilCheck = checkEvery;
            if (store == null) return;
            long free = store.getUsableSpace(), per = footprint.perRoundTrip();
            if (remaining <= Math.max(0, free - SPACE_MARGIN / 2) / per) return;
            long need = Math.min(remaining, Long.MAX_VALUE / per) * per;
            throw new IOException(SuiteFolder.noSpace(String.format("the rest of the series (%,d round trips, its %s)", remaining, footprint.files()), need, free)
                    + ": something else is filling it; use --shm-dir DIR on a bigger file system (Docker: --shm-size=1g)");
        }

        /** A warm-up: how many round trips in how long, and the part of it whose rate sets a run's count (rateMessages in rateNanos). */
        record Warmup(long messages, long nanos, long rateMessages, long rateNanos, long errors, String firstError) {}

        /**
         * At least minMessages round trips and at least minTime. The rate that sets a run's count is the fastest of
         * five slices of the second half of minTime (the first half includes the JIT compiling the loop; the fastest
         * slice, because a run measured faster than the rate would end before its second), or the whole warm-up's
         * without minTime.
         */
        Warmup warmUp(Checker checker, long minMessages, Duration minTime) throws RunFailure {
            long start = System.nanoTime();
            List<Outcome> parts = new ArrayList<>();
            Outcome fastest = null;
            if (!minTime.isZero()) {
                long half = start + minTime.toNanos() / 2, end = start + minTime.toNanos(), slice = Math.max(1, (end - half) / 5);
                parts.add(roundTrips(checker, Long.MAX_VALUE, half, null));
                for (long until = half + slice; !roomUsedUp; until += slice) {
                    Outcome o = roundTrips(checker, Long.MAX_VALUE, Math.min(until, end), null);
                    parts.add(o);
                    if (fastest == null || rate(o) > rate(fastest)) fastest = o;
                    if (o.endNanos() - end >= 0) break;
                }
            }
            long done = parts.stream().mapToLong(Outcome::messages).sum();
            if (done < minMessages && !roomUsedUp) parts.add(roundTrips(checker, minMessages - done, null, null));
            long nanos = System.nanoTime() - start, messages = parts.stream().mapToLong(Outcome::messages).sum();
            long errors = parts.stream().mapToLong(Outcome::errors).sum();
            String firstError = parts.stream().map(Outcome::firstError).filter(Objects::nonNull).findFirst().orElse(null);
            return fastest != null && fastest.messages() > 0
                    ? new Warmup(messages, nanos, fastest.messages(), Math.max(1, fastest.endNanos() - fastest.startNanos()), errors, firstError)
                    : new Warmup(messages, nanos, messages, nanos, errors, firstError);
        }

        static double rate(Outcome o) {
            return o.messages() / (double) Math.max(1, o.endNanos() - o.startNanos());
        }

        /**
         * One measured run of count round trips, or fewer if limit (when not null) passes first; its CPU cost is the
         * requester's (this process) and the responder's during the window.
         */
        /** One run: count round trips, going on until atLeast has passed when given, stopping at limit when given. */
        Row measure(Checker checker, long count, Duration atLeast, Duration limit, int size, int run) throws RunFailure {
            Histogram hist = new Histogram(3);
            Progress.show(method.name() + " " + stage);
            CpuMeter cpu = CpuMeter.start(child);
            long start = System.nanoTime();
            Long until = limit == null ? null : start + limit.toNanos();
            Long notBefore = atLeast == null ? null : start + atLeast.toNanos();
            Outcome o = roundTrips(checker, count, notBefore, until, hist);
            Map<String, Object> cpuFields = cpu.stop(o.messages());
            // throughput = messages / the window from the first send to the last verified receipt (README "How figures are defined")
            double seconds = (o.endNanos() - o.startNanos()) / 1e9;
            Progress.clear();
            return Row.of(method, payload, note, size, run, seconds, hist, cpuFields, o.errors(), o.firstError());
        }

        void stopResponder() throws RunFailure {
            try {
                stopping = true;
                transport.send(ByteBuffer.allocate(0));
                if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new IOException("the responder did not stop");
                if (child.process.exitValue() != 0) throw new IOException("the responder ended with exit code " + child.process.exitValue());
            } catch (Exception e) {
                stage = "stopping the responder";
                throw failure(e);
            }
        }

        /** Explains a failure, quoting the responder's exit and its stderr when it is gone. */
        RunFailure failure(Exception e) {
            failureReported = true;
            try { if (child != null) child.process.waitFor(2, TimeUnit.SECONDS); } catch (InterruptedException ignored) { }
            StringBuilder msg = new StringBuilder(method.name() + ", " + stage + (seq > 0 ? ", message " + seq : "") + ": ");
            if (abort.reason != null && abort.reason.startsWith("no reply")) msg.append(abort.reason).append("; ");
            if (child != null && !child.process.isAlive()) {
                msg.append(child.endText());
            } else {
                msg.append(e == null ? abort.reason : String.valueOf(e.getMessage()));
            }
            return new RunFailure(msg.toString());
        }

        public void close() { end(true); }

        /**
         * Stops the responder and removes the run's files and semaphores. The shutdown hook (Ctrl-C, or the
         * watchdog's exit) passes false: the main thread may still be inside the transport, and closing a
         * semaphore or a mapping under it would crash the JVM; the process is ending anyway.
         */
        void end(boolean closeTransport) {
            if (!LIVE.remove(this)) return;
            if (watchdog != null) watchdog.interrupt();
            if (transport != null && closeTransport) transport.close();
            if (child != null) child.stop();
            SuiteFolder.delete(runDir);
        }
    }

    /** One line for pageFault: which side, which files, the free space, what a round trip needed. */
    static String pageFaultText(String who, Footprint footprint, Path runDir) {
        String free, type;
        try {
            FileStore store = Files.getFileStore(runDir);
            free = Units.size(store.getUsableSpace());
            type = store.type();
        } catch (IOException e) {
            free = "an unknown amount";
            type = "unknown";
        }
        return who + " found no room for a page of its " + footprint.files() + " in " + runDir + ": the file system (" + type + ") has " + free
                + " free" + (footprint.perRoundTrip() > 0 ? ", and a round trip adds " + Units.size(footprint.perRoundTrip()) : "")
                + "; something else filled it mid-run; use --shm-dir DIR on a bigger file system (Docker: --shm-size=1g)";
    }

    // ---------------------------------------------------------------- the child

    record ChildConfig(String method, PayloadKind payload, String runDir, String runId, String endpoint, int capacity,
                       int semSpins, long parentPid, long corruptReply, long stallReply) {}

    /** The child: reads its configuration from stdin, opens its end, says "ready", echoes until told to stop. */
    static final class ChildRole {
        static int run() throws Exception {
            OutputStream stdout = new FileOutputStream(FileDescriptor.out);
            ChildConfig cfg = Child.readConfig(ChildConfig.class);
            Child.watchParent(cfg.parentPid, null);
            Method m = method(cfg.method);
            Context ctx = new Context(false, Path.of(cfg.runDir), cfg.runId, cfg.capacity, cfg.semSpins, new Abort());
            Transport transport = m.factory.open(ctx, cfg.endpoint);
            String endpoint = transport.endpoint();
            stdout.write(("ready" + (endpoint == null ? "" : " " + endpoint) + "\n").getBytes(StandardCharsets.UTF_8));
            stdout.flush();
            Checker checker = cfg.payload == PayloadKind.raw ? new RawChecker() : new JsonChecker();
            try (transport) {
                for (long n = 1; ; n++) {
                    ByteBuffer request = transport.receive();
                    if (!request.hasRemaining()) return 0;
                    if (n == cfg.stallReply) Thread.sleep(STALL_MILLIS);     // testing: a stall inside the window and the RTT
                    transport.send(checker.answer(request, n == cfg.corruptReply));
                }
            } catch (InternalError e) {
                if (!pageFault(e)) throw e;
                throw new RunFailure(m.name() + ": " + pageFaultText("the responder", m.footprint().apply(cfg.capacity), ctx.runDir()));
            }
        }
    }

    // ---------------------------------------------------------------- results

    /** One measured configuration, in the suite's schema (README.md, "Results"). */
    static final class Row {
        final Map<String, Object> fields = new LinkedHashMap<>();
        boolean verified;
        String firstError, method, wait;
        int size;
        double p50, p99, mean, rate, mbps, cpuCores;
        String kind;
        Histogram hist;

        static Row of(Method m, PayloadKind payload, String note, int size, int run, double seconds, Histogram h,
                      Map<String, Object> cpu, long errors, String firstError) {
            Row r = new Row();
            r.kind = m == RAW_SPIN ? Results.KIND_REFERENCE : Results.KIND_METHOD;
            r.cpuCores = ((Number) cpu.get("cpu_cores")).doubleValue();
            r.method = m.name(); r.wait = m.waits(); r.size = size; r.hist = h;
            r.verified = errors == 0;
            r.firstError = firstError;
            long n = h.getTotalCount();
            r.rate = n / seconds;
            r.mbps = r.rate * size / 1e6;
            r.mean = h.getMean() / 1e3;
            r.p50 = h.getValueAtPercentile(50) / 1e3;
            r.p99 = h.getValueAtPercentile(99) / 1e3;
            var f = r.fields;
            f.put("timestamp", Instant.now().toString());
            f.put("bench", BENCH);
            f.put("method", m.name());
            f.put("kind", r.kind);
            f.put("pattern", "req-rep");
            f.put("wait", m.waits());
            f.put("payload", payload.name());
            f.put("size_bytes", size);
            f.put("count", n);
            f.put("batch", 1);
            f.put("peers", 1);
            f.put("run", run);
            f.put("seconds", round(seconds, 6));
            f.put("msgs_per_s", round(r.rate, 1));
            f.put("mb_per_s", round(r.mbps, 3));
            f.put("cpu_us_per_msg", cpu.get("cpu_us_per_msg"));
            f.put("cpu_cores", cpu.get("cpu_cores"));
            f.put("lat_kind", "rtt");
            f.put("lat_mean_us", round(r.mean, 3));
            f.put("lat_p50_us", round(r.p50, 3));
            f.put("lat_p90_us", round(h.getValueAtPercentile(90) / 1e3, 3));
            f.put("lat_p99_us", round(r.p99, 3));
            f.put("lat_p999_us", round(h.getValueAtPercentile(99.9) / 1e3, 3));
            f.put("lat_max_us", round(h.getMaxValue() / 1e3, 3));
            f.put("verified", r.verified);
            f.put("errors", errors);
            f.put("note", note);
            return r;
        }
    }

    // ---------------------------------------------------------------- summary

    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        public Integer convert(String value) {
            return (int) Units.parseSizeIn(value, MIN_SIZE, MAX_SIZE, "a size from 8 B to 64 MiB, such as 100, 10k, 2M, 64Ki or 1Mi");
        }
    }

    /**
     * The Python prototype's summary: per size, each method's round trip and how much slower it is than the fastest
     * method at that size (same payload, same invocation). Each cell is the median over the runs; the RTT p50 also
     * shows its 95% interval (Interval, order statistics), marked ~ when the runs spread more than 10%.
     */
    void printSummary(List<Row> rows) {
        if (rows.isEmpty()) {
            fitted.values().forEach(System.out::println);
            return;
        }
        System.out.printf("%nTransportBench: request/reply round trip (RTT), payload %s, runs: %s; each cell the median over the runs%n",
                payload, quick ? "1" : runs);
        List<String[]> table = new ArrayList<>();
        table.add(new String[]{"size", "method", "wait", "RTT p50 µs [interval]", "RTT p99 µs", "round trips/s", "MB/s", "CPU cores", "vs fastest"});
        Map<Integer, Map<String, List<Row>>> bySize = rows.stream().collect(Collectors.groupingBy(r -> r.size, TreeMap::new,
                Collectors.groupingBy(r -> r.method, LinkedHashMap::new, Collectors.toList())));
        boolean overlapSeen = false, spreadSeen = false;
        double confidence = 1;     // the lowest confidence of a shown interval
        List<String> checksCost = new ArrayList<>();
        for (var sizeEntry : bySize.entrySet()) {
            Map<String, Interval> p50 = new LinkedHashMap<>();
            sizeEntry.getValue().forEach((m, rs) -> p50.put(m, Interval.of(rs.stream().map(r -> r.p50).toList())));
            List<Row> spin = sizeEntry.getValue().get("shm-spin"), raw = sizeEntry.getValue().get(RAW_SPIN.name());
            if (spin != null && raw != null)
                checksCost.add(String.format(Locale.ROOT, "Checks' cost at %s: shm-spin's RTT p50 is %.2fx and its round trips/s %.2fx those of %s, "
                        + "the same round trips with nothing checked (the check runs after the RTT's clock stops, inside round trips/s).",
                        Units.size(sizeEntry.getKey()), p50.get("shm-spin").median() / p50.get(RAW_SPIN.name()).median(),
                        median(spin, r -> r.rate) / median(raw, r -> r.rate), RAW_SPIN.name()));
            // The fastest is a method, never a reference row.
            String fastest = sizeEntry.getValue().entrySet().stream().filter(e -> e.getValue().get(0).kind.equals(Results.KIND_METHOD))
                    .map(Map.Entry::getKey).min(Comparator.comparingDouble(m -> p50.get(m).median())).orElse(null);
            String label = Units.size(sizeEntry.getKey());
            for (var e : sizeEntry.getValue().entrySet()) {
                List<Row> rs = e.getValue();
                Interval i = p50.get(e.getKey());
                spreadSeen |= i.text().startsWith("~");
                if (i.runs() > 1) confidence = Math.min(confidence, i.confidence());
                String vs;
                if (!rs.get(0).kind.equals(Results.KIND_METHOD)) {
                    vs = "(reference)";
                } else if (e.getKey().equals(fastest)) {
                    vs = "1.00x fastest";
                } else {
                    double ratio = i.median() / p50.get(fastest).median();
                    boolean overlaps = i.overlaps(p50.get(fastest));
                    overlapSeen |= overlaps;
                    vs = String.format("%.2fx", ratio) + (ratio > 1.005 ? String.format(" (%.0f%% slower)", (ratio - 1) * 100) : "") + (overlaps ? " ≈" : "");
                }
                if (!rs.stream().allMatch(r -> r.verified)) vs += "  NOT VERIFIED";
                table.add(new String[]{label, e.getKey(), rs.get(0).wait, i.text(), fmt(median(rs, r -> r.p99)),
                        String.format("%,.0f", median(rs, r -> r.rate)), fmt(median(rs, r -> r.mbps)), String.format("%.2f", median(rs, r -> r.cpuCores)), vs});
                label = "";
            }
        }
        int[] width = new int[table.get(0).length];
        for (String[] line : table) for (int c = 0; c < line.length; c++) width[c] = Math.max(width[c], line[c].length());
        for (String[] line : table) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < line.length; c++) {
                boolean left = c <= 2 || c == line.length - 1;
                String cell = left ? String.format("%-" + width[c] + "s", line[c]) : String.format("%" + width[c] + "s", line[c]);
                sb.append(c == 0 ? "" : "  ").append(cell);
            }
            System.out.println(sb.toString().stripTrailing());
        }
        checksCost.forEach(System.out::println);
        System.out.println("vs fastest = median RTT p50 / the fastest method's at that size; " + RAW_SPIN.name() + " is a reference, never ranked. "
                + "CPU cores = requester + responder CPU time / the run's wall time.");
        if (confidence < 1) System.out.printf("[low, high] = order-statistics interval of the median over the runs: %.0f%% confidence%s.%n",
                confidence * 100, confidence < Interval.LEVEL ? " (95% takes 6 runs or more: -r 6, -r auto)" : " or more");
        if (spreadSeen) System.out.println("~ = that cell's runs spread more than 10% around the median.");
        if (overlapSeen) System.out.println("≈ = its interval overlaps the fastest's: not distinguishable here.");
        fitted.values().forEach(System.out::println);
        System.out.println("All replies verified: " + (rows.stream().allMatch(r -> r.verified) ? "yes" : "NO") + ". Rows in " + out.resolve("results.csv"));
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
