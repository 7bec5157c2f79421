package io.accolade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NioLoadTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aResponseIsCompleteOnlyWithItsWholeBody() throws Exception {
        byte[] whole = ascii("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");

        assertThat(NioLoad.parse(whole, 20)).as("status line only").isNull();
        NioLoad.Parsed headersOnly = NioLoad.parse(whole, whole.length - 2);
        assertThat(headersOnly.response()).as("body cut short").isNull();
        assertThat(headersOnly.end()).as("the length to wait for").isEqualTo(whole.length);
        NioLoad.Parsed done = NioLoad.parse(whole, whole.length);
        assertThat(done.response().status()).isEqualTo(201);
        assertThat(done.response().text()).isEqualTo("hello");
        assertThat(done.end()).isEqualTo(whole.length);
        assertThat(done.close()).isFalse();
        assertThat(NioLoad.parse(ascii("HTTP/1.1 200 OK\r\nconnection: Close\r\ncontent-length: 0\r\n\r\n"), 57)
                .close()).isTrue();
    }

    @Test
    void aChunkedBodyIsJoinedAndCompleteAfterItsLastChunk() throws Exception {
        byte[] whole = ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n");

        for (int cut = 0; cut < whole.length; cut++) {
            NioLoad.Parsed p = NioLoad.parse(whole, cut);
            assertThat(p == null || p.response() == null).as("complete after %d of %d bytes", cut, whole.length)
                    .isTrue();
        }
        NioLoad.Parsed done = NioLoad.parse(whole, whole.length);
        assertThat(done.response().text()).isEqualTo("abcdefg");
        assertThat(done.end()).isEqualTo(whole.length);
    }

    /**
     * Against a real server: every connection is served in turn, every response checked, failed checks counted,
     * and only requests of the measured window counted.
     */
    @Test
    void theClosedLoopChecksEveryResponseAndUsesEveryConnection() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        AtomicLong served = new AtomicLong();
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'x');
        server.createContext("/", ex -> {
            served.incrementAndGet();
            byte[] body = ex.getRequestURI().getPath().equals("/big") ? big : ascii("ok");
            int status = ex.getRequestURI().getPath().equals("/bad") ? 500 : 200;
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        try {
            int port = server.getAddress().getPort();
            Map<Integer, AtomicLong> perConnection = new ConcurrentHashMap<>();
            Measure.Result r = NioLoad.run("127.0.0.1", port, 8, 2, 0.2, 0.8, 42, (rnd, connection, seq) -> {
                perConnection.computeIfAbsent(connection, k -> new AtomicLong()).incrementAndGet();
                String path = switch ((int) (seq % 10)) {
                    case 0 -> "/bad";
                    case 1, 2 -> "/big";
                    default -> "/ok";
                };
                return new NioLoad.Request(RawHttp.request("GET", path, "127.0.0.1:" + port, new String[0], null),
                        path.equals("/big") ? Measure.WRITE : Measure.READ,
                        res -> res.status() == 200 && (res.body().length == 2 || res.body().length == big.length));
            }, null);

            assertThat(perConnection).as("every connection sent requests").hasSize(8);
            assertThat(r.ops()).isPositive();
            assertThat(r.ops()).as("only the measured window is counted").isLessThan(served.get());
            // One request in ten fails its check; a tenth of the counted ones, give or take each connection's first.
            assertThat((double) r.errors() / r.ops()).isBetween(0.05, 0.15);
            assertThat(r.firstError()).contains("failed check (status 500)");
            assertThat(r.writes().getTotalCount() + r.reads().getTotalCount()).isEqualTo(r.ops());
            assertThat((double) r.writes().getTotalCount() / r.ops()).isBetween(0.1, 0.3);
        } finally {
            server.stop(0);
        }
    }
}
