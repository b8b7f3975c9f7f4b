///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION ZeroMQ (JeroMQ) streaming between processes: PUSH/PULL, PUB/SUB and REQ/REP over tcp, ipc and inproc; a size sweep, several pairs, several hosts
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//DEPS org.zeromq:jeromq:0.6.0

/*
 * ZmqBench: how many messages per second, and how many MB/s, does ZeroMQ move from one process to
 * another, by pattern, transport and message size?
 *
 * A coordinator hands a test matrix to worker pairs (a sender and a receiver, each its own process),
 * collects what they measured and writes the rows. Every message carries its sequence number and the
 * sender's timestamp, and its body is checked with CRC32C by whoever receives it. The prototype: the
 * original Python ZeroMQ streaming benchmark (coordinator, sender and receiver workers, PUSH/PULL and
 * PUB/SUB, size and count sweeps, zero-copy, high-water marks, several pairs and hosts), here on
 * JeroMQ, the pure-Java ZeroMQ.
 *
 *   jbang ZmqBench.java                                  everything, on this machine (about 4 minutes: 50 cells x 3 runs of 1 s or more)
 *   jbang ZmqBench.java -p push-pull -m tcp --sizes 100,64Ki,1Mi
 *   jbang ZmqBench.java --pairs 2 --zero-copy            two pairs at once, bodies sent without a copy
 *   jbang ZmqBench.java --elements 1024 -b 10            arrays of 1024 float64, 10 per message
 *   jbang ZmqBench.java --list                           the patterns and transports, one line each
 *
 * Across machines: start the coordinator on one host and the workers anywhere that reaches it:
 *
 *   jbang ZmqBench.java coordinator --bind tcp://0.0.0.0:5599 --pairs 2
 *   jbang ZmqBench.java worker --coordinator tcp://HOST:5599 --role receiver     (twice, on host A)
 *   jbang ZmqBench.java worker --coordinator tcp://HOST:5599 --role sender       (twice, on host B)
 *
 * Patterns: push-pull and pub-sub stream (throughput, one-way latency); req-rep asks and waits for the
 * full payload back (round trips per second, round-trip latency, as TransportBench's zmq-tcp).
 * Transports: tcp (loopback, or the workers' addresses across hosts), ipc (JeroMQ emulates it with
 * loopback TCP) and inproc (two threads of the receiver's process: the ceiling without a process
 * boundary). The receiver binds, the sender connects; sockets are fresh for every run.
 *
 * Figures as README "How figures are defined" has them: throughput = messages / (first send to last
 * verified receipt), per pair and in total (several pairs: all messages / (last end - first start));
 * where sender and receiver share no clock (other hosts), the receiver's first receipt to its last, as
 * ZeroMQ's local_thr. One-way latency = verified receipt - the sender's stamp taken before any wait at
 * the high-water mark (one machine only); req-rep's RTT = request stamped to the whole reply received
 * and checked. inproc rows are references (kind=reference), never ranked the fastest. CPU: the
 * coordinator and the workers on its machine during the window (cpu_us_per_msg, cpu_cores).
 *
 * The harness's own cost: beside push-pull tcp, at each size, runs ref-jeromq-raw, a bare JeroMQ PUSH/PULL loop
 * (one prebuilt message sent N times, N received, nothing checked; a reference). The summary's "of ref" says how
 * much of its rate the checked methods keep.
 *
 * Results: <out>/results.csv, results.jsonl, hgrm/*.hgrm.
 */

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import zmq.Msg;
import zmq.msg.MsgAllocator;

import java.io.*;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

@Command(name = "ZmqBench", mixinStandardHelpOptions = true, version = "ZmqBench 1.0", sortOptions = false,
        subcommands = {ZmqBench.CoordinatorCommand.class, ZmqBench.WorkerCommand.class},
        description = {"ZeroMQ (JeroMQ) streaming between processes: patterns x transports x message sizes, verified message by message.",
                "Without a subcommand everything runs on this machine: a coordinator (this process) and 2 x --pairs worker processes.",
                "Default: 3 patterns x 3 transports x 5 sizes (64,1Ki,16Ki,256Ki,4Mi), and the reference loop beside push-pull tcp at each size, "
                        + "a warm-up and 3 measured runs of at least 1 s each: about 4 minutes.",
                "inproc (threads of one process) is a reference, shown beside tcp and ipc, never ranked the fastest;",
                "so is ref-jeromq-raw, a bare PUSH/PULL loop over tcp that checks nothing, run beside push-pull tcp: 'of ref' is how much of its rate a method keeps."},
        footer = {"", "Across hosts: 'ZmqBench coordinator --bind tcp://0.0.0.0:PORT' on one, 'ZmqBench worker --coordinator tcp://HOST:PORT "
                + "--role sender|receiver' on any.", "Documentation: docs/ZmqBench.md in the suite's repository."})
public class ZmqBench implements Callable<Integer> {

    static final String BENCH = "ZmqBench";
    static final int MAX_SIZE = 64 << 20;

