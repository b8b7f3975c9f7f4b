///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Tests of LmdbBench.java: the dictionary, its decoder, the seqlock and the checks in-process, and the script end to end as a user runs it
//JAVA 17+
//SOURCES ../LmdbBench.java
//SOURCES Harness.java
//RUNTIME_OPTIONS --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Dsun.misc.unsafe.memory.access=allow

/*
 * Run through ./test.sh (which sets JBANG to the jbang it found), or alone:
 *   JBANG=./jbang ./jbang tests/LmdbBenchTest.java [name-filter]
 * Prints PASS/FAIL/SKIP per test and ends with "N passed, N failed, N skipped".
 * Tests assert behaviour, never speed.
 */

import com.fasterxml.jackson.databind.JsonNode;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

public class LmdbBenchTest extends Harness {

    static final Script SCRIPT = new Script("LmdbBench", "--role=reader");
    static final List<String> ALL_METHODS = LmdbBench.METHODS.stream().map(LmdbBench.Method::name).toList();

    public static void main(String[] args) throws Exception {
        filter = args.length > 0 ? args[0] : null;
        unitTests();
        spaceTests();
        endToEndTests();
        System.exit(finish("LmdbBenchTest"));
    }

    // ---------------------------------------------------------------- logic, in-process

    /** A reader's checks of a dictionary of `entries` entries made from seed 42. */
    static LmdbBench.Checker checker(int entries) {
        return new LmdbBench.Checker(42, entries);
    }

    /** What a reader is told when it starts (a shm reader of seed 42). */
    static LmdbBench.ChildConfig childConfig() {
        return new LmdbBench.ChildConfig("shm", 0, 1, 42, null, 0, 1000, 0, false, 0, 0);
    }

    /** Version `version` of a dictionary of seed 42, keys in ascending order as the writer writes them. */
    static TreeMap<String, LmdbBench.Entry> version(int entries, long version) {
        TreeMap<String, LmdbBench.Entry> m = new TreeMap<>();
        for (int i = 0; i < entries; i++) m.put(LmdbBench.Contents.key(i), LmdbBench.Contents.entry(42, i, version));
        return m;
    }

    /** The map as msgpack-java writes it, in its own order. */
    static byte[] encode(Map<String, LmdbBench.Entry> map) throws IOException {
        var p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(map.size());
        for (var e : map.entrySet()) {
            p.packString(e.getKey());
            LmdbBench.Encoded.pack(p, e.getValue());
        }
        return p.toByteArray();
    }

    /** The bytes as a reader decodes a whole dictionary: copied into a table, decoded there. */
    static LmdbBench.Table table(byte[] msgpack) {
        var t = new LmdbBench.Table(0);
        t.copy(msgpack);
        new LmdbBench.Decoder().dictionary(t, 0, t.length);
        return t;
    }

    static LmdbBench.Table table(Map<String, LmdbBench.Entry> map) throws IOException { return table(encode(map)); }

    /** Entry e found under key i, as a lookup gives it: a table of one row. */
    static LmdbBench.Table lookupRow(int i, LmdbBench.Entry e) throws IOException {
        var p = MessagePack.newDefaultBufferPacker();
        LmdbBench.Encoded.pack(p, e);
        byte[] key = LmdbBench.ascii(LmdbBench.Contents.key(i));
        var t = new LmdbBench.Table(1);
        int k = t.copy(key), v = t.copy(p.toByteArray());
        new LmdbBench.Decoder().entry(t, k, k + key.length, v, t.length);
        return t;
    }

    /** Whether the table's row holds entry e, every field: compared field by field through the record, independently of the fingerprint. */
    static boolean same(LmdbBench.Table t, int row, LmdbBench.Entry e) { return sameEntry(t.entry(row), e); }

    /** Records hold arrays, whose equals is identity: compared by what they print, every field. */
    static boolean sameEntry(LmdbBench.Entry a, LmdbBench.Entry b) { return a.toString().equals(b.toString()); }

    static void unitTests() {
        test("dictionary sizes count entries, accept powers of 1000 and 1024, within 1 to 1,000,000", () -> {
            var c = new LmdbBench.EntriesConverter();
            check(c.convert("10") == 10 && c.convert("10k") == 10_000 && c.convert("16Ki") == 16_384 && c.convert("1M") == 1_000_000, "units");
            for (String bad : List.of("0", "-5", "2M", "ten", "1.5k"))
                try {
                    c.convert(bad);
                    throw new AssertionError("accepted " + bad);
                } catch (picocli.CommandLine.TypeConversionException expected) { }
        });

        test("the dictionary is one plain msgpack map {key: entry} that msgpack-java reads back; offsets point at each entry and its end", () -> {
            var e = LmdbBench.Encoded.of(42, 50, 3, -1);
            check(e.length / 50 >= 90 && e.length / 50 <= 140, "about 100 bytes an entry: " + e.length / 50);
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(e.bytes, 0, e.length)) {
                check(u.unpackMapHeader() == 50, "50 entries");
                for (int i = 0; i < 50; i++) {
                    check(u.unpackString().equals(LmdbBench.Contents.key(i)), "key " + i);
                    check(u.getTotalReadBytes() == e.valueAt[i], "entry " + i + " where the index says");
                    check(u.unpackMapHeader() == 5 && u.unpackString().equals("id") && u.unpackLong() == i, "id");
                    check(u.unpackString().equals("name") && u.unpackString().equals("item-" + i), "name");
                    check(u.unpackString().equals("score"), "score");
                    u.unpackDouble();
                    check(u.unpackString().equals("values") && u.unpackArrayHeader() == 3, "three values");
                    for (int k = 0; k < 3; k++) u.unpackDouble();
                    check(u.unpackString().equals("meta") && u.unpackMapHeader() == 3 && u.unpackString().equals("version") && u.unpackLong() == 3, "meta.version");
                    u.skipValue();
                    u.skipValue();
                    u.skipValue();
                    u.skipValue();
                    check(u.getTotalReadBytes() == e.valueEnd[i], "entry " + i + " ends where the index says");
                }
                check(!u.hasNext(), "nothing after the map");
            }
        });

        test("entries come from the seed: the same for the same (seed, key, version), different otherwise", () -> {
            var a = LmdbBench.Contents.entry(42, 7, 1);
            check(sameEntry(a, LmdbBench.Contents.entry(42, 7, 1)), "repeatable");
            check(!sameEntry(a, LmdbBench.Contents.entry(43, 7, 1)) && !sameEntry(a, LmdbBench.Contents.entry(42, 7, 2)) && !sameEntry(a, LmdbBench.Contents.entry(42, 8, 1)),
                    "seed, version and key all matter");
        });

