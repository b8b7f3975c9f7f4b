///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION A dictionary shared by one writer process and many reader processes: LMDB, a seqlocked shared-memory file, and ZeroMQ request/reply, every read verified
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4
//DEPS org.lmdbjava:lmdbjava:0.9.3
//DEPS org.zeromq:jeromq:0.6.0
//DEPS org.msgpack:msgpack-core:0.9.12
//RUNTIME_OPTIONS --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Dsun.misc.unsafe.memory.access=allow

/*
 * LmdbBench: one process writes a dictionary, several reader processes read it. How long does a
 * write take, how long a read, and does every reader always see one whole version of it?
 *
 * The dictionary has N entries (key-000000 ...), each a small nested map of about 117 bytes of
 * msgpack (id, name, score, three values, and a meta map with the version), generated from a random
 * seed (--seed) so that every reader can check what it reads. The prototype: the original Python
 * benchmark of a dictionary shared between MPI ranks; here the script starts the readers itself and
 * releases them together (a start barrier).
 *
 *   jbang LmdbBench.java                                 every method, 10 to 10,000 entries, snapshot and point reads
 *   jbang LmdbBench.java -m lmdb,shm --sizes 10k --readers 3
 *   jbang LmdbBench.java --access snapshot --live-writes 100   rewrite 100 times a second while the readers read
 *   jbang LmdbBench.java --list                          the methods, one line each
 *
 * Methods: lmdb (lmdbjava: one write transaction per version, read-only transactions in the readers,
 * values copied out of LMDB's memory map in one go), shm (a file in /dev/shm with two slots behind a
 * seqlock, plus a hash index for lookups by key; the reader copies out of the mapping in one go),
 * zmq (JeroMQ ROUTER/DEALER: each read asks the writer, which sends the serialized dictionary, so its
 * work grows with readers x reads, the prototype's main finding).
 * Access: snapshot (a read is "get the whole dictionary and deserialize it", the prototype's) and point
 * (one random key, decoding only its entry; zmq has none). A read is timed from the request to the
 * decoded dictionary (or entry), a Table of flat columns sorted by key; checking it against the
 * expected contents comes after the clock stops.
 *
 * Results: <out>/results.csv, results.jsonl, hgrm/*.hgrm (read and write times), and the prototype's two
 * summaries, <out>/LmdbBench_write_summary.csv and LmdbBench_read_summary.csv.
 */

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.lmdbjava.*;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

@Command(name = "LmdbBench", mixinStandardHelpOptions = true, version = "LmdbBench 1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"One writer process and --readers reader processes share a dictionary of msgpack entries; every read verified.",
                "Sizes count entries and accept 10, 10k (powers of 1000) and 16Ki (powers of 1024)."},
        footer = {"", "Documentation: docs/LmdbBench.md in the suite's repository."})
public class LmdbBench implements Callable<Integer> {

    static final String BENCH = "LmdbBench";
    static final int MAX_ENTRIES = 1_000_000;
    static final long MIN_MAP_SIZE = 64 << 10, MAX_MAP_SIZE = 1L << 40;

    // ---------------------------------------------------------------- options

    @Option(names = {"-s", "--size"}, paramLabel = "N", converter = EntriesConverter.class,
            description = "Entries in the dictionary, about 117 bytes each (default: a sweep, see --sizes).")
    Integer size;

