/*
 * The suite's small test harness, pulled into each tests/*Test.java with //SOURCES Harness.java
 * (tests may share files; benchmark scripts may not). A test class extends Harness, calls test(...)
 * for each case and ends with System.exit(finish("Name")), which prints "N passed, N failed, N skipped".
 */

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

public class Harness {

    static final Path REPO = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    static final String JBANG = System.getenv().getOrDefault("JBANG", "jbang");
    static final Path JDK25 = Stream.of("/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/java-25-openjdk-amd64")
            .map(Path::of).filter(p -> Files.isExecutable(p.resolve("bin/java"))).findFirst().orElse(null);

    interface Body { void run() throws Exception; }

    static final class Skip extends RuntimeException { Skip(String why) { super(why); } }

    static int passed, failed, skipped;
    static String filter;

    /** Runs one test unless the name filter (first argument of the test script) leaves it out. */
    static void test(String name, Body body) {
        if (filter != null && !name.contains(filter)) return;
        long t0 = System.nanoTime();
        try {
            body.run();
            passed++;
            System.out.printf("PASS %s (%.1f s)%n", name, (System.nanoTime() - t0) / 1e9);
        } catch (Skip s) {
            skipped++;
            System.out.println("SKIP " + name + ": " + s.getMessage());
        } catch (Throwable e) {
            failed++;
            System.out.println("FAIL " + name + ": " + e);
            if (!(e instanceof AssertionError)) e.printStackTrace(System.out);
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    /** Prints the tally test.sh adds up; returns the exit code. */
    static int finish(String suite) {
        System.out.printf("%s: %d passed, %d failed, %d skipped%n", suite, passed, failed, skipped);
        return failed == 0 ? 0 : 1;
    }

    record Result(int code, String out, String err, double seconds) {
        /** stderr without JBang's own build messages. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.startsWith("[jbang]") && !l.isBlank()).toList();
        }
    }

    /** Runs a command to its end (killing it and its children past the limit), capturing stdout and stderr. */
    static Result run(ProcessBuilder pb, Duration limit) throws Exception {
        Path out = Files.createTempFile("test", ".out"), err = Files.createTempFile("test", ".err");
        long t0 = System.nanoTime();
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("still running after " + limit + ": " + String.join(" ", pb.command()));
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err), (System.nanoTime() - t0) / 1e9);
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** A pid no process has. */
    static long deadPid() {
        for (long pid = 4_000_000; ; pid--) if (ProcessHandle.of(pid).isEmpty()) return pid;
    }

    /** True where the shell started us in the background with SIGINT ignored, which children inherit. */
    static boolean sigintIgnored(long pid) throws IOException {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8);
        String mask = status.lines().filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0").substring(7).strip();
        return (Long.parseUnsignedLong(mask, 16) & (1L << 1)) != 0;  // bit 1 is SIGINT (signal 2)
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