        test("the decoder gives back every entry msgpack-java wrote, and refuses bytes of another shape", () -> {
            var e = LmdbBench.Encoded.of(42, 200, 5, -1);
            var t = table(Arrays.copyOf(e.bytes, e.length));
            check(t.size == 200, "200 entries");
            for (int i = 0; i < 200; i++) check(same(t, i, LmdbBench.Contents.entry(42, i, 5)) && t.string(i, LmdbBench.Table.KEY).equals(LmdbBench.Contents.key(i)), "entry " + i);
            var one = new LmdbBench.Table(1);
            byte[] key = LmdbBench.ascii(LmdbBench.Contents.key(17));
            int k = one.copy(key), v = one.copy(ByteBuffer.wrap(e.bytes), e.valueAt[17], e.valueEnd[17] - e.valueAt[17]);
            new LmdbBench.Decoder().entry(one, k, k + key.length, v, one.length);
            check(one.size == 1 && same(one, 0, LmdbBench.Contents.entry(42, 17, 5)), "one entry alone, as a lookup reads it");
            byte[] renamed = Arrays.copyOf(e.bytes, e.length);
            renamed[e.valueAt[3] + 2] = 'x';      // "id" -> "xd"
            expectBadData(renamed, "a renamed field");
            expectBadData(Arrays.copyOf(e.bytes, e.length / 2), "half the bytes");
            expectBadData(Arrays.copyOf(e.bytes, e.length + 3), "three bytes after the map");
            byte[] garbage = new byte[1000];
            new Random(1).nextBytes(garbage);
            expectBadData(garbage, "random bytes");
        });

        test("a view's table refilled by a smaller dictionary holds its rows alone, each found by binary search; keys out of order or twice are bad data", () -> {
            var t = table(version(300, 1));
            t.clear();
            t.copy(encode(version(20, 2)));
            new LmdbBench.Decoder().dictionary(t, 0, t.length);
            check(t.size == 20 && same(t, 19, LmdbBench.Contents.entry(42, 19, 2)), "20 rows of version 2: " + t.size);
            for (int i = 0; i < 20; i++) check(t.find(LmdbBench.ascii(LmdbBench.Contents.key(i)), -1) == i, "key " + i + " found without a guess");
            for (String absent : List.of(LmdbBench.Contents.key(20), "key-", "a", "zzz"))
                check(t.find(LmdbBench.ascii(absent), 3) == -1, "no " + absent);
            expectBadData(encode(version(20, 2).descendingMap()), "keys in descending order");
            var p = MessagePack.newDefaultBufferPacker();
            p.packMapHeader(2);
            for (int k = 0; k < 2; k++) {
                p.packString(LmdbBench.Contents.key(0));
                LmdbBench.Encoded.pack(p, LmdbBench.Contents.entry(42, 0, 1));
            }
            expectBadData(p.toByteArray(), "a key twice");
        });

        test("an entry's fingerprint: a decoded row's equals its record's; one field changed, or two sign bits flipped, changes it", () -> {
            var e = LmdbBench.Contents.entry(42, 5, 3);
            long f = LmdbBench.Contents.fingerprint(e);
            check(lookupRow(5, e).fingerprint(0) == f && table(version(10, 3)).fingerprint(5) == f, "the row's, decoded, is the record's");
            var m = e.meta();
            double[] v = e.values(), sign = {-v[0], -v[1], v[2]};
            List<LmdbBench.Entry> changed = List.of(
                    new LmdbBench.Entry(6, e.name(), e.score(), v, m), new LmdbBench.Entry(5, e.name() + "x", e.score(), v, m),
                    new LmdbBench.Entry(5, e.name(), -e.score(), v, m), new LmdbBench.Entry(5, e.name(), e.score(), new double[]{v[0], v[1]}, m),
                    new LmdbBench.Entry(5, e.name(), e.score(), new double[]{v[0], v[2], v[1]}, m), new LmdbBench.Entry(5, e.name(), e.score(), sign, m),
                    new LmdbBench.Entry(5, e.name(), e.score(), v, new LmdbBench.Meta(4, m.group(), m.tag())),
                    new LmdbBench.Entry(5, e.name(), e.score(), v, new LmdbBench.Meta(3, m.group() + 1, m.tag())),
                    new LmdbBench.Entry(5, e.name(), e.score(), v, new LmdbBench.Meta(3, m.group(), m.tag().substring(1) + "0")));
            for (var c : changed) check(LmdbBench.Contents.fingerprint(c) != f, "changed: " + c);
        });

        test("the corrupt-entry option changes that entry's score only, which the decoder reads as written", () -> {
            var good = LmdbBench.Encoded.of(42, 20, 1, -1);
            var bad = LmdbBench.Encoded.of(42, 20, 1, 7);
            var t = table(Arrays.copyOf(bad.bytes, bad.length));
            for (int i = 0; i < 20; i++) check(same(t, i, LmdbBench.Contents.entry(42, i, 1)) == (i != 7), "entry " + i);
            check(t.score[7] == LmdbBench.Contents.entry(42, 7, 1).score() + 1, "entry 7's score as written: " + t.score[7]);
            check(good.length == bad.length, "same layout");
        });

        test("a reader's checks: a whole version passes; entries of two versions count as torn; a wrong entry, a missing key or a wrong count as errors", () -> {
            var ok = checker(100);
            ok.check(1, table(version(100, 4)));
            check(ok.errors == 0 && ok.torn == 0 && ok.versions == 1 && ok.maxVersion == 4, "one good version");
            var mixed = version(100, 4);
            mixed.put(LmdbBench.Contents.key(60), LmdbBench.Contents.entry(42, 60, 5));
            var torn = checker(100);
            torn.check(1, table(mixed));
            check(torn.torn == 1 && torn.errors == 0 && torn.firstError.contains("torn"), "torn: " + torn.firstError);
            var wrong = version(100, 4);
            var e = LmdbBench.Contents.entry(42, 9, 4);
            wrong.put(LmdbBench.Contents.key(9), new LmdbBench.Entry(e.id(), e.name(), e.score(), new double[]{1, 2, 3}, e.meta()));
            var corrupt = checker(100);
            corrupt.check(1, table(wrong));
            check(corrupt.errors == 1 && corrupt.torn == 0 && corrupt.firstError.contains("key-000009"), "names the entry: " + corrupt.firstError);
            var missing = version(100, 4);
            missing.remove(LmdbBench.Contents.key(0));
            missing.put("other", LmdbBench.Contents.entry(42, 0, 4));
            var gone = checker(100);
            gone.check(1, table(missing));
            check(gone.errors == 1 && gone.firstError.contains("no key-000000"), "a missing key: " + gone.firstError);
            var small = checker(100);
            small.check(1, table(version(99, 4)));
            check(small.errors == 1 && small.firstError.contains("99 entries"), "a short dictionary: " + small.firstError);
            var stale = checker(100);
            stale.published = 5;
            stale.check(1, table(version(100, 4)));
            check(stale.errors == 1 && stale.firstError.contains("stale"), "an older version than the writer had published: " + stale.firstError);
            var point = checker(100);
            point.check(1, 3, lookupRow(3, LmdbBench.Contents.entry(42, 3, 8)));
            point.check(2, 3, lookupRow(3, LmdbBench.Contents.entry(42, 4, 8)));
            check(point.errors == 1 && point.firstError.contains("key-000003"), "a lookup answered with another key's entry: " + point.firstError);
        });

