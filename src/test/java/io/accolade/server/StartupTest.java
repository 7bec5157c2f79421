package io.accolade.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2, points 2 and 5: the real {@code main} in a child JVM. A wrong or unreachable setting stops the start with
 * one line naming it; SIGTERM lets an in-flight request finish before the process exits. On the embedded store the
 * virtual-thread scheduler gets more carriers than cores (see {@link Main#moreCarriersForSqlite}).
 */
class StartupTest {

    /** A child JVM running {@link Main}, with its standard error in a file. */
    record Child(Process process, Path log) {
        String waitForLog() throws Exception {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process ended").isTrue();
            return Files.readString(log);
        }
    }

    static Child launch(Path dir, String... args) throws IOException {
        return launch(dir, List.of(), args);
    }

    static Child launch(Path dir, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("ACCOLADE_"));
        // To a file: Process.destroy() closes the pipes, and what is logged during shutdown matters here.
        Path log = dir.resolve("stderr-" + System.nanoTime() + ".log");
        pb.redirectError(log.toFile());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return new Child(pb.start(), log);
    }

    @Test
    void anUnreachableDatabaseStopsTheStartWithOneLineNamingTheSetting(@TempDir Path dir) throws Exception {
        Child p = launch(dir, "--db-url", "jdbc:postgresql://127.0.0.1:1/nothing", "--port", "0");
        String err = p.waitForLog();
        assertThat(p.process().exitValue()).isEqualTo(2);
        assertThat(err.strip()).startsWith("accolade: ACCOLADE_DB_URL (--db-url): cannot connect")
                .doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(err.strip().lines().count()).isEqualTo(1);
    }

    @Test
    void aBadValueAndAPortInUseNameTheirSettings(@TempDir Path dir) throws Exception {
        Child bad = launch(dir, "--port", "http");
        assertThat(bad.waitForLog().strip())
                .isEqualTo("accolade: ACCOLADE_PORT (--port): must be a whole number, got 'http'");
        assertThat(bad.process().exitValue()).isEqualTo(2);
        try (ServerSocket taken = new ServerSocket(0)) {
            Child busy = launch(dir, "--port", String.valueOf(taken.getLocalPort()), "--data-dir", "d");
            String err = busy.waitForLog();
            assertThat(err.strip().lines().toList().getLast()).startsWith("accolade: ACCOLADE_PORT (--port): cannot listen");
            assertThat(err).doesNotContain("\tat ");
        }
    }

    @Test
    void sigtermDrainsAnInFlightRequestThenStops(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Child child = launch(dir, "--port", String.valueOf(port), "--admin-token", "drain-test-admin-token");
        Process p = child.process();
        waitUntilUp(port);
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            var out = socket.getOutputStream();
            byte[] body = "{\"id\":\"drained\",\"name\":\"Drained\"}".getBytes(StandardCharsets.UTF_8);
            String head = "POST /admin/v1/apps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer drain-test-admin-token\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.UTF_8));
            out.write(body, 0, 10);
            out.flush();
            Thread.sleep(300);
            p.destroy();                       // SIGTERM while the request is half sent
            Thread.sleep(500);
            out.write(body, 10, body.length - 10);
            out.flush();
            String response = new String(socket.getInputStream().readNBytes(12), StandardCharsets.UTF_8);
            assertThat(response).isEqualTo("HTTP/1.1 201");
        }
        assertThat(child.waitForLog()).contains("stopped");
    }

    @Test
    void onSqliteTheSchedulerGetsTwoCarriersPerCoreUnlessTheJvmWasGivenANumber(@TempDir Path dir) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(carriersInBanner(dir, List.of())).isEqualTo(2 * cores);
        assertThat(carriersInBanner(dir, List.of("-Djdk.virtualThreadScheduler.parallelism=3"))).isEqualTo(3);
    }

    /** Starts the server on SQLite with {@code jvmOptions}, reads the carriers the banner reports, stops it. */
    private static int carriersInBanner(Path dir, List<String> jvmOptions) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Child child = launch(dir, jvmOptions, "--port", String.valueOf(port), "--admin-token", "carriers-admin-token");
        try {
            waitUntilUp(port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                var line = Files.readAllLines(child.log()).stream()
                        .filter(l -> l.strip().startsWith("virtual-thread carriers")).findFirst();
                if (line.isPresent()) {
                    return Integer.parseInt(line.get().strip().substring("virtual-thread carriers".length()).strip());
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no carriers line in the banner: " + Files.readString(child.log()));
        } finally {
            child.process().destroy();
            child.waitForLog();
        }
    }

    private static void waitUntilUp(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (var probe = new java.net.Socket("127.0.0.1", port)) {
                assertThat(probe.isConnected()).isTrue();
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("server did not start");
    }
}