    @Option(names = "--sizes", paramLabel = "LIST", split = ",", converter = EntriesConverter.class,
            description = "Dictionary sizes to sweep, in entries (default: 10,100,1000,10000, the prototype's; 1000 with --quick).")
    List<Integer> sizes;

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "Reads per reader per run, exactly (default: as many as the warm-up's rate gives for a run of at least 1 s per reader; a quarter of that with --quick).")
    Long count;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class,
            description = "Let each reader read for this long (e.g. 5s) instead of --count reads.")
    Duration duration;

    @Option(names = "--readers", paramLabel = "N", defaultValue = "3", description = "Reader processes (default: ${DEFAULT-VALUE}, as the prototype's 4 MPI ranks).")
    int readers;

    @Option(names = "--access", paramLabel = "LIST", split = ",",
            description = "How readers read: snapshot (the whole dictionary, deserialized), point (one random key); a list runs both (default: snapshot,point).")
    List<String> access;

    @Option(names = "--live-writes", paramLabel = "R", defaultValue = "0",
            description = "The writer writes a new version R times a second while the readers read; torn reads are counted (default: ${DEFAULT-VALUE}, write once per run).")
    double liveWrites;

    @Option(names = {"-w", "--warmup"}, paramLabel = "N", defaultValue = "1",
            description = "Warm-up runs per size and access mode, not counted (default: ${DEFAULT-VALUE}); without --count or --duration each reads for 1 s (at least one).")
    int warmup;

    @Option(names = {"-m", "--methods"}, paramLabel = "LIST", split = ",", description = "Methods to run (default: all; see --list).")
    List<String> methods;

    @Option(names = "--list", description = "Print the methods, one line each, and exit.")
    boolean list;

    @Option(names = {"-r", "--runs"}, paramLabel = "N|auto", converter = RunsConverter.class, defaultValue = "3",
            description = {"Measured runs of each configuration (default: ${DEFAULT-VALUE}); the summary quotes the median and its 95% interval.",
                    "auto: 6 runs at least, 10 at most, stopping when the 95% interval of the total reads/s is within 5% of its median."})
    Runs runs;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A small, fast configuration for smoke tests: 1,000 entries, both access modes, runs of about 0.25 s, one run.")
    boolean quick;

    @Option(names = "--map-size", paramLabel = "SIZE", converter = MapSizeConverter.class, defaultValue = "1Gi",
            description = "LMDB's map size, the most its file may hold (default: ${DEFAULT-VALUE}; address space only, pages are used as written).")
    long mapSize;

    @Option(names = "--keep", description = "Keep the LMDB database in <out>/lmdb after the run; a later run with --keep first checks what it holds.")
    boolean keep;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up when a reader does not answer for this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed of the dictionary's contents (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shm-dir", paramLabel = "DIR",
            description = "Where the run's shared-memory files go (DIR/ipcbench-<uid>): a bigger tmpfs, or a hugetlbfs mount (default: /dev/shm, else the temp dir).")
    Path shmDir;

    @Option(names = "--cleanup", description = "Remove what killed runs left in the suite folder (owner process gone), then exit.")
    boolean cleanup;

    @Option(names = "--role", hidden = true, description = "Internal: 'reader' runs the child side.")
    String role;

    @Option(names = "--corrupt-entry", hidden = true, paramLabel = "I", defaultValue = "-1", description = "Testing: the writer stores entry I with a wrong score.")
    int corruptEntry;

    @Option(names = "--slow-reader", hidden = true, paramLabel = "MS", description = "Testing: reader 0 takes MS milliseconds longer to get ready for each run.")
    long slowReaderMillis;

    @Option(names = "--zmq-ignore", hidden = true, paramLabel = "N", description = "Testing: zmq's writer leaves every Nth request unanswered, as a lost reply.")
    long zmqIgnore;

    @Option(names = "--unsafe-shm", hidden = true, description = "Testing: shm writes in place and readers skip the seqlock, so live writes can tear reads.")
    boolean unsafeShm;

    @Option(names = "--late-reader", hidden = true, paramLabel = "MS", description = "Testing: reader 0 starts reading MS milliseconds after the release.")
    long lateReaderMillis;

    @Option(names = "--stall-reader", hidden = true, paramLabel = "MS", description = "Testing: reader 0 pauses once for MS milliseconds inside a timed read in the middle of its run.")
    long stallReaderMillis;

    @Option(names = "--skip-space-check", hidden = true, description = "Testing: no free-space check before the runs, so that LMDB itself meets a full file system.")
    boolean skipSpaceCheck;

    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(runCommand(new LmdbBench(), args));
    }

    static final class EntriesConverter implements CommandLine.ITypeConverter<Integer> {
        public Integer convert(String value) {
            return (int) Units.parseSizeIn(value, 1, MAX_ENTRIES, "a dictionary of 1 to 1,000,000 entries, such as 10, 10k or 16Ki");
        }
    }

    static final class MapSizeConverter implements CommandLine.ITypeConverter<Long> {
        public Long convert(String value) {
            return Units.parseSizeIn(value, MIN_MAP_SIZE, MAX_MAP_SIZE, "a size from 64 KiB to 1 TiB, such as 64Mi or 1Gi");
        }
    }

    enum Access {
        snapshot("get the whole dictionary and deserialize it"),
        point("one random key, only its entry decoded");

        final String meaning;

        Access(String meaning) { this.meaning = meaning; }
    }

    // ---------------------------------------------------------------- the dictionary

    record Meta(long version, long group, String tag) {}

    /** One value of the dictionary, as a reader decodes it. */
    record Entry(long id, String name, double score, double[] values, Meta meta) {
        @Override public String toString() {
            return "{id=" + id + ", name=" + name + ", score=" + score + ", values=" + Arrays.toString(values) + ", meta=" + meta + "}";
        }
    }

    /**
     * The dictionary's contents: entry i of version v comes from a generator seeded by (seed, i, v), so a
     * reader recomputes what it must find. Every version changes every entry (the values and meta.version),
     * which lets a reader tell a torn snapshot (entries of two versions) from a corrupt one.
     */
    static final class Contents {
        /** key-000042: six digits at least, as String.format("key-%06d") would write it, without its cost in the writer's time. */
        static String key(int i) {
            String digits = Integer.toString(i);
            return digits.length() >= 6 ? "key-" + digits : "key-" + "000000".substring(digits.length()) + digits;
        }

        static Entry entry(long seed, int i, long version) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (i + 1) * 0xC2B2AE3D27D4EB4FL ^ version * 0x165667B19E3779F9L);
            double score = r.nextDouble(0, 100);
            double[] values = {r.nextDouble(-1, 1), r.nextDouble(-1, 1), r.nextDouble(-1, 1)};
            String tag = Long.toHexString(r.nextLong() | 1L << 60).substring(0, 8);
            return new Entry(i, "item-" + i, score, values, new Meta(version, i % 16, tag));
        }

        /** Entry e's fingerprint (Table.fingerprint), from the record's fields. */
        static long fingerprint(Entry e) {
            byte[] name = utf8(e.name()), tag = utf8(e.meta().tag());
            return Table.fingerprint(e.id(), e.score(), e.values(), 0, e.values().length, e.meta().version(), e.meta().group(), name, 0, name.length, tag, 0, tag.length);
        }

        /**
         * What a reader expects, per version: the fingerprint of each entry, made on first use, for the last four
         * versions seen (a reader of live writes sees several). Eight bytes an entry, 80 KB for 10,000, where the
         * records themselves, 150 bytes an entry, did not stay in the cache: a point read's check of a random entry
         * was a quarter of its time. Plain arrays: a LinkedHashMap's lookup per check was a tenth of it.
         */
        static final class Expected {
            static final int VERSIONS = 4;
            final long seed;
            final int entries;
            final long[] versions = new long[VERSIONS];
            /** 0: not made yet (a fingerprint of 0 is kept as 1: one more collision in 2^64). */
            final long[][] fingerprints = new long[VERSIONS][];
            int oldest;

            Expected(long seed, int entries) {
                this.seed = seed;
                this.entries = entries;
            }

            /** Whether fingerprint f is that of entry i of this version. */
            boolean is(long f, int i, long version) {
                long[] v = of(version);
                if (v[i] == 0) v[i] = nonZero(fingerprint(entry(seed, i, version)));
                return v[i] == nonZero(f);
            }

            static long nonZero(long f) { return f == 0 ? 1 : f; }

            private long[] of(long version) {
                for (int v = 0; v < VERSIONS; v++) if (fingerprints[v] != null && versions[v] == version) return fingerprints[v];
                int v = oldest;
                oldest = (oldest + 1) % VERSIONS;
                versions[v] = version;
                return fingerprints[v] = new long[entries];
            }
        }
    }

    /**
     * Version v of the dictionary serialized with msgpack-java: one map {key: entry}, and where each entry
     * starts and ends in it, right after its key (the shm index and LMDB's per-key values are slices of the same bytes).
     */
    static final class Encoded {
        final long version;
        final int entries;
        final byte[] bytes;
        final int length;
        final int[] valueAt, valueEnd;

        private Encoded(long version, int entries, byte[] bytes, int length, int[] valueAt, int[] valueEnd) {
            this.version = version;
            this.entries = entries;
            this.bytes = bytes;
            this.length = length;
            this.valueAt = valueAt;
            this.valueEnd = valueEnd;
        }

        /** corrupt: an entry stored with a score the generator does not give (a test of the readers' checks), or -1. */
        static Encoded of(long seed, int entries, long version, int corrupt) {
            MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
            int[] valueAt = new int[entries], valueEnd = new int[entries];
            try {
                p.packMapHeader(entries);
                for (int i = 0; i < entries; i++) {
                    p.packString(Contents.key(i));
                    valueAt[i] = (int) p.getTotalWrittenBytes();
                    Entry e = Contents.entry(seed, i, version);
                    pack(p, i == corrupt ? new Entry(e.id, e.name, e.score + 1, e.values, e.meta) : e);
                    valueEnd[i] = (int) p.getTotalWrittenBytes();
                }
                p.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);      // a buffer packer does no I/O
            }
            byte[] bytes = p.toByteArray();
            return new Encoded(version, entries, bytes, bytes.length, valueAt, valueEnd);
        }

        static void pack(MessageBufferPacker p, Entry e) throws IOException {
            p.packMapHeader(5);
            p.packString("id").packLong(e.id);
            p.packString("name").packString(e.name);
            p.packString("score").packDouble(e.score);
            p.packString("values").packArrayHeader(e.values.length);
            for (double v : e.values) p.packDouble(v);
            p.packString("meta").packMapHeader(3);
            p.packString("version").packLong(e.meta.version);
            p.packString("group").packLong(e.meta.group);
            p.packString("tag").packString(e.meta.tag);
        }
    }

    /**
     * Decoded entries as a reader holds them. A read first copies the value's bytes out of the store into `bytes`
     * (one bulk copy: the only step under the store's guard, LMDB's read transaction or shm's seqlock), then
     * decodes that copy into one row per entry: numbers in flat columns, strings as slices of `bytes`. No object
     * per entry: a HashMap<String, Entry> took a map node, two records, a double[] and three Strings per entry,
     * and building them was most of a snapshot read's time (docs/LmdbBench.md, "What a read costs"). A row's
     * strings are its key, then its entry's name and meta.tag. The writer writes the keys in ascending byte order
     * (as LMDB keeps its keys) and the Decoder checks that each key is greater than the one before: the rows are
     * sorted, and a key is found by binary search (a hash index cost a third of a read, a cache miss per key). A
     * view keeps its tables and refills them at each read: a read allocates nothing.
     */
    static final class Table {
        static final int KEY = 0, NAME = 1, TAG = 2, STRINGS = 3;
        static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
        /**
         * bytes[0 .. length): what the rows were decoded from. A copy leaves 8 bytes to spare after it, so that
         * Decoder.field's 8-byte read of a name stays in the array; an adopted zmq reply has none (a name in
         * its last 8 bytes reads as past the end, as it did in the buffer before).
         */
        byte[] bytes = new byte[64];
        int length;
        long[] id, version, group;
        double[] score, values;
        /** Row r's values are values[valuesAt[r] .. valuesAt[r + 1]); its string s is bytes[textAt[2i] .. textAt[2i + 1]), i = 3r + s. */
        int[] valuesAt, textAt;
        int size, strings;

        /** Room for `rows` rows (and three values an entry, as this dictionary has; more grows them). */
        Table(int rows) {
            reserveRows(rows);
        }

        void clear() {
            size = 0;
            strings = 0;
            length = 0;
        }

        /** Room for n rows in an empty table. */
        void reserveRows(int n) {
            if (id != null && id.length >= n) return;
            id = new long[n];
            version = new long[n];
            group = new long[n];
            score = new double[n];
            values = new double[n * 3];
            valuesAt = new int[n + 1];
            textAt = new int[n * STRINGS * 2];
        }

        /** Appends n bytes of the buffer to `bytes`: returns where they start. */
        int copy(ByteBuffer from, int at, int n) {
            int start = reserveBytes(n);
            from.get(at, bytes, start, n);
            return start;
        }

        int copy(byte[] from) {
            int start = reserveBytes(from.length);
            System.arraycopy(from, 0, bytes, start, from.length);
            return start;
        }

        /** A zmq reply: the reader's own already, kept as it came rather than copied. */
        void adopt(byte[] reply) {
            clear();
            bytes = reply;
            length = reply.length;
        }

        private int reserveBytes(int n) {
            if (length + n + 8 > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n + 8));
            int start = length;
            length += n;
            return start;
        }

        /** The row's next string: bytes[start .. end). */
        void addString(int start, int end) {
            textAt[2 * strings] = start;
            textAt[2 * strings + 1] = end;
            strings++;
        }

        /** Room for the row's k values: returns where in `values` they go. */
        int reserveValues(int k) {
            int start = valuesAt[size];
            if (start + k > values.length) values = Arrays.copyOf(values, Math.max(values.length * 2, start + k));
            valuesAt[size + 1] = start + k;
            return start;
        }

        /** The row is complete: counted, its key after the last row's (else the rows could not be searched). */
        void endRow() {
            if (size > 0) {
                int at = textAt[2 * STRINGS * size];
                if (compareKey(size - 1, bytes, at, textAt[2 * STRINGS * size + 1] - at) >= 0)
                    throw new BadData("the key " + string(size, KEY) + " after " + string(size - 1, KEY) + ": keys out of order, or twice");
            }
            size++;
        }

        /** The row of this key, or -1: row `guess` if it is there (a reader checking key i of a whole dictionary finds it at row i), else a binary search. */
        int find(byte[] key, int guess) {
            if (guess >= 0 && guess < size && compareKey(guess, key, 0, key.length) == 0) return guess;
            for (int low = 0, high = size - 1; low <= high; ) {
                int middle = (low + high) >>> 1, c = compareKey(middle, key, 0, key.length);
                if (c == 0) return middle;
                if (c < 0) low = middle + 1;
                else high = middle - 1;
            }
            return -1;
        }

        /** The row's key against other[at .. at + length): negative, 0 or positive, as unsigned bytes (LMDB's order). */
        int compareKey(int row, byte[] other, int at, int length) {
            int start = textAt[2 * STRINGS * row], keyLength = textAt[2 * STRINGS * row + 1] - start;
            int c = compareBytes(bytes, start, other, at, Math.min(keyLength, length));
            return c != 0 ? c : keyLength - length;
        }

        /** Whether the row's string s is these bytes. */
        boolean stringIs(int row, int s, byte[] other) {
            int i = 2 * (STRINGS * row + s), start = textAt[i];
            return textAt[i + 1] - start == other.length && compareBytes(bytes, start, other, 0, other.length) == 0;
        }

        /**
         * a[i ..] against b[j ..] over n bytes, as unsigned bytes: eight at a time, the last eight overlapping the
         * others where n is not a multiple of 8 (their first difference is the first of all, the bytes before being
         * equal). Short enough to be inlined, unlike Arrays.compareUnsigned, whose call was a tenth of a check.
         */
        static int compareBytes(byte[] a, int i, byte[] b, int j, int n) {
            if (n < 8) {
                for (int k = 0; k < n; k++) if (a[i + k] != b[j + k]) return (a[i + k] & 0xff) - (b[j + k] & 0xff);
                return 0;
            }
            for (int k = 0; ; k += 8) {
                if (k > n - 8) k = n - 8;
                long x = (long) LONGS.get(a, i + k), y = (long) LONGS.get(b, j + k);
                if (x != y) return Long.compareUnsigned(x, y);
                if (k == n - 8) return 0;
            }
        }

        /** The fingerprint of the row's entry, every field as decoded (its key apart). */
        long fingerprint(int row) {
            int name = 2 * (STRINGS * row + NAME), tag = 2 * (STRINGS * row + TAG);
            return fingerprint(id[row], score[row], values, valuesAt[row], valuesAt[row + 1], version[row], group[row],
                    bytes, textAt[name], textAt[name + 1], bytes, textAt[tag], textAt[tag + 1]);
        }

        /**
         * A 64-bit fingerprint of an entry's every field (doubles bit for bit, strings as UTF-8, the values' count and
         * the strings' lengths too): a reader's checks compare an entry with what the seed gives through it. Each step
         * is a bijection of the state for a given word, so entries that differ in one word always differ here, and in
         * several collide once in 2^64 (the contract's CRC32C: once in 2^32).
         */
        static long fingerprint(long id, double score, double[] values, int valuesFrom, int valuesTo, long version, long group,
                                byte[] name, int nameFrom, int nameTo, byte[] tag, int tagFrom, int tagTo) {
            long h = mix(mix(mix(0x2545F4914F6CDD1DL, id), Double.doubleToRawLongBits(score)), valuesTo - valuesFrom);
            for (int j = valuesFrom; j < valuesTo; j++) h = mix(h, Double.doubleToRawLongBits(values[j]));
            return mixBytes(mixBytes(mix(mix(h, version), group), name, nameFrom, nameTo), tag, tagFrom, tagTo);
        }

        /** One step: the multiply carries the word's bits upwards, the shift brings the high ones down (else two sign bits flipped would cancel). */
        static long mix(long h, long word) {
            h = (h ^ word) * 0x9E3779B97F4A7C15L;
            return h ^ h >>> 29;
        }

        /** The length, then the bytes eight at a time, the last eight overlapping where the length is not a multiple of 8. */
        static long mixBytes(long h, byte[] a, int from, int to) {
            int n = to - from;
            h = mix(h, n);
            if (n < 8) {
                long word = 0;
                for (int k = from; k < to; k++) word = word << 8 | (a[k] & 0xff);
                return mix(h, word);
            }
            for (int k = from; k < to - 8; k += 8) h = mix(h, (long) LONGS.get(a, k));
            return mix(h, (long) LONGS.get(a, to - 8));
        }

        String string(int row, int s) {
            int i = 2 * (STRINGS * row + s);
            return new String(bytes, textAt[i], textAt[i + 1] - textAt[i], StandardCharsets.UTF_8);
        }

        /** The row as a record: for messages and tests. */
        Entry entry(int row) {
            return new Entry(id[row], string(row, NAME), score[row], Arrays.copyOfRange(values, valuesAt[row], valuesAt[row + 1]),
                    new Meta(version[row], group[row], string(row, TAG)));
        }
    }

    /**
     * Decodes the dictionary's msgpack, copied into a Table's bytes, into the table's rows. Hand-written for this one
     * shape: msgpack-java's MessageUnpacker takes about three times as long for the same map (its strings go through
     * a CharsetDecoder), and the read time is what this benchmark measures. Field names are checked, so bytes that
     * are not this shape fail as a bad entry rather than decode as something else.
     */
    static final class Decoder {
        static final String[] FIELD_NAMES = {"id", "name", "score", "values", "meta", "version", "group", "tag"};
        /** Each field name as msgpack writes it (a fixstr: header byte, then the name), at most 8 bytes: compared as one long. */
        static final long[] FIELD_BYTES = new long[FIELD_NAMES.length], FIELD_MASKS = new long[FIELD_NAMES.length];
        static final int[] FIELD_LENGTHS = new int[FIELD_NAMES.length];
        static {
            for (int f = 0; f < FIELD_NAMES.length; f++) {
                byte[] name = FIELD_NAMES[f].getBytes(StandardCharsets.US_ASCII);
                ByteBuffer encoded = ByteBuffer.allocate(8).put((byte) (0xa0 | name.length)).put(name);
                FIELD_LENGTHS[f] = 1 + name.length;
                FIELD_MASKS[f] = FIELD_LENGTHS[f] == 8 ? -1L : ~(-1L >>> (8 * FIELD_LENGTHS[f]));
                FIELD_BYTES[f] = encoded.getLong(0);
            }
        }
        static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN),
                INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN),
                LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN),
                DOUBLES = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);
        byte[] a;
        int pos;

        /** The whole dictionary in t's bytes [at, end): a map {key: entry}, its keys in ascending order, as t's rows. */
        void dictionary(Table t, int at, int end) {
            a = t.bytes;
            pos = at;
            try {
                int n = mapHeader();
                // Every pair takes two bytes at least: a count beyond that is damage, not a reason to make a huge table.
                if (n < 0 || n > MAX_ENTRIES || n > (end - pos) / 2) throw new BadData("a map of " + n + " entries in " + (end - pos) + " bytes");
                t.reserveRows(n);
                for (int i = 0; i < n; i++) {
                    string(t);
                    fields(t);
                }
            } catch (IndexOutOfBoundsException e) {
                throw new BadData("bytes past the end of the value");
            }
            end(end);
        }

        /** One entry in t's bytes [at, end) (an LMDB value, or a shm entry) as t's next row, under the key in its bytes [keyStart, keyEnd) that found it. */
        void entry(Table t, int keyStart, int keyEnd, int at, int end) {
            a = t.bytes;
            pos = at;
            t.addString(keyStart, keyEnd);
            try {
                fields(t);
            } catch (IndexOutOfBoundsException e) {
                throw new BadData("bytes past the end of the value");
            }
            end(end);
        }

        /**
         * The value must end where its container says: nothing left over, nothing cut. (The copy may have bytes after
         * `end`, from an earlier read; a decode that ran into them ends past `end`, and fails here.)
         */
        void end(int expected) {
            if (pos != expected) throw new BadData((expected - pos) + " bytes after the value");
        }

        /** An entry's fields into the table's row, whose key is there already. */
        private void fields(Table t) {
            int row = t.size;
            if (mapHeader() != 5) throw new BadData("an entry that is not a map of 5 fields");
            field(0);
            t.id[row] = integer();
            field(1);
            string(t);
            field(2);
            t.score[row] = real();
            field(3);
            int k = arrayHeader();
            if (k < 0 || k > 64) throw new BadData("an array of " + k + " values");
            for (int j = 0, at = t.reserveValues(k); j < k; j++) t.values[at + j] = real();
            field(4);
            if (mapHeader() != 3) throw new BadData("a meta that is not a map of 3 fields");
            field(5);
            t.version[row] = integer();
            field(6);
            t.group[row] = integer();
            field(7);
            string(t);
            t.endRow();
        }

        /** Checks that the next string is field f's name: one 8-byte read, no String made. */
        void field(int f) {
            if (((long) LONGS.get(a, pos) & FIELD_MASKS[f]) != FIELD_BYTES[f]) throw new BadData("a field that is not '" + FIELD_NAMES[f] + "'");
            pos += FIELD_LENGTHS[f];
        }

        int u8() { return a[pos++] & 0xff; }

        int u16() {
            int v = (short) SHORTS.get(a, pos) & 0xffff;
            pos += 2;
            return v;
        }

        int s32() {
            int v = (int) INTS.get(a, pos);
            pos += 4;
            return v;
        }

        int mapHeader() {
            int t = u8();
            if ((t & 0xf0) == 0x80) return t & 0x0f;
            if (t == 0xde) return u16();
            if (t == 0xdf) return s32();
            throw new BadData("not a map (0x" + Integer.toHexString(t) + ")");
        }

        int arrayHeader() {
            int t = u8();
            if ((t & 0xf0) == 0x90) return t & 0x0f;
            if (t == 0xdc) return u16();
            if (t == 0xdd) return s32();
            throw new BadData("not an array (0x" + Integer.toHexString(t) + ")");
        }

        int stringHeader() {
            int t = u8();
            if ((t & 0xe0) == 0xa0) return t & 0x1f;
            if (t == 0xd9) return u8();
            if (t == 0xda) return u16();
            if (t == 0xdb) return s32();
            throw new BadData("not a string (0x" + Integer.toHexString(t) + ")");
        }

        /** The next string, as the row's next string: where it lies in the table's bytes, not copied again. */
        void string(Table t) {
            int n = stringHeader();
            if (n < 0 || n > a.length - pos) throw new BadData("a string of " + n + " bytes past the end");
            t.addString(pos, pos + n);
            pos += n;
        }

        long integer() {
            int t = u8();
            if (t < 0x80) return t;
            if (t >= 0xe0) return (byte) t;
            long v;
            switch (t) {
                case 0xcc -> v = u8();
                case 0xcd -> v = u16();
                case 0xce -> v = s32() & 0xffffffffL;
                case 0xcf, 0xd3 -> { v = (long) LONGS.get(a, pos); pos += 8; }
                case 0xd0 -> v = (byte) u8();
                case 0xd1 -> { v = (short) SHORTS.get(a, pos); pos += 2; }
                case 0xd2 -> v = s32();
                default -> throw new BadData("not an integer (0x" + Integer.toHexString(t) + ")");
            }
            return v;
        }

        double real() {
            int t = u8();
            if (t == 0xcb) {
                double v = (double) DOUBLES.get(a, pos);
                pos += 8;
                return v;
            }
            if (t == 0xca) return Float.intBitsToFloat(s32());
            throw new BadData("not a float (0x" + Integer.toHexString(t) + ")");
        }
    }

    /** Bytes that are not the dictionary's shape (half-written, corrupt, or out of bounds). */
    static final class BadData extends RuntimeException {
        BadData(String what) { super("found " + what); }
    }

    // ---------------------------------------------------------------- the methods

    /** One end of a method: the writer's (Store) in the parent, a reader's (View) in each child. */
    interface Transport extends AutoCloseable {
        void close();

        /** The writer's end: makes versions of the dictionary available to the readers. */
        interface Store extends Transport {
            /** Where the readers find it, for their ChildConfig (LMDB's folder, zmq's endpoint), or null (shm's file comes with each run). */
            default String endpoint() { return null; }

            /** The last version it holds already: a kept LMDB database goes on from there, so that readers tell versions apart. */
            default long lastVersion() { return 0; }

            /** Before the runs of one size and access mode (not timed): clears what the last size left; returns where readers find the data, or null. */
            String prepare(Access access, Encoded sample) throws IOException, RunFailure;

            /**
             * Before a run: the bytes its files may still take beyond what they hold (0: none, or all written already),
             * and where, so that a run that cannot fit fails with one line before it starts (see Space).
             */
            default Space.Need spaceNeeded(Access access, Encoded sample) { return Space.Need.NONE; }

            /** Makes this version the one readers get from now on. */
            void publish(Encoded version) throws IOException;

            /** Time the store spent serving readers so far (zmq sends each read; the others serve nothing). */
            default long servingNanos() { return 0; }

            default long served() { return 0; }
        }

        /** A reader's end. */
        interface View extends Transport {
            /** Before a run: where the data is (shm: its file). */
            default void prepare(RunSpec spec) throws IOException { }

            /** The whole dictionary, deserialized. */
            Table snapshot() throws IOException;

            /** Entry i alone, found by its key: a table of one row, which the view reuses for its next lookup. */
            Table lookup(int i, byte[] key) throws IOException;

            /** After a run: nothing held that would keep an old version alive. */
            default void pause() { }

            /** Reads that saw the writer at work and were read again (shm's seqlock). */
            default long retries() { return 0; }
        }
    }

    /** What opens a method's ends: the writer's in the parent (runDir: the invocation's run folder), a reader's in each child. */
    interface TransportFactory {
        Transport.Store store(LmdbBench options, Path runDir) throws IOException, RunFailure;

        Transport.View view(ChildConfig cfg) throws IOException;

        interface StoreOpener { Transport.Store open(LmdbBench options, Path runDir) throws IOException, RunFailure; }

        interface ViewOpener { Transport.View open(ChildConfig cfg) throws IOException; }

        static TransportFactory of(StoreOpener store, ViewOpener view) {
            return new TransportFactory() {
                public Transport.Store store(LmdbBench options, Path runDir) throws IOException, RunFailure { return store.open(options, runDir); }

                public Transport.View view(ChildConfig cfg) throws IOException { return view.open(cfg); }
            };
        }
    }

    /** point: whether it has lookups by key (message passing has none: each read is the whole dictionary). */
    record Method(MethodInfo info, boolean point, TransportFactory factory) implements Described {}

    static final List<Method> METHODS = List.of(
            new Method(MethodInfo.named("lmdb").waits("none")
                    .summary("LMDB through lmdbjava: a write transaction per version, read-only transactions in the readers, values copied out of the map and decoded")
                    .note("LMDB (lmdbjava), one write transaction per version; readers copy each value out of LMDB's memory map in a read transaction, then decode the copy"),
                    true, TransportFactory.of(LmdbStore::open, cfg -> new LmdbView(Path.of(cfg.endpoint()), cfg.mapSize()))),
            new Method(MethodInfo.named("shm").waits("none")
                    .summary("a memory-mapped file in /dev/shm: two slots behind a seqlock and a hash index by key; readers copy out under the seqlock, then decode")
                    .note("a mapped file with two slots behind a seqlock (a reader retries if the writer touched its slot) and a hash index for lookups"),
                    true, TransportFactory.of((o, runDir) -> new ShmStore(runDir, o.unsafeShm, !o.skipSpaceCheck), cfg -> new ShmView(cfg.unsafeShm()))),
            new Method(MethodInfo.named("zmq").waits("block")
                    .summary("JeroMQ ROUTER/DEALER over TCP loopback: each read asks the writer, which sends the serialized dictionary")
                    .note("JeroMQ ROUTER/DEALER on tcp://127.0.0.1: the writer sends the serialized dictionary for every read (message passing: its work grows with readers x reads)"),
                    false, TransportFactory.of((o, runDir) -> new ZmqStore(o.zmqIgnore), cfg -> new ZmqView(cfg.endpoint(), Duration.ofMillis(cfg.timeoutMillis())))));

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** LMDB: the whole dictionary under one key for snapshot reads, each entry under its own key for point reads, and a meta record. */
    static final class LmdbStore implements Transport.Store {
        static final String DB = "dict";
        static final byte[] SNAPSHOT_KEY = ascii("\0snapshot"), META_KEY = ascii("\0meta");
        final Env<ByteBuffer> env;
        Dbi<ByteBuffer> db;
        final ByteBuffer key = ByteBuffer.allocateDirect(511);
        final Path dir;
        final boolean kept, live;
        final int readers;
        final long mapSize, seed, lastVersion;
        Access access;
        byte[][] keys = new byte[0][];

        /** In the run folder, or with --keep in <out>/lmdb, going on from the version the kept database holds. */
        static LmdbStore open(LmdbBench o, Path runDir) throws IOException, RunFailure {
            Path kept = o.keptLmdbDir();
            if (kept == null) return new LmdbStore(runDir.resolve("lmdb"), false, o.mapSize, o.readers, o.liveWrites > 0, o.seed, 0);
            Files.createDirectories(kept);
            return new LmdbStore(kept, true, o.mapSize, o.readers, o.liveWrites > 0, o.seed, Kept.lastVersion);
        }

        /** kept: the database stays after the run (--keep); live: versions are written while the readers read. */
        LmdbStore(Path dir, boolean kept, long mapSize, int readers, boolean live, long seed, long lastVersion) throws IOException, RunFailure {
            // Not createDirectories: should Ctrl-C have removed the run folder meanwhile, it must not come back.
            if (!Files.isDirectory(dir)) Files.createDirectory(dir);
            this.dir = dir;
            this.kept = kept;
            this.mapSize = mapSize;
            this.readers = readers;
            this.live = live;
            this.seed = seed;
            this.lastVersion = lastVersion;
            int maxReaders = Math.max(126, readers + 16);
            // LMDB maps its lock file and writes into it (every reader's slot): written out here first, a full file
            // system is one line now rather than a SIGBUS in LMDB's native code, which would crash the JVM.
            Path lock = dir.resolve("lock.mdb");
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                SuiteFolder.allocate(ch, lock, Space.lmdbLock(maxReaders));
            }
            Env<ByteBuffer> opened = null;
            try {
                opened = Env.create().setMapSize(mapSize).setMaxDbs(1).setMaxReaders(maxReaders).open(dir.toFile());
                opened.readerCheck();      // reader slots of killed processes (a kept database) are freed
                db = opened.openDbi(DB, DbiFlags.MDB_CREATE);
            } catch (LmdbNativeException e) {
                if (opened != null) opened.close();
                if (full(e, null, null)) throw new RunFailure(noRoom(e, null, null));
                throw e;
            }
            env = opened;
        }

        /**
         * Whether LMDB failed for want of room: ENOSPC, EDQUOT (over a quota), or EIO, which LMDB returns for a short
         * write (a file system that filled up in the middle of writing a version's pages) when its file system has
         * less room left than runs of this size may take (1 MiB, before the first).
         */
        boolean full(LmdbNativeException e, Access a, Encoded sample) {
            int rc = e.getResultCode();
            if (rc == 28 || rc == 122) return true;
            if (rc != 5) return false;
            try {
                return Files.getFileStore(dir).getUsableSpace() < (sample == null ? 1 << 20 : Math.min(mapSize, Space.lmdb(sample, a, readers, live)));
            } catch (IOException ignored) {
                return false;
            }
        }

        /** LMDB's failure for want of room as one line: which file could not grow, what it holds, what runs of this size may take it to, and the space left. */
        String noRoom(LmdbNativeException e, Access a, Encoded sample) {
            Path data = dir.resolve("data.mdb");
            long holds = 0, free = -1;
            String type = "unknown";
            try {
                holds = Files.size(data);
                FileStore store = Files.getFileStore(dir);
                free = store.getUsableSpace();
                type = store.type();
            } catch (IOException ignored) {
                // the file may not exist yet
            }
            String most = sample == null ? "" : "; runs of " + String.format("%,d", sample.entries) + " entries (" + a + " form" + (live ? ", live writes" : "")
                    + ") may take it to " + Units.size(Math.min(mapSize, Space.lmdb(sample, a, readers, live)));
            return data + " could not grow (" + e.getMessage() + "): it holds " + Units.size(holds) + most + "; its file system (" + type + ") has "
                    + (free < 0 ? "no room" : Units.size(free) + " free") + "; " + Space.HELPS + ", or "
                    + (kept ? "an --out on a bigger file system" : "--shm-dir DIR on a bigger file system (Docker: --shm-size=1g)");
        }

        /** LMDB's data file grows as versions are committed (written with pwrite(2), never through the map): what the largest run of this size may bring it to, less what it holds. */
        public Space.Need spaceNeeded(Access access, Encoded sample) {
            long now = 0;
            try {
                now = Files.size(dir.resolve("data.mdb"));
            } catch (IOException e) {
                // not written yet
            }
            long most = Math.min(mapSize, Space.lmdb(sample, access, readers, live));
            return new Space.Need(dir, "lmdb's data file " + dir.resolve("data.mdb") + " for " + String.format("%,d", sample.entries) + " entries (" + access
                    + " form" + (live ? ", live writes" : "") + ")", Math.max(0, most - now), kept);
        }

        public String endpoint() { return dir.toString(); }

        public long lastVersion() { return lastVersion; }

        public String prepare(Access access, Encoded sample) {
            this.access = access;
            keys = new byte[sample.entries][];
            for (int i = 0; i < keys.length; i++) keys[i] = ascii(Contents.key(i));
            try (Txn<ByteBuffer> t = env.txnWrite()) {
                db.drop(t);
                t.commit();
            }
            return null;
        }

        public void publish(Encoded e) {
            try (Txn<ByteBuffer> t = env.txnWrite()) {
                if (access == Access.snapshot) {
                    db.reserve(t, key(SNAPSHOT_KEY), e.length).put(e.bytes, 0, e.length);
                } else {
                    for (int i = 0; i < e.entries; i++)
                        db.reserve(t, key(keys[i]), e.valueEnd[i] - e.valueAt[i]).put(e.bytes, e.valueAt[i], e.valueEnd[i] - e.valueAt[i]);
                }
                db.put(t, key(META_KEY), direct(ascii(KeptMeta.of(e, access, seed).json())));
                t.commit();
            }
        }

        ByteBuffer key(byte[] k) {
            key.clear();
            key.put(k).flip();
            return key;
        }

        static ByteBuffer direct(byte[] bytes) {
            return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        }

        /** Its folder goes with it unless kept: the next method's files may need the room. */
        public void close() {
            env.close();
            if (!kept) SuiteFolder.delete(dir);
        }
    }

    /** What a kept LMDB database says about itself, so that a later run can check it. */
    record KeptMeta(long version, int entries, String access, long seed, long pid, String written) {
        static KeptMeta of(Encoded e, Access access, long seed) {
            return new KeptMeta(e.version, e.entries, access.name(), seed, ProcessHandle.current().pid(), Instant.now().toString());
        }

        String json() {
            try {
                return JSON.writeValueAsString(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final class LmdbView implements Transport.View {
        static final ByteBuffer SNAPSHOT_KEY = LmdbStore.direct(LmdbStore.SNAPSHOT_KEY);
        final Env<ByteBuffer> env;
        final Dbi<ByteBuffer> db;
        final Txn<ByteBuffer> txn;
        final Decoder decoder = new Decoder();
        /** The last snapshot, and the last lookup's entry: refilled by the next. */
        final Table dictionary = new Table(0), found = new Table(1);
        /**
         * The key looked up, in native memory as LMDB takes it. One buffer, copied into for each lookup: a buffer kept
         * for each key, which saved the copy (a tenth of a lookup's CPU), cost more in cache misses on the buffer and its
         * memory, both cold for a random key (0.74-0.81 against 1.0-1.05 million lookups a second per reader, 3 readers).
         */
        final ByteBuffer key = ByteBuffer.allocateDirect(511);
        boolean active;
        int sinceRenew;

        LmdbView(Path dir, long mapSize) {
            env = Env.create().setMapSize(mapSize).setMaxDbs(1).open(dir.toFile(), EnvFlags.MDB_RDONLY_ENV);
            db = env.openDbi(LmdbStore.DB);
            txn = env.txnRead();
            txn.reset();
        }

        /** A fresh read transaction sees the newest committed version. */
        void renew() {
            if (active) txn.reset();
            txn.renew();
            active = true;
            sinceRenew = 0;
        }

        /** The value is copied out of LMDB's map inside a read transaction, and decoded after it. */
        public Table snapshot() {
            renew();
            try {
                ByteBuffer v = db.get(txn, SNAPSHOT_KEY);
                if (v == null) throw new BadData("no dictionary stored");
                dictionary.clear();
                dictionary.copy(v, 0, v.limit());
            } finally {
                pause();
            }
            decoder.dictionary(dictionary, 0, dictionary.length);
            return dictionary;
        }

        /** Lookups share a read transaction, renewed every 64 (a few microseconds), as LMDB users batch reads. */
        public Table lookup(int i, byte[] k) {
            if (!active || ++sinceRenew >= 64) renew();
            key.clear();
            ByteBuffer v = db.get(txn, key.put(k).flip());
            if (v == null) throw new BadData("no entry under " + new String(k, StandardCharsets.US_ASCII));
            found.clear();
            int keyAt = found.copy(k), valueAt = found.copy(v, 0, v.limit());
            decoder.entry(found, keyAt, keyAt + k.length, valueAt, found.length);
            return found;
        }

        public void pause() {
            if (active) txn.reset();
            active = false;
        }

        public void close() {
            if (!active) txn.renew();      // lmdbjava frees only a transaction that is not reset
            txn.close();
            env.close();
        }
    }

    /**
     * The shared-memory file: a 4 KiB header, then two slots. Version v goes to slot v mod 2, between two
     * increments of that slot's sequence number (odd while the writer is in it); then the header's
     * "current" says v. A reader notes the slot's sequence, copies what it reads out of the mapping, and
     * keeps the copy only if the sequence has not moved (a seqlock): otherwise it copies again (a retry);
     * then it decodes the copy.
     * Each slot: version, entries, the msgpack map's length and index size, then the map, then an
     * open-addressing index (FNV-1a of the key) of where each key's bytes start in the map, where its
     * entry starts and where it ends (three ints a bucket: a reader compares the key in place, then copies
     * the key and its entry, which lie one after the other).
     */
    static final class ShmLayout {
        static final long MAGIC = 0x4c4d4442444943L;      // "LMDBDIC"
        static final int HEADER = 4096, CURRENT = 16, CAPACITY = 8, SLOT_DATA = 64, INDEX_INTS = 3;
        static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

        static int seqAt(int slot) { return 64 + 64 * slot; }

        static int buckets(int entries) { return Integer.highestOneBit(Math.max(2, entries) * 2 - 1) * 2; }

        static int align8(int n) { return (n + 7) & ~7; }

        /** Room for versions a little longer than the sample (version numbers grow). */
        static long slotCapacity(Encoded sample) {
            long bytes = SLOT_DATA + align8(sample.length + sample.length / 8 + 64) + 4L * INDEX_INTS * buckets(sample.entries);
            return (bytes + 4095) & ~4095L;
        }

        static int hash(byte[] key) {
            int h = 0x811c9dc5;
            for (byte b : key) h = (h ^ (b & 0xff)) * 0x01000193;
            return h ^ (h >>> 16);
        }

        static MappedByteBuffer map(Path file, boolean write) throws IOException {
            try (FileChannel ch = write ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE) : FileChannel.open(file, StandardOpenOption.READ)) {
                return ch.map(write ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, ch.size());
            }
        }
    }

    static final class ShmStore implements Transport.Store {
        final Path runDir;
        final boolean inPlace, checkSpace;
        Path file;
        MappedByteBuffer map;
        long capacity;
        byte[][] keys;
        int[] index = new int[0];

        /** inPlace: --unsafe-shm (a test); checkSpace: the file system's free space checked before each file (not with --skip-space-check). */
        ShmStore(Path runDir, boolean inPlace, boolean checkSpace) {
            this.runDir = runDir;
            this.inPlace = inPlace;
            this.checkSpace = checkSpace;
        }

        /**
         * In place (--unsafe-shm, a test), versions start at 1001: up to 65,535 every version encodes to the same
         * length (msgpack's uint16), so a read the writer overtakes decodes into entries of two versions, a torn
         * read, rather than into bytes out of step.
         */
        public long lastVersion() { return inPlace ? 1000 : 0; }

        /**
         * A file per size, written out to its full size before it is mapped (SuiteFolder.allocate): on a full file
         * system that is one line, never a SIGBUS on a mapped page. The last size's file is removed first: its room
         * is this one's.
         */
        public String prepare(Access access, Encoded sample) throws IOException, RunFailure {
            if (file != null) Files.deleteIfExists(file);
            capacity = ShmLayout.slotCapacity(sample);
            file = runDir.resolve("dict-" + sample.entries + ".shm");
            long bytes = Space.shm(sample);
            boolean hugePages = Files.getFileStore(runDir).type().equals("hugetlbfs");      // its pages are reserved when mapped
            if (checkSpace) SuiteFolder.requireSpace("shm's file for " + String.format("%,d", sample.entries) + " entries", bytes, Space.HELPS);
            try (RandomAccessFile f = new RandomAccessFile(Files.createFile(file).toFile(), "rw")) {
                if (hugePages) f.setLength(bytes);      // hugetlbfs takes no write(2): ftruncate sizes it
                else SuiteFolder.allocate(f.getChannel(), file, bytes);
            }
            try {
                map = ShmLayout.map(file, true);
            } catch (IOException e) {
                if (!hugePages) throw e;
                throw new IOException("cannot map " + file + " (" + Units.size(bytes) + " of huge pages): " + e.getMessage()
                        + "; are enough huge pages reserved (/proc/sys/vm/nr_hugepages)?", e);
            }
            map.putLong(ShmLayout.CAPACITY, capacity);
            map.putLong(0, ShmLayout.MAGIC);
            keys = new byte[sample.entries][];
            for (int i = 0; i < keys.length; i++) keys[i] = ascii(Contents.key(i));
            return file.toString();
        }

        public void publish(Encoded e) throws IOException {
            int buckets = ShmLayout.buckets(e.entries), mask = buckets - 1;
            int indexAt = ShmLayout.SLOT_DATA + ShmLayout.align8(e.length);
            if (indexAt + 4L * ShmLayout.INDEX_INTS * buckets > capacity) throw new IOException("version " + e.version + " (" + e.length + " bytes) does not fit its slot of " + capacity + " bytes");
            if (index.length != ShmLayout.INDEX_INTS * buckets) index = new int[ShmLayout.INDEX_INTS * buckets];
            Arrays.fill(index, 0);
            for (int i = 0; i < e.entries; i++) {
                int h = ShmLayout.hash(keys[i]) & mask, bucket;
                while (index[bucket = ShmLayout.INDEX_INTS * h] != 0) h = (h + 1) & mask;
                index[bucket] = e.valueAt[i] - keys[i].length + 1;      // the key's bytes, after its header; 0: empty
                index[bucket + 1] = e.valueAt[i];
                index[bucket + 2] = e.valueEnd[i];
            }
            int slot = inPlace ? 0 : (int) (e.version & 1);
            int base = (int) (ShmLayout.HEADER + slot * capacity);
            long seq = (long) ShmLayout.LONGS.getVolatile(map, ShmLayout.seqAt(slot));
            ShmLayout.LONGS.setVolatile(map, ShmLayout.seqAt(slot), seq + 1);      // odd: the writer is in this slot
            VarHandle.storeStoreFence();      // no byte of the new version may be seen before that odd number
            map.putLong(base, e.version);
            map.putInt(base + 8, e.entries);
            map.putInt(base + 12, e.length);
            map.putInt(base + 16, buckets);
            map.put(base + ShmLayout.SLOT_DATA, e.bytes, 0, e.length);
            map.asIntBuffer().put((base + indexAt) / 4, index);
            ShmLayout.LONGS.setRelease(map, ShmLayout.seqAt(slot), seq + 2);
            ShmLayout.LONGS.setRelease(map, ShmLayout.CURRENT, e.version);
        }

        public void close() {
            try {
                if (file != null) Files.deleteIfExists(file);
            } catch (IOException ignored) { }
        }
    }

    static final class ShmView implements Transport.View {
        static final long PATIENCE_NANOS = 10_000_000_000L;
        final boolean unsafe;
        final Decoder decoder = new Decoder();
        MappedByteBuffer map;
        long capacity, retries;

        ShmView(boolean unsafe) { this.unsafe = unsafe; }

        public void prepare(RunSpec spec) throws IOException {
            map = ShmLayout.map(Path.of(spec.shmFile), false);
            if (map.getLong(0) != ShmLayout.MAGIC) throw new IOException(spec.shmFile + " is not a dictionary file");
            capacity = map.getLong(ShmLayout.CAPACITY);
        }

        /** What a read copies out of the slot at `base` into the view's table (for a lookup, the entry under `key`): checked by the seqlock, decoded after. */
        interface SlotCopy { void copy(int base, byte[] key); }

        /** Made once: a lambda made for each lookup (it held the key) cost a twentieth of one. */
        final SlotCopy wholeDictionary = (base, key) -> copyDictionary(base), entryByKey = this::copyEntry;
        /** The last snapshot, and the last lookup's entry: refilled by the next. */
        final Table dictionary = new Table(0), found = new Table(1);

        /**
         * Copies out of the current version's slot until a copy completes with the slot's sequence unchanged. Only a
         * writer that rewrites both slots faster than one copy takes can starve a reader: after 10 s, that is a failure.
         */
        void stable(SlotCopy body, byte[] key) {
            long since = System.nanoTime();
            for (int attempt = 0; ; attempt++) {
                long version = (long) ShmLayout.LONGS.getAcquire(map, ShmLayout.CURRENT);
                if (version == 0) throw new BadData("no version published");
                int slot = unsafe ? 0 : (int) (version & 1);
                long seq = (long) ShmLayout.LONGS.getAcquire(map, ShmLayout.seqAt(slot));
                if (unsafe) {
                    body.copy((int) (ShmLayout.HEADER + slot * capacity), key);
                    return;
                }
                if ((seq & 1) == 0) {
                    RuntimeException failed = null;
                    try {
                        body.copy((int) (ShmLayout.HEADER + slot * capacity), key);
                    } catch (BadData | IndexOutOfBoundsException e) {
                        failed = e;      // bytes the writer was changing, or real damage: the sequence tells
                    }
                    VarHandle.acquireFence();
                    if ((long) ShmLayout.LONGS.getVolatile(map, ShmLayout.seqAt(slot)) == seq) {
                        if (failed instanceof IndexOutOfBoundsException) throw new BadData("bytes past the end of the file");
                        if (failed != null) throw failed;
                        return;
                    }
                    retries++;      // the writer came into the slot during the copy: copy again
                }
                Thread.onSpinWait();
                if (System.nanoTime() - since > PATIENCE_NANOS)
                    throw new BadData("no stable version for 10 s after " + attempt + " tries: the writer rewrites the slots faster than a read");
            }
        }

        public Table snapshot() {
            stable(wholeDictionary, null);
            decoder.dictionary(dictionary, 0, dictionary.length);
            return dictionary;
        }

        public Table lookup(int i, byte[] key) {
            stable(entryByKey, key);
            decoder.entry(found, 0, key.length, key.length, found.length);
            return found;
        }

        void copyDictionary(int base) {
            dictionary.clear();
            dictionary.copy(map, base + ShmLayout.SLOT_DATA, map.getInt(base + 12));
        }

        /** Finds the key through the slot's index, compared in place, and copies it and its entry into `found`. */
        void copyEntry(int base, byte[] key) {
            int length = map.getInt(base + 12), buckets = map.getInt(base + 16), mask = buckets - 1;
            if (buckets <= 0 || Integer.bitCount(buckets) != 1) throw new BadData("an index of " + buckets + " buckets");
            int data = base + ShmLayout.SLOT_DATA, index = data + ShmLayout.align8(length);
            int h = ShmLayout.hash(key) & mask;
            for (int probe = 0; probe < buckets; probe++, h = (h + 1) & mask) {
                int bucket = index + 4 * ShmLayout.INDEX_INTS * h, at = map.getInt(bucket);
                if (at == 0) break;
                int keyAt = data + at - 1, entryAt = data + map.getInt(bucket + 4), entryEnd = data + map.getInt(bucket + 8);
                if (entryAt - keyAt != key.length || !sameBytes(keyAt, key)) continue;
                found.clear();
                found.copy(map, keyAt, entryEnd - keyAt);
                return;
            }
            throw new BadData("no entry under " + new String(key, StandardCharsets.US_ASCII));
        }

        boolean sameBytes(int at, byte[] key) {
            for (int i = 0; i < key.length; i++) if (map.get(at + i) != key[i]) return false;
            return true;
        }

        public long retries() { return retries; }

        public void close() { map = null; }
    }

    /** ZeroMQ, request/reply: a reader sends "get", the writer's serving thread answers with the current version's bytes. */
    static final class ZmqStore implements Transport.Store {
        final ZContext context = new ZContext(1);
        final ZMQ.Socket router;
        final String endpoint;
        final AtomicReference<Encoded> current = new AtomicReference<>();
        final AtomicLong servingNanos = new AtomicLong(), served = new AtomicLong();
        final Thread server;
        final long ignoreEvery;
        volatile boolean open = true;

        ZmqStore(long ignoreEvery) {
            this.ignoreEvery = ignoreEvery;
            router = context.createSocket(SocketType.ROUTER);
            router.setLinger(0);
            router.setSndHWM(0);
            router.setReceiveTimeOut(100);      // the serving loop looks at `open` this often
            router.bind("tcp://127.0.0.1:*");
            endpoint = router.getLastEndpoint();
            server = daemon("zmq writer", this::serve);
        }

        public String endpoint() { return endpoint; }

        /**
         * Answers requests one after the other with a blocking receive. (Not a Poller: its wake-up is an
         * edge, so two requests arriving together woke it once, and the second waited for a third that
         * never came, its reader stuck until its timeout.)
         */
        void serve() {
            long received = 0;
            try {
                while (open) {
                    byte[] identity = router.recv(0);
                    if (identity == null) continue;
                    byte[] request = router.hasReceiveMore() ? router.recv(0) : new byte[0];
                    while (router.hasReceiveMore()) router.recv(0);
                    if (ignoreEvery > 0 && ++received % ignoreEvery == 0) continue;
                    long t0 = System.nanoTime();
                    Encoded e = current.get();
                    router.sendMore(identity);
                    router.sendMore(request);      // the request's number, which the reader matches
                    router.send(e == null ? new byte[0] : e.length == e.bytes.length ? e.bytes : Arrays.copyOf(e.bytes, e.length), 0);
                    servingNanos.addAndGet(System.nanoTime() - t0);
                    served.incrementAndGet();
                }
            } catch (RuntimeException e) {
                if (open) throw e;      // closing the context ends the loop
            }
        }

        public String prepare(Access access, Encoded sample) {
            current.set(null);
            return null;
        }

        public void publish(Encoded e) { current.set(e); }

        public long servingNanos() { return servingNanos.get(); }

        public long served() { return served.get(); }

        public void close() {
            open = false;
            try { server.join(1000); } catch (InterruptedException ignored) { }
            context.close();
        }
    }

    static final class ZmqView implements Transport.View {
        /** How long a reader waits for a reply before it asks again on a new socket. */
        static final long ASK_AGAIN_NANOS = 1_000_000_000L;
        final String endpoint;
        final long timeoutNanos;
        final Decoder decoder = new Decoder();
        /** The last snapshot: refilled by the next. */
        final Table dictionary = new Table(0);
        ZContext context = new ZContext(1);
        ZMQ.Socket dealer;
        long requests, resent;

        ZmqView(String endpoint, Duration timeout) {
            this.endpoint = endpoint;
            timeoutNanos = timeout.toNanos();
            dealer = connect();
        }

        ZMQ.Socket connect() {
            ZMQ.Socket s = context.createSocket(SocketType.DEALER);
            s.setLinger(0);
            s.setReceiveTimeOut(100);
            s.connect(endpoint);
            return s;
        }

        /**
         * Each request carries a number, and the reply echoes it. Under load, CI saw a request stay
         * unanswered until the reader's timeout (JDK 17 and 25 alike; asking again on the same socket did
         * not help), so a reader without its reply after 1 s closes its socket and its context (with its
         * I/O thread), opens new ones and asks again, as the ZeroMQ guide's Lazy Pirate does, and drops
         * any late answer to an earlier number. The wait counts in the read's time; the row counts the
         * requests sent again as its retries.
         */
        public Table snapshot() throws IOException {
            byte[] number = ByteBuffer.allocate(8).putLong(++requests).array();
            long start = System.nanoTime(), until = start + timeoutNanos, again = start + ASK_AGAIN_NANOS;
            dealer.send(number, 0);
            byte[] reply;
            while (true) {
                byte[] echo = dealer.recv(0);
                if (echo == null) {
                    long now = System.nanoTime();
                    if (now - until > 0) throw new IOException("no reply from the writer for " + timeoutNanos / 1_000_000_000 + " s");
                    if (now - again > 0) {
                        context.close();
                        context = new ZContext(1);
                        dealer = connect();
                        dealer.send(number, 0);
                        resent++;
                        again = now + ASK_AGAIN_NANOS;
                    }
                    continue;
                }
                reply = dealer.hasReceiveMore() ? dealer.recv(0) : null;
                while (dealer.hasReceiveMore()) dealer.recv(0);
                if (reply != null && Arrays.equals(echo, number)) break;
            }
            if (reply.length == 0) throw new BadData("an empty reply: no version published");
            dictionary.adopt(reply);
            decoder.dictionary(dictionary, 0, reply.length);
            return dictionary;
        }

        public Table lookup(int i, byte[] key) {
            throw new UnsupportedOperationException("zmq has no lookup by key");
        }

        /** Requests sent again for want of a reply within 1 s. */
        public long retries() { return resent; }

        public void close() { context.close(); }
    }

    // ---------------------------------------------------------------- the readers (child processes)

    /** What a reader gets once, as JSON on its stdin. endpoint: where it finds the writer's end (LMDB's folder, zmq's address; shm's file comes with each run). */
    record ChildConfig(String method, int index, long parentPid, long seed, String endpoint, long mapSize, long timeoutMillis,
                       long slowMillis, boolean unsafeShm, long lateMillis, long stallMillis) {}

    /**
     * One run, as JSON on the reader's stdin; "go" follows when every reader is set (the barrier). reads: at most (0: no
     * limit); durationNanos: for at most (0: no limit); minNanos: for at least, even past `reads` (0: no floor).
     */
    record RunSpec(Access access, int entries, long reads, long durationNanos, String shmFile, int run, long minNanos) {}

    /** A reader's account of one run. Times are System.nanoTime (CLOCK_MONOTONIC: one clock for every process). */
    record RunReport(long reads, long readNanos, String histogram, long errors, long torn, long retries, String firstError,
                     long readyNanos, long startNanos, long endNanos, long minVersion, long maxVersion, long versions, long lateReads, long lateNanos) {
        Histogram decodeHistogram() {
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(histogram)), 0);
            } catch (java.util.zip.DataFormatException e) {
                throw new IllegalStateException("a reader's histogram does not decode", e);
            }
        }

        double meanMicros() { return reads == 0 ? Double.NaN : readNanos / 1e3 / reads; }

        /** This reader's measured window: its first request to its last read checked. */
        double seconds() { return (endNanos - startNanos) / 1e9; }

        /** Throughput of one reader: its reads ÷ its measured window (README, "How figures are defined"). */
        double rate() { return endNanos > startNanos ? reads / seconds() : 0; }

        /** Its rate in the second half of a run by duration (a warm-up: the JIT done by then), else over the whole window. */
        double lateRate() { return lateNanos > 0 ? lateReads * 1e9 / lateNanos : rate(); }
    }

    /**
     * The child, a reader: opens the method's reader end, says "ready"; then per run reads a RunSpec,
     * prepares, says "set", waits for "go", reads and checks, and writes its RunReport; "end" ends it.
     */
    static final class ChildRole {
        static int run() throws Exception {
            InputStream stdin = new FileInputStream(FileDescriptor.in);
            PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
            ChildConfig cfg = Child.readConfig(ChildConfig.class);
            Child.watchParent(cfg.parentPid, null);
            Method method = METHODS.stream().filter(m -> m.name().equals(cfg.method)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no method " + cfg.method));
            try (Transport.View view = method.factory().view(cfg)) {
                say(stdout, "ready");
                while (true) {
                    String line = readLine(stdin);
                    if (line.equals("end")) return 0;
                    RunSpec spec = JSON.readValue(line, RunSpec.class);
                    view.prepare(spec);
                    Reading reading = new Reading(cfg, spec, view);
                    if (cfg.index == 0 && cfg.slowMillis > 0) Thread.sleep(cfg.slowMillis);
                    long ready = System.nanoTime();
                    say(stdout, "set");
                    String go = readLine(stdin);
                    if (!go.startsWith("go ")) throw new IOException("expected 'go VERSION' from the writer, got '" + go + "'");
                    long heartbeat = Math.max(50, cfg.timeoutMillis / 4) * 1_000_000L;
                    // "done N" as soon as the window ends (the writer stops its CPU meter then); the report, histogram encoded, follows.
                    RunReport report = reading.run(ready, Long.parseLong(go.substring(3)), heartbeat, n -> say(stdout, "p " + n), n -> say(stdout, "done " + n));
                    view.pause();
                    say(stdout, JSON.writeValueAsString(report));
                }
            }
        }

        static void say(PrintStream out, String line) {
            out.println(line);
            out.flush();
        }
    }

    /** One reader's run: timed reads, each checked by its Checker after its clock stopped. */
    static final class Reading {
        final ChildConfig cfg;
        final RunSpec spec;
        final Transport.View view;
        final Checker checker;
        final SplittableRandom random;
        final Histogram histogram = new Histogram(3);
        long reads, readNanos;

        Reading(ChildConfig cfg, RunSpec spec, Transport.View view) {
            this.cfg = cfg;
            this.spec = spec;
            this.view = view;
            checker = new Checker(cfg.seed, spec.entries);
            random = new SplittableRandom(cfg.seed * 31 + cfg.index * 1_000_003L + spec.run);
        }

        /**
         * published: the version the writer had published before the release; an older one is stale.
         * Says "p N" (reads so far) every heartbeat, so that the writer can tell a stuck reader, and
         * "done N" (done) as soon as its window has ended, before its histogram is encoded.
         */
        RunReport run(long readyNanos, long published, long heartbeatNanos, java.util.function.LongConsumer progress,
                      java.util.function.LongConsumer done) throws IOException {
            checker.published = published;
            if (cfg.index() == 0 && cfg.lateMillis() > 0) sleep(cfg.lateMillis());      // testing: a reader that starts late
            long start = System.nanoTime(), now = start, retriesBefore = view.retries(), beat = start;
            long deadline = start + spec.durationNanos;
            // testing: one pause inside a timed read, in the middle of the run (by count, else by time)
            boolean stall = cfg.index() == 0 && cfg.stallMillis() > 0;
            long stallAtRead = spec.reads > 0 ? spec.reads / 2 : Long.MAX_VALUE, stallAtNanos = start + spec.durationNanos / 2;
            long half = start + spec.durationNanos / 2, halfReads = -1, halfNanos = 0;      // runs by duration: the second half's rate
            boolean byTime = spec.reads == 0 && spec.durationNanos > 0;
            long minEnd = start + spec.minNanos;
            while ((spec.reads == 0 || reads < spec.reads || now - minEnd < 0) && (spec.durationNanos == 0 || now - deadline < 0)) {
                if (now - beat > heartbeatNanos) {
                    progress.accept(reads);
                    beat = now;
                }
                if (byTime && halfReads < 0 && now - half >= 0) {
                    halfReads = reads;
                    halfNanos = now;
                }
                try {
                    if (spec.access == Access.snapshot) {
                        long t0 = System.nanoTime();
                        if (stall && (reads >= stallAtRead || (spec.reads == 0 && t0 - stallAtNanos > 0))) {
                            stall = false;
                            sleep(cfg.stallMillis());
                        }
                        Table dictionary = view.snapshot();
                        now = System.nanoTime();
                        record(now - t0);
                        checker.check(reads, dictionary);
                    } else {
                        int i = random.nextInt(spec.entries);
                        long t0 = System.nanoTime();
                        if (stall && (reads >= stallAtRead || (spec.reads == 0 && t0 - stallAtNanos > 0))) {
                            stall = false;
                            sleep(cfg.stallMillis());
                        }
                        Table entry = view.lookup(i, checker.keys[i]);
                        now = System.nanoTime();
                        record(now - t0);
                        checker.check(reads, i, entry);
                    }
                } catch (BadData e) {
                    now = System.nanoTime();
                    reads++;
                    checker.error("read " + reads + ": " + e.getMessage());
                }
            }
            // The window ends after the last read was checked; nothing else (the histogram's encoding, the report) is in it.
            long end = System.nanoTime();
            done.accept(reads);
            ByteBuffer h = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            histogram.encodeIntoCompressedByteBuffer(h);
            return new RunReport(reads, readNanos, Base64.getEncoder().encodeToString(Arrays.copyOf(h.array(), h.position())),
                    checker.errors, checker.torn, view.retries() - retriesBefore, checker.firstError, readyNanos, start, end,
                    checker.minVersion, checker.maxVersion, checker.versions, halfReads < 0 ? 0 : reads - halfReads, halfReads < 0 ? 0 : end - halfNanos);
        }

        void record(long nanos) {
            reads++;
            readNanos += nanos;
            histogram.recordValue(Math.max(1, nanos));
        }
    }

    /**
     * Checks what a reader read against what the random seed gives: errors (a wrong or missing entry, a
     * wrong count, a version older than the writer had published before the release) and torn reads
     * (entries of two versions in one snapshot) are counted, the first of them described.
     */
    static final class Checker {
        final long seed;
        final Contents.Expected expected;
        /** Key i's bytes, as readers look it up. */
        final byte[][] keys;
        long errors, torn, minVersion = Long.MAX_VALUE, maxVersion = Long.MIN_VALUE, versions, lastVersion = -1, published;
        String firstError;

        Checker(long seed, int entries) {
            this.seed = seed;
            expected = new Contents.Expected(seed, entries);
            keys = new byte[entries][];
            for (int i = 0; i < entries; i++) keys[i] = ascii(Contents.key(i));
        }

        /** Read number `read`, a whole version: every key found (Table.find), every entry of one version (else torn), each as the seed makes it (its fingerprint). */
        void check(long read, Table dictionary) {
            if (dictionary.size != keys.length) {
                error("read " + read + " holds " + dictionary.size + " entries, not " + keys.length);
                return;
            }
            long version = -1;
            for (int i = 0; i < keys.length; i++) {
                int row = dictionary.find(keys[i], i);
                if (row < 0) {
                    error("read " + read + " has no " + Contents.key(i));
                    return;
                }
                if (version < 0) version = dictionary.version[row];
                if (dictionary.version[row] != version) {
                    torn++;
                    if (firstError == null) firstError = "read " + read + " is torn: " + Contents.key(0) + " is of version " + version + ", "
                            + Contents.key(i) + " of version " + dictionary.version[row];
                    return;
                }
                if (!expected.is(dictionary.fingerprint(row), i, version)) {
                    error("read " + read + ": " + Contents.key(i) + " is not what seed " + seed + " gives for version " + version + ": " + dictionary.entry(row));
                    return;
                }
            }
            saw(read, version);
        }

        /** Lookup number `read`, of entry i: one row, under key i. */
        void check(long read, int i, Table entry) {
            long version = entry.version[0];
            if (entry.size != 1 || !entry.stringIs(0, Table.KEY, keys[i]) || entry.id[0] != i || !expected.is(entry.fingerprint(0), i, version)) {
                error("lookup " + read + ": " + Contents.key(i) + " is not what seed " + seed + " gives for version " + version + ": "
                        + (entry.size == 1 ? entry.string(0, Table.KEY) + " " + entry.entry(0) : entry.size + " rows"));
                return;
            }
            saw(read, version);
        }

        void saw(long read, long version) {
            if (version < published) error("read " + read + " is stale: version " + version + ", but the writer had published " + published + " before the release");
            if (version != lastVersion) versions++;
            lastVersion = version;
            minVersion = Math.min(minVersion, version);
            maxVersion = Math.max(maxVersion, version);
        }

        void error(String what) {
            errors++;
            if (firstError == null) firstError = what;
        }
    }

    // ---------------------------------------------------------------- the writer (parent): options, sessions, measuring

    public Integer call() throws Exception {
        if ("reader".equals(role)) return ChildRole.run();
        if (role != null) throw new ParameterException(spec.commandLine(), "Invalid value for option '--role': '" + role + "'");
        if (list) return printList(METHODS);
        SuiteFolder.useShmDir(spec.commandLine(), shmDir);
        if (cleanup) return SuiteFolder.cleanup();
        Plan plan = plan();
        SuiteFolder.removeLeftovers();
        Results results = new Results(out, Environment.capture());
        List<Row> rows = new ArrayList<>();
        List<String> notRun = new ArrayList<>();      // what the summary says was not run, and why
        try {
            if (!skipSpaceCheck) Space.requireForPlan(this, plan);
        } catch (RunFailure failure) {
            reportFailure(failure.getMessage());
            return failure.code;
        }
        try (Invocation inv = Invocation.open()) {
            if (plan.lmdbDir != null) Kept.check(plan.lmdbDir, mapSize);
            for (Method m : plan.methods) {
                String unfit = unfit(m);
                if (unfit != null) {
                    notRun.add(m.name() + ": skipped: " + unfit);
                    System.out.println(BENCH + ": " + m.name() + " skipped: " + unfit);
                    continue;
                }
                try (Session session = Session.start(m, this, inv.runDir)) {
                    for (Access a : plan.access) {
                        if (a == Access.point && !m.point()) {
                            notRun.add(m.name() + " " + a + ": not applicable: message passing has no lookup by key (each read is the whole dictionary; see snapshot)");
                            continue;
                        }
                        for (int entries : plan.sizes) runSize(session, a, entries, plan, results, rows);
                    }
                    session.finish();
                }
            }
            printSummary(rows, plan, notRun, false);
            PrototypeSummaries.write(out, rows);
        } catch (RunFailure failure) {
            reportFailure(failure.getMessage());
            printSummary(rows, plan, notRun, true);
            return failure.code;
        }
        return 0;
    }

    /**
     * Why method m cannot run where its files would go, or null. LMDB writes its file with write(2), which hugetlbfs
     * does not take (a --shm-dir of huge pages): lmdb is skipped there, named in the summary.
     */
    String unfit(Method m) {
        if (m.name().equals("lmdb") && !keep && SuiteFolder.fsType().equals("hugetlbfs"))
            return "LMDB writes its data file with write(2), which " + SuiteFolder.base() + " (hugetlbfs) does not take; give a --shm-dir on a tmpfs for it";
        return null;
    }

    record Plan(List<Method> methods, List<Access> access, List<Integer> sizes, Runs runs, int warmups, Path lmdbDir) {}

    /** Checks every option before anything is started or written: bad input leaves nothing behind. */
    Plan plan() {
        CommandLine cl = spec.commandLine();
        if (readers < 1 || readers > 64) throw bad(cl, "--readers", readers, "must be from 1 to 64");
        if (count != null && count < 1) throw bad(cl, "--count", count, "must be at least 1");
        if (warmup < 0) throw bad(cl, "--warmup", warmup, "must be 0 or more");
        if (!(liveWrites >= 0 && liveWrites <= 100_000)) throw bad(cl, "--live-writes", given("--live-writes", liveWrites), "updates per second, from 0 (none) to 100000");
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) throw bad(cl, "--timeout", given("--timeout", timeout), "at least 1s");
        if (duration != null && duration.toMillis() < 10) throw bad(cl, "--duration", given("--duration", duration), "at least 10ms");
        if (duration != null && count != null) throw new ParameterException(cl, "Options '--count' and '--duration' exclude each other: give one");
        if (size != null && sizes != null) throw new ParameterException(cl, "Options '--size' and '--sizes' exclude each other: give one");
        List<Integer> chosenSizes = (size != null ? List.of(size) : sizes != null ? sizes : quick ? List.of(1000) : List.of(10, 100, 1000, 10_000))
                .stream().distinct().toList();
        List<Access> chosenAccess = new ArrayList<>();
        for (String a : access != null ? access : List.of("snapshot", "point")) {
            Access parsed = Stream.of(Access.values()).filter(x -> x.name().equals(a.trim())).findFirst()
                    .orElseThrow(() -> bad(cl, "--access", a, "allowed: snapshot, point"));
            if (!chosenAccess.contains(parsed)) chosenAccess.add(parsed);
        }
        List<Method> chosen = chooseMethods(cl, METHODS, methods);
        if (chosen.stream().anyMatch(m -> m.name().equals("lmdb"))) {
            int largest = chosenSizes.stream().max(Integer::compare).orElseThrow();
            long needed = LmdbNeeds.bytes(Encoded.of(seed, largest, 1, -1));
            if (mapSize < needed)
                throw bad(cl, "--map-size", given("--map-size", mapSize), "too small for a dictionary of " + String.format("%,d", largest)
                        + " entries: LMDB needs about " + Units.size(needed) + "; give --map-size " + mebibytes(needed) + " or more");
        }
        Results.checkOut(cl, out);
        return new Plan(chosen, chosenAccess, chosenSizes, quick ? new Runs(1, false) : runs, quick ? Math.min(warmup, 1) : warmup, keptLmdbDir());
    }

    /** With --keep, the LMDB database lives in <out>/lmdb; else null (it lives in the run folder). */
    Path keptLmdbDir() { return keep ? out.toAbsolutePath().resolve("lmdb") : null; }

    /** Whole MiB, rounded up: what to type after --map-size. */
    static String mebibytes(long bytes) { return ((bytes + (1 << 20) - 1) >> 20) + "Mi"; }

    /**
     * LMDB's map must hold the live version, the one a reader may still be reading, and the one being
     * written (copy-on-write), at about half-full pages for one entry per key: four times the data, plus
     * room for the B-tree's own pages.
     */
    static final class LmdbNeeds {
        static long bytes(Encoded e) {
            long perKey = 2L * (e.length + 24L * e.entries);
            return 4 * Math.max(e.length, perKey / 2) + (256 << 10);
        }
    }

    /**
     * What the methods' files take in their file system (the suite folder's, or --out's for a kept LMDB database).
     * Shared memory is a file system that fills up (Docker gives a container 64 MiB of /dev/shm): the largest run of
     * every method is checked against its free space before the first run, and each run again before it starts,
     * since other work may fill it meanwhile. A run that cannot fit fails with one line (exit 1) instead of meeting
     * the full file system half-way. zmq has no files.
     */
    static final class Space {
        static final String HELPS = "fewer entries (--sizes)";

        /** Bytes a store's files may still take in folder, what they are (for the failure line); kept: in <out>/lmdb (--keep), not in the suite folder. */
        record Need(Path folder, String what, long bytes, boolean kept) {
            static final Need NONE = new Need(null, "nothing", 0, false);
        }

        /**
         * LMDB's data file at its largest for one dictionary: the versions it may hold at once (the one the readers
         * read, the one before it, which LMDB's two meta pages keep, the one being written, and one more for the free
         * list's own pages and uneven reuse; with live writes also one held by each reader's read transaction), each
         * at half-full pages for a key per entry (the point form) or in overflow pages (the snapshot form), and the
         * B-tree's branch pages. For 10,000 entries it says 5.0 MB (snapshot) and 11.6 MB (point), 20 MB with live
         * writes and 3 readers (point); measured: 3.6, 4.2 and 6.9 MB.
         */
        static long lmdb(Encoded e, Access a, int readers, boolean live) {
            long version = a == Access.snapshot ? e.length + (8 << 10) : 2L * (e.length + 24L * e.entries);
            return (4 + (live ? readers : 0)) * version + (256 << 10);
        }

        /** LMDB's lock file: a 192-byte header and a 64-byte slot per reader, in whole pages. */
        static long lmdbLock(int maxReaders) { return (192 + 64L * maxReaders + 4095) & ~4095L; }

        /** shm's file: its header and two slots; in whole huge pages on hugetlbfs (a --shm-dir of huge pages). */
        static long shm(Encoded e) {
            return SuiteFolder.mappedLength(SuiteFolder.base(), ShmLayout.HEADER + 2 * ShmLayout.slotCapacity(e));
        }

        /** One line, exit 1, unless need.bytes are free where they go. */
        static void require(Need need) throws RunFailure {
            if (need.bytes <= 0) return;
            if (!need.kept) {
                SuiteFolder.requireSpace(need.what, need.bytes, HELPS);
                return;
            }
            FileStore store;
            long free;
            try {
                store = Files.getFileStore(need.folder);
                free = store.getUsableSpace();
            } catch (IOException e) {
                return;      // nothing to tell: LMDB's own failure, should it come, is one line too
            }
            if (need.bytes > free)
                throw new RunFailure(need.folder + " (" + store.type() + ") has " + Units.size(free) + " free; " + need.what + " needs "
                        + Units.size(need.bytes) + "; " + HELPS + ", or an --out on a bigger file system");
        }

        /**
         * Before the first run: the largest run of each method must fit in the suite folder (the methods run one after
         * the other, each removing its files at the end). Fails with one line naming the most demanding. (A kept LMDB
         * database, on --out's file system, is checked before each run, less what it already holds.)
         */
        static void requireForPlan(LmdbBench o, Plan plan) throws RunFailure {
            int largest = plan.sizes().stream().max(Integer::compare).orElseThrow();
            Encoded sample = Encoded.of(o.seed, largest, 1, -1);
            String entries = String.format("%,d", largest) + " entries";
            Need most = Need.NONE;
            for (Method m : plan.methods()) {
                if (o.unfit(m) != null) continue;
                List<Need> needs = new ArrayList<>();
                if (m.name().equals("shm")) needs.add(new Need(SuiteFolder.root(), "shm's file for " + entries, shm(sample), false));
                if (m.name().equals("lmdb") && !o.keep)
                    for (Access a : plan.access())
                        needs.add(new Need(SuiteFolder.root(), "a run of lmdb with " + entries + " (" + a + " form"
                                + (o.liveWrites > 0 ? ", live writes" : "") + "; its data and lock files)", Math.min(o.mapSize, lmdb(sample, a, o.readers, o.liveWrites > 0))
                                + lmdbLock(Math.max(126, o.readers + 16)), false));
                for (Need n : needs) if (n.bytes > most.bytes) most = n;
            }
            require(most);
        }
    }

    /** Without --count or --duration, a measured run also ends after this long, should the warm-up's rate have been far too low. */
    static final Duration DEFAULT_CAP = Duration.ofSeconds(10);
    /** Without --count or --duration: reads per reader per measured run, at least and at most. */
    static final long FLOOR_READS = 10, CAP_READS = 100_000_000L;
    /** --quick: warm-up and measured runs a quarter of RunLength's. */
    static final int QUICK_DIVISOR = 4;
    /** The writer's timed writes before each release: at least 3, for at least this long (measured runs; long enough for the CPU meter's 10 ms ticks), at most 1,000. */
    static final long WRITES_NANOS = 100_000_000L, WARMUP_WRITES_NANOS = 20_000_000L;

    /** The value as the user typed it (1Mi rather than 1048576), for error messages. */
    String given(String option, Object parsed) {
        var matched = spec.commandLine().getParseResult().matchedOption(option);
        return matched == null ? String.valueOf(parsed) : matched.originalStringValues().get(matched.originalStringValues().size() - 1);
    }

    static ParameterException bad(CommandLine cl, String option, Object value, String why) {
        return new ParameterException(cl, "Invalid value for option '" + option + "': '" + value + "' (" + why + ")");
    }

    /**
     * Warm-up runs, then the measured runs of one size and access mode; a row per measured run for the reads and
     * one for the writes. Without --count or --duration, every warm-up run reads for RunLength.WARMUP (at least
     * one such run: each size and access mode is warmed up for 1 s, though the reader processes are the same),
     * and each reader then reads as many times as the last warm-up's fastest reader would in RunLength.MEASURED
     * (its rate in the second half of the warm-up), and for at least RunLength.MEASURED: should the readers have
     * become faster than in the warm-up, they read on until the second is over (the row's count is what they read).
     */
    void runSize(Session session, Access a, int entries, Plan plan, Results results, List<Row> rows) throws RunFailure {
        Encoded sample = session.encode(entries);
        session.stage = a + ", " + String.format("%,d", entries) + " entries, before the first run";
        session.prepare(a, sample);
        boolean chosenLength = count == null && duration == null;
        int divisor = quick ? QUICK_DIVISOR : 1;
        long reads = count != null ? count : 0;
        long durationNanos = duration != null ? duration.toNanos() : chosenLength ? DEFAULT_CAP.toNanos() : 0;
        int warmups = chosenLength ? Math.max(1, plan.warmups) : plan.warmups;
        RunResult warm = null;
        for (int w = 1; w <= warmups; w++) {
            session.stage = a + ", " + String.format("%,d", entries) + " entries, warm-up " + w;
            Progress.show(session.method.name() + " " + session.stage);
            long warmReads = chosenLength ? 0 : reads == 0 ? 0 : Math.max(1, reads / 4);
            long warmNanos = chosenLength ? RunLength.WARMUP.toNanos() / divisor : durationNanos == 0 ? 0 : Math.max(durationNanos / 4, 10_000_000);
            warm = session.run(a, entries, warmReads, warmNanos, 0, -w);
            if (!warm.verified()) throw new RunFailure(session.method.name() + ", " + session.stage + ": " + warm.firstError);
        }
        if (chosenLength) reads = chosenReads(warm, divisor, true);
        List<Double> headlines = new ArrayList<>();
        for (int run = 1; plan.runs.another(headlines); run++) {
            session.stage = a + ", " + String.format("%,d", entries) + " entries, run " + run + (plan.runs.auto() ? " (auto)" : "/" + plan.runs.count());
            Progress.show(session.method.name() + " " + session.stage);
            RunResult r = session.run(a, entries, reads, durationNanos, chosenLength ? RunLength.MEASURED.toNanos() / divisor : 0, run);
            Progress.clear();
            Row read = Row.reads(session.method, a, entries, sample.length, readers, run, r, liveWrites, session.note(a));
            Row write = Row.writes(session.method, a, entries, sample.length, run, r, session.note(a));
            results.write(read.fields, read.hist);
            results.write(write.fields, write.hist);
            rows.add(read);
            rows.add(write);
            headlines.add(read.rate);      // the headline figure of --runs auto: all readers' reads per second
            if (!read.verified) throw new RunFailure(session.method.name() + ", " + session.stage + ": "
                    + (r.torn > 0 ? r.torn + " torn read(s): " : "verification failed: ") + r.firstError);
        }
    }

    /** Reads per reader for a measured run of at least RunLength.MEASURED (a quarter with --quick) at the fastest reader's rate in that run (late: in its second half). */
    static long chosenReads(RunResult r, int divisor, boolean late) {
        RunReport fastest = r.reports.stream().max(Comparator.comparingDouble(late ? RunReport::lateRate : RunReport::rate)).orElseThrow();
        long n = late && fastest.lateNanos > 0 ? fastest.lateReads : fastest.reads, nanos = late && fastest.lateNanos > 0 ? fastest.lateNanos : fastest.endNanos - fastest.startNanos;
        return Math.max(FLOOR_READS, RunLength.count(n, nanos, FLOOR_READS * divisor, CAP_READS) / divisor);
    }

    /** What lives as long as the invocation: the run folder (shm files, LMDB unless --keep). */
    static final class Invocation implements AutoCloseable {
        static final AtomicReference<Invocation> LIVE = new AtomicReference<>();
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                SHUTTING_DOWN.set(true);      // Ctrl-C also ends the readers: their exits are no news
                Invocation i = LIVE.get();
                if (i != null) i.close();
            }));
        }

        final Path runDir;

        private Invocation(Path runDir) { this.runDir = runDir; }

        static Invocation open() throws RunFailure {
            try {
                Invocation inv = new Invocation(SuiteFolder.createRunDir(SuiteFolder.newRunId()));
                LIVE.set(inv);
                return inv;
            } catch (IOException e) {
                throw new RunFailure("cannot create the run folder in " + SuiteFolder.root() + ": " + e.getMessage());
            }
        }

        /**
         * Stops the readers and removes the folder. The stores are not closed here: from the shutdown hook the
         * main thread may still be inside LMDB, and closing its environment under it would crash the JVM.
         */
        public void close() {
            if (!LIVE.compareAndSet(this, null)) return;
            for (Session s : List.copyOf(Session.LIVE)) s.stopReaders();
            SuiteFolder.delete(runDir);
        }
    }

    /** A reader process as the writer sees it: its lines as they arrive (a thread reads them), and when it last said one. */
    static final class ReaderProcess {
        final int index;
        final Child child;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        volatile long lastLineNanos = System.nanoTime();

        ReaderProcess(int index, Child child) {
            this.index = index;
            this.child = child;
        }

        Process process() { return child.process; }
    }

    /**
     * What one run measured, writer and readers. writeCpu: the CPU cost of the timed writes (writer and readers, the
     * readers waiting for "go"); readCpu: of the readers' window (from "go" to the last reader's "done"), every process.
     */
    record RunResult(Histogram writes, double writeMeanNanos, long writeWindowNanos, long servingNanos, long served, long liveWrites, double liveSeconds,
                     List<RunReport> reports, long releaseNanos, long sessionStartNanos, long errors, long torn, long retries, String firstError,
                     Map<String, Object> writeCpu, Map<String, Object> readCpu) {
        boolean verified() { return errors == 0 && torn == 0; }

        long reads() { return reports.stream().mapToLong(RunReport::reads).sum(); }

        Histogram readTimes() {
            Histogram all = new Histogram(3);
            for (RunReport r : reports) all.add(r.decodeHistogram());
            return all;
        }

        /** The readers' measured window: the first reader's start to the last reader's end. */
        double seconds() {
            long first = reports.stream().mapToLong(RunReport::startNanos).min().orElse(releaseNanos);
            return (reports.stream().mapToLong(RunReport::endNanos).max().orElse(first) - first) / 1e9;
        }

        /** Throughput in total: all readers' reads ÷ (last reader end − first reader start) (README, "How figures are defined"). */
        double rate() { return seconds() > 0 ? reads() / seconds() : 0; }

        /**
         * The writer's time to publish one version: encode, store, make it visible (zmq: encode and hand it to the
         * serving thread), the mean of the timed writes. It does not depend on how many reads a run serves: zmq's
         * sending of each reply is the serving time, reported apart (serving_us, replies).
         */
        double writeSeconds() { return writeMeanNanos / 1e9; }
    }

    /** One method's writer end and its reader processes, from start to clean-up. */
    static final class Session implements AutoCloseable {
        static final Set<Session> LIVE = Collections.synchronizedSet(new HashSet<>());

        final Method method;
        final LmdbBench options;
        final List<ReaderProcess> readers = new ArrayList<>();
        final Thread main = Thread.currentThread();
        final long startNanos = System.nanoTime();
        Transport.Store store;
        String where;
        Access access;
        Encoded sample;
        Thread watchdog;
        volatile String abortReason;
        volatile String stage = "starting the readers";
        volatile boolean ending;
        long version;

        private Session(Method method, LmdbBench o) {
            this.method = method;
            this.options = o;
        }

        /** The method's writer end (its files in runDir), then its readers, each answering "ready". */
        static Session start(Method m, LmdbBench o, Path runDir) throws RunFailure {
            Session s = new Session(m, o);
            LIVE.add(s);
            try {
                s.store = m.factory().store(o, runDir);
                s.version = s.store.lastVersion();
                for (int i = 0; i < o.readers; i++) s.launch(i);
                for (ReaderProcess r : s.readers) s.expect(r, "ready");
                s.watchdog = daemon("watchdog", s::watch);
                return s;
            } catch (Exception e) {
                RunFailure f = s.failure(e);
                s.close();
                throw f;
            }
        }

        String note(Access a) {
            String form = method.name().equals("lmdb") ? (a == Access.snapshot ? "; the dictionary under one key" : "; each entry under its own key") : "";
            return method.note() + form + "; " + options.readers + " reader process(es), " + a.meaning
                    + (options.liveWrites > 0 ? "; live writes at " + fmt(options.liveWrites) + "/s" : "")
                    + "; read time: request to decoded entries (the check of what was read is not timed)";
        }

        /** Starts this same program again as reader i, its configuration on its stdin; a thread queues the lines it says. */
        void launch(int index) throws IOException {
            ChildConfig cfg = new ChildConfig(method.name(), index, ProcessHandle.current().pid(), options.seed, store.endpoint(),
                    options.mapSize, options.timeout.toMillis(), options.slowReaderMillis, options.unsafeShm, options.lateReaderMillis, options.stallReaderMillis);
            ReaderProcess r = new ReaderProcess(index, Child.start("reader " + index, LmdbBench.class, List.of("--role=reader"), cfg));
            readers.add(r);
            daemon("stdout of reader " + index, () -> {
                try {
                    while (true) {
                        r.lines.add(r.child.receiveLine());
                        r.lastLineNanos = System.nanoTime();
                        LockSupport.unpark(main);
                    }
                } catch (IOException ignored) {
                    // the reader ended; the watchdog and the waits see that
                }
            });
        }

        /** The reader's next line, which must be `want` ("" for any). */
        String expect(ReaderProcess r, String want) throws IOException, InterruptedException {
            long until = System.nanoTime() + options.timeout.toNanos();
            while (true) {
                String line = r.lines.poll(20, TimeUnit.MILLISECONDS);
                if (line == null && !r.process().isAlive()) {
                    sleep(200);      // a line written just before the exit may still be in the pipe
                    if ((line = r.lines.poll()) == null) throw new IOException(r.child.endText());
                }
                if (line != null) {
                    if (!want.isEmpty() && !line.equals(want)) throw new IOException("reader " + r.index + " said '" + line + "' instead of '" + want + "'");
                    return line;
                }
                if (abortReason != null) throw new IOException(abortReason);
                if (System.nanoTime() - until > 0) throw new Silent(r, "reader " + r.index + " (pid " + r.process().pid() + ") said nothing for " + Units.duration(options.timeout));
            }
        }

        /** A reader gone aborts the run at once: the main thread may be writing and never look. */
        private void watch() {
            try {
                while (abortReason == null) {
                    Thread.sleep(50);
                    Optional<ReaderProcess> dead = readers.stream().filter(r -> !r.process().isAlive()).findFirst();
                    if (dead.isPresent() && !ending) {
                        abortReason = dead.get().child.endText();
                        LockSupport.unpark(main);
                    }
                }
                // The main thread checks abortReason between writes and reads; should it be stuck anyway, the run ends here.
                Thread.sleep(3000);
                if (!FAILURE_REPORTED.get()) {
                    reportFailure(failure(null).getMessage());
                    System.exit(1);
                }
            } catch (InterruptedException e) {
                // the session closed normally
            }
        }

        Encoded encode(int entries) { return Encoded.of(options.seed, entries, ++version, options.corruptEntry); }

        void prepare(Access a, Encoded sample) throws RunFailure {
            this.access = a;
            this.sample = sample;
            checkSpace(a);
            try {
                where = store.prepare(a, sample);
            } catch (IOException | RunFailure | RuntimeException e) {
                throw failure(e);
            }
        }

        /** Before each run: the room its files may still take must be free (other work may have filled the file system since the last run). */
        void checkSpace(Access a) throws RunFailure {
            if (options.skipSpaceCheck) return;
            try {
                Space.require(store.spaceNeeded(a, sample));
            } catch (RunFailure e) {
                throw failure(e);
            }
        }

        /** Writes a version, timed from its encoding to its being visible (the serialization is the writer's work too). */
        long write(int entries) throws IOException {
            long t0 = System.nanoTime();
            store.publish(encode(entries));
            return System.nanoTime() - t0;
        }

        List<Long> readerPids() { return readers.stream().map(r -> r.process().pid()).toList(); }

        /**
         * One run: the readers set up, the writer writes (at least 3 times and for 100 ms, 20 ms in a warm-up,
         * timed; the last version is the one they read), releases them together, rewrites at --live-writes while
         * they read, and collects their reports.
         */
        RunResult run(Access a, int entries, long reads, long durationNanos, long minNanos, int run) throws RunFailure {
            checkSpace(a);
            try {
                RunSpec spec = new RunSpec(a, entries, reads, durationNanos, where, run, minNanos);
                String json = JSON.writeValueAsString(spec);
                for (ReaderProcess r : readers) r.child.send(json);
                for (ReaderProcess r : readers) expect(r, "set");
                Histogram writes = new Histogram(3);
                long floor = run > 0 ? WRITES_NANOS : WARMUP_WRITES_NANOS;
                CpuMeter writeMeter = CpuMeter.start(readerPids());
                long began = System.nanoTime();
                for (int k = 0; k < 3 || (System.nanoTime() - began < floor && k < 1000); k++) {
                    checkAbort();
                    writes.recordValue(write(entries));
                }
                long writeWindow = System.nanoTime() - began;
                Map<String, Object> writeCpu = writeMeter.stop(writes.getTotalCount());
                long servingBefore = store.servingNanos(), servedBefore = store.served();
                Collecting c = new Collecting(readers.size(), CpuMeter.start(readerPids()));
                long release = System.nanoTime();
                for (ReaderProcess r : readers) r.child.send("go " + version);
                long live = 0;
                if (options.liveWrites > 0) {
                    double period = 1e9 / options.liveWrites;
                    while (true) {
                        long due = release + (long) ((live + 1) * period);
                        while (!collect(c) && System.nanoTime() - due < 0) LockSupport.parkNanos(Math.min(due - System.nanoTime(), 1_000_000));
                        if (c.allDone()) break;
                        write(entries);
                        live++;
                    }
                }
                double liveSeconds = (System.nanoTime() - release) / 1e9;
                while (!collect(c)) LockSupport.parkNanos(5_000_000);
                List<RunReport> reports = Arrays.asList(c.reports);
                long errors = 0, torn = 0, retries = 0;
                String first = null;
                for (int i = 0; i < reports.size(); i++) {
                    RunReport r = reports.get(i);
                    errors += r.errors;
                    torn += r.torn;
                    retries += r.retries;
                    if (first == null && r.firstError != null) first = "reader " + i + ", " + r.firstError;
                }
                return new RunResult(writes, writes.getMean(), writeWindow, store.servingNanos() - servingBefore, store.served() - servedBefore, live, liveSeconds,
                        reports, release, startNanos, errors, torn, retries, first, writeCpu, c.cpu);
            } catch (Env.MapFullException e) {
                throw new RunFailure("Invalid value for option '--map-size': '" + options.given("--map-size", options.mapSize)
                        + "' (LMDB's map is full at " + String.format("%,d", entries) + " entries; give --map-size " + mebibytes(2 * options.mapSize) + " or more)", 2);
            } catch (Exception e) {
                throw failure(e);
            }
        }

        /** One run's collection: which readers said "done" (and their reads), their reports, the CPU meter of the window. */
        static final class Collecting {
            final RunReport[] reports;
            final boolean[] done;
            final CpuMeter meter;
            long doneReads;
            int doneCount, reportCount;
            Map<String, Object> cpu;

            Collecting(int readers, CpuMeter meter) {
                reports = new RunReport[readers];
                done = new boolean[readers];
                this.meter = meter;
            }

            boolean allDone() { return doneCount == done.length; }

            void done(int i, long reads) {
                if (done[i]) return;
                done[i] = true;
                doneCount++;
                doneReads += reads;
                if (allDone()) cpu = meter.stop(doneReads);      // the window ended with the last reader's: its CPU, before anything else
            }
        }

        /**
         * Takes the lines that arrived from every reader: progress ("p N", skipped), "done N" (its window ended),
         * its report; true when every report is in. A reader silent for the timeout fails the run.
         */
        boolean collect(Collecting c) throws IOException, InterruptedException {
            checkAbort();
            for (ReaderProcess r : readers) {
                int i = r.index;
                while (c.reports[i] == null) {
                    String line = r.lines.poll();
                    if (line == null) {
                        if (r.process().isAlive()) {
                            if (System.nanoTime() - r.lastLineNanos > options.timeout.toNanos())
                                throw new Silent(r, "reader " + r.index + " (pid " + r.process().pid() + ") has said nothing for " + Units.duration(options.timeout) + " (it reports every quarter of that)");
                            break;
                        }
                        line = expect(r, "");      // its last line, or how it ended
                    }
                    if (line.startsWith("p ")) continue;
                    if (line.startsWith("done ")) {
                        c.done(i, Long.parseLong(line.substring(5)));
                        continue;
                    }
                    c.reports[i] = JSON.readValue(line, RunReport.class);
                    c.done(i, c.reports[i].reads);
                    c.reportCount++;
                }
            }
            return c.reportCount == c.reports.length;
        }

        void checkAbort() throws IOException {
            if (abortReason != null) throw new IOException(abortReason);
        }

        /** After the last run: every reader told to end, gone with exit 0. */
        void finish() throws RunFailure {
            stage = "closing";
            ending = true;
            try {
                for (ReaderProcess r : readers) r.child.send("end");
                for (ReaderProcess r : readers) {
                    if (!r.process().waitFor(options.timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new IOException("reader " + r.index + " did not exit");
                    if (r.process().exitValue() != 0) throw new IOException(r.child.endText());
                }
            } catch (Exception e) {
                throw failure(e);
            }
        }

        /** A reader alive but silent for the timeout (stopped, or stuck): it is killed, not asked to end. */
        static final class Silent extends IOException {
            final ReaderProcess reader;

            Silent(ReaderProcess reader, String message) {
                super(message);
                this.reader = reader;
            }
        }

        /** Explains a failure: a reader's exit (with its stderr) before the exception itself. */
        RunFailure failure(Exception e) {
            FAILURE_REPORTED.set(true);
            StringBuilder msg = new StringBuilder(method.name() + ", " + stage + ": ");
            if (e instanceof Silent silent) {
                // A stopped process takes no SIGTERM until it is continued: SIGKILL now, and no wait for it to die by itself.
                silent.reader.process().destroyForcibly();
                return new RunFailure(msg + e.getMessage() + "; killed");
            }
            if (e instanceof RunFailure f) return new RunFailure(msg + f.getMessage(), f.code);      // already its own line (no room, say)
            // A reader's death may show first as something else (a closed pipe): look for one for up to 2 s.
            long until = System.nanoTime() + 2_000_000_000L;
            Optional<ReaderProcess> dead;
            while ((dead = readers.stream().filter(r -> !r.process().isAlive() && r.process().exitValue() != 0).findFirst()).isEmpty()
                    && System.nanoTime() < until && !ending)
                sleep(20);
            if (dead.isPresent()) msg.append(dead.get().child.endText());
            else if (e == null) msg.append(abortReason);
            else if (e instanceof LmdbNativeException n && store instanceof LmdbStore lmdb && lmdb.full(n, access, sample)) msg.append(lmdb.noRoom(n, access, sample));
            else msg.append(e.getMessage() == null ? e.toString() : e.getMessage());
            return new RunFailure(msg.toString());
        }

        void stopReaders() {
            ending = true;
            Child.stopAll(readers.stream().map(r -> r.child).toList());
        }

        public void close() {
            if (!LIVE.remove(this)) return;
            if (watchdog != null) watchdog.interrupt();
            stopReaders();
            if (store != null) store.close();
        }
    }

    /** --keep: what the kept LMDB database holds from an earlier run, checked entry by entry before this run writes. */
    static final class Kept {
        static long lastVersion;

        static void check(Path dir, long mapSize) throws RunFailure {
            if (!Files.exists(dir.resolve("data.mdb"))) {
                System.out.println(BENCH + ": no kept LMDB database in " + dir + " yet; this run keeps one there");
                return;
            }
            try (Env<ByteBuffer> env = Env.create().setMapSize(mapSize).setMaxDbs(1).open(dir.toFile())) {
                env.readerCheck();
                Dbi<ByteBuffer> db = env.openDbi(LmdbStore.DB, DbiFlags.MDB_CREATE);
                try (Txn<ByteBuffer> txn = env.txnRead()) {
                    ByteBuffer meta = db.get(txn, LmdbStore.direct(LmdbStore.META_KEY));
                    if (meta == null) {
                        System.out.println(BENCH + ": the kept LMDB database in " + dir + " holds no committed dictionary");
                        return;
                    }
                    byte[] json = new byte[meta.remaining()];
                    meta.get(json);
                    KeptMeta m = JSON.readValue(json, KeptMeta.class);
                    Decoder d = new Decoder();
                    Table found = new Table(m.entries);
                    if (m.access.equals(Access.snapshot.name())) {
                        ByteBuffer v = db.get(txn, LmdbStore.direct(LmdbStore.SNAPSHOT_KEY));
                        if (v != null) {
                            found.copy(v, 0, v.limit());
                            d.dictionary(found, 0, found.length);
                        }
                    } else {
                        for (int i = 0; i < m.entries; i++) {
                            byte[] key = ascii(Contents.key(i));
                            ByteBuffer v = db.get(txn, LmdbStore.direct(key));
                            if (v == null) continue;
                            int k = found.copy(key), value = found.copy(v, 0, v.limit());
                            d.entry(found, k, k + key.length, value, found.length);
                        }
                    }
                    for (int i = 0; i < m.entries; i++) {
                        int row = found.find(ascii(Contents.key(i)), i);
                        if (row < 0 || found.fingerprint(row) != Contents.fingerprint(Contents.entry(m.seed, i, m.version)))
                            throw new RunFailure("the kept LMDB database in " + dir + ": " + Contents.key(i) + (row < 0 ? " is missing" : " is not what seed "
                                    + m.seed + " gives for version " + m.version) + " (committed by pid " + m.pid + " at " + m.written + ")");
                    }
                    lastVersion = m.version;
                    System.out.printf("%s: the kept LMDB database in %s holds version %d of a %,d-entry dictionary (%s form), committed by pid %d at %s: all %,d entries verified%n",
                            BENCH, dir, m.version, m.entries, m.access, m.pid, m.written, m.entries);
                }
            } catch (IOException | RuntimeException e) {
                throw new RunFailure("the kept LMDB database in " + dir + " cannot be read: " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- results

    /** One measured configuration, in the suite's schema (README.md, "Results files"). */
    static final class Row {
        final Map<String, Object> fields = new LinkedHashMap<>();
        boolean verified, write;
        String method, firstError;
        Access access;
        int entries;
        long torn;
        double rate, seconds, readMean, p50, p99, writeSeconds, cpuCores, servingPerReply = Double.NaN;
        long replies;
        double[] perReader = new double[0];
        Histogram hist;

        /**
         * The readers' side of a run: all readers' reads ÷ the span from the first reader's start to the last one's
         * end (README, "How figures are defined"), each reader's reads ÷ its own window; read times of all of them
         * in one histogram.
         */
        static Row reads(Method m, Access a, int entries, int bytes, int readers, int run, RunResult r, double live, String note) {
            Row row = base(m, a, entries, bytes, run, r, "pattern");
            var f = row.fields;
            row.hist = r.readTimes();
            row.perReader = r.reports.stream().mapToDouble(RunReport::rate).toArray();
            row.rate = r.rate();
            row.seconds = r.seconds();
            row.readMean = row.hist.getMean() / 1e3;
            row.p50 = row.hist.getValueAtPercentile(50) / 1e3;
            row.p99 = row.hist.getValueAtPercentile(99) / 1e3;
            row.torn = r.torn;
            row.verified = r.verified();
            row.firstError = r.firstError;
            long reads = r.reads();
            double perRead = a == Access.snapshot ? bytes : (double) bytes / entries;
            f.put("pattern", a + (live > 0 ? "-live" : ""));
            f.put("wait", m.waits());
            f.put("count", reads);
            f.put("peers", readers);
            f.put("seconds", round(row.seconds, 6));
            f.put("msgs_per_s", round(row.rate, 1));
            f.put("mb_per_s", round(row.rate * perRead / 1e6, 3));
            f.putAll(r.readCpu);
            row.cpuCores = ((Number) r.readCpu.get("cpu_cores")).doubleValue();
            f.put("lat_kind", "read");
            f.put("lat_mean_us", round(row.readMean, 3));
            f.put("lat_p50_us", round(row.p50, 3));
            f.put("lat_p90_us", round(row.hist.getValueAtPercentile(90) / 1e3, 3));
            f.put("lat_p99_us", round(row.p99, 3));
            f.put("lat_p999_us", round(row.hist.getValueAtPercentile(99.9) / 1e3, 3));
            f.put("lat_max_us", round(row.hist.getMaxValue() / 1e3, 3));
            f.put("verified", row.verified);
            f.put("errors", r.errors + r.torn);
            f.put("note", note);
            f.put("torn", r.torn);
            f.put("retries", r.retries);
            f.put("live_writes", live);
            f.put("live_writes_done", r.liveWrites);
            f.put("live_writes_per_s", round(r.liveWrites / r.liveSeconds, 1));
            f.put("versions_seen", r.reports.stream().mapToLong(RunReport::versions).max().orElse(0));
            f.put("write_mean_us", round(r.writeMeanNanos / 1e3, 3));
            f.put("per_reader", r.reports.stream().map(x -> {
                Histogram h = x.decodeHistogram();
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("reads", x.reads);
                one.put("seconds", round(x.seconds(), 6));
                one.put("reads_per_s", round(x.rate(), 1));
                one.put("mean_us", round(x.meanMicros(), 3));
                one.put("p50_us", round(h.getValueAtPercentile(50) / 1e3, 3));
                one.put("p99_us", round(h.getValueAtPercentile(99) / 1e3, 3));
                return one;
            }).toList());
            // The start barrier: when each reader was set up, and when it began to read, in ms since the readers were started.
            f.put("reader_set_ms", r.reports.stream().map(x -> round((x.readyNanos - r.sessionStartNanos) / 1e6, 3)).toList());
            f.put("reader_start_ms", r.reports.stream().map(x -> round((x.startNanos - r.sessionStartNanos) / 1e6, 3)).toList());
            f.put("release_ms", round((r.releaseNanos - r.sessionStartNanos) / 1e6, 3));
            f.put("start_spread_us", round((r.reports.stream().mapToLong(RunReport::startNanos).max().orElse(0)
                    - r.reports.stream().mapToLong(RunReport::startNanos).min().orElse(0)) / 1e3, 1));
            return row;
        }

        /**
         * The writer's side: the time to publish one version, the mean of the timed writes (encode, store, make
         * visible), for every method alike. zmq's writer also sends the dictionary for every read: that serving
         * time is in serving_us (and replies), apart, since it grows with readers x reads (the prototype's finding).
         */
        static Row writes(Method m, Access a, int entries, int bytes, int run, RunResult r, String note) {
            Row row = base(m, a, entries, bytes, run, r, "write");
            var f = row.fields;
            row.write = true;
            row.writeSeconds = r.writeSeconds();
            // throughput = versions written ÷ the wall time of the timed writes, back to back (README "How figures are defined")
            row.seconds = r.writeWindowNanos() / 1e9;
            row.rate = r.writes().getTotalCount() / row.seconds;
            row.verified = r.verified();
            boolean serving = r.served > 0;
            row.hist = r.writes;
            f.put("pattern", "write-" + a);
            f.put("wait", "none");
            f.put("count", r.writes.getTotalCount());
            f.put("peers", r.reports.size());
            f.put("seconds", round(row.seconds, 9));
            f.put("msgs_per_s", round(row.rate, 3));
            f.put("mb_per_s", round(bytes * row.rate / 1e6, 3));
            f.putAll(r.writeCpu);
            row.cpuCores = ((Number) r.writeCpu.get("cpu_cores")).doubleValue();
            f.put("lat_kind", "write");
            f.put("lat_mean_us", round(r.writes.getMean() / 1e3, 3));
            f.put("lat_p50_us", round(r.writes.getValueAtPercentile(50) / 1e3, 3));
            f.put("lat_p90_us", round(r.writes.getValueAtPercentile(90) / 1e3, 3));
            f.put("lat_p99_us", round(r.writes.getValueAtPercentile(99) / 1e3, 3));
            f.put("lat_p999_us", round(r.writes.getValueAtPercentile(99.9) / 1e3, 3));
            f.put("lat_max_us", round(r.writes.getMaxValue() / 1e3, 3));
            f.put("verified", row.verified);
            f.put("errors", r.errors + r.torn);
            f.put("note", note + "; write time: encode, store, publish, mean of " + r.writes.getTotalCount() + " writes before the release"
                    + (serving ? "; serving the readers apart: " + r.served + " replies sent, " + fmt(r.servingNanos / 1e3 / r.served) + " µs each (serving_us, replies)" : ""));
            f.put("encode_store_us", round(r.writeMeanNanos / 1e3, 3));
            f.put("serving_us", round(r.servingNanos / 1e3, 3));
            f.put("replies", r.served);
            f.put("serving_us_per_reply", r.served == 0 ? null : round(r.servingNanos / 1e3 / r.served, 3));
            row.servingPerReply = r.served == 0 ? Double.NaN : r.servingNanos / 1e3 / r.served;
            row.replies = r.served;
            return row;
        }

        private static Row base(Method m, Access a, int entries, int bytes, int run, RunResult r, String kind) {
            Row row = new Row();
            row.method = m.name();
            row.access = a;
            row.entries = entries;
            var f = row.fields;
            f.put("timestamp", Instant.now().toString());
            f.put("bench", BENCH);
            f.put("method", m.name());
            f.put("kind", Results.KIND_METHOD);      // every method here is inter-process: writer and readers are processes
            f.put("pattern", null);
            f.put("wait", null);
            f.put("payload", "dict");
            f.put("size_bytes", bytes);
            f.put("count", null);
            f.put("batch", 1);
            f.put("peers", null);
            f.put("run", run);
            f.put("entries", entries);
            f.put("access", a.name());
            return row;
        }
    }

    /**
     * The prototype's two summaries (the original Python benchmark's CSV files), written for this invocation's rows: the mean write time per method and
     * size (write_summary), and the mean read time and reads/s per method, access mode and size (read_summary).
     */
    static final class PrototypeSummaries {
        static void write(Path out, List<Row> rows) throws RunFailure {
            StringBuilder w = new StringBuilder("backend,access,entries,write_time_s\n"), r = new StringBuilder("backend,access,entries,avg_read_time_s,throughput_ops_s,readers_throughput_ops_s\n");
            groups(rows, true).forEach((k, rs) -> w.append(String.format(Locale.ROOT, "%s,%s,%d,%.9f%n", k.get(0), k.get(1), (Integer) k.get(2), median(rs, x -> x.writeSeconds))));
            groups(rows, false).forEach((k, rs) -> r.append(String.format(Locale.ROOT, "%s,%s,%d,%.9f,%.1f,%s%n", k.get(0), k.get(1), (Integer) k.get(2),
                    median(rs, x -> x.readMean) / 1e6, median(rs, x -> x.rate),
                    Arrays.stream(perReader(rs)).mapToObj(x -> String.format(Locale.ROOT, "%.0f", x)).collect(Collectors.joining("/")))));
            try {
                Files.createDirectories(out);
                Files.writeString(out.resolve(BENCH + "_write_summary.csv"), w);
                Files.writeString(out.resolve(BENCH + "_read_summary.csv"), r);
            } catch (IOException e) {
                throw new RunFailure("cannot write the summaries to " + out + ": " + e.getMessage());
            }
        }

        static Map<List<Object>, List<Row>> groups(List<Row> rows, boolean writes) {
            return rows.stream().filter(x -> x.write == writes).collect(Collectors.groupingBy(x -> List.of(x.method, x.access.name(), x.entries),
                    LinkedHashMap::new, Collectors.toList()));
        }
    }

    /**
     * Per access mode and size: each method's write time and read figures (medians of the runs), its total
     * reads/s with the 95% interval of that median, how many times slower than the fastest method it reads,
     * and its CPU cost; then the prototype's comparison, each method's speed relative to shm.
     */
    void printSummary(List<Row> rows, Plan plan, List<String> notRun, boolean stoppedEarly) {
        if (rows.isEmpty()) return;
        System.out.printf("%nLmdbBench: %d reader process(es), entries of about %d bytes of msgpack, median of %s run(s)%s%n", readers,
                rows.get(0).fields.get("size_bytes") instanceof Integer b ? b / rows.get(0).entries : 0, plan.runs,
                liveWrites > 0 ? ", live writes at " + fmt(liveWrites) + "/s" : "");
        Map<Access, List<Row>> byAccess = rows.stream().collect(Collectors.groupingBy(r -> r.access, TreeMap::new, Collectors.toList()));
        boolean[] marks = new boolean[2];      // a ~ and a ≈ shown: their footnotes
        byAccess.forEach((access, accessRows) -> {
            System.out.printf("%n%s reads (%s):%n", access, access.meaning);
            List<Object> lines = new ArrayList<>();
            lines.add(new String[]{"entries", "method", "dict", "write ms", "p50 µs", "p99 µs", "reads/s, all readers [95% interval]", "vs fastest", "cpu cores", "torn"});
            Map<Integer, Map<String, List<Row>>> bySize = accessRows.stream().collect(Collectors.groupingBy(r -> r.entries, TreeMap::new,
                    Collectors.groupingBy(r -> r.method, LinkedHashMap::new, Collectors.toList())));
            bySize.forEach((entries, byMethod) -> {
                String label = String.format("%,d", entries);
                // Every method here is a method (no reference rows): the fastest is the one with the highest median total reads/s.
                Map<String, Interval> rates = new LinkedHashMap<>();
                byMethod.forEach((name, rs) -> rates.put(name, Interval.of(rs.stream().filter(r -> !r.write).map(r -> r.rate).toList())));
                Interval best = rates.values().stream().filter(i -> i.runs() > 0).max(Comparator.comparingDouble(Interval::median)).orElse(null);
                for (var e : byMethod.entrySet()) {
                    List<Row> reads = e.getValue().stream().filter(r -> !r.write).toList(), writes = e.getValue().stream().filter(r -> r.write).toList();
                    if (reads.isEmpty()) continue;
                    Interval rate = rates.get(e.getKey());
                    String vs = "-";
                    if (best != null && rate.runs() > 0) {
                        boolean same = rate == best;
                        boolean overlap = !same && rate.overlaps(best);
                        vs = same ? "fastest" : times(best.median() / rate.median()) + (overlap ? " ≈" : "");
                        marks[1] |= overlap;
                    }
                    marks[0] |= rate.spread() > Interval.SPREAD_MARK;
                    lines.add(new String[]{label, e.getKey(), Units.size(((Number) reads.get(0).fields.get("size_bytes")).longValue()),
                            fmt(median(writes, r -> r.writeSeconds) * 1e3), fmt(median(reads, r -> r.p50)), fmt(median(reads, r -> r.p99)),
                            rate.text(), vs, fmt(median(reads, r -> r.cpuCores)), String.valueOf(reads.stream().mapToLong(r -> r.torn).sum())});
                    if (readers > 1) lines.add("    per reader, reads/s: " + Arrays.stream(perReader(reads)).mapToObj(LmdbBench::fmt).collect(Collectors.joining(" / ")));
                    double serving = median(writes, r -> r.servingPerReply);
                    if (Double.isFinite(serving))
                        lines.add("    the writer also served " + String.format("%,d", Math.round(median(writes, r -> (double) r.replies))) + " replies a run, " + fmt(serving) + " µs each (serving_us, not in write ms)");
                    reads.stream().filter(r -> !r.verified).findFirst().ifPresent(r -> lines.add("    NOT VERIFIED: " + r.firstError));
                    label = "";
                }
            });
            printTable(lines);
        });
        for (String why : notRun) System.out.println("\n" + why);
        comparison(rows);
        System.out.println("reads/s, all readers: every reader's reads ÷ (the last reader's end − the first reader's start); per reader: its reads ÷ its own window.");
        System.out.println("[a, b]: the 95% interval of the median over the runs (order statistics; with fewer than 6 runs, the runs' range, of lower confidence).");
        System.out.println("vs fastest: the fastest method's reads/s ÷ this one's, same size and access. cpu cores: CPU time of the writer and every reader in the window ÷ its wall time.");
        System.out.println("write ms: one version encoded, stored and published. p50, p99: request to decoded entries. torn: reads mixing versions.");
        if (marks[0]) System.out.println("~: the runs spread more than 10% around the median; take that figure as rough.");
        if (marks[1]) System.out.println("≈: its interval overlaps the fastest one's: not distinguishable here.");
        System.out.println((stoppedEarly ? "Stopped early by the failure reported on stderr" : "All reads verified: "
                + (rows.stream().allMatch(r -> r.verified) ? "yes" : "NO")) + ". Rows in " + out.resolve("results.csv")
                + "; the prototype's summaries in " + out.resolve(BENCH + "_write_summary.csv") + " and " + BENCH + "_read_summary.csv");
    }

    /** An aligned table: String[] rows in columns (the first two left-aligned, the rest right-aligned), a String as a line of its own. */
    static void printTable(List<Object> lines) {
        int columns = lines.stream().filter(l -> l instanceof String[]).mapToInt(l -> ((String[]) l).length).max().orElse(0);
        int[] width = new int[columns];
        for (Object l : lines)
            if (l instanceof String[] cells) for (int i = 0; i < cells.length; i++) width[i] = Math.max(width[i], cells[i].length());
        for (Object l : lines) {
            if (!(l instanceof String[] cells)) {
                System.out.println(l);
                continue;
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) b.append("  ");
                String pad = " ".repeat(width[i] - cells[i].length());
                b.append(i < 2 ? cells[i] + pad : pad + cells[i]);
            }
            System.out.println(b.toString().stripTrailing());
        }
    }

    /** The prototype's table: at the largest size, each method's write and read speed relative to shm. */
    void comparison(List<Row> rows) {
        int largest = rows.stream().mapToInt(r -> r.entries).max().orElse(0);
        List<Row> at = rows.stream().filter(r -> r.entries == largest).toList();
        List<String> names = at.stream().map(r -> r.method).distinct().toList();
        if (!names.contains("shm") || names.size() < 2) return;
        System.out.printf("%nRelative to shm at %,d entries (speed: shm's time / the method's time):%n", largest);
        System.out.printf("%-22s" + "%12s".repeat(names.size()) + "%n", Stream.concat(Stream.of("metric"), names.stream()).toArray());
        for (Access a : Access.values()) {
            for (boolean write : List.of(true, false)) {
                List<Row> shm = at.stream().filter(r -> r.method.equals("shm") && r.access == a && r.write == write).toList();
                if (shm.isEmpty()) continue;
                double base = write ? median(shm, r -> r.writeSeconds) : median(shm, r -> r.readMean);
                StringBuilder line = new StringBuilder(String.format("%-22s", (write ? "write, " : "read, ") + a));
                for (String n : names) {
                    List<Row> rs = at.stream().filter(r -> r.method.equals(n) && r.access == a && r.write == write).toList();
                    line.append(String.format("%12s", rs.isEmpty() ? "n/a" : times(base / (write ? median(rs, r -> r.writeSeconds) : median(rs, r -> r.readMean)))));
                }
                System.out.println(line);
            }
        }
        System.out.println();
    }

    /** Each reader's reads/s, the median of the rows' runs. */
    static double[] perReader(List<Row> rows) {
        int n = rows.stream().mapToInt(r -> r.perReader.length).max().orElse(0);
        double[] each = new double[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            each[i] = median(rows, x -> k < x.perReader.length ? x.perReader[k] : Double.NaN);
        }
        return each;
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