        test("a reader's run times and checks every read, and counts reads that fail to decode", () -> {
            var good = version(30, 2);
            var dictionary = table(good);
            AtomicLong calls = new AtomicLong();
            var view = new LmdbBench.Transport.View() {
                public LmdbBench.Table snapshot() {
                    if (calls.incrementAndGet() == 5) throw new LmdbBench.BadData("a broken read");
                    return dictionary;
                }

                public LmdbBench.Table lookup(int i, byte[] key) throws IOException { return lookupRow(i, good.get(LmdbBench.Contents.key(i))); }

                public void close() { }
            };
            var cfg = childConfig();
            var report = new LmdbBench.Reading(cfg, new LmdbBench.RunSpec(LmdbBench.Access.snapshot, 30, 20, 0, null, 1, 0), view).run(System.nanoTime(), 0, Long.MAX_VALUE, n -> { }, n -> { });
            check(report.reads() == 20 && report.errors() == 1 && report.firstError().contains("broken"), "20 reads, one bad: " + report);
            check(report.decodeHistogram().getTotalCount() == 19 && report.readNanos() > 0, "19 timed");
            var points = new LmdbBench.Reading(cfg, new LmdbBench.RunSpec(LmdbBench.Access.point, 30, 500, 0, null, 1, 0), view).run(System.nanoTime(), 0, Long.MAX_VALUE, n -> { }, n -> { });
            check(points.reads() == 500 && points.errors() == 0 && points.versions() == 1, "500 lookups verified: " + points);
        });

        test("a reader's run: 'done' with its reads as its window ends, before the report; a time floor reads past the count; a stall is inside the window and a read's time", () -> {
            var good = version(10, 1);
            var dictionary = table(good);
            var view = new LmdbBench.Transport.View() {
                public LmdbBench.Table snapshot() { return dictionary; }

                public LmdbBench.Table lookup(int i, byte[] key) throws IOException { return lookupRow(i, good.get(LmdbBench.Contents.key(i))); }

                public void close() { }
            };
            AtomicLong doneAt = new AtomicLong(), doneReads = new AtomicLong(-1);
            var floor = new LmdbBench.Reading(childConfig(), new LmdbBench.RunSpec(LmdbBench.Access.point, 10, 5, 0, null, 1, 200_000_000L), view)
                    .run(System.nanoTime(), 0, Long.MAX_VALUE, n -> { }, n -> { doneReads.set(n); doneAt.set(System.nanoTime()); });
            check(floor.seconds() >= 0.2 && floor.reads() > 5, "read on for 0.2 s past 5 reads: " + floor.reads() + " in " + floor.seconds() + " s");
            check(doneReads.get() == floor.reads() && doneAt.get() >= floor.endNanos(), "'done' said with every read, after the window's end");
            var stalled = new LmdbBench.ChildConfig("shm", 0, 1, 42, null, 0, 1000, 0, false, 0, 50);
            var s = new LmdbBench.Reading(stalled, new LmdbBench.RunSpec(LmdbBench.Access.point, 10, 1000, 0, null, 1, 0), view)
                    .run(System.nanoTime(), 0, Long.MAX_VALUE, n -> { }, n -> { });
            check(s.reads() == 1000 && s.seconds() >= 0.05 && s.decodeHistogram().getMaxValue() >= 50_000_000L, "the 50 ms pause in the window and in one read: " + s.seconds()
                    + " s, max " + s.decodeHistogram().getMaxValue() + " ns");
        });

        test("figures on a synthetic timeline: per reader reads ÷ its window; in total all reads ÷ (last end − first start), never the sum of the readers' rates", () -> {
            // reader 0: 1,000 reads from t=0 to 1 s; reader 1 starts 0.5 s late: 3,000 reads from 0.5 s to 2 s (its read times alone would say far more)
            long t = 1_000_000_000_000L;
            var a = report(1000, 1_000_000, t, t + 1_000_000_000L);
            var b = report(3000, 1_000_000, t + 500_000_000L, t + 2_000_000_000L);
            var r = new LmdbBench.RunResult(new org.HdrHistogram.Histogram(3), 1000, 1_000_000, 0, 0, 0, 0, List.of(a, b), t - 1000, 0, 0, 0, 0, null,
                    Map.of("cpu_us_per_msg", 1.0, "cpu_cores", 1.0), Map.of("cpu_us_per_msg", 1.0, "cpu_cores", 1.0));
            check(Math.abs(a.rate() - 1000) < 1e-6 && Math.abs(b.rate() - 2000) < 1e-6, "per reader: " + a.rate() + ", " + b.rate());
            check(Math.abs(r.seconds() - 2.0) < 1e-9 && Math.abs(r.rate() - 2000) < 1e-6, "in total 4,000 reads in 2 s: " + r.rate() + " in " + r.seconds());
            check(r.rate() < a.rate() + b.rate(), "less than the sum of the readers' rates");
            check(Math.abs(r.writeSeconds() - 1e-6) < 1e-12, "write time: the mean of the timed writes alone");
            var served = new LmdbBench.RunResult(new org.HdrHistogram.Histogram(3), 1000, 1_000_000, 5_000_000_000L, 4000, 0, 0, List.of(a, b), t - 1000, 0, 0, 0, 0, null,
                    Map.of("cpu_us_per_msg", 1.0, "cpu_cores", 1.0), Map.of("cpu_us_per_msg", 1.0, "cpu_cores", 1.0));
            check(served.writeSeconds() == r.writeSeconds(), "zmq's 4,000 replies served (5 s) do not change the write time: " + served.writeSeconds());
        });

