///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Arrays through a real Redis server between processes: pub/sub, a list as a work queue and a stream with a consumer group, msgpack-encoded, every message verified
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//DEPS redis.clients:jedis:8.0.2
//DEPS org.msgpack:msgpack-core:0.9.12
//DEPS com.github.codemonstur:embedded-redis:1.4.4
//DEPS org.slf4j:slf4j-nop:1.7.36
//RUNTIME_OPTIONS -Dsun.misc.unsafe.memory.access=allow

/*
 * RedisBench: how fast do arrays travel from one process to others through a Redis server, by the
 * three ways Redis offers, and does every one arrive?
 *
 * The parent (producer) encodes each array with msgpack (a map of sequence, dtype, shape, timestamp
 * and the raw data as binary, as the original Python benchmark does) and hands it to Redis; --consumers
 * child processes take it out, decode it and check its sequence and the CRC32C of its data. It grew
 * from the original Python benchmark's Redis pub/sub method.
 *
 *   jbang RedisBench.java                                   every method, 1 KiB to 1 MiB, unpipelined and 16 deep, about 2.5 min
 *   jbang RedisBench.java -m pubsub --size 1Ki --pipeline 16
 *   jbang RedisBench.java --consumers 3                     pub/sub: each gets all; list, stream: they share
 *   jbang RedisBench.java --redis-url redis://HOST:6379     a server elsewhere instead of our own
 *   jbang RedisBench.java --list                            the methods, one line each
 *
 * The server: without --redis-url the script starts its own redis-server (from PATH, else the one in
 * the embedded-redis artifact) on 127.0.0.1 and a free port, without persistence, and stops it at
 * the end. Its version and origin are in every row.
 *
 * Methods: pubsub (PUBLISH / SUBSCRIBE: every subscriber gets every message, or Redis drops it),
 * list (LPUSH / RPOP and BRPOP: a work queue, each message to one consumer), stream (XADD /
 * XREADGROUP with a consumer group and XACK: a durable, replayable log shared by the consumers).
 * --pipeline N sends N commands per write and reads their N replies after. Redis has no back-pressure
 * towards a publisher, so the producer stays at most --window messages ahead of its consumers (they
 * report their progress on their stdout); --window 0 lets it run free and shows what Redis drops.
 *
 * The figures, as README's "How figures are defined" puts them: throughput = messages / the measured window,
 * from the producer's first send to the last verified receipt; one-way latency = verified receipt - the time
 * the message was due, stamped before the producer waits for its window or a pipeline slot; CPU = user + system
 * time of the producer, the consumers and our own server (not a --redis-url one) over the window. By default
 * each configuration warms up for at least 1 s and each measured run lasts at least 1 s (the row says its count);
 * -r N or --runs auto repeats it. redis-benchmark's rows are references (kind=reference), never ranked.
 * Results: <out>/results.csv, results.jsonl, hgrm/*.hgrm (one-way latency per message).
 */

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.*;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;
import redis.clients.jedis.util.KeyValue;

import java.io.*;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

@Command(name = "RedisBench", mixinStandardHelpOptions = true, version = "RedisBench 1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Moves msgpack-encoded arrays from a producer process through Redis to consumer processes, every message verified.",
                "Sizes accept 100, 10k, 2M (powers of 1000) and 64Ki, 1Mi (powers of 1024)."},
        footer = {"", "Without --redis-url the script runs its own redis-server (PATH, else embedded-redis's) on 127.0.0.1 and stops it at the end.", "Documentation: docs/RedisBench.md in the suite's repository."})
public class RedisBench implements Callable<Integer> {

    static final String BENCH = "RedisBench";
    static final int MIN_SIZE = 8, MAX_SIZE = 64 << 20;
    /** Messages a list or stream consumer takes per round trip (RPOP and XREADGROUP COUNT). */
    static final int TAKE = 128;
    static final int JEDIS_BUFFER = 64 << 10;

