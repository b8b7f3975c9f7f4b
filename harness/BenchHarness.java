///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION The harness every benchmark script carries, written once: edit it here, then run ./harness/sync
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4

/*
 * The one place where the suite's shared code is edited. Each benchmark script must run alone (copied
 * into an empty folder), so it carries a copy of the blocks below, between the same marker lines:
 *
 *   format   sizes and durations as users type them, numbers and sizes as the suite prints them,
 *            medians that skip missing values (Report.java carries this block too)
 *   run      the command-line runner (one line for bad input, one for an unexpected failure),
 *            method descriptions, the suite folder and its clean-up, the results files and their
 *            schema, the environment, progress, and launching and watching child processes
 *
 * ./harness/sync rewrites every copy from this file; ./harness/sync --check (run by the tests) fails,
 * naming the script and line, when a copy differs from it by one byte. Code in a block may use what
 * every script defines: BENCH, its name. Anything else a block needs, it defines itself.
 *
 * This file compiles on its own (tests/HarnessTest.java builds on it to test the blocks' logic).
 */

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.*;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

class BenchHarness {

    static final String BENCH = "BenchHarness";

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