        test("shm: readers in another thread never see a torn version while the writer publishes without pause; lookups find every key", () -> {
            Path dir = Files.createTempDirectory("shm-seqlock");
            var store = new LmdbBench.ShmStore(dir, false, true);
            int entries = 2000;
            var first = LmdbBench.Encoded.of(42, entries, 1, -1);
            String file = store.prepare(LmdbBench.Access.snapshot, first);
            store.publish(first);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong published = new AtomicLong(1);
            List<LmdbBench.Encoded> versions = new ArrayList<>();
            for (long v = 2; v <= 6; v++) versions.add(LmdbBench.Encoded.of(42, entries, v, -1));
            Thread writer = new Thread(() -> {
                try {
                    for (int k = 0; !stop.get(); k++) {
                        // versions 2..6 over and over: 6 then 2 lands in the slot a reader may be in, which its seqlock must see
                        var base = versions.get(k % versions.size());
                        store.publish(base);
                        published.incrementAndGet();
                        Thread.sleep(0, 500_000);      // about 2,000 versions a second, a busy live writer
                    }
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            var view = new LmdbBench.ShmView(false);
            view.prepare(new LmdbBench.RunSpec(LmdbBench.Access.snapshot, entries, 1, 0, file, 1, 0));
            var checks = checker(entries);
            try {
                for (int r = 0; r < 300; r++) checks.check(r + 1, view.snapshot());
                var lookups = checker(entries);
                for (int i = 0; i < entries; i++) lookups.check(i + 1, i, view.lookup(i, LmdbBench.ascii(LmdbBench.Contents.key(i))));
                check(lookups.errors == 0, "every key found: " + lookups.firstError);
                check(view.retries() < 300L * 10, "retries count reads thrown away, not spins: " + view.retries());
            } finally {
                stop.set(true);
                writer.join();
                store.close();
                deleteTree(dir);
            }
            check(checks.errors == 0 && checks.torn == 0, "no torn or wrong read: " + checks.firstError);
            check(published.get() > 10 && checks.versions > 1, "the writer really wrote meanwhile: " + published + " publishes, " + checks.versions + " versions seen, "
                    + view.retries() + " retries");
        });
    }

    static void spaceTests() {
        test("LMDB's data file stays within what the free-space check counts for a run (10,000 entries, both forms); its folder goes when it closes", () -> {
            Path dir = Files.createTempDirectory("lmdb-space");
            for (LmdbBench.Access a : LmdbBench.Access.values()) {
                Path folder = dir.resolve(a.name());
                var store = new LmdbBench.LmdbStore(folder, false, 1L << 30, 3, false, 42, 0);
                var sample = LmdbBench.Encoded.of(42, 10_000, 1, -1);
                long before = store.spaceNeeded(a, sample).bytes();
                store.prepare(a, sample);
                for (long v = 1; v <= 8; v++) store.publish(LmdbBench.Encoded.of(42, 10_000, v, -1));
                long size = Files.size(folder.resolve("data.mdb"));
                long counted = LmdbBench.Space.lmdb(sample, a, 3, false);
                check(size <= counted, a + ": data.mdb " + size + " bytes after 8 versions, more than the " + counted + " counted");
                check(before <= counted && store.spaceNeeded(a, sample).bytes() == counted - size, a + ": what it holds is not counted again: " + before + ", "
                        + store.spaceNeeded(a, sample).bytes());
                check(Files.size(folder.resolve("lock.mdb")) >= LmdbBench.Space.lmdbLock(126), a + ": the lock file written out before LMDB maps it");
                store.close();
                check(!Files.exists(folder), a + ": its folder removed with it");
            }
            deleteTree(dir);
        });
    }

    /** A reader's report of `reads` reads, `readNanos` of them timed, in the window [start, end]. */
    static LmdbBench.RunReport report(long reads, long readNanos, long start, long end) {
        var h = new org.HdrHistogram.Histogram(3);
        h.recordValue(1000);
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        h.encodeIntoCompressedByteBuffer(b);
        return new LmdbBench.RunReport(reads, readNanos, Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), b.position())), 0, 0, 0, null,
                start - 1000, start, end, 1, 1, 1, 0, 0);
    }

    static void expectBadData(byte[] bytes, String what) {
        try {
            table(bytes);
            throw new AssertionError(what + " decoded");
        } catch (LmdbBench.BadData | IndexOutOfBoundsException expected) {
            // the reader counts it as a bad read
        }
    }

    // ---------------------------------------------------------------- the script, end to end

    /** Every row verified with positive figures; reads rows for each (method, access), a write row beside each. */
    static void checkRows(Path out, Result r, List<String> methodAccess) throws IOException {
        check(r.code() == 0, "exit 0, was " + r.code() + ": " + r.err());
        List<JsonNode> rows = rows(out);
        for (String ma : methodAccess) {
            String[] p = ma.split(" ");
            check(rows.stream().anyMatch(x -> x.get("method").asText().equals(p[0]) && x.get("pattern").asText().equals(p[1])), "a " + ma + " row: " + rows);
            check(rows.stream().anyMatch(x -> x.get("method").asText().equals(p[0]) && x.get("pattern").asText().equals("write-" + p[1])), "a write row for " + ma);
        }
        for (JsonNode row : rows) {
            check(row.get("verified").asBoolean() && row.get("errors").asInt() == 0, "verified: " + row);
            checkKindAndCpu(row);
            check(row.get("msgs_per_s").asDouble() > 0 && row.get("mb_per_s").asDouble() > 0 && row.get("seconds").asDouble() > 0, "positive figures: " + row);
            if (!row.get("pattern").asText().startsWith("write"))
                check(row.get("lat_p50_us").asDouble() > 0 && row.get("per_reader").size() == row.get("peers").asInt() && row.get("torn").asInt() == 0, "per reader: " + row);
        }
        check(r.out().contains("All reads verified: yes"), "summary says verified:\n" + r.out());
    }

    /** Every row: a method (all three are inter-process), its CPU cost positive, at most every core busy. */
    static void checkKindAndCpu(JsonNode row) {
        check(row.get("kind").asText().equals("method"), "kind method: " + row.get("method") + " " + row.get("kind"));
        double perMsg = row.get("cpu_us_per_msg").asDouble(), cores = row.get("cpu_cores").asDouble(), seconds = row.get("seconds").asDouble();
        check(perMsg > 0, "cpu_us_per_msg > 0: " + row.get("method") + " " + row.get("pattern") + " " + perMsg);
        // The kernel counts CPU in 10 ms ticks: on a short window each process (writer, readers) may gain one at each end.
        double ticks = seconds >= 0.5 ? 0 : 2 * (1 + row.get("peers").asInt()) * 0.010 / Math.max(seconds, 1e-3);
        check(cores >= 0 && cores <= row.get("cores").asInt() + 0.5 + ticks, "cpu_cores within [0, cores + 0.5 + ticks]: " + cores + " over " + seconds + " s");
    }

    static void endToEndTests() throws Exception {
        Path work = Files.createTempDirectory("lmdb-e2e");
        List<String> quickRows = List.of("lmdb snapshot", "lmdb point", "shm snapshot", "shm point", "zmq snapshot");

        test("--help documents every option, --list every method", () -> {
            Result help = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "--help");
            for (String o : List.of("--size", "--sizes", "--count", "--duration", "--readers", "--access", "--live-writes", "--warmup",
                    "--methods", "--list", "--runs", "--out", "--quick", "--map-size", "--keep", "--timeout", "--seed", "--shm-dir", "--cleanup"))
                check(help.out().contains(o), "--help mentions " + o);
            check(help.out().contains("auto") && help.out().contains("95% interval"), "--help describes --runs auto:\n" + help.out());
            Result list = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--list");
            check(list.code() == 0 && list.out().lines().count() == ALL_METHODS.size(), "one line per method:\n" + list.out());
            for (String m : ALL_METHODS) check(list.out().contains(m), m);
        });

        test("copied alone into an empty folder, --quick runs every method and access mode verified, writes the prototype's summaries, leaves nothing behind", () -> {
            Set<String> before = SCRIPT.suiteEntries();
            Path alone = Files.createDirectory(work.resolve("alone"));
            Files.copy(SCRIPT.file(), alone.resolve("LmdbBench.java"));
            Result r = SCRIPT.run(alone, null, Duration.ofMinutes(5), "--quick");
            Path out = alone.resolve("results");
            checkRows(out, r, quickRows);
            check(rows(out).stream().noneMatch(x -> x.get("method").asText().equals("zmq") && x.get("access").asText().equals("point")), "no zmq point row");
            check(r.out().contains("zmq point: not applicable"), "the summary says zmq has no point reads:\n" + r.out());
            check(r.out().contains("Relative to shm"), "the prototype's comparison table:\n" + r.out());
            List<String> writes = Files.readAllLines(out.resolve("LmdbBench_write_summary.csv")), reads = Files.readAllLines(out.resolve("LmdbBench_read_summary.csv"));
            check(writes.get(0).equals("backend,access,entries,write_time_s") && writes.size() == 6, "write summary: " + writes);
            check(reads.get(0).startsWith("backend,access,entries,avg_read_time_s,throughput_ops_s") && reads.size() == 6, "read summary: " + reads);
            check(reads.stream().skip(1).allMatch(l -> l.split(",")[2].equals("1000") && Double.parseDouble(l.split(",")[3]) > 0), "1,000 entries, times: " + reads);
            check(SCRIPT.entriesSince(before).isEmpty(), "run folders removed: " + SCRIPT.entriesSince(before));
        });

        test("--quick on JDK 25, without warnings", () -> {
            if (JDK25 == null) throw new Skip("no JDK 25 under /usr/lib/jvm");
            Path out = work.resolve("jdk25");
            Result r = SCRIPT.run(REPO, JDK25, Duration.ofMinutes(5), "--quick", "--out", out.toString());
            checkRows(out, r, quickRows);
            check(rows(out).get(0).get("jdk").asText().contains("25"), "ran on 25: " + rows(out).get(0).get("jdk"));
            check(r.errLines().isEmpty(), "nothing on stderr: " + r.errLines());
        });

        test("the start barrier: no reader starts before the slowest is set up and the writer has written; they start together", () -> {
            Path out = work.resolve("barrier");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "shm", "--access", "snapshot", "-s", "100", "-n", "50", "-w", "0", "-r", "2",
                    "--slow-reader", "1500", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            for (JsonNode row : rows(out)) {
                if (row.get("pattern").asText().startsWith("write")) continue;
                List<Double> set = new ArrayList<>(), start = new ArrayList<>();
                row.get("reader_set_ms").forEach(x -> set.add(x.asDouble()));
                row.get("reader_start_ms").forEach(x -> start.add(x.asDouble()));
                double lastSet = Collections.max(set), release = row.get("release_ms").asDouble();
                check(set.get(0) >= Collections.min(set.subList(1, set.size())) + 1000, "reader 0 was set up 1.5 s late: " + set);
                check(release >= lastSet, "released after the last reader was set: " + release + " vs " + set);
                for (double s : start) check(s >= release, "a reader started before the release: " + start + " vs " + release);
                check(Collections.max(start) - Collections.min(start) < 1000, "the readers started together, not as each got ready: " + start);
            }
        });

        for (String method : ALL_METHODS) {
            test("an entry stored wrong is caught by " + method + " readers: row verified=false, the entry named, exit 1", () -> {
                Path out = work.resolve("corrupt-" + method);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", method, "--access", "snapshot", "-s", "100", "-n", "20", "-w", "0", "-r", "1",
                        "--corrupt-entry", "7", "-o", out.toString());
                check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
                check(r.err().contains("key-000007"), "names the entry: " + r.err());
                JsonNode row = rows(out).get(0);
                check(!row.get("verified").asBoolean() && row.get("errors").asInt() > 0, "row failed: " + row);
            });
        }

        test("an entry stored wrong is caught by point lookups too (lmdb and shm)", () -> {
            for (String method : List.of("lmdb", "shm")) {
                Path out = work.resolve("corrupt-point-" + method);
                Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", method, "--access", "point", "-s", "10", "-n", "1000", "-w", "0", "-r", "1",
                        "--corrupt-entry", "7", "-o", out.toString());
                check(r.code() == 1 && r.err().contains("key-000007"), method + ": exit 1 naming the entry, was " + r.code() + ": " + r.err());
            }
        });

        test("live writes: lmdb and shm readers see new versions while reading and never a torn one", () -> {
            Path out = work.resolve("live");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(5), "-m", "lmdb,shm", "-s", "1000", "--live-writes", "200", "-d", "1s", "-w", "0", "-r", "1",
                    "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            for (JsonNode row : rows(out)) {
                if (row.get("pattern").asText().startsWith("write")) continue;
                check(row.get("pattern").asText().endsWith("-live"), "the pattern says live: " + row.get("pattern"));
                check(row.get("verified").asBoolean() && row.get("torn").asInt() == 0, "no torn read: " + row);
                check(row.get("live_writes_done").asInt() >= 3 && row.get("versions_seen").asInt() >= 2, "versions changed under the readers: " + row);
            }
        });

        test("a zmq reader whose reply is lost asks again on a new socket after 1 s, and the run is verified", () -> {
            Path out = work.resolve("lost-reply");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "zmq", "-s", "100", "-n", "20", "-w", "0", "-r", "1", "--readers", "2",
                    "--zmq-ignore", "7", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).stream().filter(x -> x.get("pattern").asText().equals("snapshot")).findFirst().orElseThrow();
            check(row.get("verified").asBoolean() && row.get("count").asLong() == 40, "every read verified: " + row);
            check(row.get("retries").asLong() >= 5 && row.get("lat_max_us").asDouble() >= 1e6, "requests sent again after a second: " + row);
            // The write time is the time to publish a version, whatever the run served: the replies are apart.
            JsonNode write = rows(out).stream().filter(x -> x.get("pattern").asText().equals("write-snapshot")).findFirst().orElseThrow();
            check(write.get("lat_kind").asText().equals("write") && write.get("count").asLong() >= 3 && write.get("hgrm").isTextual(), "timed writes: " + write);
            check(Math.abs(write.get("encode_store_us").asDouble() - write.get("lat_mean_us").asDouble()) < 0.01, "write time = the mean of the timed writes: " + write);
            // Throughput as everywhere: versions ÷ the window of the timed writes, back to back, so at least the sum of their times.
            check(write.get("seconds").asDouble() * 1e6 >= 0.99 * write.get("count").asLong() * write.get("lat_mean_us").asDouble()
                    && Math.abs(write.get("msgs_per_s").asDouble() * write.get("seconds").asDouble() - write.get("count").asLong()) < 0.01 * write.get("count").asLong(),
                    "writes/s = versions ÷ their window: " + write);
            check(write.get("replies").asLong() >= 40 && write.get("serving_us").asDouble() > 0 && write.get("serving_us_per_reply").asDouble() > 0,
                    "the serving, apart: " + write);
        });

        test("the torn-read check has teeth: shm without its seqlock, written in place under live writes, has its torn reads counted", () -> {
            // A read overtaken by the in-place writer decodes into entries of two versions: torn > 0 in the row. Near certain in 2 s
            // (hundreds of rewrites of 1 MiB under reads of milliseconds); tried up to three times should the machine starve the writer.
            JsonNode row = null;
            Result r = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                Path out = work.resolve("unsafe-" + attempt);
                r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "shm", "--access", "snapshot", "-s", "10000", "--live-writes", "5000", "-d", "2s",
                        "-w", "0", "-r", "1", "--unsafe-shm", "-o", out.toString());
                check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
                row = rows(out).get(0);
                check(!row.get("verified").asBoolean() && row.get("errors").asInt() > 0, "the row failed: " + row);
                if (row.get("torn").asLong() > 0) break;
            }
            check(row.get("torn").asLong() > 0, "torn reads counted as torn, not only as errors: torn=" + row.get("torn") + ", errors=" + row.get("errors"));
            check(r.err().contains("torn read(s)"), "the failure says torn: " + r.err());
        });

        test("without -n: warm-up and measured run of at least 1 s each, the count chosen from the warm-up's rate above the old fixed 200,000", () -> {
            Path out = work.resolve("default-length");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm", "--access", "point", "-s", "10", "-r", "1", "--readers", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            check(r.seconds() >= 2, "a warm-up of 1 s before a run of 1 s: the whole took " + r.seconds() + " s");
            JsonNode row = rows(out).stream().filter(x -> x.get("pattern").asText().equals("point")).findFirst().orElseThrow();
            checkKindAndCpu(row);
            check(row.get("seconds").asDouble() >= 0.9, "a measured run of at least about 1 s: " + row.get("seconds"));
            check(row.get("count").asLong() > 200_000, "more lookups than the old default of 200,000: " + row.get("count"));
            check(Math.abs(row.get("msgs_per_s").asDouble() - row.get("count").asDouble() / row.get("seconds").asDouble()) <= 0.001 * row.get("msgs_per_s").asDouble() + 0.1,
                    "reads/s = reads ÷ window: " + row);
        });

        test("--runs auto: 6 to 10 measured runs, numbered, the summary with the median's interval", () -> {
            Path out = work.resolve("auto");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "-m", "shm", "--access", "point", "-s", "10", "-n", "2000", "-w", "0", "--runs", "auto",
                    "--readers", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            List<Integer> runs = rows(out).stream().filter(x -> x.get("pattern").asText().equals("point")).map(x -> x.get("run").asInt()).toList();
            check(runs.size() >= 6 && runs.size() <= 10, "6 to 10 runs: " + runs);
            for (int i = 0; i < runs.size(); i++) check(runs.get(i) == i + 1, "numbered 1..N: " + runs);
            check(r.out().contains("median of auto run(s)") && r.out().matches("(?s).*\\[[0-9,.]+, [0-9,.]+\\].*"), "the summary quotes an interval:\n" + r.out());
        });

        test("the window on a synthetic timeline: reader 0 starts 200 ms late and stalls 50 ms in a read; the total spans first start to last end", () -> {
            Path out = work.resolve("timeline");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm", "--access", "point", "-s", "10", "-n", "2000", "-w", "0", "-r", "1",
                    "--readers", "2", "--late-reader", "200", "--stall-reader", "50", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).stream().filter(x -> x.get("pattern").asText().equals("point")).findFirst().orElseThrow();
            double seconds = row.get("seconds").asDouble(), total = row.get("msgs_per_s").asDouble();
            check(seconds >= 0.25, "the window holds the late start and the stall: " + seconds);
            check(row.get("lat_max_us").asDouble() >= 50_000, "the stall is in a read's time: " + row.get("lat_max_us"));
            check(row.get("count").asLong() == 4000 && Math.abs(total - 4000 / seconds) <= 0.001 * total + 0.1, "total = 4,000 reads ÷ the span: " + total + " vs " + 4000 / seconds);
            List<Double> starts = new ArrayList<>();
            row.get("reader_start_ms").forEach(x -> starts.add(x.asDouble()));
            check(starts.get(0) - starts.get(1) >= 150, "reader 0 started about 200 ms after reader 1 (both woke on the same 'go'): " + starts);
            double sum = 0;
            for (JsonNode one : row.get("per_reader")) {
                double rate = one.get("reads_per_s").asDouble(), own = one.get("seconds").asDouble();
                check(one.get("reads").asLong() == 2000 && Math.abs(rate - 2000 / own) <= 0.001 * rate + 0.1, "per reader: its reads ÷ its own window: " + one);
                sum += rate;
            }
            check(total <= sum, "the total is at most the sum of the readers' rates: " + total + " vs " + sum);
            check(row.get("per_reader").get(0).get("seconds").asDouble() >= 0.05, "the stall is in reader 0's window: " + row.get("per_reader"));
        });

        test("bad input: exit 2, one line naming the option and value, nothing started or written", () -> {
            Path file = Files.writeString(work.resolve("a-file"), "x");
            List<String[]> cases = List.of(
                    new String[]{"--readers", "0"},
                    new String[]{"--size", "0"},
                    new String[]{"--sizes", "0"},
                    new String[]{"--size", "2M"},
                    new String[]{"--access", "random"},
                    new String[]{"--methods", "redis"},
                    new String[]{"--map-size", "1Mi", "-s", "10000", "-m", "lmdb"},
                    new String[]{"--map-size", "1k"},
                    new String[]{"--live-writes", "-1"},
                    new String[]{"--count", "0"},
                    new String[]{"--runs", "0"},
                    new String[]{"--runs", "many"},
                    new String[]{"--duration", "1ms"},
                    new String[]{"--timeout", "0s"},
                    new String[]{"--out", file.resolve("results").toString()},
                    new String[]{"--shm-dir", work.resolve("no-such-folder").toString()});
            SCRIPT.rejects(Files.createDirectory(work.resolve("bad-input")), cases);
            Result map = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--map-size", "1Mi", "-s", "10000", "-m", "lmdb");
            check(map.err().contains("LMDB needs about") && map.err().contains("give --map-size"), "the size needed: " + map.err());
        });

        for (String method : ALL_METHODS) {
            test("a reader killed with SIGKILL during " + method + ": the writer names it and exits 1 within 5 s, nothing left", () ->
                    SCRIPT.killChildMidRun(work, method, "-m", method, "--access", "snapshot", "-s", "1000", "-d", "10m", "-w", "0", "-r", "1",
                            "-o", work.resolve("kill-" + method).toString()));
        }

        test("--shm-dir DIR: every file of the run in DIR/ipcbench-<uid>, none in /dev/shm; rows say shm_dir and shm_fs; only that folder stays, empty; --cleanup --shm-dir cleans there", () -> {
            Path dir = Files.createTempDirectory("lmdb-shm-dir");
            Path out = work.resolve("shm-dir-out");
            Set<String> before = SCRIPT.suiteEntries();
            Process p = SCRIPT.command(REPO, null, "--quick", "-m", "lmdb,shm", "--readers", "1", "--shm-dir", dir.toString(), "-o", out.toString())
                    .redirectOutput(work.resolve("shm-dir.out").toFile()).redirectError(work.resolve("shm-dir.err").toFile()).start();
            Set<String> seen = new TreeSet<>(), elsewhere = new TreeSet<>();
            try {
                // What the run puts in DIR and in the usual suite folder, looked at every 20 ms while it runs.
                while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
                    try (var files = Files.walk(dir)) {
                        files.filter(Files::isRegularFile).forEach(f -> seen.add(f.getFileName().toString()));
                    } catch (IOException | java.io.UncheckedIOException vanished) {
                        // a file removed while walking
                    }
                    elsewhere.addAll(SCRIPT.entriesSince(before));
                }
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            Result r = new Result(p.exitValue(), Files.readString(work.resolve("shm-dir.out")), Files.readString(work.resolve("shm-dir.err")), 0);
            checkRows(out, r, quickRows.stream().filter(row -> !row.startsWith("zmq")).toList());     // zmq keeps no files
            check(seen.containsAll(List.of("data.mdb", "lock.mdb", "dict-1000.shm")), "LMDB's files and shm's file were in DIR: " + seen);
            check(elsewhere.isEmpty(), "nothing in the default suite folder: " + elsewhere);
            String fs = Files.getFileStore(dir).type();
            for (JsonNode row : rows(out))
                check(row.get("shm_dir").asText().equals(dir.toString()) && row.get("shm_fs").asText().equals(fs), "shm_dir " + dir + ", shm_fs " + fs + ": " + row.get("shm_dir") + " " + row.get("shm_fs"));
            Path suite = dir.resolve("ipcbench-" + UID);
            List<Path> left;
            try (var walk = Files.walk(dir)) {
                left = walk.toList();
            }
            check(left.equals(List.of(dir, suite)), "only the empty suite folder stays: " + left);
            Path dead = Files.createDirectory(suite.resolve("LmdbBench-" + deadPid() + "-abcdef"));
            Files.writeString(dead.resolve("dict-10.shm"), "x");
            Result cleanup = SCRIPT.run(REPO, null, Duration.ofMinutes(1), "--cleanup", "--shm-dir", dir.toString());
            check(cleanup.code() == 0 && !Files.exists(dead) && cleanup.out().contains(dead.toString()), "--cleanup removed the dead run folder in DIR: " + cleanup.out() + cleanup.err());
            deleteTree(dir);
        });

        test("a file system too small for the largest dictionary: exit 1 before any run, one line naming its free space, the need and --shm-dir; nothing left", () -> {
            Path dir = Files.createTempDirectory("lmdb-small");
            Path out = work.resolve("small-out");
            TmpfsRun run = runOnTmpfs(dir, "4m", SCRIPT.command(REPO, null, "-m", "shm,lmdb", "--sizes", "10,10000", "-n", "5", "-w", "0", "-r", "1",
                    "--shm-dir", dir.toString(), "-o", out.toString()), Duration.ofMinutes(2));
            Result r = run.result();
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1, "one line: " + r.errLines());
            String line = r.errLines().get(0);
            check(line.contains(dir + " (tmpfs) has 4.0 MiB free") && line.contains("lmdb with 10,000 entries") && line.contains("needs") && line.contains("--sizes")
                    && line.contains("--shm-dir"), "names the free space, the need and what helps: " + line);
            check(!Files.exists(out) && r.out().isEmpty(), "no run started");
            check(run.left().isEmpty(), "left: " + run.left());
            deleteTree(dir);
        });

        test("LMDB's file system full in the middle of a run (the free-space checks skipped): exit 1, one line naming data.mdb, its need and the space left; rows kept; nothing left; no JVM crash", () -> {
            Path dir = Files.createTempDirectory("lmdb-full");
            Path cwd = Files.createDirectory(work.resolve("full-cwd"));
            Path out = work.resolve("full-out");
            // 10 entries fit; 10,000 (versions of 1.2 MB, three of them in the file) cannot, and LMDB meets the full disk while committing.
            TmpfsRun run = runOnTmpfs(dir, "3m", SCRIPT.command(cwd, null, "-m", "lmdb", "--access", "snapshot", "--sizes", "10,10000", "-n", "5", "-w", "0", "-r", "1",
                    "--readers", "1", "--shm-dir", dir.toString(), "--skip-space-check", "-o", out.toString()), Duration.ofMinutes(3));
            Result r = run.result();
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1, "one line: " + r.errLines());
            String line = r.errLines().get(0);
            check(line.contains("lmdb, snapshot, 10,000 entries") && line.contains("data.mdb could not grow") && line.contains("may take it to")
                    && line.contains("(tmpfs) has") && line.contains("--shm-dir"), "names the file, its need and the space left: " + line);
            List<JsonNode> rows = rows(out);
            check(rows.size() == 2 && rows.stream().allMatch(x -> x.get("entries").asInt() == 10 && x.get("verified").asBoolean()), "the rows of 10 entries kept: " + rows);
            check(run.left().isEmpty(), "left: " + run.left());
            checkNoCrashLog(cwd);
            deleteTree(dir);
        });

        test("the file system filled by other work after the first row: exit 1 with one line naming data.mdb, its need and the space left; rows kept; nothing left; no JVM crash", () -> {
            Path dir = Files.createTempDirectory("lmdb-filled");
            Path cwd = Files.createDirectory(work.resolve("filled-cwd"));
            Path out = work.resolve("filled-out");
            // As soon as the first row is written, a filler takes every free byte of the tmpfs: the next run's check (or, should
            // the filler land inside a run, LMDB's commit) meets a full file system. The filler goes before the tmpfs is looked at.
            String fill = "dir=$1; out=$2; shift 2; \"$@\" & pid=$!; "
                    + "while [ ! -s \"$out/results.csv\" ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done; "
                    + "dd if=/dev/zero of=\"$dir/filler\" bs=64k 2>/dev/null; wait $pid; code=$?; rm -f \"$dir/filler\"; exit $code";
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", fill, "sh", dir.toString(), out.toString()));
            cmd.addAll(SCRIPT.command(cwd, null, "-m", "lmdb", "--access", "snapshot", "--sizes", "10,10000", "-d", "1s", "-w", "0", "-r", "2", "--readers", "1",
                    "--shm-dir", dir.toString(), "-o", out.toString()).command());
            TmpfsRun run = runOnTmpfs(dir, "16m", new ProcessBuilder(cmd).directory(cwd.toFile()), Duration.ofMinutes(3));
            Result r = run.result();
            check(r.code() == 1, "exit 1, was " + r.code() + ": " + r.err());
            check(r.errLines().size() == 1, "one line: " + r.errLines());
            String line = r.errLines().get(0);
            check(line.startsWith("LmdbBench: lmdb, snapshot, ") && line.contains("data.mdb") && line.contains("(tmpfs) has") && line.contains(" free")
                    && line.contains("--shm-dir"), "names the file, its need and the space left: " + line);
            List<JsonNode> rows = rows(out);
            check(rows.size() >= 2 && rows.stream().allMatch(x -> x.get("entries").asInt() == 10 && x.get("verified").asBoolean()), "the rows before, kept: " + rows);
            check(run.left().isEmpty(), "left: " + run.left());
            checkNoCrashLog(cwd);
            deleteTree(dir);
        });

        // The writer waits for its readers' lines in one way for every method: lmdb's reader, which also holds a read
        // transaction and a reader slot, stands for them all.
        for (String method : List.of("lmdb")) {
            test("a child stopped with SIGSTOP mid-run is detected within --timeout: " + method + "'s writer names the reader, keeps the rows, ends every process, exit 1", () -> {
                Path out = work.resolve("stopped-" + method);
                String err = SCRIPT.stopChildMidRun(work, out, method, "reader", Duration.ofSeconds(4), "-m", method, "--access", "snapshot", "-s", "10",
                        "-d", "1s", "-w", "0", "-r", "2", "--readers", "1", "-o", out.toString());
                check(err.contains("said nothing for 4 s"), "the silence named with the timeout: " + err);
                check(rows(out).stream().allMatch(x -> x.get("verified").asBoolean()) && !rows(out).isEmpty(), "the rows before the stop, verified: " + rows(out));
            });
        }

        test("the writer killed after its commit: a new run with --keep finds the LMDB data whole and reads it", () -> {
            Path out = work.resolve("kept");
            // Runs of 2 s: the first row written proves a commit; the writer dies in a later run.
            Process launcher = SCRIPT.command(REPO, null, "--keep", "-m", "lmdb", "--access", "point", "-s", "1000", "-d", "2s", "-w", "0", "-r", "50",
                    "-o", out.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<ProcessHandle> readers;
            try {
                SCRIPT.awaitChild(launcher, Duration.ofMinutes(2));
                for (int i = 0; i < 1200 && !Files.exists(out.resolve("results.jsonl")); i++) Thread.sleep(100);
                check(Files.exists(out.resolve("results.jsonl")), "a first run finished");
                Thread.sleep(1000);
                readers = SCRIPT.children(launcher);
                check(Files.exists(out.resolve("lmdb/data.mdb")), "the database is in <out>/lmdb");
                SCRIPT.javaOf(launcher).destroyForcibly();
                check(launcher.waitFor(10, TimeUnit.SECONDS), "the launcher ended");
            } finally {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
            for (ProcessHandle reader : readers)
                check(reader.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).get() != null, "a reader outlived its writer: " + reader.pid());
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "--keep", "-m", "lmdb", "--access", "snapshot", "-s", "10", "-n", "10", "-w", "0", "-r", "1",
                    "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            check(r.out().contains("of a 1,000-entry dictionary (point form)") && r.out().contains("all 1,000 entries verified"), "the kept data read and verified:\n" + r.out());
            Result again = SCRIPT.run(REPO, null, Duration.ofMinutes(3), "--keep", "-m", "lmdb", "--access", "snapshot", "-s", "10", "-n", "10", "-w", "0", "-r", "1",
                    "-o", out.toString());
            check(again.code() == 0 && again.out().contains("of a 10-entry dictionary (snapshot form)") && again.out().contains("all 10 entries verified"),
                    "a finished run keeps its last version too:\n" + again.out() + again.err());
        });

        test("SIGINT (Ctrl-C) during lmdb: exit 130 without a crash, readers gone, files removed", () -> {
            Path cwd = Files.createDirectory(work.resolve("sigint"));
            SCRIPT.interruptMidRun(cwd, "-m", "lmdb", "--access", "point", "-s", "1000", "-d", "10m", "-w", "0", "-r", "1", "-o", cwd.resolve("out").toString());
        });

        test("two runs at the same time: both verified, separate files and ports", () -> {
            List<Process> both = new ArrayList<>();
            for (String name : List.of("twin-a", "twin-b"))
                both.add(SCRIPT.command(REPO, null, "--quick", "--readers", "2", "-o", work.resolve(name).toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(work.resolve(name + ".err").toFile()).start());
            for (Process p : both)
                check(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, "both exit 0: " + Files.readString(work.resolve("twin-a.err")) + Files.readString(work.resolve("twin-b.err")));
            for (String name : List.of("twin-a", "twin-b"))
                check(rows(work.resolve(name)).stream().allMatch(r -> r.get("verified").asBoolean()) && rows(work.resolve(name)).size() == 10, "verified rows in " + name);
        });

        test("--duration bounds each reader's run by time", () -> {
            Path out = work.resolve("duration");
            Result r = SCRIPT.run(REPO, null, Duration.ofMinutes(2), "-m", "shm", "--access", "point", "-s", "100", "-d", "1s", "-w", "0", "-r", "1", "-o", out.toString());
            check(r.code() == 0, "exit 0: " + r.err());
            JsonNode row = rows(out).stream().filter(x -> x.get("pattern").asText().equals("point")).findFirst().orElseThrow();
            check(row.get("seconds").asDouble() >= 1.0 && row.get("seconds").asDouble() < 4 && row.get("count").asLong() > 1000, "about a second, many lookups: " + row);
        });

        test("--cleanup removes this script's dead run folder and says so; another script's dead one and a live one of its own stay", SCRIPT::cleansOnlyItsOwn);

        test("a results folder whose results.csv has other columns: exit 2, one line naming --out, the file unchanged, nothing run", SCRIPT::refusesAnotherSchema);

        deleteTree(work);
    }
}
