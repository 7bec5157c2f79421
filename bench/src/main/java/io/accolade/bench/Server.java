package io.accolade.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An Accolade server process started through {@code ./accolade} (so ACCOLADE_JAVA_OPTS applies as in production). */
final class Server implements AutoCloseable {
    final Process process;
    final int port;
    final Path log;

    private Server(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Server start(Path repo, Map<String, String> env, Path log) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("accolade").toString(), "--host", "127.0.0.1",
                "--port", String.valueOf(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Server server = new Server(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("server exited with " + p.exitValue() + "; log " + log + ":\n"
                        + Files.readString(log));
            }
            try (RawHttp h = new RawHttp("127.0.0.1", port)) {
                if (h.exchange(RawHttp.request("GET", "/health/live", h.host(), new String[0], null), false)
                        .status() == 200) {
                    return server;
                }
            } catch (IOException e) {
                // not yet listening
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IOException("server did not answer /health/live within 120 s; log " + log);
    }

    /** Resident set size of the server process in MiB (0 when unknown). */
    long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
