///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Summarizes a results folder of the IPC benchmark suite: one markdown table of method x size per experiment
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4

/*
 * Report: reads <out>/results.jsonl (the rows every *Bench.java script appends), prints a
 * markdown summary and writes it to <out>/summary.md. run_all.sh calls it at the end; run it
 * alone on any results folder:
 *
 *   jbang Report.java --out results
 *   jbang Report.java --out results --since 2026-11-22T23:00:00Z --failed ShmBench
 *
 * Per script and (pattern, payload), a table of method x size. Each cell is the median over
 * the runs of the headline figure: the p50 round trip for "rtt" rows (lower is better), else
 * MB/s (higher is better), with the spread of the runs; the best of each size in bold. A second
 * table gives each method's ratio to the fastest. Cells whose rows were not verified, or
 * counted errors, are marked ✗ and listed. Bad input is exit 2 with one line.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

@Command(name = "Report", mixinStandardHelpOptions = true, version = "Report 1.0",
        description = "Summarizes <out>/results.jsonl into one table per experiment, printed and written to <out>/summary.md.")
public class Report implements Callable<Integer> {

    /** The suite's scripts in run_all.sh's order; any other bench follows alphabetically. */
    static final List<String> ORDER = List.of("TransportBench", "ShmBench", "ZmqBench", "ArrowBench", "RedisBench", "LmdbBench");

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--since", paramLabel = "INSTANT", description = "Only rows with a timestamp at or after this ISO-8601 instant, e.g. 2026-11-22T23:00:00Z.")
    String since;

    @Option(names = "--failed", paramLabel = "NAME", description = "A script that failed, listed at the end of the summary (repeatable).")
    List<String> failed = new ArrayList<>();

    @Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Report());
        cli.setParameterExceptionHandler((ex, argv) -> {       // one line, no usage dump
            ex.getCommandLine().getErr().println("Report: " + ex.getMessage());
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cl, parsed) -> {  // e.g. summary.md not writable
            cl.getErr().println("Report: " + ex);
            return ExitCode.SOFTWARE;
        });
        System.exit(cli.execute(args));
    }

    /** One row of results.jsonl: what the summary needs, plus the whole object. */
    record Row(Instant time, String bench, String pattern, String payload, String method, String waits, long size,
               boolean rtt, double value, boolean ok, JsonNode json) {}

    /** The runs of one (bench, pattern, payload, method, size): median, spread (half the range over the median). */
    record Cell(List<Row> runs, double median, double spread, boolean ok) {
        static Cell of(List<Row> runs) {
            double[] v = runs.stream().mapToDouble(Row::value).sorted().toArray();
            int n = v.length;
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            return new Cell(runs, median, median == 0 ? 0 : (v[n - 1] - v[0]) / 2 / median, runs.stream().allMatch(Row::ok));
        }
    }

    @Override
    public Integer call() throws IOException {
        Instant from = parseSince();
        if (!Files.isDirectory(out)) throw bad("Invalid value for option '--out': folder '" + out + "' does not exist");
        Path file = out.resolve("results.jsonl");
        boolean exists = Files.isRegularFile(file);
        if (!exists && failed.isEmpty()) throw bad("No " + file + ": run a benchmark script first");
        List<Row> rows = exists ? read(file, from) : List.of();
        if (rows.isEmpty() && failed.isEmpty()) throw bad("No rows in " + file + (from == null ? "" : " since " + from));
        String summary = render(rows);
        Files.writeString(out.resolve("summary.md"), summary);
        System.out.print(summary);
        return ExitCode.OK;
    }

    Instant parseSince() {
        try {
            return since == null ? null : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw bad("Invalid value for option '--since': '" + since + "' is not an ISO-8601 instant such as 2026-11-22T23:00:00Z");
        }
    }

    ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    List<Row> read(Path file, Instant from) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(file);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonNode n = json.readTree(lines.get(i));
                for (String key : List.of("timestamp", "bench", "method", "size_bytes", "verified"))
                    if (!n.hasNonNull(key)) throw new IllegalArgumentException("no '" + key + "'");
                Instant time = Instant.parse(n.get("timestamp").asText());
                if (from != null && time.isBefore(from)) continue;
                boolean rtt = "rtt".equals(n.path("lat_kind").asText());
                JsonNode value = n.path(rtt ? "lat_p50_us" : "mb_per_s");
                if (!value.isNumber()) throw new IllegalArgumentException("'" + (rtt ? "lat_p50_us" : "mb_per_s") + "' is not a number");
                rows.add(new Row(time, n.get("bench").asText(), n.path("pattern").asText(""), n.path("payload").asText(""),
                        n.get("method").asText(), n.path("wait").asText(""), n.get("size_bytes").asLong(), rtt, value.asDouble(),
                        n.get("verified").asBoolean() && n.path("errors").asLong(0) == 0, n));
            } catch (IOException | RuntimeException e) {
                String why = Objects.requireNonNullElse(e.getMessage(), e.toString()).lines().findFirst().orElse("");
                throw bad(file + " line " + (i + 1) + " is not a results row: " + why);
            }
        }
        return rows;
    }

    // ---- output ----

    String render(List<Row> rows) {
        StringBuilder md = new StringBuilder("# IPC benchmark summary\n\n");
        if (rows.isEmpty()) md.append("No results were written.\n\n");
        else {
            Instant first = rows.stream().map(Row::time).min(Comparator.naturalOrder()).orElseThrow();
            Instant last = rows.stream().map(Row::time).max(Comparator.naturalOrder()).orElseThrow();
            item(md, "Time", first.truncatedTo(ChronoUnit.SECONDS) + " to " + last.truncatedTo(ChronoUnit.SECONDS) + " (" + rows.size() + " rows)");
            String cores = distinct(rows, "cores");
            item(md, "Host", Stream.of(distinct(rows, "host"), distinct(rows, "cpu"), cores.isEmpty() ? "" : cores + " cores")
                    .filter(s -> !s.isEmpty()).collect(Collectors.joining(", ")));
            item(md, "OS", distinct(rows, "os"));
            item(md, "JDK", distinct(rows, "jdk"));
            md.append("\n");
        }
        Map<String, List<Row>> byBench = group(rows.stream(), Row::bench);
        List<String> benches = new ArrayList<>(byBench.keySet());
        benches.sort(Comparator.comparingInt((String b) -> ORDER.contains(b) ? ORDER.indexOf(b) : ORDER.size()).thenComparing(b -> b));
        for (String bench : benches) {
            List<Row> benchRows = byBench.get(bench);
            md.append("## ").append(bench).append("\n\n");
            String libs = distinct(benchRows, "libs");
            if (!libs.isBlank()) md.append("Libraries: ").append(libs).append("\n\n");
            group(benchRows.stream(), r -> List.of(r.pattern, r.payload, r.rtt)).values().forEach(t -> table(md, t));
        }
        md.append(failed.isEmpty() ? "All scripts succeeded.\n" : "Failed scripts: " + String.join(", ", failed) + "\n");
        return md.toString();
    }

    /** One experiment (bench, pattern, payload): the figures, then the ratios, then what went wrong. */
    void table(StringBuilder md, List<Row> rows) {
        Row any = rows.get(0);
        boolean rtt = any.rtt;
        List<Long> sizes = rows.stream().map(Row::size).distinct().sorted().toList();
        Map<String, Map<Long, Cell>> cells = new LinkedHashMap<>();     // method -> size -> cell, methods in first-seen order
        group(rows.stream(), Row::method).forEach((method, rs) -> cells.put(method,
                group(rs.stream(), Row::size).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Cell.of(e.getValue())))));
        Map<Long, Double> best = new HashMap<>();                        // verified cells win; if none is, the best of the rest
        for (long size : sizes) {
            // A limit-* row (the machine's limit, e.g. limit-memcpy) is a reference, not a contender.
            List<Cell> all = cells.values().stream().map(m -> m.get(size)).filter(Objects::nonNull).toList();
            List<Cell> methods = cells.entrySet().stream().filter(e -> !isLimit(e.getKey()))
                    .map(e -> e.getValue().get(size)).filter(Objects::nonNull).toList();
            List<Cell> here = methods.isEmpty() ? all : methods;
            List<Cell> contenders = here.stream().anyMatch(Cell::ok) ? here.stream().filter(Cell::ok).toList() : here;
            best.put(size, contenders.stream().mapToDouble(Cell::median).reduce(rtt ? Math::min : Math::max).orElseThrow());
        }
        int runs = cells.values().stream().flatMap(m -> m.values().stream()).mapToInt(c -> c.runs.size()).max().orElse(1);
        md.append("### ").append(any.pattern.isEmpty() ? "" : any.pattern + ", ").append(any.payload.isEmpty() ? "" : any.payload + " payload, ")
                .append(rtt ? "RTT p50 µs (lower is better)" : "MB/s (higher is better)")
                .append(runs > 1 ? ", median of " + runs + " runs (± half their range)" : "").append("\n\n");

        List<String> sizeNames = sizes.stream().map(Report::size).toList();
        List<List<String>> figures = new ArrayList<>(), ratios = new ArrayList<>();
        figures.add(Stream.concat(Stream.of("method", "wait"), sizeNames.stream()).toList());
        ratios.add(Stream.concat(Stream.of("method"), sizeNames.stream()).toList());
        List<String> problems = new ArrayList<>(), notes = new ArrayList<>();
        cells.forEach((method, bySize) -> {
            List<Row> methodRows = bySize.values().stream().flatMap(c -> c.runs.stream()).toList();
            List<String> f = new ArrayList<>(List.of(method, distinctOf(methodRows, r -> r.waits))), q = new ArrayList<>(List.of(method));
            for (long size : sizes) {
                Cell c = bySize.get(size);
                if (c == null) { f.add("–"); q.add("–"); continue; }
                String figure = number(c.median) + (c.runs.size() > 1 ? String.format(Locale.ROOT, " (±%.0f%%)", c.spread * 100) : "");
                f.add((c.ok && c.median == best.get(size) && !isLimit(method) ? "**" + figure + "**" : figure) + (c.ok ? "" : " ✗"));
                q.add(isLimit(method) ? "limit" : String.format(Locale.ROOT, "%.2fx", rtt ? c.median / best.get(size) : best.get(size) / c.median) + (c.ok ? "" : " ✗"));
                c.runs.stream().filter(r -> !r.ok).forEach(r -> problems.add(String.format("- ✗ %s at %s, run %d: verified=%s, errors=%d",
                        method, size(size), r.json.path("run").asInt(1), r.json.path("verified").asText(), r.json.path("errors").asLong(0))));
            }
            figures.add(f);
            ratios.add(q);
            String note = distinctOf(methodRows, r -> r.json.path("note").asText(""));
            if (!note.isBlank()) notes.add("- " + method + ": " + note);
        });
        md.append(markdown(figures, 2)).append("\n");
        if (cells.size() > 1) md.append("Times slower than the fastest of each size:\n\n").append(markdown(ratios, 1)).append("\n");
        if (!problems.isEmpty()) md.append("Not verified or with errors (a benchmark that moves wrong bytes is not ranked):\n\n")
                .append(String.join("\n", problems)).append("\n\n");
        if (!notes.isEmpty()) md.append("Notes:\n\n").append(String.join("\n", notes)).append("\n\n");
    }

    static boolean isLimit(String method) { return method.startsWith("limit-"); }

    /** An aligned markdown table: the first {@code left} columns left-aligned, the rest right-aligned. */
    static String markdown(List<List<String>> table, int left) {
        int[] width = new int[table.get(0).size()];
        table.forEach(line -> { for (int i = 0; i < width.length; i++) width[i] = Math.max(Math.max(width[i], 3), line.get(i).length()); });
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < table.size(); l++) {
            for (int i = 0; i < width.length; i++) {
                String cell = table.get(l).get(i), pad = " ".repeat(width[i] - cell.length());
                s.append("| ").append(i < left ? cell + pad : pad + cell).append(' ');
            }
            s.append("|\n");
            if (l == 0) {
                for (int i = 0; i < width.length; i++) s.append("|").append(i < left ? ":" + "-".repeat(width[i] + 1) : "-".repeat(width[i] + 1) + ":");
                s.append("|\n");
            }
        }
        return s.toString();
    }

    static void item(StringBuilder md, String label, String value) {
        if (!value.isEmpty()) md.append("- ").append(label).append(": ").append(value).append("\n");
    }

    static <K> Map<K, List<Row>> group(Stream<Row> rows, Function<Row, K> key) {
        return rows.collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    /** The values of one field across rows, without repeats, "; " between them. */
    static String distinct(List<Row> rows, String field) {
        return distinctOf(rows, r -> r.json.path(field).asText(""));
    }

    static String distinctOf(List<Row> rows, Function<Row, String> value) {
        return rows.stream().map(value).filter(v -> !v.isBlank()).distinct().collect(Collectors.joining("; "));
    }

    /** 100 B, 10 kB, 2 MB when exact in powers of 1000, else 64 KiB, 1 MiB when exact in powers of 1024, else bytes. */
    static String size(long bytes) {
        String[] decimal = {"GB", "MB", "kB"}, binary = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < 3; i++) {
            long unit = (long) Math.pow(1000, 3 - i);
            if (bytes >= unit && bytes % unit == 0) return bytes / unit + " " + decimal[i];
        }
        for (int i = 0; i < 3; i++) {
            long unit = 1L << (10 * (3 - i));
            if (bytes >= unit && bytes % unit == 0) return bytes / unit + " " + binary[i];
        }
        return bytes + " B";
    }

    /** Three significant figures or so: 0.42, 13.6, 1,868. */
    static String number(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }
}
