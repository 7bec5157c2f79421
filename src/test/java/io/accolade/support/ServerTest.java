package io.accolade.support;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Base of every HTTP test: the whole class runs once per store (SQLite, and PostgreSQL when available), against a
 * real server started on a random port over a store of its own.
 */
@ParameterizedClass(name = "[{0}]")
@MethodSource("io.accolade.support.Stores#available")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerTest {
    private static final AtomicInteger APPS = new AtomicInteger();

    @Parameter
    protected StoreKind store;

    protected TestServer server;

    @BeforeParameterizedClassInvocation
    void startServer() {
        server = startServer(store);
    }

    /** Override to start the server differently (a fixed clock, a rate limit). */
    protected TestServer startServer(StoreKind kind) {
        return TestServer.start(kind);
    }

    @AfterParameterizedClassInvocation
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    protected Http http() {
        return server.http;
    }

    protected Http admin() {
        return server.admin;
    }

    /** A new app with a unique id. */
    protected TestServer.TestApp newApp() {
        return server.newApp("app-" + APPS.incrementAndGet());
    }
}