    // ---------------------------------------------------------------- options

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "Exactly this many messages per run (default: as many as last at least 1 s, from the warm-up's rate; 2,000 with --quick).")
    Integer count;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Bytes of array data per message (default: a sweep, see --sizes).")
    Integer size;

    @Option(names = "--sizes", paramLabel = "LIST", split = ",", converter = SizeConverter.class,
            description = "Sizes to sweep (default: 1Ki,64Ki,1Mi; 1Ki with --quick).")
    List<Integer> sizes;

    @Option(names = "--elements", paramLabel = "N", description = "Elements per array, instead of --size (what -s counted in the original Python benchmark).")
    Integer elements;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float64", description = "Element type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Dtype dtype;

    @Option(names = "--pipeline", paramLabel = "LIST", split = ",",
            description = "Commands the producer sends per write before reading their replies; a list sweeps (default: 1,16; 16 with --quick).")
    List<Integer> pipelines;

    @Option(names = "--consumers", paramLabel = "N", defaultValue = "1",
            description = "Consumer processes: pub/sub delivers every message to each, list and stream share the messages out (default: ${DEFAULT-VALUE}).")
    int consumers;

    @Option(names = "--window", paramLabel = "N",
            description = "Messages the producer may be ahead of its consumers; 0 for no limit, which pub/sub answers with loss (default: 16 MiB worth, 1 to 65,536).")
    Integer window;

    @Option(names = {"-w", "--warmup"}, paramLabel = "N", defaultValue = "1",
            description = "Warm-up runs before measuring, not counted; at least this many, repeated for at least 1 s, 0 for none (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class,
            description = "Run each configuration for this long (e.g. 10s) instead of --count messages.")
    Duration duration;

    @Option(names = {"-m", "--methods"}, paramLabel = "LIST", split = ",", description = "Methods to run (default: all; see --list).")
    List<String> methods;

    @Option(names = "--list", description = "Print the methods, one line each, and exit.")
    boolean list;

    @Option(names = {"-r", "--runs"}, paramLabel = "N|auto", converter = RunsConverter.class, defaultValue = "3",
            description = {"Measured runs of each configuration (default: ${DEFAULT-VALUE}); the summary quotes the median and its 95%% interval.",
                    "auto: at least 6 and at most 10 runs, stopping once the 95%% interval of msgs/s is within 5%% of its median."})
    Runs runs;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A small, fast configuration for smoke tests: 2,000 messages of 1 KiB, pipeline 16, one run, short warm-up.")
    boolean quick;

    @Option(names = "--redis-url", paramLabel = "URL", description = "Use this server, redis://[USER:PASSWORD@]HOST[:PORT][/DB], instead of starting one.")
    String redisUrl;

    @Option(names = "--redis-server", paramLabel = "PATH",
            description = "The redis-server to start: a path, or 'embedded' for the one in the embedded-redis artifact (default: redis-server on PATH, else embedded).")
    String redisServer;

    @Option(names = "--pubsub-limit", paramLabel = "SIZE", converter = LimitConverter.class,
            description = "Set the server's client-output-buffer-limit for pub/sub clients to SIZE (hard, no soft limit) during pubsub runs (default: the server's, 32mb 8mb 60).")
    Long pubsubLimit;

    @Option(names = "--redis-benchmark", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Where redis-benchmark is on PATH, also measure its PUBLISH rate against the same server, one subscriber connected (default: on, off with --quick).")
    boolean redisBenchmark;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up when the server does not answer, or the consumers make no progress, for this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the random arrays (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--cleanup", description = "Remove what killed runs left in the suite folder (owner process gone), and stop their redis-server, then exit.")
    boolean cleanup;

    @Option(names = "--role", hidden = true, description = "Internal: 'consumer' runs the child side.")
    String role;

    @Option(names = "--corrupt", hidden = true, paramLabel = "N", description = "Testing: the producer flips the last data byte of message N.")
    long corrupt;

    @Option(names = "--stall-consumer", hidden = true, paramLabel = "MS", description = "Testing: each consumer stops reading for MS milliseconds once subscribed (a subscriber that falls behind).")
    long stallConsumerMillis;

    @Option(names = "--pause-consumer", hidden = true, paramLabel = "MS",
            description = "Testing: each consumer pauses for MS milliseconds once per run, after checking the run's message number --pause-at and before reporting it (a stall inside the window).")
    long pauseConsumerMillis;

    @Option(names = "--pause-at", hidden = true, paramLabel = "N", defaultValue = "100",
            description = "Testing: the message of each run (counted by each consumer) after which --pause-consumer pauses (default: ${DEFAULT-VALUE}).")
    long pauseAt;

    @Spec CommandSpec spec;

    public static void main(String[] args) {
        // Jedis reads and writes through 8 KiB buffers by default: a system call every 7 messages of 1 KiB.
        // 64 KiB buffers cut the calls (and the kernel's share of the CPU) eightfold, in both processes.
        if (System.getProperty("jedis.bufferSize") == null) System.setProperty("jedis.bufferSize", String.valueOf(JEDIS_BUFFER));
        System.exit(runCommand(new RedisBench(), args));
    }

    /** Element types, as NumPy names them; arrays travel as their little-endian bytes. */
    enum Dtype {
        float64(8), float32(4), int64(8), int32(4), int8(1);

        final int width;

        Dtype(int width) { this.width = width; }

        byte[] random(int bytes, SplittableRandom rnd) {
            ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
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

    /** --size, --sizes: from 8 B to 64 MiB. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        public Integer convert(String value) {
            return (int) Units.parseSizeIn(value, MIN_SIZE, MAX_SIZE, "a size from 8 B to 64 MiB, such as 1Ki, 10k, 2M or 1Mi");
        }
    }

    /** --pubsub-limit: at least 1 KiB. */
    static final class LimitConverter implements CommandLine.ITypeConverter<Long> {
        public Long convert(String value) {
            return Units.parseSizeIn(value, 1 << 10, 1L << 40, "a size of at least 1 KiB, such as 64Ki or 32Mi");
        }
    }

    // ---------------------------------------------------------------- the messages

    /**
     * What travels: message s is a msgpack map {seq, dtype, shape, ts, data} whose data is one of a few
     * seeded random arrays (s mod BODIES), so the receiver knows the CRC32C it must find. A run ends
     * with a marker {end: messages sent, last: end of session}.
     */
    static final class Payload {
        static final int BODIES = 7;
        final Dtype dtype;
        final int bytes;
        final byte[][] bodies = new byte[BODIES][];
        final int[] crcs = new int[BODIES];
        final long corrupt;
        final MessageBufferPacker packer;
        final byte[] dtypeName;
        static final byte[] SEQ = utf8("seq"), DTYPE = utf8("dtype"), SHAPE = utf8("shape"), TS = utf8("ts"), DATA = utf8("data"),
                END = utf8("end"), LAST = utf8("last");

        Payload(Dtype dtype, int bytes, long seed, long corrupt) {
            this.dtype = dtype;
            this.dtypeName = utf8(dtype.name());
            // One buffer that holds a whole message, reused: the default packer flushes large payloads into a
            // buffer chain and allocates (and zeroes) a fresh 8 KiB buffer for every message after it.
            this.packer = new MessagePack.PackerConfig().withBufferSize(bytes + 256).withBufferFlushThreshold(Integer.MAX_VALUE).newBufferPacker();
            this.bytes = bytes;
            this.corrupt = corrupt;
            SplittableRandom rnd = new SplittableRandom(seed ^ bytes);
            for (int i = 0; i < BODIES; i++) {
                bodies[i] = dtype.random(bytes, rnd);
                crcs[i] = crc(bodies[i], 0, bytes);
            }
        }

        int elements() { return bytes / dtype.width; }

        /** Encodes message seq, stamped now, the way a user of msgpack would: a fresh buffer per message. */
        byte[] encode(long seq, long nanos) {
            byte[] body = bodies[(int) (seq % BODIES)];
            if (seq == corrupt) {
                body = body.clone();
                body[body.length - 1] ^= 1;
            }
            try {
                packer.clear();
                packer.packMapHeader(5);
                string(SEQ).packLong(seq);
                string(DTYPE);
                string(dtypeName);
                string(SHAPE).packArrayHeader(1).packInt(elements());
                string(TS).packLong(nanos);
                string(DATA).packBinaryHeader(body.length);
                packer.writePayload(body);
                return packer.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The end of a run: how many messages it sent, and whether the session ends with it. */
        byte[] marker(long sent, boolean last) {
            try {
                packer.clear();
                packer.packMapHeader(2);
                string(END).packLong(sent);
                string(LAST).packBoolean(last);
                return packer.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A msgpack string from its UTF-8 bytes, encoded once: what packString writes, without encoding it again per message. */
        MessageBufferPacker string(byte[] utf8) throws IOException {
            packer.packRawStringHeader(utf8.length);
            packer.writePayload(utf8);
            return packer;
        }

        static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

        static int crc(byte[] b, int off, int len) {
            CRC32C c = new CRC32C();
            c.update(b, off, len);
            return (int) c.getValue();
        }
    }

    /** An order-free hash of a set of sequence numbers: producer and consumers add up the same terms (SplitMix64's finalizer). */
    static long mix(long seq) {
        long z = seq + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** What a consumer reports after each run. lost: Redis closed its connection (a subscriber too slow for its buffer limit). */
    record RunReport(long messages, long errors, String firstError, long lastNanos, long seqHash, String histogram, boolean lost) {
        Histogram decodeHistogram() throws IOException {
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(histogram)), 0);
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException("a consumer's latency histogram does not decode: " + e.getMessage());
            }
        }
    }

    /**
     * The consumer's checks, message by message: the map's keys, the dtype and shape, the sequence
     * (pub/sub: each one after the other; list and stream: rising, as a shared queue hands them out),
     * and the CRC32C of the data. Keeps the latency and the sequence hash; reports at each marker.
     */
    static final class Checker {
        /** What accept() saw. */
        enum Seen { DATA, END_OF_RUN, END_OF_SESSION }

        final Payload expected;
        final boolean everyMessage, countOnly;
        final long progressEvery;
        final java.util.function.LongConsumer progress;
        final java.util.function.Consumer<RunReport> reports;
        final CRC32C crc = new CRC32C();
        // One unpacker for every message: a new one would allocate (and zero) its 8 KiB string buffer each time.
        final org.msgpack.core.buffer.ArrayBufferInput input = new org.msgpack.core.buffer.ArrayBufferInput(new byte[0]);
        final MessageUnpacker u = MessagePack.newDefaultUnpacker(input);
        final byte[] scratch = new byte[64];
        Histogram latency = new Histogram(3);
        long lastSeq, messages, errors, seqHash, lastNanos, total;
        String firstError;
        /** Testing (--pause-consumer): pause for pauseMillis after the run's message number pauseAt, before reporting it; once per run. */
        long pauseAt = -1, pauseMillis;
        /** Told at each run's end marker, before the report (and its histogram) is made: the parent stops its CPU meter. */
        Runnable ended = () -> { };

        /** countOnly: messages are not ours (redis-benchmark's), only counted; the markers still end runs. */
        Checker(Payload expected, boolean everyMessage, boolean countOnly, long progressEvery, java.util.function.LongConsumer progress,
                java.util.function.Consumer<RunReport> reports) {
            this.expected = expected;
            this.everyMessage = everyMessage;
            this.countOnly = countOnly;
            this.progressEvery = progressEvery;
            this.progress = progress;
            this.reports = reports;
        }

        Seen accept(byte[] message) {
            if (countOnly && !isMarker(message)) {
                long now = System.nanoTime();
                messages++;
                lastNanos = now;
                if (++total % progressEvery == 0) progress.accept(total);
                return Seen.DATA;
            }
            try {
                input.reset(message);
                u.reset(input);
                int entries = u.unpackMapHeader();
                if (entries == 2 && is(Payload.END)) {
                    long sent = u.unpackLong();
                    boolean last = is(Payload.LAST) && u.unpackBoolean();
                    finishRun(sent);
                    return last ? Seen.END_OF_SESSION : Seen.END_OF_RUN;
                }
                if (entries != 5 || !is(Payload.SEQ)) return error("message " + (lastSeq + 1) + ": not an array message (" + entries + " entries)");
                long seq = u.unpackLong();
                if (!is(Payload.DTYPE) || !is(expected.dtypeName)) return error("message " + seq + ": dtype is not " + expected.dtype);
                if (!is(Payload.SHAPE) || u.unpackArrayHeader() != 1 || u.unpackInt() != expected.elements())
                    return error("message " + seq + ": shape is not [" + expected.elements() + "]");
                if (!is(Payload.TS)) return error("message " + seq + ": no timestamp");
                long ts = u.unpackLong();
                if (!is(Payload.DATA)) return error("message " + seq + ": no data");
                int length = u.unpackBinaryHeader();
                int offset = (int) u.getTotalReadBytes();
                if (length != expected.bytes || offset + length != message.length)
                    return error("message " + seq + ": " + length + " data bytes, expected " + expected.bytes);
                if (everyMessage ? seq != lastSeq + 1 : seq <= lastSeq)
                    return error("message " + seq + " after message " + lastSeq + (seq <= lastSeq ? ": a duplicate or out of order" : ": a gap"));
                lastSeq = seq;
                crc.reset();
                crc.update(message, offset, length);
                if ((int) crc.getValue() != expected.crcs[(int) (seq % Payload.BODIES)]) return error("message " + seq + ": CRC32C mismatch");
                // The verified receipt: one-way latency = this time - the time the message was due (ts, stamped by the
                // producer before any wait for its window or a pipeline slot); the run's window ends at the last one.
                // See README, "How figures are defined".
                long now = System.nanoTime();
                messages++;
                seqHash += mix(seq);
                latency.recordValue(Math.max(0, now - ts));
                lastNanos = now;
                if (messages == pauseAt && pauseMillis > 0) sleep(pauseMillis);
                if (++total % progressEvery == 0) progress.accept(total);
                return Seen.DATA;
            } catch (IOException | RuntimeException e) {
                return error("message " + (lastSeq + 1) + ": does not decode as msgpack (" + e.getMessage() + ")");
            }
        }

        /** The next value is this string (compared as its UTF-8 bytes: no String made per message). */
        private boolean is(byte[] utf8) throws IOException {
            if (u.getNextFormat().getValueType() != org.msgpack.value.ValueType.STRING) return false;
            int n = u.unpackRawStringHeader();
            if (n != utf8.length) return false;
            u.readPayload(scratch, 0, n);
            return Arrays.equals(scratch, 0, n, utf8, 0, n);
        }

        /** A run's end marker, told apart from a message that is not ours (count-only) without an error. */
        boolean isMarker(byte[] message) {
            try {
                input.reset(message);
                u.reset(input);
                return u.getNextFormat() == org.msgpack.core.MessageFormat.FIXMAP && u.unpackMapHeader() == 2 && is(Payload.END);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** A bad message: counted, and as progress too, so that the producer goes on and the run ends with this error. */
        private Seen error(String what) {
            if (errors++ == 0) firstError = what;
            if (++total % progressEvery == 0) progress.accept(total);
            return Seen.DATA;
        }

        private void finishRun(long sent) {
            progress.accept(total);
            ended.run();      // the run is over for this consumer: its bookkeeping (the histogram's encoding) comes after
            reports.accept(report(false));
            messages = errors = seqHash = lastNanos = 0;
            firstError = null;
            latency = new Histogram(3);
        }

        /** This run so far: at its marker, or when Redis dropped us (lost). */
        RunReport report(boolean lost) {
            ByteBuffer buf = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
            int n = latency.encodeIntoCompressedByteBuffer(buf);
            String hist = Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n));
            return new RunReport(messages, errors, firstError, lastNanos, seqHash, hist, lost);
        }
    }

    // ---------------------------------------------------------------- the server

    /** Where the server is, and how to connect to it (a redis:// URL, or our own server's port). */
    record Endpoint(String host, int port, String user, String password, int database) {
        static Endpoint parse(String url) throws IllegalArgumentException {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: give redis://HOST:PORT");
            }
            if (!"redis".equals(uri.getScheme())) throw new IllegalArgumentException("give redis://[USER:PASSWORD@]HOST[:PORT][/DB]");
            if (uri.getHost() == null) throw new IllegalArgumentException("no host: give redis://HOST:PORT");
            int port = uri.getPort() == -1 ? 6379 : uri.getPort();
            if (port < 1 || port > 65535) throw new IllegalArgumentException("give a port from 1 to 65535");
            String path = uri.getPath() == null ? "" : uri.getPath();
            int db = 0;
            if (!path.isEmpty() && !path.equals("/")) {
                if (!path.matches("/\\d{1,4}")) throw new IllegalArgumentException("the path, if any, is a database number: /0 to /9999");
                db = Integer.parseInt(path.substring(1));
            }
            String user = null, password = null;
            if (uri.getUserInfo() != null) {
                String[] parts = uri.getUserInfo().split(":", 2);
                if (parts.length == 2) {
                    user = parts[0].isEmpty() ? null : parts[0];
                    password = parts[1];
                } else {
                    password = parts[0];
                }
            }
            return new Endpoint(uri.getHost(), port, user, password, db);
        }

        /** The URL without the password, for messages and rows. */
        String shown() { return "redis://" + (user != null ? user + ":***@" : password != null ? "***@" : "") + host + ":" + port + (database != 0 ? "/" + database : ""); }

        /** A connection; socket reads wait at most timeout (0: forever, for blocking reads). */
        Jedis connect(Duration connectTimeout, Duration readTimeout) {
            return new Jedis(new HostAndPort(host, port), config(connectTimeout, readTimeout));
        }

        JedisClientConfig config(Duration connectTimeout, Duration readTimeout) {
            var config = DefaultJedisClientConfig.builder().connectionTimeoutMillis((int) connectTimeout.toMillis())
                    .socketTimeoutMillis((int) readTimeout.toMillis()).database(database).clientName("ipcbench");
            if (password != null) config.user(user).password(password);
            return config.build();
        }
    }

    /**
     * The Redis server of this invocation: our own process (started from PATH or from the embedded-redis
     * artifact, stopped at the end) or the one --redis-url names.
     */
    static final class RedisServer implements AutoCloseable {
        static final Pattern VERSION = Pattern.compile("redis_version:(\\S+)");
        final Endpoint endpoint;
        final String origin;
        final Process process;
        final Path log;
        String version;

        private RedisServer(Endpoint endpoint, String origin, Process process, Path log) {
            this.endpoint = endpoint;
            this.origin = origin;
            this.process = process;
            this.log = log;
        }

        /** Connects to --redis-url: a server that does not answer within the timeout is a failure naming the URL. */
        static RedisServer remote(Endpoint e, Duration timeout) throws RunFailure {
            RedisServer s = new RedisServer(e, "--redis-url " + e.shown(), null, null);
            try (Jedis j = e.connect(timeout, timeout)) {
                s.version = info(j);
            } catch (JedisException ex) {
                throw new RunFailure("cannot reach the Redis server at " + e.shown() + " within " + Units.duration(timeout) + ": " + rootMessage(ex));
            }
            return s;
        }

        /** Starts redis-server on 127.0.0.1 and a free port, no persistence, in the run folder; waits for its PING. */
        static RedisServer start(Path binary, String origin, Path dir, Duration timeout) throws RunFailure {
            Path log = dir.resolve("redis.log");
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                List<String> cmd = new ArrayList<>();
                // The server must not outlive this JVM, killed or not: setpriv makes the kernel kill it when we die.
                Path setpriv = Path.of("/usr/bin/setpriv");
                if (Files.isExecutable(setpriv)) cmd.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL"));
                cmd.addAll(List.of(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                        "--daemonize", "no", "--dir", dir.toString(), "--pidfile", dir.resolve("redis.pid").toString(), "--logfile", ""));
                Process p;
                try {
                    p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                } catch (IOException e) {
                    throw new RunFailure("cannot start " + binary + ": " + e.getMessage());
                }
                RedisServer s = new RedisServer(new Endpoint("127.0.0.1", port, null, null, 0), origin, p, log);
                long until = System.nanoTime() + timeout.toNanos();
                while (true) {
                    if (!p.isAlive()) {
                        String text = s.logTail();
                        if (text.contains("Address already in use") && attempt < 3) break;
                        throw new RunFailure(binary + " exited with code " + p.exitValue() + " at start: " + text);
                    }
                    try (Jedis j = s.endpoint.connect(Duration.ofSeconds(1), Duration.ofSeconds(2))) {
                        s.version = info(j);
                        return s;
                    } catch (JedisException e) {
                        if (System.nanoTime() > until) {
                            s.close();
                            throw new RunFailure(binary + " did not answer on port " + port + " within " + Units.duration(timeout) + ": " + s.logTail());
                        }
                        sleep(20);
                    }
                }
            }
        }

        static String info(Jedis j) {
            Matcher m = VERSION.matcher(j.info("server"));
            return m.find() ? m.group(1) : "unknown";
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return lines.isEmpty() ? "(its log is empty)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
            } catch (IOException e) {
                return "(no log)";
            }
        }

        /** Own server gone: why, for a failure message; null while it runs (or for a remote one). */
        String death() {
            if (process == null || process.isAlive()) return null;
            return "the Redis server " + howEnded(process);
        }

        String describe() { return "Redis " + version + ", " + origin + (process != null ? " on 127.0.0.1:" + endpoint.port : ""); }

        public void close() {
            if (process == null) return;
            if (stoppedState(process.pid()) != null) process.destroyForcibly();     // stopped: SIGTERM would wait for it to run again
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException ignored) { }
        }

        /** redis-server on PATH, or null. */
        static Path onPath() { return onPath("redis-server"); }

        static Path onPath(String program) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (d.isEmpty()) continue;
                Path p = Path.of(d, program);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            }
            return null;
        }

        /** The embedded redis-server copied out of its jar: where it is, what it is, and the temp folder it is in (null: the run folder). */
        record Embedded(Path binary, String origin, Path tempDir) {}

        /**
         * The redis-server binary the embedded-redis artifact carries for this OS and CPU, copied out of its jar (a
         * program cannot run from inside a jar) into the run folder, or, where that cannot run it (Docker mounts /dev/shm
         * noexec) or has no room for it, into a private folder in the temp dir. Removed once the server runs.
         */
        static Embedded extractEmbedded(Path runDir) throws RunFailure {
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT), arch = System.getProperty("os.arch");
            String platform = (os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : "windows") + "-"
                    + (arch.equals("amd64") || arch.equals("x86_64") ? "amd64" : arch.equals("aarch64") ? "arm64" : "386");
            try {
                Path jar = Path.of(redis.embedded.RedisServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                try (JarFile jf = new JarFile(jar.toFile())) {
                    JarEntry entry = jf.stream().filter(e -> e.getName().startsWith("redis-server-") && e.getName().contains("-" + platform)).findFirst()
                            .orElseThrow(() -> new RunFailure("embedded-redis has no redis-server for " + platform + "; install redis-server or give --redis-url"));
                    long bytes = Math.max(entry.getSize(), 0) + (1 << 20);
                    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
                    String here = unfit(runDir, bytes), there = here == null ? null : unfit(tmp, bytes);
                    if (here != null && there != null)
                        throw new RunFailure("the embedded redis-server (" + Units.size(bytes) + ") cannot run from " + runDir.getParent() + " (" + here + ") nor from "
                                + tmp + " (" + there + "): install redis-server, or give --redis-server PATH or --redis-url");
                    Path dir = here == null ? runDir : Files.createTempDirectory(tmp, "ipcbench-redis-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    Path target = dir.resolve("redis-server");
                    try (InputStream in = jf.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                    String artifact = jar.getFileName().toString().replaceFirst("\\.jar$", "");
                    return new Embedded(target, "redis-server from the " + artifact + " artifact (" + entry.getName() + ")", dir == runDir ? null : dir);
                }
            } catch (IOException | URISyntaxException e) {
                throw new RunFailure("cannot copy embedded-redis's redis-server out of its jar: " + e.getMessage());
            }
        }

        /** Why a program of `bytes` cannot run from dir ("mounted noexec", "2.0 MiB free"), or null where it can. */
        static String unfit(Path dir, long bytes) {
            if (mountedNoexec(dir)) return "mounted noexec";
            try {
                long free = Files.getFileStore(dir).getUsableSpace();
                return free < bytes ? Units.size(free) + " free" : null;
            } catch (IOException e) {
                return e.getMessage();
            }
        }

        /** Whether the file system dir is on is mounted noexec (the last mount over it in /proc/self/mounts counts). */
        static boolean mountedNoexec(Path dir) {
            try {
                Path real = dir.toRealPath();
                int longest = -1;
                boolean noexec = false;
                for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                    String[] f = line.split(" ");
                    if (f.length < 4) continue;
                    String point = f[1].replace("\\040", " ");
                    if (real.startsWith(point) && point.length() >= longest) {
                        longest = point.length();
                        noexec = Arrays.asList(f[3].split(",")).contains("noexec");
                    }
                }
                return noexec;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /**
     * Killed runs' servers, before their run folders go (--cleanup, and before each run): our server is
     * tied to our life by setpriv where it exists; elsewhere a killed run leaves it running, its pid file
     * in the run folder. Only this script's dead run folders are looked at.
     */
    static void stopLeftServers() {
        if (!Files.isDirectory(SuiteFolder.root())) return;
        try (Stream<Path> entries = Files.list(SuiteFolder.root())) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = SuiteFolder.RUN_FOLDER.matcher(p.getFileName().toString());
                if (m.matches() && !alive(Long.parseLong(m.group(1)))) stopServerOf(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // another user's suite folder, which we may not read: nothing of ours is in it
        }
    }

    /** Kills the redis-server whose pid file is in a dead run's folder, if that pid still runs in that folder (redis-server's --dir). */
    static void stopServerOf(Path runDir) {
        try {
            long pid = Long.parseLong(Files.readString(runDir.resolve("redis.pid")).strip());
            Path cwd = Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd"));
            if (cwd.equals(runDir.toAbsolutePath())) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | RuntimeException ignored) {
            // no pid file, or the server is gone
        }
    }

    // ---------------------------------------------------------------- the methods

    /** The Redis names of one session: a channel, a list or a stream (and its consumer group), unique to the run. */
    record Keys(byte[] key, byte[] group) {
        static final byte[] GROUP = Payload.utf8("ipcbench");

        static Keys of(String runId, String method) {
            return new Keys(("ipcbench:" + BENCH + "-" + runId + ":" + method).getBytes(StandardCharsets.UTF_8),
                    GROUP);
        }
    }

    /** One way of moving messages through Redis. The producer sends (queued by --pipeline) and ends runs; a consumer receives. */
    interface Transport extends AutoCloseable {
        /** Producer: queues a message; every `pipeline` of them go out in one write, then their replies are read and checked. */
        void send(byte[] message) throws Lost;

        /** Producer: sends what is queued and checks its replies. */
        void flush() throws Lost;

        /** Producer: the run's end marker, where each consumer must get one; returns with every reply read. */
        void endRun(byte[] marker, int consumers) throws Lost;

        /**
         * Consumer: hands messages to the checker until the session ends; says ready once it will miss
         * nothing. Where the consumers share the messages, it takes nothing after its run's end marker until
         * nextRun returns (the producer's next run), or it could take the marker meant for another.
         */
        void receive(Checker checker, Runnable ready, Runnable nextRun);

        void close();
    }

    /** Redis dropped messages: a subscriber was disconnected (PUBLISH reached fewer than all). */
    static final class Lost extends Exception {
        Lost(String message) { super(message); }
    }

    /** What both ends of a method need to open it. */
    record Context(Endpoint endpoint, Keys keys, int pipeline, int consumers, int consumerIndex, long maxLen, Duration timeout) {}

    interface TransportFactory { Transport open(Context ctx); }

    /** everyMessage: each consumer gets every message (pub/sub), else the consumers share them out. */
    record Method(MethodInfo info, boolean everyMessage, TransportFactory factory) implements Described {}

    static final List<Method> METHODS = List.of(
            new Method(MethodInfo.named("pubsub").waits("block")
                    .summary("PUBLISH / SUBSCRIBE: each consumer gets every message; Redis disconnects a subscriber that falls too far behind")
                    .note("PUBLISH to a channel, SUBSCRIBE in each consumer: every subscriber gets every message, or Redis drops it"),
                    true, PubSub::new),
            new Method(MethodInfo.named("list").waits("block")
                    .summary("LPUSH / RPOP, BRPOP: a work queue, each message to one consumer, nothing lost")
                    .note("LPUSH onto a list, each consumer RPOPs up to " + TAKE + " per round trip and waits in BRPOP when it is empty: each message to one consumer"),
                    false, ListQueue::new),
            new Method(MethodInfo.named("stream").waits("block")
                    .summary("XADD / XREADGROUP + XACK: a durable log, shared by a consumer group")
                    .note("XADD to a stream, each consumer XREADGROUPs up to " + TAKE + " per round trip in one consumer group and XACKs them: each message to one consumer, kept in the stream"),
                    false, StreamGroup::new));

    static Method method(String name) {
        return METHODS.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The producer's connection. Unpipelined, each command waits for its reply. With --pipeline N, N
     * commands go out in one write, and the producer goes on writing: it reads (and checks) replies only
     * for what it wrote more than LAG writes ago, which have arrived by then, so it neither pays a round
     * trip per batch nor wakes up for each reply. What bounds it is the window of its consumers' progress.
     */
    static final class Sender implements AutoCloseable {
        static final int LAG = 32;

        /** Jedis's connection with its flush in reach: commands are written a batch at a time, replies read later. */
        static final class BatchConnection extends Connection {
            BatchConnection(HostAndPort where, JedisClientConfig config) { super(where, config); }

            void write() { flush(); }
        }

        interface ReplyCheck { void check(Object reply) throws Lost; }

        final int pipeline;
        final BatchConnection conn;
        final ReplyCheck check;
        long written, answered;
        int batched;

        Sender(Context ctx, ReplyCheck check) {
            this.pipeline = ctx.pipeline;
            this.check = check;
            this.conn = new BatchConnection(new HostAndPort(ctx.endpoint.host, ctx.endpoint.port), ctx.endpoint.config(ctx.timeout, ctx.timeout));
        }

        /**
         * Queues a command; the first of a batch waits for a pipeline slot first: unpipelined, the previous reply;
         * pipelined, at most LAG batches unanswered once this one is written. The wait comes after the message's
         * due time was stamped, so it is inside its latency (README, "How figures are defined").
         */
        void send(ProtocolCommand command, byte[]... args) throws Lost {
            if (batched == 0) readReplies(pipeline == 1 ? 0 : (long) (LAG - 1) * pipeline);
            conn.sendCommand(command, args);
            if (++batched < pipeline) return;
            conn.write();
            written += batched;
            batched = 0;
        }

        /** Everything written, and every reply read and checked. */
        void sync() throws Lost {
            if (batched > 0) {
                conn.write();
                written += batched;
                batched = 0;
            }
            readReplies(0);
        }

        /** Reads replies until at most `behind` are still to come. */
        private void readReplies(long behind) throws Lost {
            while (written - answered > behind) {
                Object reply = conn.getUnflushedObject();
                answered++;
                check.check(reply);
            }
        }

        public void close() { conn.close(); }
    }

    /**
     * What every method shares: the producer's Sender, or the consumer's Jedis connection. Its reads are
     * bounded by --timeout; Jedis lifts that for the blocking commands (SUBSCRIBE, BRPOP, XREADGROUP BLOCK).
     */
    abstract static class RedisTransport implements Transport {
        final Context ctx;
        final Sender sender;
        final Jedis jedis;

        RedisTransport(Context ctx) {
            this.ctx = ctx;
            boolean producer = ctx.consumerIndex < 0;
            this.sender = producer ? new Sender(ctx, this::check) : null;
            this.jedis = producer ? null : ctx.endpoint.connect(ctx.timeout, ctx.timeout);
        }

        /** The producer's command for one message, and its arguments. */
        abstract ProtocolCommand command();

        abstract byte[][] arguments(byte[] message);

        /** Checks a command's reply. */
        void check(Object reply) throws Lost { }

        public void send(byte[] message) throws Lost { sender.send(command(), arguments(message)); }

        public void flush() throws Lost { sender.sync(); }

        /** Where each consumer must get one marker, one per consumer: they go after every message of the run. */
        public void endRun(byte[] marker, int markers) throws Lost {
            for (int i = 0; i < markers; i++) sender.send(command(), arguments(marker));
            sender.sync();
        }

        public void close() {
            if (sender != null) sender.close();
            if (jedis != null) jedis.close();
        }
    }

    /** PUBLISH / SUBSCRIBE. PUBLISH answers how many subscribers got the message: fewer than all means one was dropped. */
    static final class PubSub extends RedisTransport {
        PubSub(Context ctx) { super(ctx); }

        ProtocolCommand command() { return Protocol.Command.PUBLISH; }

        byte[][] arguments(byte[] message) { return new byte[][]{ctx.keys.key, message}; }

        void check(Object reply) throws Lost {
            long receivers = (Long) reply;
            if (receivers < ctx.consumers)
                throw new Lost("PUBLISH reached " + receivers + " of " + ctx.consumers + " subscribers: Redis disconnected the others");
        }

        /** Every subscriber gets the one marker. */
        public void endRun(byte[] marker, int consumers) throws Lost {
            try {
                super.endRun(marker, 1);
            } catch (Lost e) {
                // a subscriber dropped at the very end: its report tells
            }
        }

        public void receive(Checker checker, Runnable ready, Runnable nextRun) {
            BinaryJedisPubSub subscription = new BinaryJedisPubSub() {
                @Override public void onSubscribe(byte[] channel, int subscribedChannels) { ready.run(); }

                @Override public void onMessage(byte[] channel, byte[] message) {
                    if (checker.accept(message) == Checker.Seen.END_OF_SESSION) unsubscribe();
                }
            };
            jedis.subscribe(subscription, ctx.keys.key);
        }
    }

    /** A list as a work queue: LPUSH at the head; consumers take from the tail, RPOP with a count, BRPOP when empty. */
    static final class ListQueue extends RedisTransport {
        ListQueue(Context ctx) { super(ctx); }

        ProtocolCommand command() { return Protocol.Command.LPUSH; }

        byte[][] arguments(byte[] message) { return new byte[][]{ctx.keys.key, message}; }

        public void receive(Checker checker, Runnable ready, Runnable nextRun) {
            ready.run();
            while (true) {
                List<byte[]> taken = jedis.rpop(ctx.keys.key, TAKE);
                if (taken == null || taken.isEmpty()) {
                    KeyValue<byte[], byte[]> one = jedis.brpop(1.0, ctx.keys.key);
                    if (one == null) continue;
                    taken = List.of(one.getValue());
                }
                for (int i = 0; i < taken.size(); i++) {
                    Checker.Seen seen = checker.accept(taken.get(i));
                    if (seen == Checker.Seen.DATA) continue;
                    // Each consumer must get one marker: any taken after ours go back to the tail, for the others.
                    for (int k = taken.size() - 1; k > i; k--) jedis.rpush(ctx.keys.key, taken.get(k));
                    if (seen == Checker.Seen.END_OF_SESSION) return;
                    nextRun.run();
                    break;
                }
            }
        }
    }

    /** A stream read by one consumer group: XADD (trimmed, when the producer is windowed, to what cannot be unread), XREADGROUP, XACK. */
    static final class StreamGroup extends RedisTransport {
        static final byte[] FIELD = Payload.utf8("m"), ANY_ID = Payload.utf8("*"), MAXLEN = Payload.utf8("MAXLEN"), ABOUT = Payload.utf8("~");
        final byte[] maxLen;

        StreamGroup(Context ctx) {
            super(ctx);
            maxLen = ctx.maxLen > 0 ? Payload.utf8(String.valueOf(ctx.maxLen)) : null;
        }

        ProtocolCommand command() { return Protocol.Command.XADD; }

        byte[][] arguments(byte[] message) {
            return maxLen == null ? new byte[][]{ctx.keys.key, ANY_ID, FIELD, message}
                    : new byte[][]{ctx.keys.key, MAXLEN, ABOUT, maxLen, ANY_ID, FIELD, message};
        }

        public void receive(Checker checker, Runnable ready, Runnable nextRun) {
            byte[] me = ("c" + ctx.consumerIndex).getBytes(StandardCharsets.UTF_8);
            XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(TAKE).block(1000);
            Map<byte[], StreamEntryID> from = Map.of(ctx.keys.key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
            ready.run();
            while (true) {
                var read = jedis.xreadGroupBinary(ctx.keys.group, me, params, from);
                if (read == null || read.isEmpty()) continue;
                List<StreamEntryBinary> entries = read.get(0).getValue();
                byte[][] ids = new byte[entries.size()][];
                Checker.Seen end = Checker.Seen.DATA;
                List<byte[]> extraMarkers = new ArrayList<>();
                for (int i = 0; i < entries.size(); i++) {
                    StreamEntryBinary e = entries.get(i);
                    ids[i] = e.getID().toString().getBytes(StandardCharsets.UTF_8);
                    byte[] message = e.getFields().values().iterator().next();
                    if (end != Checker.Seen.DATA) extraMarkers.add(message);      // after our marker only markers follow
                    else end = checker.accept(message);
                }
                jedis.xack(ctx.keys.key, ctx.keys.group, ids);
                // Each consumer must get one marker: any read after ours are added again, for the others.
                for (byte[] m : extraMarkers) jedis.xadd(ctx.keys.key, XAddParams.xAddParams(), Map.of(FIELD, m));
                if (end == Checker.Seen.END_OF_SESSION) return;
                if (end == Checker.Seen.END_OF_RUN) nextRun.run();
            }
        }
    }

    // ---------------------------------------------------------------- the parent: options, sessions, measuring

    public Integer call() throws Exception {
        if ("consumer".equals(role)) return ChildRole.run();
        if (role != null) throw new ParameterException(spec.commandLine(), "Invalid value for option '--role': '" + role + "'");
        if (list) return printList(METHODS);
        if (cleanup) {
            stopLeftServers();
            return SuiteFolder.cleanup();
        }
        Plan plan = plan();
        stopLeftServers();
        SuiteFolder.removeLeftovers();
        Results results = new Results(out, Environment.capture());
        List<Row> rows = new ArrayList<>();
        try (Invocation inv = Invocation.open(this, plan)) {
            for (int bytes : plan.sizes) {
                Map<String, Long> counts = new HashMap<>();      // each method's count at this size, by name
                for (int pipeline : plan.pipelines)
                    for (Method m : plan.methods) runMethod(m, bytes, pipeline, plan, inv, results, rows, counts);
                if (plan.redisBenchmark != null) RedisBenchmark.run(this, plan, bytes, inv, results, rows, counts);
            }
            printSummary(rows, plan, inv, false);
        } catch (RunFailure failure) {
            reportFailure(failure.getMessage());
            printSummary(rows, plan, null, true);
            return 1;
        }
        return 0;
    }

    /** Measured runs by default: at least this many messages, at most this many (RunLength.count's floor and cap). */
    static final long DEFAULT_FLOOR = 100, DEFAULT_CAP = 50_000_000;

    record Plan(List<Method> methods, List<Integer> sizes, List<Integer> pipelines, Integer count, Runs runs, Endpoint remote,
                Path serverBinary, boolean embedded, Path redisBenchmark, Duration warmupMinimum) {
        /** Messages per run: --count, else 2,000 (--quick); by default a measured run's count comes from RunLength. */
        long messages(int bytes, boolean quick) {
            return count != null ? count : 2000;
        }
    }

    /** Checks every option before anything is started or written: bad input leaves nothing behind. */
    Plan plan() {
        CommandLine cl = spec.commandLine();
        if (count != null && count < 1) throw bad(cl, "--count", count, "must be at least 1");
        if (consumers < 1 || consumers > 64) throw bad(cl, "--consumers", consumers, "must be from 1 to 64");
        if (window != null && window < 0) throw bad(cl, "--window", window, "must be 0 (no limit) or more");
        if (warmup < 0) throw bad(cl, "--warmup", warmup, "must be 0 or more");
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) throw bad(cl, "--timeout", given("--timeout", timeout), "at least 1s");
        if (duration != null && duration.toMillis() < 10) throw bad(cl, "--duration", given("--duration", duration), "at least 10ms");
        if (duration != null && count != null) throw new ParameterException(cl, "Options '--count' and '--duration' exclude each other: give one");
        if ((size != null ? 1 : 0) + (sizes != null ? 1 : 0) + (elements != null ? 1 : 0) > 1)
            throw new ParameterException(cl, "Options '--size', '--sizes' and '--elements' exclude each other: give one");
        List<Integer> chosenSizes = new ArrayList<>();
        if (elements != null) {
            if (elements < 1 || (long) elements * dtype.width > MAX_SIZE)
                throw bad(cl, "--elements", elements, "from 1 to " + MAX_SIZE / dtype.width + " elements of " + dtype);
            chosenSizes.add(elements * dtype.width);
        } else {
            List<Integer> given = size != null ? List.of(size) : sizes != null ? sizes : quick ? List.of(1 << 10) : List.of(1 << 10, 64 << 10, 1 << 20);
            for (int s : given) {
                if (s % dtype.width != 0) throw bad(cl, size != null ? "--size" : "--sizes", given(size != null ? "--size" : "--sizes", s),
                        "not a whole number of " + dtype + " elements (" + dtype.width + " bytes)");
                if (!chosenSizes.contains(s)) chosenSizes.add(s);
            }
        }
        List<Integer> chosenPipelines = pipelines != null ? pipelines.stream().distinct().toList() : quick ? List.of(16) : List.of(1, 16);
        for (int p : chosenPipelines) if (p < 1 || p > 100_000) throw bad(cl, "--pipeline", given("--pipeline", p), "each depth from 1 to 100000");
        List<Method> chosen = chooseMethods(cl, METHODS, methods);
        Endpoint remote = null;
        if (redisUrl != null) {
            if (redisServer != null) throw new ParameterException(cl, "Options '--redis-url' and '--redis-server' exclude each other: give one");
            try {
                remote = Endpoint.parse(redisUrl);
            } catch (IllegalArgumentException e) {
                throw bad(cl, "--redis-url", redisUrl, e.getMessage());
            }
        }
        Path binary = null;
        boolean embedded = false;
        if (remote == null) {
            if (redisServer == null) {
                binary = RedisServer.onPath();
                embedded = binary == null;
            } else if (redisServer.equals("embedded")) {
                embedded = true;
            } else {
                binary = Path.of(redisServer);
                if (!Files.isRegularFile(binary) || !Files.isExecutable(binary))
                    throw bad(cl, "--redis-server", redisServer, "not an executable file: give the path of redis-server, or 'embedded'");
            }
        }
        Path benchmarkTool = null;
        if (redisBenchmark && !quick && chosen.stream().anyMatch(m -> m.name().equals("pubsub")))
            benchmarkTool = RedisServer.onPath("redis-benchmark");
        Results.checkOut(cl, out);
        return new Plan(chosen, chosenSizes, chosenPipelines, count, quick ? new Runs(1, false) : runs, remote, binary, embedded, benchmarkTool,
                quick ? Duration.ZERO : Duration.ofSeconds(1));
    }

    /**
     * Messages the producer may be ahead: --window, else 16 MiB worth. Enough to ride out the scheduler's
     * time slices (three busy processes on two cores), and at most half Redis's hard limit for a
     * subscriber's buffer (32 MB), of which the kernel's socket buffers hold a good part anyway.
     */
    int window(int bytes) { return window != null ? window : defaultWindow(bytes); }

    static int defaultWindow(int bytes) { return (int) Math.max(1, Math.min(65_536, (16L << 20) / (bytes + 64))); }

    /** The value as the user typed it (64Ki rather than 65536), for error messages. */
    String given(String option, Object parsed) {
        var matched = spec.commandLine().getParseResult().matchedOption(option);
        return matched == null ? String.valueOf(parsed) : matched.originalStringValues().get(matched.originalStringValues().size() - 1);
    }

    static ParameterException bad(CommandLine cl, String option, Object value, String why) {
        return new ParameterException(cl, "Invalid value for option '" + option + "': '" + value + "' (" + why + ")");
    }

    /** What lives as long as the invocation: the run folder and the server (ours, or the remote one). */
    static final class Invocation implements AutoCloseable {
        static final java.util.concurrent.atomic.AtomicReference<Invocation> LIVE = new java.util.concurrent.atomic.AtomicReference<>();
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                SHUTTING_DOWN.set(true);      // Ctrl-C also ends the consumers: their exits are no news
                Invocation i = LIVE.get();
                if (i != null) i.close();
            }));
        }

        final Path runDir;
        RedisServer server;
        /** The embedded redis-server's private folder in the temp dir, while it is there. */
        Path embeddedDir;

        private Invocation(Path runDir) { this.runDir = runDir; }

        static Invocation open(RedisBench o, Plan plan) throws RunFailure {
            Invocation inv;
            try {
                inv = new Invocation(SuiteFolder.createRunDir(SuiteFolder.newRunId()));
            } catch (IOException e) {
                throw new RunFailure("cannot create the run folder in " + SuiteFolder.root() + ": " + e.getMessage());
            }
            LIVE.set(inv);
            try {
                if (plan.remote != null) {
                    inv.server = RedisServer.remote(plan.remote, o.timeout);
                } else {
                    Path binary = plan.serverBinary;
                    String origin;
                    if (plan.embedded) {
                        var extracted = RedisServer.extractEmbedded(inv.runDir);
                        binary = extracted.binary();
                        origin = extracted.origin();
                        inv.embeddedDir = extracted.tempDir();
                        if (o.redisServer == null) System.err.println(BENCH + ": no redis-server on PATH; using the " + origin.substring("redis-server from the ".length()));
                    } else {
                        origin = (o.redisServer == null ? "redis-server from PATH (" : "redis-server given (") + binary + ")";
                    }
                    inv.server = RedisServer.start(binary, origin, inv.runDir, o.timeout);
                    if (plan.embedded) inv.removeEmbedded(binary);
                }
                return inv;
            } catch (RunFailure f) {
                inv.close();
                throw f;
            }
        }

        public void close() {
            if (!LIVE.compareAndSet(this, null)) return;
            for (Session s : List.copyOf(Session.LIVE)) {
                try {
                    s.end();
                } catch (RuntimeException e) {
                    // the server and the folder go anyway
                }
            }
            if (server != null) server.close();
            if (embeddedDir != null) SuiteFolder.delete(embeddedDir);
            SuiteFolder.delete(runDir);
        }

        /** The running server keeps its program (Linux holds an unlinked file for it): its copy goes now, its room with it. */
        void removeEmbedded(Path binary) {
            try {
                Files.deleteIfExists(binary);
            } catch (IOException ignored) {
                // removed with its folder at the end
            }
            if (embeddedDir != null) {
                SuiteFolder.delete(embeddedDir);
                embeddedDir = null;
            }
        }
    }

    /**
     * One method at one size and pipeline depth: its consumers started once, warmed up, then measured runs.
     * Without --count or --duration (the default) the warm-up runs last at least 1 s together (RunLength.WARMUP),
     * and each measured run sends RunLength.count messages, from the last warm-up run's rate, and goes on until it
     * has lasted at least RunLength.MEASURED: the row's count is what it sent.
     */
    void runMethod(Method m, int bytes, int pipeline, Plan plan, Invocation inv, Results results, List<Row> rows, Map<String, Long> counts)
            throws RunFailure {
        String name = m.name() + (pipeline > 1 ? "-p" + pipeline : "");
        boolean byDefault = plan.count == null && duration == null && !quick;
        long messages = duration != null ? 1 : byDefault ? 0 : plan.messages(bytes, quick);
        try (Session session = Session.start(m, name, this, bytes, pipeline, consumers, false, inv)) {
            // Warm-up runs are measured runs thrown away, so that the JIT compiles the very paths that are then timed.
            long warmupEnds = System.nanoTime() + plan.warmupMinimum.toNanos();
            long warmSent = 0, warmNanos = 0;
            for (int w = 1; warmup > 0 && (w <= warmup || System.nanoTime() - warmupEnds < 0); w++) {
                session.stage = Units.size(bytes) + " warm-up run " + w;
                Progress.show(name + " " + session.stage);
                // By default a warm-up run lasts half of RunLength.WARMUP: the last one's rate, the JIT warm by then, sizes the measured runs.
                Session.Outcome warm = byDefault ? session.stream(1, RunLength.WARMUP.dividedBy(2), false) : session.stream(messages, duration, false);
                if (!warm.verified())
                    throw new RunFailure(name + ": " + (warm.lost > 0 ? "messages lost" : "verification failed") + " during the warm-up at "
                            + Units.size(bytes) + ": " + warm.firstError);
                warmSent = warm.sent;
                warmNanos = (long) (warm.seconds * 1e9);
            }
            if (byDefault) messages = RunLength.count(warmSent, warmNanos, DEFAULT_FLOOR, DEFAULT_CAP);
            Duration minTime = byDefault ? RunLength.MEASURED : duration;
            List<Double> headlines = new ArrayList<>();
            for (int run = 1; plan.runs.another(headlines); run++) {
                session.stage = Units.size(bytes) + " run " + run + (plan.runs.auto() ? " (auto)" : "/" + plan.runs.count());
                Progress.show(name + " " + session.stage);
                Session.Outcome o = session.stream(messages, minTime, true);
                Progress.clear();
                Row row = Row.of(name, m, session.note, dtype, bytes, pipeline, consumers, session.window, run, o, inv.server);
                results.write(row.fields, row.hist);
                rows.add(row);
                if (!row.verified) throw new RunFailure(name + ": " + (o.lost > 0 ? "messages lost" : "verification failed") + " at " + Units.size(bytes) + ": " + o.firstError);
                headlines.add(row.rate);      // the headline figure, for --runs auto: msgs/s
                if (run == 1) counts.put(name, o.sent);
            }
            session.endSession();
            session.finish();
        }
    }

    /** A consumer process as the parent sees it: the harness's Child, its stdout read by a thread (progress, reports). */
    static final class ConsumerProcess {
        final int index;
        final Child child;
        final AtomicLong progress = new AtomicLong();
        /** Runs whose end marker this consumer has taken ("e" on its stdout, before its report). */
        final java.util.concurrent.atomic.AtomicInteger runsEnded = new java.util.concurrent.atomic.AtomicInteger();
        final LinkedBlockingQueue<RunReport> reports = new LinkedBlockingQueue<>();
        Thread reader;
        volatile boolean lost;

        ConsumerProcess(int index, Child child) {
            this.index = index;
            this.child = child;
        }

        boolean isAlive() { return child.process.isAlive(); }
    }

    /** The consumers and the producer's end of one method at one size and pipeline depth, from start to clean-up. */
    static final class Session implements AutoCloseable {
        static final Set<Session> LIVE = Collections.synchronizedSet(new HashSet<>());

        final Method method;
        final String name;
        final RedisBench options;
        final Invocation inv;
        final Payload payload;
        final Keys keys;
        final int pipeline, window, consumerCount;
        final boolean countOnly;
        final Thread producer = Thread.currentThread();
        final List<ConsumerProcess> consumers = new ArrayList<>();
        final AtomicLong sentTotal = new AtomicLong();
        volatile String abortReason;
        /** The abort names a process that is stopped, not dead: no exit to wait for. */
        volatile boolean stoppedPeer;
        volatile String stage = "starting the consumers";
        volatile boolean ending;
        Transport transport;
        Thread watchdog;
        String note, savedLimit;
        long seq;
        int runsStarted;

        private Session(Method method, String name, RedisBench o, int bytes, int pipeline, int consumerCount, boolean countOnly, Invocation inv) {
            this.method = method;
            this.name = name;
            this.options = o;
            this.inv = inv;
            this.pipeline = pipeline;
            this.consumerCount = consumerCount;
            this.countOnly = countOnly;
            this.window = o.window(bytes);
            this.payload = new Payload(o.dtype, bytes, o.seed, o.corrupt);
            this.keys = Keys.of(SuiteFolder.newRunId(), method.name());
        }

        /** countOnly: the consumers count what arrives without checking it (messages that another program publishes). */
        static Session start(Method m, String name, RedisBench o, int bytes, int pipeline, int consumerCount, boolean countOnly, Invocation inv)
                throws RunFailure {
            Session s = new Session(m, name, o, bytes, pipeline, consumerCount, countOnly, inv);
            LIVE.add(s);
            try {
                // The stream keeps what a consumer may still need: the window, the batches the consumers hold, the pipeline.
                long maxLen = s.window == 0 ? 0 : 2L * s.window + (long) consumerCount * TAKE + pipeline;
                Context ctx = new Context(inv.server.endpoint, s.keys, pipeline, consumerCount, -1, maxLen, o.timeout);
                s.transport = m.factory().open(ctx);
                if (m.name().equals("stream"))
                    try (Jedis j = inv.server.endpoint.connect(o.timeout, o.timeout)) {
                        j.xgroupCreate(s.keys.key, s.keys.group, Payload.utf8("$"), true);
                    }
                if (m.name().equals("pubsub") && o.pubsubLimit != null) s.setPubsubLimit(o.pubsubLimit);
                for (int i = 0; i < consumerCount; i++) s.launch(i);
                s.watchdog = daemon("watchdog", s::watch);
                s.note = s.describe();
                return s;
            } catch (Exception e) {
                RunFailure f = s.failure(e);
                s.close();
                throw f;
            }
        }

        String describe() {
            return method.note() + "; " + (pipeline == 1 ? "unpipelined" : "pipeline " + pipeline)
                    + (window == 0 ? "; no window: the producer runs free" : "; producer at most " + window + " messages ahead of the consumers")
                    + "; " + consumerCount + " consumer process(es); msgpack map {seq, dtype, shape, ts, data}"
                    + (method.name().equals("pubsub") && options.pubsubLimit != null ? "; client-output-buffer-limit pubsub " + Units.size(options.pubsubLimit) : "")
                    + "; " + inv.server.describe() + "; latency clock: System.nanoTime of both processes (" + LATENCY_CLOCK + ")";
        }

        /**
         * How often a consumer reports its progress: a quarter of the window, shared out where the
         * consumers share the messages (else none of them would report before the window is full);
         * without a window, as often as the default window would ask.
         */
        long progressEvery() {
            int w = window > 0 ? window : defaultWindow(payload.bytes);
            return Math.max(1, w / 4 / (method.everyMessage() ? 1 : consumerCount));
        }

        /** Pub/sub's buffer limit for this session (restored at its end): a subscriber with more waiting is disconnected. */
        void setPubsubLimit(long bytes) {
            try (Jedis j = inv.server.endpoint.connect(options.timeout, options.timeout)) {
                String current = j.configGet("client-output-buffer-limit").get("client-output-buffer-limit");
                if (savedLimit == null) savedLimit = current;     // the server's own, put back at the session's end
                String others = current == null ? "" : current.replaceAll("pubsub \\d+ \\d+ \\d+", "").trim();
                j.configSet("client-output-buffer-limit", (others + " pubsub " + bytes + " " + bytes + " 0").trim());
            }
        }

        /** Starts this same program again as consumer i; waits for its "ready". */
        void launch(int index) throws IOException {
            // Listed before its configuration goes out, so that a consumer that dies at once is found and quoted.
            ConsumerProcess c = new ConsumerProcess(index, Child.start("consumer " + index, RedisBench.class, List.of("--role=consumer"), null));
            consumers.add(c);
            Endpoint e = inv.server.endpoint;
            ChildConfig config = new ChildConfig(method.name(), e.host, e.port, e.user, e.password, e.database,
                    new String(keys.key, StandardCharsets.UTF_8), index, countOnly, options.dtype, payload.bytes, options.seed,
                    progressEvery(), options.timeout.toMillis(), options.stallConsumerMillis, options.pauseAt, options.pauseConsumerMillis,
                    ProcessHandle.current().pid());
            c.child.send(JSON.writeValueAsString(config));
            awaitReady(c);
            c.reader = daemon("stdout of consumer " + index, () -> readConsumer(c));
        }

        /**
         * The consumer's "ready". A JVM starting on a busy machine may take longer than a short --timeout: one that runs gets
         * up to 2 x --timeout or a minute, whichever is longer; one that is stopped (SIGSTOP, Ctrl-Z) is named after --timeout.
         */
        void awaitReady(ConsumerProcess c) throws IOException {
            FutureTask<String> ready = new FutureTask<>(c.child::awaitReady);
            daemon("ready of consumer " + c.index, ready);
            long start = System.nanoTime();
            Duration limit = options.timeout.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0 ? options.timeout.multipliedBy(2) : Duration.ofSeconds(60);
            String who = "consumer " + c.index + " (pid " + c.child.process.pid() + ")";
            while (true) {
                try {
                    ready.get(50, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    long waited = System.nanoTime() - start;
                    String state = waited > options.timeout.toNanos() ? stoppedState(c.child.process.pid()) : null;
                    if (state != null) {
                        stoppedPeer = true;
                        throw new IOException(who + " did not say ready within " + Units.duration(options.timeout) + ": its process " + state);
                    }
                    if (waited > limit.toNanos()) throw new IOException(who + " did not say ready within " + Units.duration(limit));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while consumer " + c.index + " started");
                }
            }
        }

        /** "p N": N messages checked so far in the session; a JSON line: a run's report. */
        void readConsumer(ConsumerProcess c) {
            try {
                while (true) {
                    String line = c.child.receiveLine();
                    if (line.startsWith("p ")) {
                        c.progress.set(Long.parseLong(line.substring(2)));
                    } else if (line.equals("e")) {
                        c.runsEnded.incrementAndGet();
                    } else {
                        RunReport r = JSON.readValue(line, RunReport.class);
                        if (r.lost) c.lost = true;
                        c.reports.add(r);
                    }
                    LockSupport.unpark(producer);
                }
            } catch (IOException | RuntimeException ignored) {
                // the consumer ended; the watchdog and the waits see that
            }
        }

        /** Watches the consumers and our server: one gone, or no progress for the timeout, aborts the run. */
        private void watch() {
            long last = -1, since = System.nanoTime();
            try {
                while (abortReason == null) {
                    Thread.sleep(50);
                    long now = System.nanoTime();
                    long p = sentTotal.get() + consumers.stream().mapToLong(c -> c.progress.get() + c.reports.size()).sum();
                    String serverDeath = inv.server.death();
                    Optional<ConsumerProcess> dead = consumers.stream().filter(c -> !c.isAlive()).findFirst();
                    if (serverDeath != null) abortReason = serverDeath;
                    else if (dead.isPresent() && !ending) abortReason = "consumer " + dead.get().index + " exited";
                    else if (p != last) { last = p; since = now; }
                    else if (now - since > options.timeout.toNanos()) abortReason = stalled();
                    if (abortReason != null) LockSupport.unpark(producer);
                }
                // Waits check abortReason, and a dead server breaks the producer's connection; should the main thread be
                // stuck elsewhere anyway, the run ends here.
                Thread.sleep(3000);
                if (!FAILURE_REPORTED.get()) {
                    reportFailure(failure(null).getMessage());
                    System.exit(1);
                }
            } catch (InterruptedException e) {
                // the session closed normally
            }
        }

        /** Why nothing moved for --timeout: a process of the run that is stopped (SIGSTOP, Ctrl-Z, a debugger) is named, else only the silence. */
        String stalled() {
            String silence = " made no progress for " + Units.duration(options.timeout);
            for (ConsumerProcess c : consumers) {
                String state = stoppedState(c.child.process.pid());
                if (state != null) {
                    stoppedPeer = true;
                    return "consumer " + c.index + " (pid " + c.child.process.pid() + ")" + silence + ": its process " + state;
                }
            }
            String state = inv.server.process == null ? null : stoppedState(inv.server.process.pid());
            if (state != null) {
                stoppedPeer = true;
                return "the Redis server (pid " + inv.server.process.pid() + ")" + silence + ": its process " + state;
            }
            return "no progress for " + Units.duration(options.timeout);
        }

        void checkAbort() throws IOException {
            if (abortReason != null) throw new IOException(abortReason);
        }

        /** cpu: the CPU meter's fields (cpu_us_per_msg, cpu_cores) for a measured run, else empty. */
        record Outcome(long sent, long received, long lost, long errors, String firstError, double seconds, Histogram latency,
                       double[] perConsumer, Map<String, Object> cpu) {
            boolean verified() { return errors == 0 && lost == 0; }
        }

        /** The processes whose CPU a measured run counts besides this one: the consumers, and the server when it is ours. */
        List<Long> cpuPids() {
            List<Long> pids = new ArrayList<>(consumers.stream().map(c -> c.child.process.pid()).toList());
            if (inv.server.process != null) pids.add(inv.server.process.pid());
            return pids;
        }

        /**
         * One run: at least minMessages and, when minTime is given, until that much time has passed; then one
         * report from each consumer. measured: the CPU of the run's processes is metered over its window.
         * The session ends with endSession(), after its last run.
         */
        Outcome stream(long minMessages, Duration minTime, boolean measured) throws RunFailure {
            if (runsStarted++ > 0 && !method.everyMessage()) nextRun();
            int run = runsStarted;
            CpuMeter meter = measured ? CpuMeter.start(cpuPids()) : null;
            long start = System.nanoTime();
            Long deadline = minTime == null ? null : start + minTime.toNanos();
            long sent = 0, hash = 0;
            String loss = null;
            try {
                try {
                    while (true) {
                        long next = seq + 1;
                        // The time this message is due: stamped before any wait for the window (the consumers' progress)
                        // or a pipeline slot (Sender.send), so that queueing and back-pressure are inside its one-way
                        // latency. See README, "How figures are defined".
                        long due = System.nanoTime();
                        awaitWindow(next);
                        transport.send(payload.encode(next, due));
                        seq = next;
                        sent++;
                        hash += mix(next);
                        sentTotal.lazySet(seq);
                        if (sent >= minMessages && (deadline == null || due - deadline >= 0)) break;
                    }
                    transport.flush();
                } catch (Lost e) {
                    loss = e.getMessage();
                }
                transport.endRun(payload.marker(sent, false), consumers.size());
                awaitEnded(run);
                // The window's end is each consumer's last verified receipt (in its report); the meter stops as soon as
                // every consumer has said its run ended, before the reports (histograms) are made and read.
                Map<String, Object> cpu = meter == null ? Map.of() : meter.stop(sent);
                List<RunReport> reports = new ArrayList<>();
                for (ConsumerProcess c : consumers) reports.add(awaitReport(c));
                return evaluate(reports, start, sent, hash, loss, cpu);
            } catch (Exception e) {
                throw failure(e);
            }
        }

        /** After the last run: the session's end marker, which each consumer answers with an empty report before it exits. */
        void endSession() throws RunFailure {
            try {
                if (runsStarted++ > 0 && !method.everyMessage()) nextRun();
                ending = true;
                transport.endRun(payload.marker(0, true), consumers.size());
                for (ConsumerProcess c : consumers) awaitReport(c);
            } catch (Exception e) {
                throw failure(e);
            }
        }

        /** Until every consumer has taken run `run`'s end marker ("e"), or reported anyway (Redis dropped it), or is gone. */
        void awaitEnded(int run) throws IOException {
            while (true) {
                boolean all = true;
                for (ConsumerProcess c : consumers)
                    if (c.runsEnded.get() < run && c.reports.isEmpty() && !c.lost && c.isAlive()) all = false;
                if (all) return;
                checkAbort();
                LockSupport.parkNanos(1_000_000);      // the consumers' lines unpark us
            }
        }

        /** Lets the consumers of a shared queue take messages again: they wait after each run's marker. */
        void nextRun() throws RunFailure {
            try {
                for (ConsumerProcess c : consumers) c.child.send("go");
            } catch (IOException e) {
                throw failure(e);
            }
        }

        /** Holds message next back while it would be more than the window ahead of the consumers (pub/sub: the slowest; else all together). */
        void awaitWindow(long next) throws Lost, IOException {
            if (window == 0 || next - acknowledged() <= window) return;
            transport.flush();      // what is queued must go out, or the consumers could never catch up
            while (next - acknowledged() > window) {
                for (ConsumerProcess c : consumers)
                    if (c.lost) throw new Lost("Redis closed consumer " + c.index + "'s connection");
                checkAbort();
                LockSupport.parkNanos(1_000_000);      // the consumers' progress unparks us
            }
        }

        long acknowledged() {
            long min = Long.MAX_VALUE, sum = 0;
            for (ConsumerProcess c : consumers) {
                long p = c.progress.get();
                min = Math.min(min, p);
                sum += p;
            }
            return method.everyMessage() ? min : sum;
        }

        RunReport awaitReport(ConsumerProcess c) throws IOException, InterruptedException {
            while (true) {
                RunReport r = c.reports.poll(20, TimeUnit.MILLISECONDS);
                if (r != null) return r;
                if (!c.isAlive()) {
                    c.reader.join(2000);      // a report written just before the exit is still in the pipe
                    r = c.reports.poll();
                    if (r != null) return r;
                    throw new IOException("consumer " + c.index + " exited before its report");
                }
                checkAbort();
            }
        }

        /** Every consumer's report against what was sent: pub/sub, each got all; list and stream, together they got all, once. */
        Outcome evaluate(List<RunReport> reports, long start, long sent, long hash, String loss, Map<String, Object> cpu) throws IOException {
            Histogram all = new Histogram(3);
            long received = 0, errors = 0, lost = 0, end = 0;
            String first = null;
            double[] perConsumer = new double[reports.size()];
            for (int i = 0; i < reports.size(); i++) {
                RunReport r = reports.get(i);
                all.add(r.decodeHistogram());
                received += r.messages;
                errors += r.errors;
                if (first == null && r.firstError != null) first = "consumer " + i + ": " + r.firstError;
                end = Math.max(end, r.lastNanos);
                perConsumer[i] = r.lastNanos > start ? r.messages / ((r.lastNanos - start) / 1e9) : 0;      // per peer: its own window
                if (r.lost && r.messages >= sent && r.errors == 0) {
                    errors++;
                    if (first == null) first = "Redis closed consumer " + i + "'s connection";
                }
                if (method.everyMessage()) {
                    long missing = sent - r.messages;
                    if (missing > 0 && r.errors == 0) {
                        lost += missing;
                        if (first == null) first = "subscriber " + i + " got " + r.messages + " of " + sent + " messages"
                                + (r.lost ? ": Redis disconnected it (client-output-buffer-limit pubsub)" : "");
                    } else if (r.errors == 0 && r.seqHash != hash) {
                        errors++;
                        if (first == null) first = "subscriber " + i + " got other messages than the ones sent";
                    }
                }
            }
            if (!method.everyMessage() && errors == 0) {
                long seqHash = reports.stream().mapToLong(RunReport::seqHash).sum();
                if (received < sent) {
                    lost = sent - received;
                    first = "the consumers got " + received + " of " + sent + " messages";
                } else if (received != sent || seqHash != hash) {
                    errors++;
                    first = "the consumers got " + received + " messages of " + sent + ", not each one once";
                }
            }
            if (loss != null && lost == 0 && errors == 0) {
                errors++;
                first = loss;
            } else if (loss != null && first != null && !first.contains("disconnected")) {
                first += " (" + loss + ")";
            }
            // Throughput = messages / the measured window, from the producer's first send to the last verified receipt
            // (of all consumers; per consumer, to its own last one). See README, "How figures are defined".
            double seconds = ((end > start ? end : System.nanoTime()) - start) / 1e9;
            return new Outcome(sent, received, lost, errors, first, seconds, all, perConsumer, cpu);
        }

        /** After the last run: every consumer gone with exit 0, the keys deleted. */
        void finish() throws RunFailure {
            stage = "closing";
            ending = true;
            try {
                for (ConsumerProcess c : consumers) {
                    if (!c.child.process.waitFor(options.timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new IOException("consumer " + c.index + " did not exit");
                    if (c.child.process.exitValue() != 0) throw new IOException(c.child.endText());
                }
            } catch (Exception e) {
                throw failure(e);
            }
        }

        /** Explains a failure: the server's end or a consumer's exit (with its stderr) before the exception itself. */
        RunFailure failure(Exception e) {
            FAILURE_REPORTED.set(true);
            StringBuilder msg = new StringBuilder(name + ", " + stage + (seq > 0 ? ", message " + seq : "") + ": ");
            // Our server stopped (SIGSTOP, Ctrl-Z) shows as a read that timed out: said as such, with no death to wait for.
            String serverStopped = inv.server.process == null ? null : stoppedState(inv.server.process.pid());
            // A broken connection may be the first sign of our server's end: give the kernel a moment to tell.
            if (e instanceof JedisException && inv.server.process != null && serverStopped == null) {
                try { inv.server.process.waitFor(500, TimeUnit.MILLISECONDS); } catch (InterruptedException ignored) { }
            }
            String serverDeath = inv.server.death();
            // A consumer's death may also show first as something else (a stalled queue): look for one for up to 2 s.
            long until = System.nanoTime() + (serverDeath == null && serverStopped == null && !stoppedPeer ? 2_000_000_000L : 0);
            Optional<ConsumerProcess> dead;
            while ((dead = consumers.stream().filter(c -> !c.isAlive() && c.child.process.exitValue() != 0).findFirst()).isEmpty()
                    && System.nanoTime() < until)
                sleep(20);
            if (serverDeath != null) msg.append(serverDeath);
            else if (dead.isPresent()) msg.append(dead.get().child.endText());
            else if (e == null) msg.append(abortReason);
            else if (e instanceof JedisException && serverStopped != null)
                msg.append("the Redis server (pid ").append(inv.server.process.pid()).append(") did not answer for ").append(Units.duration(options.timeout))
                        .append(": its process ").append(serverStopped);
            else msg.append(e instanceof JedisException ? "Redis at " + inv.server.endpoint.shown() + ": " + rootMessage(e) : String.valueOf(e.getMessage()));
            return new RunFailure(msg.toString());
        }

        public void close() { end(); }

        /** Stops the consumers, deletes the session's keys, puts the buffer limit back. Also from the shutdown hook (Ctrl-C). */
        void end() {
            if (!LIVE.remove(this)) return;
            if (watchdog != null) watchdog.interrupt();
            // A stopped consumer takes no SIGTERM until it runs again: SIGKILL reaches it now.
            for (ConsumerProcess c : consumers) if (stoppedState(c.child.process.pid()) != null) c.child.process.destroyForcibly();
            Child.stopAll(consumers.stream().map(c -> c.child).toList());
            if (transport != null) {
                // Closing flushes the socket, which blocks if the server stopped reading: not for more than a second.
                Thread closing = daemon("closing", transport::close);
                try { closing.join(1000); } catch (InterruptedException ignored) { }
            }
            if (inv.server.death() != null || (inv.server.process != null && stoppedState(inv.server.process.pid()) != null)) return;
            try (Jedis j = inv.server.endpoint.connect(Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                j.del(keys.key);
                if (savedLimit != null) j.configSet("client-output-buffer-limit", savedLimit);
            } catch (JedisException ignored) {
                // the server is gone or unreachable: our own dies with us, a remote one keeps a key with our run id
            }
        }
    }

    /**
     * redis-benchmark (from redis-tools), where it is on PATH: its PUBLISH rate against the same server, one
     * connection, the same pipeline depths and as many requests as the pubsub method sent at that size and depth,
     * with one of our consumers subscribed and counting what arrives (it must be everything). A reference row
     * (kind=reference, named redis-benchmark[-pN]) beside the methods of the same size, never ranked among them:
     * it is redis-benchmark's count of PUBLISH requests answered per second, not of deliveries, with a C client
     * and no encoding or checks. Its CPU is redis-benchmark's and the server's (when the script started it).
     */
    static final class RedisBenchmark {
        static final int MAX_ARGUMENT = 100_000;      // Linux refuses single arguments over 128 KiB

        /** What one redis-benchmark run gave: its rate, and the CPU it and the server used over its wall time. */
        record Published(double rate, long cpuNanos, long wallNanos) {}

        static void run(RedisBench o, Plan plan, int bytes, Invocation inv, Results results, List<Row> rows, Map<String, Long> counts)
                throws RunFailure {
            if (bytes > MAX_ARGUMENT) {
                System.err.println(BENCH + ": redis-benchmark left out at " + Units.size(bytes) + ": its value is an argument, at most " + Units.size(MAX_ARGUMENT));
                return;
            }
            Method pubsub = method("pubsub");
            for (int pipeline : plan.pipelines) {
                String beside = "pubsub" + (pipeline > 1 ? "-p" + pipeline : "");
                // As many requests as pubsub sent beside it, rounded up to whole batches: redis-benchmark -P N sends N at a time.
                long requests = (counts.getOrDefault(beside, plan.messages(bytes, o.quick)) + pipeline - 1) / pipeline * pipeline;
                String name = "redis-benchmark" + (pipeline > 1 ? "-p" + pipeline : "");
                try (Session s = Session.start(pubsub, name, o, bytes, pipeline, 1, true, inv)) {
                    // redis-benchmark has no flow control: room for the whole run in the subscriber's buffer, so that it is not
                    // disconnected while it drains (the server's own limit is put back at the session's end).
                    try {
                        s.setPubsubLimit(requests * (bytes + 64L));
                    } catch (JedisException e) {
                        // a server that refuses CONFIG SET keeps its own limit: a subscriber it drops fails the row, as said below
                    }
                    List<Double> headlines = new ArrayList<>();
                    for (int run = 1; plan.runs.another(headlines); run++) {
                        s.stage = Units.size(bytes) + " redis-benchmark run " + run;
                        Progress.show(name + " " + s.stage);
                        Published pub = publish(plan.redisBenchmark, inv.server, s, requests, pipeline, bytes, o.timeout);
                        s.transport.endRun(s.payload.marker(requests, false), 1);
                        RunReport r = s.awaitReport(s.consumers.get(0));
                        boolean all = r.messages == requests && r.errors == 0 && !r.lost;
                        String missed = "the subscriber got " + r.messages + " of " + requests + " messages" + (r.lost ? ": Redis disconnected it" : "");
                        String note = "a reference, not a method: redis-benchmark's own figure, PUBLISH requests answered per second by its clock "
                                + "(C client, 1 connection, " + (pipeline == 1 ? "unpipelined" : "pipeline " + pipeline) + ", " + requests + " values of "
                                + Units.size(bytes) + " of 'x', not msgpack arrays), no subscriber deliveries: one of our consumers subscribed and "
                                + "counted arrivals (all must arrive), untimed; CPU: redis-benchmark and "
                                + (inv.server.process != null ? "the server" : "not the server (not started by this script)")
                                + "; " + inv.server.describe();
                        Row row = Row.reference(name, o.dtype, bytes, pipeline, run, pub.rate, requests, all, all ? null : missed, note, inv.server,
                                CpuMeter.fields(pub.cpuNanos, pub.wallNanos, requests));
                        row.fields.put("received", r.messages);
                        Progress.clear();
                        results.write(row.fields, row.hist);
                        rows.add(row);
                        if (!all) throw new RunFailure(name + ": messages lost at " + Units.size(bytes) + ": " + missed);
                        headlines.add(pub.rate);
                    }
                    s.endSession();
                    s.finish();
                } catch (IOException | InterruptedException | Lost | RuntimeException e) {
                    throw new RunFailure(name + ": " + (e instanceof JedisException ? "Redis: " + rootMessage(e) : e.getMessage()));
                }
            }
        }

        /** CPU time of this process's children that have ended and been waited for (/proc/self/stat cutime + cstime), or -1. */
        static long reapedChildrenCpuNanos() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields 16 and 17 of proc(5), counted from the state (field 3); in clock ticks, USER_HZ = 100 on Linux
                return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10_000_000L;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /**
         * Runs redis-benchmark's PUBLISH to the session's channel; its rate of requests per second, and the CPU time
         * of redis-benchmark (counted once it has ended and been waited for) and of our server. Never longer than 4 timeouts.
         */
        static Published publish(Path tool, RedisServer server, Session s, long requests, int pipeline, int bytes, Duration timeout)
                throws IOException, InterruptedException, RunFailure {
            Endpoint e = server.endpoint;
            List<String> cmd = new ArrayList<>(List.of(tool.toString(), "-h", e.host, "-p", String.valueOf(e.port),
                    "-c", "1", "-n", String.valueOf(requests), "-P", String.valueOf(pipeline), "--csv"));
            if (e.user != null) cmd.addAll(List.of("--user", e.user));
            if (e.database != 0) cmd.addAll(List.of("--dbnum", String.valueOf(e.database)));
            cmd.addAll(List.of("PUBLISH", new String(s.keys.key, StandardCharsets.UTF_8), "x".repeat(bytes)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (e.password != null) pb.environment().put("REDISCLI_AUTH", e.password);      // not on its command line, for ps to show
            ProcessHandle serverHandle = server.process == null ? null : server.process.toHandle();
            long serverBefore = serverHandle == null ? 0 : CpuMeter.cpuNanos(serverHandle), childrenBefore = reapedChildrenCpuNanos();
            long wallBefore = System.nanoTime();
            Process p = pb.start();
            StringBuffer output = new StringBuffer();
            Thread reader = daemon("redis-benchmark output", () -> {
                try {
                    output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) { }
            });
            try {
                // The subscriber counting its messages may stall (stopped, or dropped): the session's watchdog says so meanwhile.
                long until = System.nanoTime() + timeout.toNanos() * 4;
                while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
                    s.checkAbort();
                    if (System.nanoTime() - until > 0) throw new RunFailure(s.name + ": redis-benchmark still ran after " + Units.duration(timeout.multipliedBy(4)));
                }
                long wall = System.nanoTime() - wallBefore;
                long serverCpu = serverHandle == null ? 0 : Math.max(0, CpuMeter.cpuNanos(serverHandle) - serverBefore);
                long childrenAfter = reapedChildrenCpuNanos();
                long toolCpu = childrenBefore < 0 || childrenAfter < 0 ? 0 : Math.max(0, childrenAfter - childrenBefore);
                reader.join(1000);
                if (p.exitValue() != 0) throw new RunFailure(s.name + ": redis-benchmark failed: " + output.toString().strip().lines().limit(3).collect(Collectors.joining(" | ")));
                Matcher m = Pattern.compile("\"PUBLISH[^\"]*\",\"([0-9.]+)\"").matcher(output);
                if (!m.find()) throw new RunFailure(s.name + ": no PUBLISH rate in redis-benchmark's output: " + output.toString().strip());
                return new Published(Double.parseDouble(m.group(1)), serverCpu + toolCpu, wall);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** The innermost cause's message: what the socket said, without Jedis's wrapping. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? m : e.getMessage() + " (" + m + ")";
    }

    /** A TCP port free a moment ago on 127.0.0.1. */
    static int freePort() throws RunFailure {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new RunFailure("no free port on 127.0.0.1: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- the child

    record ChildConfig(String method, String host, int port, String user, String password, int database, String key, int index,
                       boolean countOnly, Dtype dtype, int bytes, long seed, long progressEvery, long timeoutMillis, long stallMillis,
                       long pauseAt, long pauseMillis, long parentPid) {}

    /**
     * The child: reads its configuration from stdin, connects, says "ready" once it will miss nothing
     * (subscribed, or about to read), checks messages until the session's last marker, writing "p N"
     * (messages checked) now and then and a JSON report per run on stdout. Redis closing its
     * connection is reported as a lost run, not a crash; it then waits for the parent to end it.
     */
    static final class ChildRole {
        static int run() throws Exception {
            ChildConfig cfg = Child.readConfig(ChildConfig.class);
            Child.watchParent(cfg.parentPid, null);
            InputStream stdin = new FileInputStream(FileDescriptor.in);
            PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
            Method method = method(cfg.method);
            Endpoint endpoint = new Endpoint(cfg.host, cfg.port, cfg.user, cfg.password, cfg.database);
            Keys keys = new Keys(cfg.key.getBytes(StandardCharsets.UTF_8), Keys.GROUP);
            Context ctx = new Context(endpoint, keys, 1, 1, cfg.index, 0, Duration.ofMillis(cfg.timeoutMillis));
            Checker checker = new Checker(new Payload(cfg.dtype, cfg.bytes, cfg.seed, 0), method.everyMessage(), cfg.countOnly, cfg.progressEvery,
                    n -> { stdout.println("p " + n); stdout.flush(); },
                    r -> { stdout.println(json(r)); stdout.flush(); });
            checker.ended = () -> { stdout.println("e"); stdout.flush(); };
            checker.pauseAt = cfg.pauseAt;
            checker.pauseMillis = cfg.pauseMillis;
            AtomicBoolean ready = new AtomicBoolean();
            Runnable nextRun = () -> {
                try {
                    String go = readLine(stdin);
                    if (!go.equals("go")) throw new IOException("expected 'go' from the parent, got '" + go + "'");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);      // the parent ended the session
                }
            };
            try (Transport t = method.factory().open(ctx)) {
                t.receive(checker, () -> {
                    ready.set(true);
                    stdout.println("ready");
                    stdout.flush();
                    if (cfg.stallMillis > 0) sleep(cfg.stallMillis);
                }, nextRun);
            } catch (JedisException e) {
                if (!alive(cfg.parentPid)) return 3;
                if (!ready.get()) throw e;      // never connected: exit 1, the parent quotes our stderr
                // Redis closed the connection: a subscriber it dropped (its buffer limit), or the server ended.
                stdout.println(json(checker.report(true)));
                stdout.flush();
                System.err.println(BENCH + " consumer " + cfg.index + ": " + rootMessage(e));
                while (stdin.read() >= 0) { }      // the parent ends the session
                return 4;
            }
            return 0;
        }

        static String json(RunReport r) {
            try {
                return JSON.writeValueAsString(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---------------------------------------------------------------- results

    /** One measured configuration, in the suite's schema (README.md, "Results files"). */
    static final class Row {
        final Map<String, Object> fields = new LinkedHashMap<>();
        boolean verified, reference;
        String firstError, method;
        int size, pipeline;
        long lost;
        double rate, mbps, seconds, p50, p99, p999, cpuCores, cpuPerMsg;
        double[] perConsumer = new double[0];
        Histogram hist;

        static Row of(String method, Method m, String note, Dtype dtype, int bytes, int pipeline, int consumers, int window, int run,
                      Session.Outcome o, RedisServer server) {
            Row r = base(method, bytes, pipeline, consumers, o.sent / o.seconds, o.sent, o.verified(), o.firstError, note, server);
            r.seconds = o.seconds;
            r.lost = o.lost;
            r.perConsumer = o.perConsumer;
            r.hist = o.latency.getTotalCount() > 0 ? o.latency : null;
            var f = r.fields;
            f.put("kind", Results.KIND_METHOD);
            f.put("wait", m.waits());
            f.put("run", run);
            f.put("seconds", round(o.seconds, 6));
            r.putLatency();
            f.put("errors", o.errors + o.lost);
            f.put("note", server.process == null ? note + "; CPU: the producer and the consumers, not the Redis server (not started by this script)"
                    : note + "; CPU: the producer, the consumers and the Redis server");
            f.put("payload", dtype.name());
            f.put("window", window);
            f.put("lost", o.lost);
            f.put("received", o.received);
            f.put("deliveries_per_s", round(o.received / o.seconds, 1));
            f.put("per_consumer_msgs_per_s", Arrays.stream(o.perConsumer).map(x -> round(x, 1)).boxed().toList());
            r.putCpu(o.cpu);
            return r;
        }

        /**
         * A reference row: what another program (redis-benchmark) reached against the same server, labelled with the
         * methods' payload and size so that it sits beside them; shown, never ranked among them.
         */
        static Row reference(String method, Dtype dtype, int bytes, int pipeline, int run, double rate, long requests, boolean verified, String error,
                             String note, RedisServer server, Map<String, Object> cpu) {
            Row r = base(method, bytes, pipeline, 1, rate, requests, verified, error, note, server);
            r.reference = true;
            r.seconds = requests / rate;
            r.fields.put("kind", Results.KIND_REFERENCE);
            r.fields.put("run", run);
            r.fields.put("seconds", round(r.seconds, 6));
            r.putLatency();
            r.fields.put("errors", verified ? 0 : 1);
            r.fields.put("note", note);
            r.fields.put("payload", dtype.name());
            r.putCpu(cpu);
            return r;
        }

        private void putCpu(Map<String, Object> cpu) {
            fields.putAll(cpu);
            cpuCores = cpu.get("cpu_cores") instanceof Number n ? n.doubleValue() : Double.NaN;
            cpuPerMsg = cpu.get("cpu_us_per_msg") instanceof Number n ? n.doubleValue() : Double.NaN;
        }

        private static Row base(String method, int bytes, int pipeline, int consumers, double rate, long count, boolean verified, String error,
                                String note, RedisServer server) {
            Row r = new Row();
            r.method = method;
            r.size = bytes;
            r.pipeline = pipeline;
            r.rate = rate;
            r.mbps = rate * bytes / 1e6;
            r.verified = verified;
            r.firstError = error;
            var f = r.fields;
            f.put("timestamp", Instant.now().toString());
            f.put("bench", BENCH);
            f.put("method", method);
            f.put("kind", null);
            f.put("pattern", "stream");
            f.put("wait", "block");
            f.put("payload", null);
            f.put("size_bytes", bytes);
            f.put("count", count);
            f.put("batch", pipeline);
            f.put("peers", consumers);
            f.put("run", null);
            f.put("seconds", null);
            f.put("msgs_per_s", round(rate, 1));
            f.put("mb_per_s", round(r.mbps, 3));
            f.put("verified", verified);
            f.put("redis_version", server.version);
            f.put("redis_origin", server.origin);
            f.put("pipeline", pipeline);
            f.put("consumers", consumers);
            return r;
        }

        private void putLatency() {
            var f = fields;
            if (hist != null) {
                p50 = hist.getValueAtPercentile(50) / 1e3;
                p99 = hist.getValueAtPercentile(99) / 1e3;
                p999 = hist.getValueAtPercentile(99.9) / 1e3;
                f.put("lat_kind", "one-way");
                f.put("lat_mean_us", round(hist.getMean() / 1e3, 3));
                f.put("lat_p50_us", round(p50, 3));
                f.put("lat_p90_us", round(hist.getValueAtPercentile(90) / 1e3, 3));
                f.put("lat_p99_us", round(p99, 3));
                f.put("lat_p999_us", round(p999, 3));
                f.put("lat_max_us", round(hist.getMaxValue() / 1e3, 3));
            } else {
                p50 = p99 = p999 = Double.NaN;
                f.put("lat_kind", "none");
                for (String k : List.of("lat_mean_us", "lat_p50_us", "lat_p90_us", "lat_p99_us", "lat_p999_us", "lat_max_us")) f.put(k, null);
            }
        }
    }

    /** One-way latency compares two processes' System.nanoTime: on Linux both read CLOCK_MONOTONIC, one clock for the machine. */
    static final String LATENCY_CLOCK = System.getProperty("os.name").equals("Linux") ? "CLOCK_MONOTONIC, one clock for all processes"
            : "one clock for all processes only where the OS makes it so";

    /**
     * Per size and pipeline depth, each method's throughput (the median of the runs and its 95% interval), its loss,
     * latency and CPU cost, and how many times slower it is than the fastest method of that same configuration;
     * redis-benchmark's rows are shown as references, never the fastest.
     */
    void printSummary(List<Row> rows, Plan plan, Invocation inv, boolean stoppedEarly) {
        if (rows.isEmpty()) return;
        System.out.printf("%nRedisBench: %s arrays, msgpack-encoded, %d consumer process(es), %s run(s) per cell; latency at full throughput%n",
                dtype, consumers, plan.runs.auto() ? "auto: 6 to 10" : String.valueOf(plan.runs.count()));
        if (inv != null) System.out.println("Server: " + inv.server.describe() + ".");
        System.out.println("One-way latency per message: the consumer's System.nanoTime at verified receipt minus the producer's when the message was due, "
                + "before any wait for the window or a pipeline slot (" + LATENCY_CLOCK + ").");
        String format = "%-8s %-20s %-29s %9s %7s %9s %9s %6s %9s %12s%n";
        System.out.printf(format, "size", "method", "msgs/s, median [95% interval]", "MB/s", "lost", "p50 µs", "p99 µs", "cores", "CPU µs/msg", "vs fastest");
        Map<List<Integer>, Map<String, List<Row>>> byConfig = rows.stream().collect(Collectors.groupingBy(r -> List.of(r.size, r.pipeline),
                () -> new TreeMap<>(Comparator.<List<Integer>>comparingInt(k -> k.get(0)).thenComparingInt(k -> k.get(1))),
                Collectors.groupingBy(r -> r.method, LinkedHashMap::new, Collectors.toList())));
        int lastSize = -1;
        boolean spread = false;
        for (var config : byConfig.entrySet()) {
            Map<String, List<Row>> byMethod = config.getValue();
            Map<String, Interval> rates = new LinkedHashMap<>();
            byMethod.forEach((m, rs) -> rates.put(m, Interval.of(rs.stream().map(x -> x.rate).toList())));
            // The fastest METHOD of this configuration (size, dtype, pipeline, consumers): references are never it.
            double best = byMethod.entrySet().stream().filter(e -> !e.getValue().get(0).reference).mapToDouble(e -> rates.get(e.getKey()).median())
                    .max().orElse(Double.NaN);
            for (var e : byMethod.entrySet()) {
                List<Row> rs = e.getValue();
                Interval rate = rates.get(e.getKey());
                spread |= rate.spread() > Interval.SPREAD_MARK;
                boolean reference = rs.get(0).reference;
                String label = config.getKey().get(0) == lastSize ? "" : Units.size(config.getKey().get(0));
                lastSize = config.getKey().get(0);
                System.out.printf(format, label, e.getKey(), rate.text(), fmt(median(rs, x -> x.mbps)),
                        reference ? "" : String.valueOf(rs.stream().mapToLong(x -> x.lost).sum()),
                        fmt(median(rs, x -> x.p50)), fmt(median(rs, x -> x.p99)), fmt(median(rs, x -> x.cpuCores)), fmt(median(rs, x -> x.cpuPerMsg)),
                        reference ? "(reference)" : times(best / rate.median()));
                if (rs.get(0).perConsumer.length > 1) {
                    List<String> each = new ArrayList<>();
                    for (int i = 0; i < rs.get(0).perConsumer.length; i++) {
                        int k = i;
                        each.add(fmt(median(rs, x -> k < x.perConsumer.length ? x.perConsumer[k] : Double.NaN)));
                    }
                    System.out.println("         per consumer, msgs/s: " + String.join(" / ", each));
                }
                rs.stream().filter(x -> !x.verified).findFirst().ifPresent(x -> System.out.println("         NOT VERIFIED: " + x.firstError));
            }
        }
        System.out.println("msgs/s: messages / (first send to last verified receipt); [a, b]: the median's interval from the runs' order statistics, "
                + "95% from 6 runs on (with fewer, the runs' range: 75% for 3)" + (spread ? "; ~: the runs spread more than 10%" : "") + ".");
        System.out.println("lost: messages Redis dropped; -pN: pipeline depth N; cores, CPU µs/msg: CPU time of the producer, the consumers and "
                + (inv == null || inv.server.process != null ? "our Redis server" : "not the remote server") + " over the window (medians); "
                + "vs fastest: times slower than the fastest method of the same size and depth.");
        if (byConfig.values().stream().anyMatch(m -> m.values().stream().anyMatch(rs -> rs.get(0).reference)))
            System.out.println("(reference) redis-benchmark[-pN]: redis-benchmark's PUBLISH requests answered per second, 1 connection, not deliveries; "
                    + "its CPU is its own and the server's. Not a method: never the fastest.");
        System.out.println((stoppedEarly ? "Stopped early by the failure reported on stderr" : "All messages verified: "
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
