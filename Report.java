///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Summarizes a results folder of the IPC benchmark suite into one markdown table per experiment
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.4

/*
 * Report: reads <out>/results.jsonl (the rows every *Bench.java script appends), prints one
 * summary and writes it to <out>/summary.md. run_all.sh calls it at the end; run it alone on
 * any results folder:
 *
 *   jbang Report.java --out results
 *   jbang Report.java --out results --since 2026-11-22T23:00:00Z --failed ShmBench
 *
 * Per experiment, a table of method x size with the headline figure: the median p50 round
 * trip for request/reply rows (lower is better), else the median MB/s (higher is better); the
 * best of each size in bold, then each method's ratio to the best.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.*;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "Report", mixinStandardHelpOptions = true, version = "Report 1.0",
        description = "Summarizes <out>/results.jsonl into one table per experiment; writes <out>/summary.md.")
public class Report implements Callable<Integer> {

    static final List<String> ORDER = List.of("TransportBench", "ShmBench", "ZmqBench", "ArrowBench", "RedisBench", "LmdbBench");

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "results", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--since", paramLabel = "INSTANT", description = "Only rows written at or after this instant (ISO-8601, e.g. 2026-11-22T23:00:00Z).")
    String since;

    @Option(names = "--failed", paramLabel = "SCRIPT", description = "A script that failed, to list in the summary (repeatable).")
    List<String> failed = new ArrayList<>();

    @Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Report());
        cli.setParameterExceptionHandler((ex, argv) -> {
            ex.getCommandLine().getErr().println("Report: " + ex.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }

    /** One measured configuration, as much of it as the summary needs. */
    record Row(String bench, String method, String pattern, String payload, String waits, long size, int run,
               boolean rtt, double p50, double mbps, boolean ok, JsonNode all) {}

    public Integer call() throws IOException {
        Instant from = parseSince();
        Path file = out.resolve("results.jsonl");
        if (!Files.isDirectory(out)) throw bad("Invalid value for option '--out': '" + out + "' is not a folder");
        List<Row> rows = Files.exists(file) ? read(file, from) : List.of();
        if (rows.isEmpty() && failed.isEmpty())
            throw bad("No results in " + file + (from != null ? " since " + from : "") + ": run a benchmark first");
        String summary = render(rows);
        Files.writeString(out.resolve("summary.md"), summary);
        System.out.print(summary);
        return 0;
    }

    Instant parseSince() {
        try {
            return since == null ? null : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw bad("Invalid value for option '--since': '" + since + "' (an ISO-8601 instant such as 2026-11-22T23:00:00Z)");
        }
    }

    ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    List<Row> read(Path file, Instant from) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonNode n = json.readTree(lines.get(i));
                for (String key : List.of("timestamp", "bench", "method", "size_bytes", "verified"))
                    if (!n.hasNonNull(key)) throw new IOException("no '" + key + "'");
                if (from != null && Instant.parse(n.get("timestamp").asText()).isBefore(from)) continue;
                rows.add(new Row(n.get("bench").asText(), n.get("method").asText(), n.path("pattern").asText(""),
                        n.path("payload").asText(""), n.path("wait").asText(""), n.get("size_bytes").asLong(), n.path("run").asInt(1),
                        "rtt".equals(n.path("lat_kind").asText()), n.path("lat_p50_us").asDouble(), n.path("mb_per_s").asDouble(),
                        n.get("verified").asBoolean() && n.path("errors").asLong(0) == 0, n));
            } catch (IOException | RuntimeException e) {
                throw bad(file + " line " + (i + 1) + " is not a results row: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return rows;
    }

    String render(List<Row> rows) {
        StringBuilder md = new StringBuilder("# IPC benchmark summary\n\n");
        if (!rows.isEmpty()) {
            JsonNode env = rows.get(0).all;
            md.append(String.format("%s to %s on %s: %s, %s cores, %s, %s%n%n", rows.get(0).all.get("timestamp").asText(),
                    rows.get(rows.size() - 1).all.get("timestamp").asText(), env.path("host").asText("?"), env.path("cpu").asText("?"),
                    env.path("cores").asText("?"), env.path("os").asText("?"), env.path("jdk").asText("?")));
        }
        Map<String, List<Row>> byBench = rows.stream().collect(Collectors.groupingBy(Row::bench, LinkedHashMap::new, Collectors.toList()));
        List<String> benches = new ArrayList<>(byBench.keySet());
        benches.sort(Comparator.comparing((String b) -> ORDER.contains(b) ? ORDER.indexOf(b) : ORDER.size()).thenComparing(b -> b));
        for (String bench : benches) {
            Map<String, List<Row>> byKind = byBench.get(bench).stream().collect(Collectors.groupingBy(
                    r -> r.pattern + (r.payload.isEmpty() || r.payload.equals("raw") ? "" : ", payload " + r.payload), LinkedHashMap::new, Collectors.toList()));
            byKind.forEach((kind, group) -> table(md, bench, kind, group));
            md.append("Libraries: ").append(byBench.get(bench).get(0).all.path("libs").asText("")).append("\n\n");
        }
        md.append(failed.isEmpty() ? "All scripts succeeded.\n" : "Failed scripts: " + String.join(", ", failed) + "\n");
        return md.toString();
    }

    void table(StringBuilder md, String bench, String kind, List<Row> rows) {
        boolean rtt = rows.get(0).rtt;
        List<Long> sizes = rows.stream().map(Row::size).distinct().sorted().toList();
        Map<String, List<Row>> byMethod = rows.stream().collect(Collectors.groupingBy(Row::method, LinkedHashMap::new, Collectors.toList()));
        Map<Long, Double> best = new HashMap<>();
        Map<String, Map<Long, double[]>> cells = new LinkedHashMap<>();   // median, spread
        byMethod.forEach((method, rs) -> {
            for (long size : sizes) {
                double[] v = rs.stream().filter(r -> r.size == size).mapToDouble(r -> rtt ? r.p50 : r.mbps).sorted().toArray();
                if (v.length == 0) continue;
                double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
                cells.computeIfAbsent(method, m -> new HashMap<>()).put(size, new double[]{median, median == 0 ? 0 : (v[v.length - 1] - v[0]) / 2 / median});
                best.merge(size, median, rtt ? Math::min : Math::max);
            }
        });
        md.append("## ").append(bench).append(" (").append(kind).append("): ")
                .append(rtt ? "RTT p50 in µs, lower is better" : "MB/s, higher is better").append("\n\n");
        md.append("| method | wait |").append(sizes.stream().map(s -> " " + size(s) + " |").collect(Collectors.joining()))
                .append(sizes.stream().map(s -> " vs best " + size(s) + " |").collect(Collectors.joining())).append("\n");
        md.append("|---|---|").append("---:|".repeat(sizes.size() * 2)).append("\n");
        List<String> unverified = new ArrayList<>();
        byMethod.forEach((method, rs) -> {
            StringBuilder line = new StringBuilder("| " + method + " | " + rs.get(0).waits + " |");
            StringBuilder ratios = new StringBuilder();
            for (long size : sizes) {
                double[] c = cells.getOrDefault(method, Map.of()).get(size);
                boolean ok = rs.stream().filter(r -> r.size == size).allMatch(Row::ok);
                if (!ok) unverified.add(method + " at " + size(size));
                if (c == null) { line.append(" – |"); ratios.append(" – |"); continue; }
                String figure = number(c[0]) + (c[1] >= 0.005 ? String.format(" (±%.0f%%)", c[1] * 100) : "");
                line.append(' ').append(c[0] == best.get(size) ? "**" + figure + "**" : figure).append(ok ? "" : " ✗").append(" |");
                double ratio = rtt ? c[0] / best.get(size) : best.get(size) / c[0];
                ratios.append(String.format(" %.2fx |", ratio));
            }
            md.append(line).append(ratios).append("\n");
        });
        md.append("\n");
        if (!unverified.isEmpty()) md.append("✗ not verified (a message arrived wrong): ").append(String.join(", ", unverified)).append("\n\n");
    }

    static String size(long bytes) {
        if (bytes >= 1_000_000 && bytes % 1_000_000 == 0) return bytes / 1_000_000 + " MB";
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) return (bytes >> 20) + " MiB";
        if (bytes >= 1_000 && bytes % 1_000 == 0) return bytes / 1_000 + " kB";
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) return (bytes >> 10) + " KiB";
        return bytes + " B";
    }

    static String number(double v) {
        return v >= 100 ? String.format("%,.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }
}