    @Mixin Matrix matrix;
    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(runCommand(new ZmqBench(), args));
    }

    public Integer call() throws Exception {
        if (matrix.list) return Matrix.printList();
        Plan plan = matrix.plan(spec.commandLine());
        return Coordinator.session(plan, "tcp://127.0.0.1:*", true, plan.timeout.multipliedBy(2));
    }

    @Command(name = "coordinator", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Waits for --pairs senders and --pairs receivers started with 'ZmqBench worker', runs the matrix, writes the rows.")
    static final class CoordinatorCommand implements Callable<Integer> {
        @Option(names = "--bind", required = true, paramLabel = "ENDPOINT", description = "Where workers reach the coordinator, tcp://HOST:PORT (e.g. tcp://0.0.0.0:5599).")
        String bind;

        @Option(names = "--join-timeout", paramLabel = "TIME", defaultValue = "5m", converter = DurationConverter.class,
                description = "How long to wait for the workers to join (default: ${DEFAULT-VALUE}).")
        Duration joinTimeout;

        @Mixin Matrix matrix;
        @Spec CommandSpec spec;

        public Integer call() throws Exception {
            if (matrix.list) return Matrix.printList();
            Endpoint.parse(spec.commandLine(), "--bind", bind, false);
            if (joinTimeout.compareTo(Duration.ofSeconds(1)) < 0) throw bad(spec.commandLine(), "--join-timeout", given(spec.commandLine(), "--join-timeout", joinTimeout), "at least 1s");
            Plan plan = matrix.plan(spec.commandLine());
            return Coordinator.session(plan, bind, false, joinTimeout);
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
            description = "A sender or a receiver for a coordinator: registers, runs what it is told, exits when the coordinator is done or gone.")
    static final class WorkerCommand implements Callable<Integer> {
        @Option(names = "--coordinator", paramLabel = "ENDPOINT", description = "The coordinator, tcp://HOST:PORT.")
        String coordinator;

        @Option(names = "--role", paramLabel = "ROLE", description = "sender or receiver.")
        String role;

        @Option(names = "--advertise", paramLabel = "HOST", description = "The address senders use to reach this receiver (default: this host's address on the route to the coordinator).")
        String advertise;

        @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
                description = "Give up when the coordinator has not answered for this long (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--spawned", hidden = true, description = "Internal: started by a local coordinator, configuration as JSON on stdin.")
        boolean spawned;

        @Spec CommandSpec spec;

        public Integer call() throws Exception {
            CommandLine cl = spec.commandLine();
            if (spawned) {
                ChildConfig cfg = Child.readConfig(ChildConfig.class);
                Child.watchParent(cfg.parentPid, null);     // a worker started by a local coordinator never outlives it
                return new ChildRole(cfg.coordinator, cfg.role, "127.0.0.1", Duration.ofMillis(cfg.timeoutMs), true).run();
            }
            if (coordinator == null) throw new ParameterException(cl, "Missing required option: '--coordinator=ENDPOINT'");
            if (role == null) throw new ParameterException(cl, "Missing required option: '--role=ROLE'");
            if (!role.equals("sender") && !role.equals("receiver")) throw bad(cl, "--role", role, "sender or receiver");
            Endpoint at = Endpoint.parse(cl, "--coordinator", coordinator, true);
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) throw bad(cl, "--timeout", given(cl, "--timeout", timeout), "at least 1s: heartbeats come every quarter second");
            String address = advertise != null ? advertise : at.localAddressTowards();
            return new ChildRole(coordinator, role, address, timeout, false).run();
        }
    }

    // ---------------------------------------------------------------- options

    /** The test matrix and how to measure it: the same options for a local run and for the coordinator. */
    static final class Matrix {
        @Option(names = {"-p", "--patterns"}, paramLabel = "LIST", split = ",", description = "push-pull, pub-sub, req-rep (default: all).")
        List<String> patterns;

        @Option(names = {"-m", "--methods"}, paramLabel = "LIST", split = ",", description = "Transports: tcp, ipc, inproc (default: all; see --list).")
        List<String> methods;

        @Option(names = "--list", description = "Print the patterns and transports, one line each, and exit.")
        boolean list;

        @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = SizeConverter.class,
                description = "Bytes per message, the 16-byte header (sequence, timestamp) included (default: a sweep, see --sizes).")
        Integer size;

        @Option(names = "--sizes", paramLabel = "LIST", split = ",", converter = SizeConverter.class,
                description = "Message sizes to sweep (default: 64,1Ki,16Ki,256Ki,4Mi; 64,64Ki with --quick); any list may be given, e.g. 64,256,1Ki,4Ki,16Ki,64Ki,256Ki,1Mi,4Mi.")
        List<Integer> sizes;

        @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Messages per run, exactly (arrays with --elements) (default: as many as last at least 1 s at the warm-up's rate; "
                + "with -w 0, 256 MiB worth, 200 to 200,000, a tenth for req-rep).")
        Long count;

        @Option(names = "--elements", paramLabel = "N", description = "Array mode: arrays of N elements of --dtype, --batch per message, as the original Python benchmark's ZeroMQ runs.")
        Integer elements;

        @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float64", description = "Array element type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        Dtype dtype;

        @Option(names = {"-b", "--batch"}, paramLabel = "N", defaultValue = "1", description = "Array mode: arrays per message (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--zero-copy", description = "Send each body from a reused direct ByteBuffer as its own frame (PyZMQ's copy=False) instead of copying it into a fresh byte[].")
        boolean zeroCopy;

        @Option(names = "--sndhwm", paramLabel = "N", description = "Sender's high-water mark in messages (default: 1000, fewer for large messages: at most 16 MiB queued, at least 2).")
        Integer sndhwm;

        @Option(names = "--rcvhwm", paramLabel = "N", description = "Receiver's high-water mark in messages (default: as --sndhwm).")
        Integer rcvhwm;

        @Option(names = "--sockbuf", paramLabel = "SIZE", defaultValue = "4Mi", converter = SockbufConverter.class,
                description = "TCP buffer of each data socket: SO_SNDBUF of senders, SO_RCVBUF of receivers; the kernel may cap it (default: ${DEFAULT-VALUE}).")
        int sockbuf;

        @Option(names = "--pairs", paramLabel = "N", defaultValue = "1", description = "Sender/receiver pairs running at once (default: ${DEFAULT-VALUE}).")
        int pairs;

        @Option(names = {"-w", "--warmup"}, paramLabel = "N", defaultValue = "1", description = "Warm-up runs of each configuration, not counted (default: ${DEFAULT-VALUE}). "
                + "Without -n/-d each lasts 1 s for the session's first configuration (the workers' JIT; two unrecorded runs as measured follow it) "
                + "and 0.25 s for the others (fresh sockets; it sets the count).")
        int warmup;

        @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class, description = "Send for this long (e.g. 5s) instead of --count messages.")
        Duration duration;

        @Option(names = {"-r", "--runs"}, paramLabel = "N|auto", converter = RunsConverter.class, defaultValue = "3",
                description = "Measured runs of each configuration, or auto: at least 6 and at most 10, until the 95%% interval of the headline "
                        + "(msgs/s; req-rep: RTT p50) is within ±5%% of its median (default: ${DEFAULT-VALUE}); the summary quotes the median and its 95%% interval.")
        Runs runs;

        @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--quick", description = "A small, fast configuration for smoke tests: sizes 64 and 64Ki, few messages, one run.")
        boolean quick;

        @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
                description = "Give up when no worker makes progress for this long (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the random payloads (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--corrupt", hidden = true, paramLabel = "N", description = "Testing: the sender flips the last byte of message N in transit.")
        long corrupt;

        @Option(names = "--stall", hidden = true, paramLabel = "TIME", converter = DurationConverter.class,
                description = "Testing: receiver 1 pauses this long once, halfway through each measured run (after message count/2).")
        Duration stall;

        @Option(names = "--delay-pair", hidden = true, paramLabel = "TIME", converter = DurationConverter.class,
                description = "Testing: the sender of the last pair starts this long after the go of each measured run.")
        Duration delayPair;

        /** The patterns, then the methods (ZeroMQ's transports) and the reference loop that runs beside push-pull tcp. */
        static int printList() {
            for (PatternKind p : PatternKind.values()) System.out.printf("%-10s %s%n", p.label, p.summary);
            return ZmqBench.printList(Stream.concat(METHODS.stream(), Stream.of(RAW)).toList());
        }

        /** Checks every option before anything is started or written: bad input leaves nothing behind. */
        Plan plan(CommandLine cl) {
            List<PatternKind> ps = new ArrayList<>();
            for (String name : patterns == null ? Arrays.stream(PatternKind.values()).map(p -> p.label).toList() : patterns) {
                PatternKind p = PatternKind.of(name.trim());
                if (p == null) throw bad(cl, "--patterns", name, "allowed: push-pull, pub-sub, req-rep");
                if (!ps.contains(p)) ps.add(p);
            }
            List<Method> ms = chooseMethods(cl, METHODS, methods);
            if (pairs < 1 || pairs > 64) throw bad(cl, "--pairs", pairs, "from 1 to 64");
            if (sndhwm != null && sndhwm < 1) throw bad(cl, "--sndhwm", sndhwm, "at least 1 message");
            if (rcvhwm != null && rcvhwm < 1) throw bad(cl, "--rcvhwm", rcvhwm, "at least 1 message");
            if (batch < 1) throw bad(cl, "--batch", batch, "must be at least 1");
            if (batch > 1 && elements == null) throw bad(cl, "--batch", batch, "arrays per message: give --elements too");
            if (warmup < 0) throw bad(cl, "--warmup", warmup, "must be 0 or more");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) throw bad(cl, "--timeout", given(cl, "--timeout", timeout), "at least 1s: heartbeats come every quarter second");
            if (duration != null && duration.compareTo(Duration.ofMillis(10)) < 0) throw bad(cl, "--duration", given(cl, "--duration", duration), "at least 10ms");
            if (duration != null && count != null) throw new ParameterException(cl, "Options '--count' and '--duration' exclude each other: give one");
            if (elements == null && cl.getParseResult().hasMatchedOption("--dtype")) throw bad(cl, "--dtype", dtype, "an array element type: give --elements too");
            if ((size != null ? 1 : 0) + (sizes != null ? 1 : 0) + (elements != null ? 1 : 0) > 1)
                throw new ParameterException(cl, "Options '--size', '--sizes' and '--elements' exclude each other: give one");
            List<Integer> items;
            if (elements != null) {
                long bytes = (long) elements * dtype.width;
                if (elements < 1 || bytes * batch > MAX_SIZE - Payload.HEADER)
                    throw bad(cl, "--elements", elements, "from 1 to " + (MAX_SIZE - Payload.HEADER) / batch / dtype.width + " " + dtype + " elements (a message holds at most 64 MiB)");
                items = List.of((int) bytes);
            } else {
                items = size != null ? List.of(size) : sizes != null ? sizes : quick ? List.of(64, 64 << 10) : DEFAULT_SIZES;
            }
            if (count != null) {
                long perMessage = elements != null ? batch : 1;
                if (count < 2 * perMessage) throw bad(cl, "--count", count, elements != null ? "at least two messages: " + 2 * perMessage + " arrays with --batch " + batch : "at least 2");
                if (count % perMessage != 0) throw bad(cl, "--count", count, "arrays: a multiple of --batch " + batch);
            }
            Results.checkOut(cl, out);
            return new Plan(ps, ms, items, elements != null ? dtype : null, batch, count, duration, quick ? 0 : warmup, quick ? new Runs(1, false) : runs, out,
                    zeroCopy, sndhwm, rcvhwm, sockbuf, pairs, timeout, seed, corrupt, quick,
                    stall == null ? 0 : stall.toMillis(), delayPair == null ? 0 : delayPair.toMillis());
        }
    }

    /** The default size sweep: five sizes, 16x apart, so that the default run (1 s runs) stays within about 4 minutes. */
    static final List<Integer> DEFAULT_SIZES = List.of(64, 1 << 10, 16 << 10, 256 << 10, 4 << 20);

    record Plan(List<PatternKind> patterns, List<Method> methods, List<Integer> itemSizes, Dtype dtype, int batch, Long count,
                Duration duration, int warmup, Runs runs, Path out, boolean zeroCopy, Integer sndhwm, Integer rcvhwm, int sockbuf, int pairs,
                Duration timeout, long seed, long corrupt, boolean quick, long stallMs, long delayMs) {

        /** No -n, -d or --quick: runs are sized from the warm-up's rate to last at least RunLength.MEASURED. */
        boolean autoLength() { return count == null && duration == null && !quick; }

        /** One run's configuration, as the workers get it; raw: ref-jeromq-raw's bare loop (push-pull tcp) instead of the checked stream. */
        RunSpec spec(PatternKind p, Method method, boolean raw, int itemBytes, int run, boolean oneClock) {
            int msgBytes = dtype == null ? itemBytes : Payload.HEADER + batch * itemBytes;
            long messages;
            if (count != null) messages = dtype == null ? count : count / batch;
            else if (duration != null) messages = 0;
            else {
                long stream = quick ? Math.max(50, Math.min(20_000, (16L << 20) / msgBytes)) : Math.max(200, Math.min(200_000, (256L << 20) / msgBytes));
                messages = p == PatternKind.REQ_REP ? (quick ? 200 : Math.max(100, Math.min(10_000, stream / 10))) : stream;
            }
            // Up to 16 MiB queued per socket: more only holds more large buffers in flight (4 MiB messages ran 3x slower with 16 queued than with 2 to 4).
            int autoHwm = (int) Math.max(2, Math.min(1000, (16L << 20) / msgBytes));
            // The testing faults (--corrupt, --stall, --delay-pair) are for the checked stream: the reference checks nothing.
            return new RunSpec(p.label, method, itemBytes, dtype == null ? null : dtype.name(), dtype == null ? 1 : batch, msgBytes, messages,
                    duration == null ? 0 : duration.toMillis(), zeroCopy && !raw, sndhwm != null ? sndhwm : autoHwm,
                    rcvhwm != null ? rcvhwm : sndhwm != null ? sndhwm : autoHwm, sockbuf, seed, raw ? 0 : corrupt, oneClock, run,
                    run >= 1 && !raw ? stallMs : 0, run >= 1 && !raw ? delayMs : 0, pairs - 1, raw);
        }

        /** ref-jeromq-raw runs right after push-pull tcp, in the same invocation, at the same sizes. */
        static boolean hasRawReference(PatternKind p, Method method) { return p == PatternKind.PUSH_PULL && method == Method.tcp; }
    }

    /** A run's configuration: what the coordinator sends to each worker; raw: ref-jeromq-raw's bare loop (RAW). */
    record RunSpec(String pattern, Method method, int itemBytes, String dtype, int batch, int msgBytes, long messages, long durationMs,
                boolean zeroCopy, int sndhwm, int rcvhwm, int sockbuf, long seed, long corrupt, boolean oneClock, int run,
                long stallMs, long delayMs, int delayedPair, boolean raw) {
        PatternKind kind() { return PatternKind.of(pattern); }

        /** A checked stream between processes: its receiver decodes large messages into ReceiveBuffers (which says why the others do not). */
        boolean reusesReceiveBuffers() { return kind() != PatternKind.REQ_REP && method != Method.inproc; }

        /** The same run, of this many messages, and (durationMs > 0) for at least this long. */
        RunSpec withLength(long messages, long durationMs) {
            return new RunSpec(pattern, method, itemBytes, dtype, batch, msgBytes, messages, durationMs, zeroCopy, sndhwm, rcvhwm, sockbuf, seed,
                    corrupt, oneClock, run, stallMs, delayMs, delayedPair, raw);
        }
    }

    static ParameterException bad(CommandLine cl, String option, Object value, String why) {
        return new ParameterException(cl, "Invalid value for option '" + option + "': '" + value + "' (" + why + ")");
    }

    /** The value as the user typed it (500ms rather than PT0.5S), for error messages. */
    static String given(CommandLine cl, String option, Object parsed) {
        var matched = cl.getParseResult().matchedOption(option);
        return matched == null ? String.valueOf(parsed) : matched.stringValues().get(matched.stringValues().size() - 1);
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        public Integer convert(String value) {
            return (int) Units.parseSizeIn(value, Payload.HEADER, MAX_SIZE, "a message size from 16 B, its header, to 64 MiB, such as 100, 64Ki or 1Mi");
        }
    }

    static final class SockbufConverter implements CommandLine.ITypeConverter<Integer> {
        public Integer convert(String value) {
            return (int) Units.parseSizeIn(value, 4096, 1 << 30, "a buffer size from 4Ki to 1Gi, such as 256Ki or 4Mi");
        }
    }

    /** tcp://HOST:PORT, as the coordinator binds it and the workers reach it. */
    record Endpoint(String host, int port) {
        static final Pattern TCP = Pattern.compile("tcp://(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9_.*-]+):(\\d{1,5})");

        static Endpoint parse(CommandLine cl, String option, String text, boolean connect) {
            Matcher m = TCP.matcher(text);
            if (!m.matches() || Integer.parseInt(m.group(2)) > 65535 || (connect && (m.group(1).equals("*") || m.group(1).equals("0.0.0.0"))))
                throw bad(cl, option, text, connect ? "tcp://HOST:PORT, e.g. tcp://10.0.0.5:5599" : "tcp://ADDRESS:PORT, e.g. tcp://0.0.0.0:5599");
            String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            try {
                if (!host.equals("*")) InetAddress.getByName(host);
            } catch (IOException e) {
                throw bad(cl, option, text, "unknown host " + host);
            }
            return new Endpoint(host, Integer.parseInt(m.group(2)));
        }

        /** This host's address on the route to the endpoint; connecting a UDP socket sends nothing. */
        String localAddressTowards() throws IOException {
            InetAddress to = InetAddress.getByName(host);
            if (to.isLoopbackAddress()) return "127.0.0.1";
            try (DatagramSocket probe = new DatagramSocket()) {
                probe.connect(to, port);
                return probe.getLocalAddress().getHostAddress();
            }
        }
    }

    // ---------------------------------------------------------------- patterns, methods (transports), payloads

    enum PatternKind {
        PUSH_PULL("push-pull", SocketType.PUSH, SocketType.PULL, "PUSH/PULL stream: the sender blocks at its high-water mark, nothing is lost"),
        PUB_SUB("pub-sub", SocketType.PUB, SocketType.SUB, "PUB/SUB stream: the publisher drops at its high-water mark; messages the subscriber never got are counted as lost"),
        REQ_REP("req-rep", SocketType.REQ, SocketType.REP, "REQ/REP: each request waits for the full payload back; round trips per second and round-trip latency");

        final String label, summary;
        final SocketType senderType, receiverType;

        PatternKind(String label, SocketType senderType, SocketType receiverType, String summary) {
            this.label = label;
            this.senderType = senderType;
            this.receiverType = receiverType;
            this.summary = summary;
        }

        static PatternKind of(String label) {
            for (PatternKind p : values()) if (p.label.equals(label)) return p;
            return null;
        }
    }

    /**
     * The methods: ZeroMQ's transports, a row's `method` (-zc and -xN added for --zero-copy and --pairs).
     * Both ends block in JeroMQ's calls (100 ms socket timeouts, then the orders are read and the call
     * repeated), whatever the pattern.
     */
    enum Method implements Described {
        tcp(MethodInfo.named("tcp").waits("block")
                .summary("TCP between the two processes (loopback here, the workers' addresses across hosts); JeroMQ sets TCP_NODELAY")
                .note("JeroMQ over TCP, TCP_NODELAY")),
        ipc(MethodInfo.named("ipc").waits("block")
                .summary("JeroMQ's ipc:// (which is loopback TCP underneath: JeroMQ has no Unix-socket transport); both ends on one host")
                .note("JeroMQ's ipc:// is TCP over 127.0.0.1 (port hashed from the name), not a Unix socket")),
        inproc(MethodInfo.named("inproc").waits("block")
                .summary("a reference, not an IPC method: two threads of the receiver's process over JeroMQ inproc://, no process boundary")
                .note("reference, not an inter-process method: JeroMQ inproc://, sender and receiver are two threads of one process (no process boundary, no socket)"));

        private final MethodInfo info;

        Method(MethodInfo info) { this.info = info; }

        public MethodInfo info() { return info; }
    }

    static final List<Method> METHODS = List.of(Method.values());

    /** A reference row that is not one of ZeroMQ's transports (so not a Method): its description, for --list and the rows. */
    record Reference(MethodInfo info) implements Described {}

    /**
     * ref-jeromq-raw, the harness's own cost measured: a bare JeroMQ PUSH/PULL loop over tcp between the same two worker
     * processes, its sockets set as push-pull tcp's (high-water marks, socket buffers) and otherwise JeroMQ's defaults.
     * The sender sends one prebuilt message N times, the receiver counts what arrives and reads the clock; no sequence,
     * checksum or latency. It runs right after push-pull tcp at each size; the summary says how much of its rate each
     * push-pull method keeps ("of ref").
     */
    static final Reference RAW = new Reference(MethodInfo.named("ref-jeromq-raw").waits("block")
            .summary("(reference, runs beside push-pull tcp) a bare JeroMQ PUSH/PULL loop over tcp: the same bytes sent N times, N messages received, nothing checked")
            .note("reference, not a checked method: a bare JeroMQ PUSH/PULL loop over tcp (the same prebuilt message sent N times, "
                    + "N messages received); no checks: only the count of messages is compared, no sequence, checksum or latency"));

    /** Element types, as NumPy names them; arrays travel as their little-endian bytes. */
    enum Dtype {
        float64(8), float32(4), int64(8), int32(4), int8(1);

        final int width;

        Dtype(int width) { this.width = width; }

        void fill(ByteBuffer b, SplittableRandom rnd) {
            while (b.remaining() >= width) {
                switch (this) {
                    case float64 -> b.putDouble(rnd.nextDouble(-1e6, 1e6));
                    case float32 -> b.putFloat((float) rnd.nextDouble(-1e6, 1e6));
                    case int64 -> b.putLong(rnd.nextLong());
                    case int32 -> b.putInt(rnd.nextInt());
                    case int8 -> b.put((byte) rnd.nextInt());
                }
            }
        }
    }

    /**
     * What travels: a 16-byte header (sequence number, sender's System.nanoTime; big-endian) and a body.
     * Bodies are seven distinct random images in rotation (message seq carries body seq % 7), so a stale
     * or misplaced body cannot pass; both sides build them from --seed, the receiver only keeps their
     * CRC32C. In array mode a body is --batch arrays of random --dtype values. A sender keeps each variant as a
     * whole message (header zero, then the body), which it copies per message; with --zero-copy, as a direct buffer.
     */
    static final class Payload {
        static final int HEADER = 16, VARIANTS = 7;
        static final long PROBE = -1, END = -2;
        final int msgBytes, bodyBytes, itemsPerMsg;
        final byte[][] messages = new byte[VARIANTS][];
        final ByteBuffer[] direct = new ByteBuffer[VARIANTS];
        final int[] crcs = new int[VARIANTS];

        Payload(RunSpec s, boolean sender) {
            msgBytes = s.msgBytes;
            bodyBytes = s.msgBytes - HEADER;
            itemsPerMsg = s.batch;
            Dtype dtype = s.dtype == null ? null : Dtype.valueOf(s.dtype);
            for (int v = 0; v < VARIANTS; v++) {
                SplittableRandom rnd = new SplittableRandom(s.seed * 31 + v);
                byte[] body = new byte[bodyBytes];
                if (dtype == null) rnd.nextBytes(body);
                else dtype.fill(ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN), rnd);
                CRC32C crc = new CRC32C();
                crc.update(body);
                crcs[v] = (int) crc.getValue();
                if (sender && s.zeroCopy) direct[v] = ByteBuffer.allocateDirect(bodyBytes).put(body).flip().asReadOnlyBuffer();
                else if (sender) System.arraycopy(body, 0, messages[v] = new byte[msgBytes], HEADER, bodyBytes);
            }
        }

        int crc(long seq) { return crcs[(int) (seq % VARIANTS)]; }

        /** Message seq in one fresh byte[]: a copy of its variant with the header written in (not --zero-copy's bodies). */
        byte[] message(long seq, long stamp) {
            // Arrays.copyOf of a whole array is compiled to an allocation that skips zeroing the new array, as new byte[] and a copy
            // into it at HEADER would not: one pass over the bytes instead of two (clone() of a large array does zero it first).
            byte[] m = Arrays.copyOf(messages[(int) (seq % VARIANTS)], msgBytes);
            ByteBuffer.wrap(m).putLong(seq).putLong(stamp);
            return m;
        }

        static byte[] header(long seq, long stamp) {
            return ByteBuffer.allocate(HEADER).putLong(seq).putLong(stamp).array();
        }
    }

    /** A receiving socket's view of one message: its header's fields, and its frames: the body after the header in one, or (zero-copy) a frame of its own. */
    record Received(long seq, long stamp, Msg head, Msg tail) {
        static Received of(ZMQ.Socket s, Msg head) throws IOException {
            if (head.size() < Payload.HEADER) throw new IOException("a frame of " + head.size() + " bytes, shorter than the header");
            long seq = head.getLong(0), stamp = head.getLong(8);
            if (head.hasMore()) {
                Msg tail = s.recvMsg(0);
                if (tail == null) throw new IOException("the second frame of message " + seq + " did not follow");
                return new Received(seq, stamp, head, tail);
            }
            return new Received(seq, stamp, head, null);
        }

        Msg bodyFrame() { return tail == null ? head : tail; }

        int bodyFrom() { return tail == null ? Payload.HEADER : 0; }

        int bodyBytes() { return bodyFrame().size() - bodyFrom(); }

        /**
         * Adds the body to crc where it lies, never copied: a small frame through its own heap array (Msg.data() returns
         * it as it is; a view would be one more object per message, which 100 B messages feel), a large one through a
         * view of its buffer, heap or direct (ReceiveBuffers').
         */
        void addBodyTo(CRC32C crc) {
            Msg m = bodyFrame();
            if (m.size() < ReceiveBuffers.POOLED_FROM) crc.update(m.data(), bodyFrom(), bodyBytes());
            else crc.update(view(m, bodyFrom()));
        }

        static ByteBuffer view(Msg m, int from) {
            ByteBuffer b = m.buf();
            b.clear().limit(m.size()).position(from);
            return b;
        }

        /** REP's answer: the same frames back. */
        void echo(ZMQ.Socket s) {
            if (tail == null) {
                s.send(head.data(), 0);
            } else {
                s.send(head.data(), ZMQ.SNDMORE);
                s.sendByteBuffer(view(tail, 0), 0);
            }
        }
    }

    /**
     * Where a stream's receiving socket decodes large messages: direct buffers reused from one message to the next,
     * instead of JeroMQ's default of a fresh heap array per message, which the JVM zeroes before JeroMQ copies the
     * message in (a second pass over every byte, at 1 MiB 12% of the receiver's CPU). JeroMQ is done with a
     * message's buffer once it has delivered it; the receiver hands it back (release) once the message is checked.
     * Messages under POOLED_FROM bytes (markers, small messages) stay on the heap, where allocating is cheap. Not for
     * REP, which sends what it got back (JeroMQ still holds it after the receiver is done), nor inproc (nothing is
     * decoded: its messages are the sender's). ref-jeromq-raw reuses them too: its difference from push-pull tcp is the checks.
     */
    static final class ReceiveBuffers implements MsgAllocator {
        static final int POOLED_FROM = 8192;
        /** JeroMQ's I/O thread takes, the receiver gives back; it holds what may be in flight at once: the high-water mark's worth and a few. */
        final Queue<ByteBuffer> free;

        ReceiveBuffers(int rcvhwm) { free = new ArrayBlockingQueue<>(Math.min(rcvhwm, 1024) + 4); }

        public Msg allocate(int size) {
            if (size < POOLED_FROM) return new Msg(size);
            ByteBuffer b = free.poll();
            return new Msg(b != null && b.capacity() == size ? b.clear() : ByteBuffer.allocateDirect(size));
        }

        /** The receiver is done with the message: its buffer may take another (or is left to the GC when enough are held). */
        void release(Msg m) {
            if (m != null && m.size() >= POOLED_FROM) free.offer(m.buf());
        }
    }

    /**
     * Checks each message of a stream: sequence (next expected; on pub-sub a jump forward is a loss,
     * anything else an error), body length, and CRC32C of the body. Records one-way latency where the
     * two ends share a clock.
     */
    static final class Checker {
        final Payload p;
        final boolean lossy;
        final Histogram latency;
        final CRC32C crc = new CRC32C();
        long next, received, errors, firstNanos, lastNanos;
        String firstError;

        Checker(Payload p, boolean lossy, boolean recordLatency) {
            this.p = p;
            this.lossy = lossy;
            this.latency = recordLatency ? new Histogram(3) : null;
        }

        void check(Received m, long now) {
            verify(m);
            stamp(m, now);
        }

        /** Verifies the message, then takes the receipt time: a verified receipt (README "How figures are defined"). */
        long checkNow(Received m) {
            verify(m);
            long now = System.nanoTime();
            stamp(m, now);
            return now;
        }

        /** ref-jeromq-raw: a receipt counted and timed, nothing checked, no latency. */
        void countNow() { count(System.nanoTime()); }

        void count(long now) {
            if (received++ == 0) firstNanos = now;
            lastNanos = now;
        }

        void stamp(Received m, long now) {
            count(now);
            // One-way latency = verified receipt - the time the message was due to be sent (the sender's stamp, taken
            // before any wait at the high-water mark).
            if (latency != null) latency.recordValue(Math.max(0, now - m.stamp));
        }

        void verify(Received m) {
            if (m.seq < next || (m.seq > next && !lossy)) error(m.seq < next ? "message " + m.seq + " came again or out of order (expected " + next + ")"
                    : "messages " + next + " to " + (m.seq - 1) + " are missing");
            next = Math.max(next, m.seq + 1);
            if (m.bodyBytes() != p.bodyBytes) {
                error("message " + m.seq + " has a body of " + m.bodyBytes() + " bytes, not " + p.bodyBytes);
            } else {
                crc.reset();
                m.addBodyTo(crc);
                if ((int) crc.getValue() != p.crc(m.seq)) error("message " + m.seq + ": CRC32C of its body does not match");
            }
        }

        void error(String what) {
            if (errors++ == 0) firstError = what;
        }
    }

    /** What one side measured in one run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    /**
     * start/end: this side's System.nanoTime at its window's ends. Sender: its first send, and its last send returned
     * (req-rep: its last reply checked). Receiver: its first and its last verified receipt. messages: sent, or received;
     * counted: what this side's own window counts (receiver: all but the first, its window starting at the first receipt).
     * tailMessages, tailNanos: a timed sender's second half (-d, warm-ups): its warm rate, which sizes the measured runs.
     */
    record RunReport(String side, int pair, long messages, long counted, double seconds, long errors, long lost, String firstError,
                     String histogram, long start, long end, long tailMessages, long tailNanos) {
        static String encode(Histogram h) {
            if (h == null) return null;
            ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(b);
            return Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), n));
        }

        Histogram decode() throws IOException {
            if (histogram == null) return null;
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(histogram)), 0);
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException("a histogram that does not decode: " + e.getMessage());
            }
        }

        double rate() { return counted / seconds; }
    }

    // ---------------------------------------------------------------- the control channel

    /** Every message between coordinator and workers: one JSON object, the fields its type needs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Ctl(String type, String worker, String role, Integer pair, Long pid, String host, String address, String bootId,
               RunSpec spec, String endpoint, RunReport report, Long progress, String error) {
        static Ctl of(String type) { return new Ctl(type, null, null, null, null, null, null, null, null, null, null, null, null); }

        Ctl withPair(int p) { return new Ctl(type, worker, role, p, pid, host, address, bootId, spec, endpoint, report, progress, error); }
        Ctl withSpec(RunSpec s, String e) { return new Ctl(type, worker, role, pair, pid, host, address, bootId, s, e, report, progress, error); }
        Ctl withReport(RunReport r) { return new Ctl(type, worker, role, pair, pid, host, address, bootId, spec, endpoint, r, progress, error); }
        Ctl withError(String e) { return new Ctl(type, worker, role, pair, pid, host, address, bootId, spec, endpoint, report, progress, e); }
        Ctl from(String w, long p) { return new Ctl(type, w, role, pair, pid, host, address, bootId, spec, endpoint, report, p, error); }

        String json() {
            try {
                return JSON.writeValueAsString(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Ctl parse(String text) throws IOException { return JSON.readValue(text, Ctl.class); }
    }

    /** The coordinator (or the session) ended while a worker was busy: it stops at once. */
    static final class Ended extends Exception {
        Ended(String why) { super(why); }
    }

    // ---------------------------------------------------------------- the worker: sender and receiver

    /** What a local coordinator tells the workers it starts, on their stdin. */
    record ChildConfig(String coordinator, String role, long parentPid, long timeoutMs) {}

    /**
     * One sender or receiver (the `worker` subcommand): started as a child by a local coordinator, or by
     * hand on another host. Its control socket (DEALER) takes orders from the coordinator's ROUTER; a
     * second socket in its own thread sends heartbeats with the worker's progress, so a coordinator that
     * vanishes ends the worker, and a worker that vanishes is noticed by the coordinator.
     */
    static final class ChildRole {
        final ZContext zmq = new ZContext(1);
        final String id = "w" + ProcessHandle.current().pid() + "-" + Long.toHexString(new Random().nextLong() & 0xFFFFFF);
        final String coordinator, role, address;
        final Duration timeout;
        final boolean spawned;
        final AtomicLong progress = new AtomicLong();
        final Map<String, Payload> payloads = new HashMap<>();
        volatile long lastAnswer = System.nanoTime();
        volatile boolean welcomed;
        ZMQ.Socket control;
        int pair;

        ChildRole(String coordinator, String role, String address, Duration timeout, boolean spawned) {
            this.coordinator = coordinator;
            this.role = role;
            this.address = address;
            this.timeout = timeout;
            this.spawned = spawned;
        }

        String who() { return role + (welcomed ? " " + (pair + 1) : ""); }

        int run() throws Exception {
            control = zmq.createSocket(SocketType.DEALER);
            control.setLinger(0);
            control.setIdentity(id.getBytes(StandardCharsets.UTF_8));
            control.connect(coordinator);
            daemon("heartbeat", this::heartbeat);
            send(new Ctl("hello", id, role, null, ProcessHandle.current().pid(), Environment.hostname(), address, Environment.bootId(),
                    null, null, null, null, null));
            try {
                Ctl welcome = next(true);
                if (welcome.type.equals("bye")) {
                    System.err.println(BENCH + " worker: " + (welcome.error != null ? welcome.error : "the coordinator ended the session"));
                    return 0;
                }
                pair = welcome.pair;
                welcomed = true;
                if (spawned) System.out.println("ready");
                else System.err.println(BENCH + " worker: " + who() + " of the coordinator at " + coordinator + ", on " + address);
                while (true) {
                    Ctl c = next(true);
                    switch (c.type) {
                        case "run" -> receive(c.spec);
                        case "send" -> {
                            RunReport r = new SenderRun(this, c.spec, payload(c.spec, true), new RemoteControl(this)).run(c.endpoint);
                            send(Ctl.of("result").withReport(r));
                        }
                        case "bye" -> { return 0; }
                        default -> { }
                    }
                }
            } catch (Ended e) {
                return 0;
            } catch (Exception | OutOfMemoryError e) {
                String msg = e.getClass().getSimpleName() + ": " + e.getMessage() + (e instanceof OutOfMemoryError ? " (give the JVM more heap: jbang -R-Xmx8g ...)" : "");
                send(Ctl.of("error").withError(msg));
                System.err.println(BENCH + " worker: " + who() + ": " + msg);
                Thread.sleep(200);   // let the error leave before the context closes
                return 1;
            } finally {
                zmq.close();
            }
        }

        /** The next order, waiting for one or (wait false) null if there is none yet; "bye" ends the worker wherever it waits. */
        Ctl next(boolean wait) throws IOException, Ended {
            while (true) {
                String text = control.recvStr(ZMQ.DONTWAIT);
                if (text != null) {
                    Ctl c = Ctl.parse(text);
                    if (c.type.equals("bye") && welcomed) throw new Ended("the coordinator ended the session");
                    return c;
                }
                if (!wait) return null;
                try { Thread.sleep(1); } catch (InterruptedException e) { throw new Ended("interrupted"); }
            }
        }

        void send(Ctl c) { control.send(c.from(id, progress.get()).json()); }

        void heartbeat() {
            ZMQ.Socket hb = zmq.createSocket(SocketType.DEALER);
            hb.setLinger(0);
            hb.setIdentity((id + "/hb").getBytes(StandardCharsets.UTF_8));
            hb.setReceiveTimeOut(250);
            hb.setSndHWM(4);
            hb.connect(coordinator);
            try {
                beat(hb);
            } catch (org.zeromq.ZMQException e) {
                // the context is closing: the worker is done
            }
        }

        void beat(ZMQ.Socket hb) {
            while (true) {
                hb.send(Ctl.of("hb").from(id, progress.get()).json(), ZMQ.DONTWAIT);    // never blocks on a coordinator that is gone
                // Each ack, or a quarter second of silence (the receive timeout), then the next beat.
                for (long sent = System.nanoTime(); System.nanoTime() - sent < 250_000_000L && hb.recvStr(0) != null; ) lastAnswer = System.nanoTime();
                // A spawned worker's first answer may be slow while its siblings' JVMs start: it waits as long as its coordinator waits
                // for it to join (its parent's death ends it anyway).
                Duration limit = spawned && !welcomed ? Coordinator.localJoin(timeout) : timeout;
                if (System.nanoTime() - lastAnswer > limit.toNanos()) {
                    System.err.println(BENCH + " worker: " + (welcomed ? "the coordinator at " + coordinator + " stopped answering for " + Units.duration(timeout)
                            : "no coordinator answered at " + coordinator + " within " + Units.duration(limit)));
                    System.err.flush();
                    Runtime.getRuntime().halt(1);
                }
            }
        }

        Payload payload(RunSpec s, boolean sender) {
            String key = s.msgBytes + "/" + s.dtype + "/" + s.seed + "/" + s.zeroCopy + "/" + sender;
            Payload p = payloads.get(key);
            if (p == null) {
                if (payloads.size() > 1) payloads.clear();    // a size at a time (both sides for inproc): large bodies are not kept
                payloads.put(key, p = new Payload(s, sender));
            }
            return p;
        }

        ZMQ.Socket socket(SocketType type, RunSpec s) {
            ZMQ.Socket sock = zmq.createSocket(type);
            sock.setLinger(0);
            sock.setSndHWM(s.sndhwm);
            sock.setRcvHWM(s.rcvhwm);
            sock.setSendTimeOut(100);
            sock.setReceiveTimeOut(100);
            // JeroMQ sets socket options on its listener too, and a listening socket has no send buffer: each side sets its own.
            if (type == SocketType.PUSH || type == SocketType.PUB || type == SocketType.REQ) sock.setSendBufferSize(s.sockbuf);
            else sock.setReceiveBufferSize(s.sockbuf);
            return sock;
        }

        /**
         * The receiver's run: bind, tell the coordinator where, answer the sender's probes, check every
         * message until the end marker, report. For inproc the sender is a thread of this process, so the
         * receiver relays the coordinator's orders to it.
         */
        void receive(RunSpec s) throws Exception {
            PatternKind kind = s.kind();
            Payload p = payload(s, false);
            ZMQ.Socket data = socket(kind.receiverType, s);
            if (kind == PatternKind.PUB_SUB) data.subscribe(ZMQ.SUBSCRIPTION_ALL);
            ReceiveBuffers buffers = s.reusesReceiveBuffers() ? new ReceiveBuffers(s.rcvhwm) : null;
            if (buffers != null) data.setMsgAllocator(buffers);
            String endpoint = bind(data, s.method);
            send(Ctl.of("bound").withSpec(null, endpoint));
            InprocControl local = null;
            FutureTask<RunReport> localSender = null;
            if (s.method == Method.inproc) {
                SenderRun sender = new SenderRun(this, s, payload(s, true), local = new InprocControl());
                daemon("inproc sender", localSender = new FutureTask<>(() -> sender.run(endpoint)));
            }
            RunReport senderReport = null;
            long stallAt = s.stallMs > 0 && pair == 0 ? Math.max(1, s.messages / 2) : -1;
            Checker checker = new Checker(p, kind == PatternKind.PUB_SUB, s.oneClock && kind != PatternKind.REQ_REP && !s.raw);
            boolean joined = false;
            long total;
            try {
                while (true) {
                    Msg m = data.recvMsg(0);
                    if (m == null) {
                        relay(local);
                        if (localSender != null && localSender.isDone()) localSender.get();     // throws what the sender thread failed with
                        continue;
                    }
                    if (s.raw && m.getLong(0) >= 0) {
                        // ref-jeromq-raw: a data message (not a probe, not the end marker) is counted and timed, nothing else.
                        checker.countNow();
                        if (buffers != null) buffers.release(m);
                        progress.lazySet(progress.get() + 1);
                        continue;
                    }
                    Received r = Received.of(data, m);
                    if (kind == PatternKind.REQ_REP) r.echo(data);
                    if (r.seq == Payload.PROBE) {
                        if (!joined) send(Ctl.of("joined"));
                        joined = true;
                        relay(local);
                        continue;
                    }
                    if (r.seq == Payload.END) {
                        total = r.stamp;
                        // The window has ended (the last receipt was stamped already): the coordinator stops its CPU meter now;
                        // the checks and the histogram's encoding below come after.
                        send(Ctl.of("done"));
                        break;
                    }
                    checker.checkNow(r);
                    if (buffers != null) {
                        buffers.release(r.head());
                        buffers.release(r.tail());
                    }
                    progress.lazySet(progress.get() + 1);
                    if (checker.received == stallAt) Thread.sleep(s.stallMs);     // testing (--stall): a receiver that falls behind once
                    if ((checker.received & 4095) == 0) relay(local);
                }
                if (local != null) {
                    local.orders.add("stop");
                    try {
                        senderReport = localSender.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        throw new IOException("the inproc sender thread did not finish");
                    }
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } finally {
                if (local != null) local.orders.add("bye");
                data.close();
            }
            if (kind != PatternKind.PUB_SUB && checker.received != total && checker.errors == 0)
                checker.error("received " + checker.received + " messages of " + total + " sent");
            if (checker.received < 2) checker.error("received " + checker.received + " of " + total + " messages: too few to time");
            long counted = Math.max(0, checker.received - 1);
            RunReport mine = new RunReport("receiver", pair, checker.received, counted * s.batch, (checker.lastNanos - checker.firstNanos) / 1e9,
                    checker.errors, kind == PatternKind.PUB_SUB ? Math.max(0, total - checker.received) : 0, checker.firstError,
                    RunReport.encode(checker.latency), checker.firstNanos, checker.lastNanos, 0, 0);
            if (senderReport != null) send(Ctl.of("result").withReport(senderReport));
            send(Ctl.of("result").withReport(mine));
        }

        /** Orders for an inproc sender thread go through the receiver's control socket: pass them on. */
        void relay(InprocControl local) throws IOException, Ended {
            Ctl c = next(false);
            if (c != null && local != null) local.orders.add(c.type);
        }

        String bind(ZMQ.Socket s, Method method) throws IOException {
            switch (method) {
                case tcp -> {
                    if (!s.bind("tcp://" + address + ":*")) throw new IOException("cannot bind tcp://" + address + ":* (errno " + s.errno() + ")");
                    return s.getLastEndpoint();
                }
                case ipc -> {
                    // JeroMQ maps an ipc name to a loopback port by its hash: a name whose port is taken fails, try another.
                    for (int attempt = 0; attempt < 20; attempt++) {
                        String name = "ipc://ipcbench-" + ProcessHandle.current().pid() + "-" + Long.toHexString(new Random().nextLong() & 0xFFFFFFFFL);
                        try {
                            if (s.bind(name)) return name;
                        } catch (RuntimeException ignored) { }
                    }
                    throw new IOException("no free ipc:// name in 20 tries");
                }
                default -> {
                    String name = "inproc://run-" + Long.toHexString(new Random().nextLong());
                    s.bind(name);
                    return name;
                }
            }
        }
    }

    /** How a sender learns "go" (every subscriber receives), "stop" (the receiver has the end marker, so the socket may close) and "bye". */
    interface SenderControl { String poll() throws IOException, Ended; }

    record RemoteControl(ChildRole w) implements SenderControl {
        public String poll() throws IOException, Ended {
            Ctl c = w.next(false);
            return c == null ? null : c.type;
        }
    }

    static final class InprocControl implements SenderControl {
        final Queue<String> orders = new ConcurrentLinkedQueue<>();

        public String poll() throws Ended {
            String o = orders.poll();
            if ("bye".equals(o)) throw new Ended("the receiver ended the run");
            return o;
        }
    }

    /**
     * The sender's run: connect, probe until the coordinator says go (so that the clock starts only once
     * every receiver proved it receives: PUB/SUB's slow joiner), send the messages, then the end marker
     * (over and over for pub-sub, which may drop it, until told to stop). For req-rep it waits for each
     * echo, checks it and records the round trip.
     */
    static final class SenderRun {
        final ChildRole w;
        final RunSpec s;
        final Payload p;
        final SenderControl ctl;
        final PatternKind kind;
        ZMQ.Socket out;
        boolean go, stop;

        /** The coordinator's orders, remembered: a "stop" read while waiting for a reply must not be lost. */
        void poll() throws IOException, Ended {
            String order = ctl.poll();
            go |= "go".equals(order);
            stop |= "stop".equals(order);
        }

        SenderRun(ChildRole w, RunSpec s, Payload p, SenderControl ctl) {
            this.w = w;
            this.s = s;
            this.p = p;
            this.ctl = ctl;
            this.kind = s.kind();
        }

        RunReport run(String endpoint) throws Exception {
            try {
                awaitGo(endpoint);
                if (s.delayMs > 0 && w.pair == s.delayedPair) Thread.sleep(s.delayMs);    // testing (--delay-pair): this pair starts late
                return stream();
            } finally {
                if (out != null) out.close();
            }
        }

        void awaitGo(String endpoint) throws Exception {
            byte[] probe = Payload.header(Payload.PROBE, 0);
            long since = 0;
            while (true) {
                if (out == null) {
                    out = w.socket(kind.senderType, s);
                    // Closed only once the receiver has everything ("stop"), or when the session is over: what is still queued then
                    // (pub-sub's repeated end markers, kept for a subscriber that has gone) must not hold the worker's exit.
                    out.setLinger(0);
                    out.connect(endpoint);
                    since = System.nanoTime();
                    out.send(probe, kind == PatternKind.REQ_REP ? 0 : ZMQ.DONTWAIT);
                }
                if (kind == PatternKind.REQ_REP) {
                    // A REQ waits for the answer to its probe; JeroMQ now and then loses the first request of a fresh
                    // connection, so without an answer within a second it starts over on a new socket.
                    // A go may overtake the answer to the probe that earned it: the answer is still awaited.
                    if (out.recv(0) != null) {
                        poll();
                        if (go) return;
                        Thread.sleep(2);
                        out.send(probe, 0);
                    } else if (System.nanoTime() - since > 1_000_000_000L) {
                        out.close();
                        out = null;
                    } else {
                        poll();
                    }
                } else {
                    poll();
                    if (go) return;
                    Thread.sleep(2);
                    out.send(probe, ZMQ.DONTWAIT);
                }
            }
        }

        RunReport stream() throws Exception {
            boolean reqRep = kind == PatternKind.REQ_REP;
            Histogram rtt = reqRep ? new Histogram(3) : null;
            Checker replies = reqRep ? new Checker(p, false, false) : null;
            long start = System.nanoTime(), deadline = start + s.durationMs * 1_000_000L, seq = 0, lastReply = start;
            long half = start + s.durationMs * 500_000L, halfSeq = 0, halfAt = start;
            boolean halfway = s.durationMs == 0;
            if (s.raw) {
                // ref-jeromq-raw: the one prebuilt message over and over (variant 0, header zero: seq 0, which no marker has).
                // No stamp: the clock is read only where -d needs it.
                byte[] message = p.messages[0];
                while (more(seq, deadline)) {
                    while (!out.send(message, 0)) poll();
                    seq++;
                    w.progress.lazySet(w.progress.get() + 1);
                }
            } else {
                while (more(seq, deadline)) {
                    // One-way latency = verified receipt - the time this message was due to be sent: stamped here, before sendData
                    // builds it and before send waits at the high-water mark, so that wait (back-pressure) is inside the latency.
                    // See README "How figures are defined".
                    long now = System.nanoTime();
                    if (!halfway && now - half >= 0) {
                        halfway = true;
                        halfSeq = seq;
                        halfAt = now;
                    }
                    sendData(seq, now);
                    if (reqRep) {
                        Msg m = receiveReply();
                        // RTT = request stamped (before it is built) to the whole reply in this process's memory (a JeroMQ Msg); the
                        // check comes after the clock, as in TransportBench (README "How figures are defined").
                        lastReply = System.nanoTime();
                        replies.check(Received.of(out, m), lastReply);
                        rtt.recordValue(lastReply - now);
                    }
                    seq++;
                    w.progress.lazySet(w.progress.get() + 1);     // per message: a 4 MiB message over a slow link takes a while
                }
            }
            long lastAt = reqRep ? lastReply : System.nanoTime();     // the end first: nothing is done between the last reply and this
            double seconds = (lastAt - start) / 1e9;
            byte[] end = Payload.header(Payload.END, seq);
            if (kind == PatternKind.PUB_SUB) {
                // PUB may drop the marker too: repeat it until the coordinator (or the inproc receiver) says stop.
                while (!stop) {
                    out.send(end, ZMQ.DONTWAIT);
                    Thread.sleep(5);
                    poll();
                }
            } else {
                while (!out.send(end, 0)) poll();
                if (reqRep) receiveReply();
                // The socket stays open until the receiver has everything: JeroMQ 0.6.0 closing a PUSH socket with messages
                // still queued now and then lost them despite the linger (about one quick run in ten with two pairs).
                while (!stop) {
                    Thread.sleep(1);
                    poll();
                }
            }
            return new RunReport("sender", w.pair, seq, reqRep ? seq * s.batch : seq, seconds, reqRep ? replies.errors : 0, 0,
                    reqRep ? replies.firstError : null, RunReport.encode(rtt), start, lastAt, seq - halfSeq, lastAt - halfAt);
        }

        /**
         * Whether to send another message: -n: exactly s.messages; -d: for s.durationMs; neither (measured run): the count
         * sized from the warm-up and at least RunLength.MEASURED, whichever ends later (a shared machine is not always as
         * fast as during the warm-up).
         */
        boolean more(long sent, long deadline) {
            return sent < Math.max(2, s.messages) || (s.durationMs > 0 && System.nanoTime() - deadline < 0);
        }

        void sendData(long seq, long stamp) throws Exception {
            int v = (int) (seq % Payload.VARIANTS);
            boolean corrupt = seq == s.corrupt - 1;
            if (s.zeroCopy) {
                ByteBuffer body = p.direct[v].duplicate();
                if (corrupt) body = flipLast(ByteBuffer.allocateDirect(p.bodyBytes).put(body).flip());
                while (!out.send(Payload.header(seq, stamp), ZMQ.SNDMORE)) poll();
                out.sendByteBuffer(body, 0);
            } else {
                byte[] m = p.message(seq, stamp);
                if (corrupt) m[m.length - 1] ^= (byte) 0xFF;
                while (!out.send(m, 0)) poll();
            }
        }

        static ByteBuffer flipLast(ByteBuffer b) {
            b.put(b.limit() - 1, (byte) (b.get(b.limit() - 1) ^ 0xFF));
            return b;
        }

        Msg receiveReply() throws Exception {
            Msg m;
            while ((m = out.recvMsg(0)) == null) poll();
            return m;
        }
    }

    // ---------------------------------------------------------------- the coordinator

    /** A registered worker, as the coordinator knows it. */
    static final class Member {
        final String id, role, host, address, bootId;
        final long pid;
        final int pair;
        final byte[] identity;
        volatile long lastSeen = System.nanoTime();
        long progress;
        LocalChild child;

        Member(Ctl hello, byte[] identity, int pair) {
            this.id = hello.worker;
            this.role = hello.role;
            this.host = hello.host;
            this.address = hello.address;
            this.bootId = hello.bootId;
            this.pid = hello.pid;
            this.identity = identity;
            this.pair = pair;
        }

        /** "receiver 2": its role and pair. */
        String label() { return role + " " + (pair + 1); }

        public String toString() { return label() + " (pid " + pid + (host == null ? "" : " on " + host) + ")"; }
    }

    /** A worker this coordinator started itself (the local default), and whether it has said "ready". */
    static final class LocalChild {
        final Child child;
        volatile boolean ready;
        volatile String trouble;     // what it wrote on stdout instead of "ready"

        LocalChild(Child child) { this.child = child; }

        /** In a thread of its own: its "ready" comes once the coordinator has welcomed it; the rest of its stdout is drained so it never blocks. */
        void watchStdout() {
            try {
                child.awaitReady();
                ready = true;
                while (true) child.receiveLine();
            } catch (EOFException e) {
                // it ended: checkWorkers says how
            } catch (IOException e) {
                if (!ready) trouble = e.getMessage();
            }
        }
    }

    /**
     * Binds a ROUTER, waits for the workers (starting them itself when local), runs every configuration
     * of the plan on all pairs at once, and writes one row per measured run. Every wait watches the
     * workers: a local one that exits, or any that stops sending heartbeats, ends the session.
     */
    static final class Coordinator implements AutoCloseable {
        static final Set<LocalChild> CHILDREN = Collections.synchronizedSet(new LinkedHashSet<>());
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                SHUTTING_DOWN.set(true);      // Ctrl-C also ends the workers: their exits are no news
                destroyChildren();
            }));
        }

        final Plan plan;
        final boolean local;
        final ZContext zmq = new ZContext(1);
        final ZMQ.Socket router;
        final String endpoint;
        final Map<String, Member> members = new LinkedHashMap<>();
        final Member[] senders, receivers;
        final List<Row> rows = new ArrayList<>();
        final Duration silence;
        String stage = "waiting for the workers";
        long lastProgress, progressAt = System.nanoTime();

        Coordinator(Plan plan, String bind, boolean local) throws RunFailure {
            this.plan = plan;
            this.local = local;
            senders = new Member[plan.pairs];
            receivers = new Member[plan.pairs];
            silence = plan.timeout.compareTo(Duration.ofSeconds(10)) < 0 ? plan.timeout : Duration.ofSeconds(10);
            router = zmq.createSocket(SocketType.ROUTER);
            router.setLinger(0);
            router.setReceiveTimeOut(50);
            router.setSendTimeOut(100);     // a worker that is gone must not hold the coordinator
            router.setRouterMandatory(true);
            try {
                if (!router.bind(bind)) throw new RunFailure("cannot bind " + bind);
            } catch (org.zeromq.ZMQException e) {
                throw new RunFailure("cannot bind " + bind + ": " + e.getMessage());
            }
            endpoint = router.getLastEndpoint();
        }

        static int session(Plan plan, String bind, boolean local, Duration joinTimeout) throws RunFailure {
            try (Coordinator c = new Coordinator(plan, bind, local)) {
                return c.run(joinTimeout);
            }
        }

        int run(Duration joinTimeout) {
            Results results = new Results(plan.out, Environment.capture());
            boolean failed = false;
            try {
                if (local) startLocalWorkers();
                else System.err.println(BENCH + ": coordinator at " + endpoint + ", waiting for " + plan.pairs + " sender(s) and " + plan.pairs + " receiver(s)");
                awaitWorkers(joinTimeout);
                measure(results);
            } catch (RunFailure f) {
                reportFailure(f.getMessage());
                failed = true;
            }
            Progress.clear();
            printSummary(failed);
            return failed ? 1 : 0;
        }

        void startLocalWorkers() throws RunFailure {
            for (int i = 0; i < plan.pairs; i++) {
                for (String role : List.of("receiver", "sender")) {
                    try {
                        LocalChild c = new LocalChild(Child.start("the " + role, ZmqBench.class, List.of("worker", "--spawned", "--role", role),
                                new ChildConfig(endpoint, role, ProcessHandle.current().pid(), plan.timeout.toMillis())));
                        CHILDREN.add(c);
                        daemon("stdout of the " + role, c::watchStdout);
                    } catch (IOException e) {
                        throw new RunFailure("cannot start a " + role + ": " + e.getMessage());
                    }
                }
            }
        }

        /**
         * How long local workers may take to join: 2 x --timeout, and up to a minute for those still starting (JVMs start slowly on
         * a busy machine, whatever --timeout says). awaitWorkers names a stopped one at 2 x --timeout.
         */
        static Duration localJoin(Duration timeout) {
            Duration twice = timeout.multipliedBy(2), minute = Duration.ofSeconds(60);
            return twice.compareTo(minute) > 0 ? twice : minute;
        }

        void awaitWorkers(Duration joinTimeout) throws RunFailure {
            long start = System.nanoTime(), until = start + joinTimeout.toNanos();
            // Local workers (alive, checkWorkers sees to that) get until `last`; one that is stopped is named at joinTimeout.
            long last = local ? start + localJoin(plan.timeout).toNanos() : until;
            while (Arrays.stream(senders).anyMatch(Objects::isNull) || Arrays.stream(receivers).anyMatch(Objects::isNull)
                    || (local && CHILDREN.stream().anyMatch(c -> !c.ready))) {
                long now = System.nanoTime();
                if (now - until > 0) {
                    for (LocalChild c : CHILDREN) {
                        String state = c.ready ? null : stoppedState(c.child.process.pid());
                        if (state != null) throw new RunFailure(stage + ": " + c.child.name + " (pid " + c.child.process.pid() + ") has not joined within "
                                + Units.duration(joinTimeout) + ": its process " + state);
                    }
                }
                if (now - last > 0) {
                    long s = Arrays.stream(senders).filter(Objects::nonNull).count(), r = Arrays.stream(receivers).filter(Objects::nonNull).count();
                    throw new RunFailure("only " + s + " sender(s) and " + r + " receiver(s) of " + plan.pairs + " joined within " + Units.duration(Duration.ofNanos(last - start)));
                }
                Incoming in = next(Math.min(last - now, 100_000_000L) + now);   // a tenth of a second: readiness is checked too
                if (in == null || !in.ctl.type.equals("hello")) continue;
                Member[] slots = "sender".equals(in.ctl.role) ? senders : receivers;
                int free = Arrays.asList(slots).indexOf(null);
                if (free < 0 || !List.of("sender", "receiver").contains(in.ctl.role)) {
                    sendTo(in.identity, Ctl.of("bye").withError("not needed: " + plan.pairs + " " + in.ctl.role + "(s) joined already"));
                    continue;
                }
                Member m = new Member(in.ctl, in.identity, free);
                CHILDREN.stream().filter(c -> c.child.process.pid() == m.pid).findFirst().ifPresent(c -> m.child = c);
                slots[free] = m;
                members.put(m.id, m);
                sendTo(m.identity, Ctl.of("welcome").withPair(free));
                if (!local) System.err.println(BENCH + ": " + m + " joined from " + m.address);
            }
        }

        record Incoming(byte[] identity, Ctl ctl) {}

        static final long FOREVER = Long.MAX_VALUE;

        /** The next worker message other than a heartbeat, or null at the deadline; fails when a worker is gone. */
        Incoming next(long deadline) throws RunFailure {
            while (deadline == FOREVER || System.nanoTime() - deadline < 0) {
                byte[] identity = router.recv(0);
                if (identity == null) {
                    checkWorkers();
                    continue;
                }
                String text = router.recvStr(0);
                Ctl c;
                try {
                    c = Ctl.parse(text);
                } catch (IOException e) {
                    continue;      // not one of ours
                }
                Member m = c.worker == null ? null : members.get(c.worker);
                if (m != null) {
                    m.lastSeen = System.nanoTime();
                    if (c.progress != null) m.progress = c.progress;
                }
                if (c.type == null) continue;
                if (c.type.equals("hb")) {
                    sendTo(identity, Ctl.of("ack"));
                    checkWorkers();
                    continue;
                }
                if (c.type.equals("error") && m != null) throw new RunFailure(m + " failed: " + c.error);
                return new Incoming(identity, c);
            }
            return null;
        }

        /** A local worker that exited, a worker without heartbeats, or no progress anywhere for --timeout: the session ends. */
        void checkWorkers() throws RunFailure {
            long now = System.nanoTime();
            for (LocalChild c : CHILDREN) {
                if (!c.child.process.isAlive()) {
                    try { c.child.process.waitFor(); } catch (InterruptedException ignored) { }
                    // endText() names it as it was started ("the receiver (pid N) exited ..."); once joined it is "receiver 2 (pid N) exited ...".
                    String ended = c.child.endText();
                    Optional<Member> m = members.values().stream().filter(x -> x.child == c).findFirst();
                    throw new RunFailure(stage + ": " + (m.isPresent() ? m.get().label() + ended.substring(c.child.name.length()) : ended));
                }
                if (c.trouble != null) throw new RunFailure(stage + ": " + c.trouble);
            }
            for (Member m : members.values())
                if (now - m.lastSeen > silence.toNanos()) throw new RunFailure(stage + ": " + silent(m, silence));
            long total = members.values().stream().mapToLong(m -> m.progress).sum();
            if (total != lastProgress) {
                lastProgress = total;
                progressAt = now;
            } else if (now - progressAt > plan.timeout.toNanos() && !members.isEmpty() && stage.contains("run")) {
                // A stopped worker stalls the others too: whichever check trips first, the stopped one is named.
                Optional<Member> stopped = members.values().stream().filter(m -> stoppedWorker(m) != null).findFirst();
                throw new RunFailure(stage + ": " + (stopped.isPresent() ? silent(stopped.get(), plan.timeout) : "no progress for " + Units.duration(plan.timeout)));
            }
        }

        /** A worker without heartbeats: "receiver 1 (pid N on host) stopped answering for 3 s", and why, where its process is ours to see. */
        String silent(Member m, Duration forHow) {
            String state = stoppedWorker(m);
            return m + " stopped answering for " + Units.duration(forHow) + (state == null ? " (no heartbeat)" : ": its process " + state);
        }

        /** "is stopped (...)" for a local worker that is alive but stopped (SIGSTOP, Ctrl-Z, a debugger), else null. */
        static String stoppedWorker(Member m) {
            return m.child == null ? null : stoppedState(m.child.child.process.pid());
        }

        void sendTo(byte[] identity, Ctl c) {
            try {
                router.sendMore(identity);
                router.send(c.json());
            } catch (org.zeromq.ZMQException e) {
                // the worker is gone (ROUTER_MANDATORY): its heartbeats stop, and checkWorkers says so
            }
        }

        /** A short warm-up for every configuration after the session's first: the processes are warm, the sockets fresh; it sets the count. */
        static final Duration LATER_WARMUP = Duration.ofMillis(250);
        /**
         * Runs shaped as the measured ones (a count, then at least RunLength.MEASURED) that the session's first configuration
         * runs after its timed warm-up, unrecorded. As the first counted run began, the JIT threw away much of the code it had
         * compiled for JeroMQ during the timed warm-up (most likely the change of pace: a timed run reads the clock for every
         * message, a counted one does not), and on this project's 2-vCPU VM the first two measured runs of 100 B push-pull came
         * out at about 60% of the rate of the later ones, however long the timed warm-up (1, 4 or 8 s).
         */
        static final int SETTLING_RUNS = 2;
        /** Messages per measured run sized from the warm-up (per sender): at least FLOOR, at most CAP. */
        static final long FLOOR = 20, CAP = 100_000_000;

        void measure(Results results) throws RunFailure {
            boolean together = Arrays.stream(senders).allMatch(s -> s.address.equals(receivers[s.pair].address) && s.bootId.equals(receivers[s.pair].bootId));
            boolean oneClock = Arrays.stream(senders).allMatch(s -> s.bootId.equals(receivers[s.pair].bootId));
            // The total over several pairs spans first start to last end: it needs every worker on one clock.
            boolean sharedClock = members.values().stream().map(m -> m.bootId).distinct().count() == 1;
            List<Method> methods = new ArrayList<>(plan.methods);
            if (!together && methods.remove(Method.ipc))
                System.err.println(BENCH + ": ipc left out: JeroMQ's ipc:// is loopback TCP, and a sender and its receiver are not on one host");
            if (methods.isEmpty()) throw new RunFailure("nothing to run: ipc needs each sender on its receiver's host");
            for (int itemBytes : plan.itemSizes) {
                for (PatternKind p : plan.patterns) {
                    for (Method method : methods) {
                        // inproc runs inside the receiver's process: its "one clock" is a given.
                        boolean clock = oneClock || method == Method.inproc;
                        measure(results, p, method, false, itemBytes, clock, sharedClock);
                        if (Plan.hasRawReference(p, method)) measure(results, p, method, true, itemBytes, clock, sharedClock);
                    }
                }
            }
        }

        /** Whether a configuration has run yet: the session's first warms the workers' JIT for all that follow. */
        boolean workersWarm;

        /** One configuration (raw: ref-jeromq-raw's loop instead of the checked stream): its warm-up, then its measured runs, a row each. */
        void measure(Results results, PatternKind p, Method method, boolean raw, int itemBytes, boolean oneClock, boolean sharedClock) throws RunFailure {
            String what = p.label + " " + (raw ? RAW.name() : method.name()) + " " + Units.size(itemBytes);
            int settling = !workersWarm && plan.autoLength() && plan.warmup > 0 ? SETTLING_RUNS : 0;
            long sized = 0;
            for (int w = 1; w <= plan.warmup; w++) {
                stage = what + " warm-up run" + (plan.warmup > 1 ? " " + w + "/" + plan.warmup : "");
                Progress.show(stage);
                RunSpec spec = plan.spec(p, method, raw, itemBytes, w - plan.warmup, oneClock);
                // No -n/-d: a warm-up of at least 1 s for the session's first configuration (the same worker processes
                // run every configuration: their JIT is warm after it, and after its SETTLING_RUNS), LATER_WARMUP for the others.
                if (plan.autoLength()) spec = spec.withLength(0, (workersWarm ? LATER_WARMUP : RunLength.WARMUP).toMillis());
                Outcome o = runOnce(spec);
                for (RunReport[] pr : o.reports) for (RunReport r : pr) if (r.errors > 0) throw new RunFailure(what + ": verification failed during the warm-up: " + r.firstError);
                // The fastest sender's rate sets the count: every pair's measured run lasts at least RunLength.MEASURED.
                if (plan.autoLength())
                    sized = o.reports.stream().mapToLong(pr -> pr[0].tailMessages > 0 ? RunLength.count(pr[0].tailMessages, pr[0].tailNanos, FLOOR, CAP)
                            : RunLength.count(pr[0].messages, pr[0].end - pr[0].start, FLOOR, CAP)).max().orElse(0);
                workersWarm = true;
            }
            List<Double> headlines = new ArrayList<>();
            // Runs up to 0 are the SETTLING_RUNS: measured as the others, not recorded.
            for (int run = 1 - settling; plan.runs.another(headlines); run++) {
                boolean settles = run < 1;
                stage = what + (settles ? " warm-up run as measured" : " run " + run + (plan.runs.auto() ? " (auto)" : "/" + plan.runs.count()));
                Progress.show(stage);
                RunSpec spec = plan.spec(p, method, raw, itemBytes, run, oneClock);
                if (plan.autoLength()) spec = spec.withLength(sized > 0 ? sized : spec.messages(), RunLength.MEASURED.toMillis());
                Outcome o = runOnce(spec);
                Row row = Row.of(spec, plan, o.reports, note(spec), sharedClock || plan.pairs == 1, o.cpu());
                if (settles) {
                    if (!row.verified) throw new RunFailure(what + ": verification failed during the warm-up: " + row.firstError);
                } else {
                    results.write(row.fields, row.hist);
                    rows.add(row);
                    if (!row.verified) throw new RunFailure(what + ": verification failed: " + row.firstError);
                    headlines.add(row.headline());
                }
                // A run that came out shorter than RunLength.MEASURED (the JIT warmer than in the warm-up) lengthens the next.
                if (sized > 0) sized = Math.max(sized, RunLength.count(sized, (long) (row.longestPair * 1e9), FLOOR, CAP));
            }
        }

        /** The workers whose CPU is counted: those on this machine (same boot id); the others are named in the row's note. */
        List<Long> localPids() {
            String here = Environment.bootId();
            return members.values().stream().filter(m -> here.equals(m.bootId) && ProcessHandle.of(m.pid).isPresent()).map(m -> m.pid).toList();
        }

        String notCounted() {
            String here = Environment.bootId();
            List<String> away = members.values().stream().filter(m -> !here.equals(m.bootId)).map(m -> m.label() + " on " + m.host).toList();
            return away.isEmpty() ? "" : "; CPU of " + String.join(", ", away) + " not counted (another host)";
        }

        String note(RunSpec s) {
            String where = s.method == Method.tcp && !receivers[0].address.equals("127.0.0.1")
                    ? " from " + senders[0].address + " to " + receivers[0].address : "";
            String bodies = s.raw ? "one prebuilt byte[] sent every time" : s.zeroCopy ? "zero-copy: header frame + body frame from a reused direct ByteBuffer"
                    : "body copied into a fresh byte[] per message";
            return (s.raw ? RAW.note() : s.method.note()) + where + notCounted() + "; " + bodies
                    + (s.reusesReceiveBuffers() ? "; received into reused direct buffers from " + Units.size(ReceiveBuffers.POOLED_FROM) : "")
                    + "; HWM " + s.sndhwm + "/" + s.rcvhwm + (s.method == Method.inproc ? "" : "; socket buffers " + Units.size(s.sockbuf));
        }

        /** A run's reports, [sender, receiver] per pair, and the CPU time of this machine's processes during its window. */
        record Outcome(List<RunReport[]> reports, long cpuNanos, long wallNanos) {
            /** CPU time per message, later (the row knows the messages): cpu_us_per_msg and cpu_cores for n messages. */
            java.util.function.LongFunction<Map<String, Object>> cpu() { return n -> CpuMeter.fields(cpuNanos, wallNanos, n); }
        }

        /** One run on every pair at once. */
        Outcome runOnce(RunSpec spec) throws RunFailure {
            boolean inproc = spec.method == Method.inproc;
            CpuMeter meter = null;
            long meterFrom = 0, cpuNanos = -1, wallNanos = 0;
            int done = 0;
            for (Member r : receivers) sendTo(r.identity, Ctl.of("run").withSpec(spec, null));
            RunReport[][] got = new RunReport[plan.pairs][2];
            int joined = 0;
            boolean go = false;
            progressAt = System.nanoTime();
            while (Arrays.stream(got).anyMatch(pr -> pr[0] == null || pr[1] == null)) {
                Incoming in = next(FOREVER);
                Member m = in.ctl.worker == null ? null : members.get(in.ctl.worker);
                if (m == null) {
                    if (in.ctl.type.equals("hello")) sendTo(in.identity, Ctl.of("bye").withError("not needed: the session has started"));
                    continue;
                }
                switch (in.ctl.type) {
                    case "bound" -> {
                        if (!inproc) sendTo(senders[m.pair].identity, Ctl.of("send").withSpec(spec, in.ctl.endpoint));
                    }
                    case "joined" -> {
                        if (++joined == plan.pairs && !go) {
                            go = true;
                            // The window starts at the senders' first send, right after this go: the CPU meter starts now,
                            // over this process and the workers on this machine (an inproc sender is a thread of its receiver).
                            meter = CpuMeter.start(localPids());
                            meterFrom = System.nanoTime();
                            for (int i = 0; i < plan.pairs; i++) sendTo((inproc ? receivers[i] : senders[i]).identity, Ctl.of("go"));
                        }
                    }
                    case "done" -> {
                        // A receiver has its last message; once every one has, the window is over: the meter stops.
                        if (++done == plan.pairs && meter != null) {
                            wallNanos = System.nanoTime() - meterFrom;
                            cpuNanos = Math.round(((Number) meter.stop(1).get("cpu_us_per_msg")).doubleValue() * 1e3);
                        }
                    }
                    case "result" -> {
                        RunReport r = in.ctl.report;
                        got[r.pair()][r.side().equals("sender") ? 0 : 1] = r;
                        if (r.side().equals("receiver") && !inproc) sendTo(senders[m.pair].identity, Ctl.of("stop"));
                    }
                    default -> { }
                }
            }
            if (cpuNanos < 0 && meter != null) {      // a receiver's "done" did not come (it cannot: it precedes its result); measured to here
                wallNanos = System.nanoTime() - meterFrom;
                cpuNanos = Math.round(((Number) meter.stop(1).get("cpu_us_per_msg")).doubleValue() * 1e3);
            }
            return new Outcome(Arrays.asList(got), Math.max(0, cpuNanos), wallNanos);
        }

        /**
         * Per size, pattern and method: the headline's median over the runs with its 95% interval (Interval; "~" when the
         * runs spread more than 10%), MB/s, losses, latency, CPU cores, and how many times slower than the fastest
         * METHOD of the same configuration (tcp, ipc; inproc is a reference: shown, never the fastest).
         */
        void printSummary(boolean stoppedEarly) {
            if (rows.isEmpty()) return;
            System.out.printf("%nZmqBench: JeroMQ between processes, %d pair(s), %s run(s) per cell%s%n", plan.pairs, plan.runs,
                    plan.dtype == null ? "" : "; arrays of " + plan.dtype + ", " + plan.batch + " per message");
            System.out.println("Throughput: messages / (first send to last verified receipt); req-rep's headline is its round trip's p50.");
            String unit = plan.dtype == null ? "msgs/s" : "arrays/s";
            String format = "%-8s %-10s %-17s %-34s %-8s %9s %7s %9s %9s %6s %6s %-16s";
            System.out.println(String.format(format, "size", "pattern", "method", "median [95% interval]", "unit", "MB/s", "lost", "lat p50", "p99", "cores",
                    "of ref", "vs fastest method").stripTrailing());
            Map<Integer, Map<String, Map<String, List<Row>>>> bySize = rows.stream().collect(Collectors.groupingBy(r -> r.size, TreeMap::new,
                    Collectors.groupingBy(r -> r.pattern, LinkedHashMap::new, Collectors.groupingBy(r -> r.method, LinkedHashMap::new, Collectors.toList()))));
            boolean[] marked = new boolean[2];
            bySize.forEach((size, byPattern) -> {
                String label = Units.size(size);
                for (var pe : byPattern.entrySet()) {
                    boolean rtt = pe.getKey().equals("req-rep");
                    Map<String, Interval> heads = new LinkedHashMap<>();
                    pe.getValue().forEach((m, rs) -> heads.put(m, Interval.of(rs.stream().map(Row::headline).toList())));
                    // The fastest method: highest msgs/s, or lowest RTT; references are left out.
                    String best = heads.entrySet().stream().filter(e -> !pe.getValue().get(e.getKey()).get(0).reference() && Double.isFinite(e.getValue().median()))
                            .min(Comparator.comparingDouble(e -> rtt ? e.getValue().median() : -e.getValue().median())).map(Map.Entry::getKey).orElse(null);
                    // How much of ref-jeromq-raw's rate (the bare loop, same invocation) each checked method keeps.
                    Interval raw = heads.entrySet().stream().filter(e -> e.getKey().startsWith(RAW.name())).map(Map.Entry::getValue).findFirst().orElse(null);
                    for (var me : pe.getValue().entrySet()) {
                        List<Row> rs = me.getValue();
                        Interval head = heads.get(me.getKey());
                        boolean hasLat = rs.get(0).hist != null;
                        String vs;
                        if (rs.get(0).reference()) vs = "(reference)";
                        else if (best == null) vs = "-";
                        else {
                            Interval b = heads.get(best);
                            vs = times(rtt ? head.median() / b.median() : b.median() / head.median());
                            if (!me.getKey().equals(best) && head.overlaps(b)) {
                                vs += " ≈";
                                marked[1] = true;
                            }
                        }
                        marked[0] |= head.spread() > Interval.SPREAD_MARK;
                        System.out.println(String.format(format, label, pe.getKey(), me.getKey(), head.text(), rtt ? "µs rtt" : unit,
                                fmt(median(rs, r -> r.mbps)), pe.getKey().equals("pub-sub") ? String.format(Locale.ROOT, "%.1f%%", median(rs, r -> r.lostShare) * 100) : "",
                                hasLat ? fmt(median(rs, r -> r.p50)) : "-", hasLat ? fmt(median(rs, r -> r.p99)) : "-",
                                fmt(median(rs, r -> ((Number) r.fields.get("cpu_cores")).doubleValue())),
                                raw == null || rs.get(0).reference() ? "" : times(head.median() / raw.median()), vs).stripTrailing());
                        rs.stream().filter(r -> !r.verified).findFirst().ifPresent(r -> System.out.println("         NOT VERIFIED: " + r.firstError));
                        if (plan.pairs > 1) System.out.println("         per pair: " + rs.get(rs.size() / 2).pairRates);
                        label = "";
                    }
                }
            });
            System.out.println("median [95% interval]: over the runs (order statistics; with fewer than 6 runs the interval is the runs' range, of lower confidence)"
                    + (marked[0] ? "; ~: the runs spread more than 10%, read with care" : "") + ".");
            System.out.println("lost: pub-sub messages the subscriber never got (PUB drops at its high-water mark); latency in µs, one-way for streams, the round trip for req-rep; "
                    + "cores: CPU time of this machine's processes of the run / the window (2 = two cores busy).");
            System.out.println("vs fastest method: times slower than the fastest transport between processes (tcp, ipc) of that size and pattern"
                    + (marked[1] ? "; ≈: its interval overlaps the fastest's, not distinguishable here" : "")
                    + "; references, never ranked: inproc (threads of one process) and " + RAW.name() + " (a bare PUSH/PULL loop over tcp that checks nothing).");
            if (rows.stream().anyMatch(r -> r.method.startsWith(RAW.name())))
                System.out.println("of ref: the median msgs/s as a fraction of " + RAW.name() + "'s (the bare loop, beside it in this invocation): what is left "
                        + "of JeroMQ's own rate with every message built, stamped and checked (sequence, CRC32C of every byte, latency).");
            System.out.println((stoppedEarly ? "Stopped early by the failure reported on stderr" : "All messages verified: "
                    + (rows.stream().allMatch(r -> r.verified) ? "yes" : "NO")) + ". Rows in " + plan.out.resolve("results.csv"));
        }

        public void close() {
            for (Member m : members.values()) sendTo(m.identity, Ctl.of("bye"));
            // A stopped worker cannot take "bye" or SIGTERM until it runs again: SIGKILL reaches it now.
            for (LocalChild c : CHILDREN) if (stoppedState(c.child.process.pid()) != null) c.child.process.destroyForcibly();
            if (local) {
                long until = System.nanoTime() + 2_000_000_000L;
                for (LocalChild c : CHILDREN) {
                    try { c.child.process.waitFor(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS); } catch (InterruptedException ignored) { }
                }
            }
            destroyChildren();
            zmq.close();
        }

        /** Ends the local workers still running: all asked at once, whichever still runs forced 2 s later. */
        static void destroyChildren() {
            List<LocalChild> all = List.copyOf(CHILDREN);
            Child.stopAll(all.stream().map(c -> c.child).toList());
            CHILDREN.removeAll(all);
        }
    }

    // ---------------------------------------------------------------- results

    /** One measured configuration on all pairs, in the suite's schema (README.md, "Results files"). */
    static final class Row {
        final Map<String, Object> fields = new LinkedHashMap<>();
        boolean verified;
        String firstError, method, pattern, latKind, pairRates;
        int size;
        double rate, mbps, lostShare, longestPair, p50 = Double.NaN, p99 = Double.NaN, p999 = Double.NaN;
        Histogram hist;

        /** The figure --runs auto watches and the summary leads with: msgs/s for streams, the RTT's p50 (µs) for req-rep. */
        double headline() { return latKind.equals("rtt") ? p50 : rate; }

        boolean reference() { return KIND_REFERENCE.equals(fields.get("kind")); }

        static final String KIND_REFERENCE = Results.KIND_REFERENCE;

        /**
         * Throughput = messages / wall time of the measured window, first send to last verified receipt (README "How
         * figures are defined"), per pair and in total: the total is all messages / (last pair's end - first pair's start).
         * Streams: the sender's first send to the receiver's last receipt where both share a clock (one machine); across
         * machines, the receiver's first receipt to its last (all but the first message counted), as ZeroMQ's local_thr.
         * req-rep: the sender's first request to its last reply. Latency merges the pairs' histograms (receiver's one-way
         * for streams, sender's round trips for req-rep). sharedClock: every worker on one clock, so pairs' windows compare.
         */
        static Row of(RunSpec s, Plan plan, List<RunReport[]> reports, String note, boolean sharedClock,
                      java.util.function.LongFunction<Map<String, Object>> cpu) throws RunFailure {
            PatternKind kind = s.kind();
            int side = kind == PatternKind.REQ_REP ? 0 : 1;
            Row r = new Row();
            r.pattern = s.pattern;
            r.size = s.itemBytes;
            r.method = (s.raw ? RAW.name() : s.method.name() + (s.zeroCopy ? "-zc" : "")) + (plan.pairs > 1 ? "-x" + plan.pairs : "");
            long counted = 0, errors = 0, lost = 0, sent = 0, first = Long.MAX_VALUE, last = Long.MIN_VALUE;
            double longest = 0;
            boolean ownWindows = false;
            List<String> perPair = new ArrayList<>();
            for (RunReport[] pr : reports) {
                RunReport head = pr[side];
                long n, from, to;
                if (kind == PatternKind.REQ_REP) {
                    n = head.counted;
                    from = pr[0].start;
                    to = pr[0].end;
                } else if (s.oneClock) {
                    n = pr[1].messages * s.batch;     // every verified message, from the first send
                    from = pr[0].start;
                    to = pr[1].end;
                } else {
                    n = pr[1].counted;                // no shared clock: the receiver's own window, from its first receipt
                    from = pr[1].start;
                    to = pr[1].end;
                    ownWindows = true;
                }
                double secs = (to - from) / 1e9;
                perPair.add(fmt(n / secs));
                counted += n;
                longest = Math.max(longest, secs);
                first = Math.min(first, from);
                last = Math.max(last, to);
                sent += pr[0].messages;
                lost += pr[1].lost;
                for (RunReport x : pr) {
                    errors += x.errors;
                    if (r.firstError == null && x.firstError != null) r.firstError = x.side + " " + (x.pair + 1) + ": " + x.firstError;
                    if (x == head) {
                        try {
                            Histogram h = x.decode();
                            if (h != null) { if (r.hist == null) r.hist = h; else r.hist.add(h); }
                        } catch (IOException e) {
                            throw new RunFailure(s.pattern + " " + s.method.name() + ": " + e.getMessage());
                        }
                    }
                }
            }
            // Several pairs: all messages / (last end - first start), where their windows share a clock; else (pairs on
            // several machines' clocks, or receivers' own windows) over the longest pair's window, which the note says.
            boolean span = (sharedClock && !ownWindows) || reports.size() == 1;
            double seconds = span ? (last - first) / 1e9 : longest;
            r.longestPair = longest;
            r.rate = counted / seconds;
            r.pairRates = String.join(", ", perPair) + " " + (s.dtype == null ? "msgs/s" : "arrays/s");
            r.verified = errors == 0;
            r.mbps = r.rate * s.itemBytes / 1e6;
            r.lostShare = sent == 0 ? 0 : (double) lost / sent;
            r.latKind = r.hist == null ? "none" : kind == PatternKind.REQ_REP ? "rtt" : "one-way";
            var f = r.fields;
            f.put("timestamp", Instant.now().toString());
            f.put("bench", BENCH);
            f.put("method", r.method);
            // inproc is two threads of one process, ref-jeromq-raw a loop that checks nothing: references beside the methods, never ranked the fastest.
            f.put("kind", s.method == Method.inproc || s.raw ? Results.KIND_REFERENCE : Results.KIND_METHOD);
            f.put("pattern", s.pattern);
            f.put("wait", s.raw ? RAW.waits() : s.method.waits());
            f.put("payload", s.dtype == null ? "raw" : s.dtype);
            f.put("size_bytes", s.itemBytes);
            f.put("count", counted);
            f.put("batch", s.batch);
            f.put("peers", 2 * plan.pairs);
            f.put("run", s.run);
            f.put("seconds", round(seconds, 6));
            f.put("msgs_per_s", round(r.rate, 1));
            f.put("mb_per_s", round(r.mbps, 3));
            f.putAll(cpu.apply(counted));
            f.put("lat_kind", r.latKind);
            if (r.hist != null) {
                r.p50 = r.hist.getValueAtPercentile(50) / 1e3;
                r.p99 = r.hist.getValueAtPercentile(99) / 1e3;
                r.p999 = r.hist.getValueAtPercentile(99.9) / 1e3;
            }
            f.put("lat_mean_us", r.hist == null ? null : round(r.hist.getMean() / 1e3, 3));
            f.put("lat_p50_us", r.hist == null ? null : round(r.p50, 3));
            f.put("lat_p90_us", r.hist == null ? null : round(r.hist.getValueAtPercentile(90) / 1e3, 3));
            f.put("lat_p99_us", r.hist == null ? null : round(r.p99, 3));
            f.put("lat_p999_us", r.hist == null ? null : round(r.p999, 3));
            f.put("lat_max_us", r.hist == null ? null : round(r.hist.getMaxValue() / 1e3, 3));
            f.put("verified", r.verified);
            f.put("errors", errors);
            String latency = r.latKind.equals("one-way") ? "; latency: receiver's System.nanoTime minus the sender's (one machine, CLOCK_MONOTONIC), queueing included"
                    : s.raw ? "" : r.latKind.equals("none") && kind != PatternKind.REQ_REP ? "; no one-way latency: sender and receiver on different machines' clocks" : "";
            String window = kind == PatternKind.REQ_REP ? "" : ownWindows ? "; window: the receiver's first receipt to its last (no clock shared with the sender)"
                    : s.raw ? "; window: first send to last receipt" : "; window: first send to last verified receipt";
            f.put("note", note + (kind == PatternKind.PUB_SUB ? "; lost " + lost + " of " + sent : "")
                    + (plan.pairs > 1 ? "; per pair " + r.pairRates + (span ? "; total over first start to last end" : "; total over the longest pair's window (pairs on different clocks)") : "")
                    + window + latency);
            f.put("lost", lost);
            f.put("mbit_per_s", round(r.mbps * 8, 3));
            return r;
        }

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
