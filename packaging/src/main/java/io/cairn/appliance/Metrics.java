package io.cairn.appliance;

import io.cairn.gateway.GatewayTargets;
import com.sun.net.httpserver.HttpServer;
import io.cairn.iscsi.IscsiServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Prometheus metrics at {@code http://LISTEN/metrics}. */
final class Metrics {
    private Metrics() {}

    static AutoCloseable start(InetSocketAddress listen, IscsiServer server, GatewayTargets targets) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        Gauge.builder("cairn_iscsi_sessions", server, s -> s.gateway().sessions().size())
                .description("iSCSI sessions logged in").register(registry);
        Gauge.builder("cairn_iscsi_connections", server, IscsiServer::openConnections)
                .description("TCP connections to the iSCSI portal").register(registry);
        Gauge.builder("cairn_luns", targets, t -> t.units().size())
                .description("LUNs presented by this gateway").register(registry);
        HttpServer http = HttpServer.create(listen, 16);
        http.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        return () -> {
            http.stop(0);
            gc.close();
            registry.close();
        };
    }
}
