package io.cairn.scsi.handler;

import java.util.concurrent.CompletableFuture;

/** Executes one command after the pre-dispatch pipeline has passed it. */
@FunctionalInterface
public interface CommandHandler {

    /**
     * Takes ownership of {@code request.data()} (release it exactly once, on every path). The future
     * may complete exceptionally only with a {@code BlockDeviceException} or a coordination failure;
     * the core maps those to sense.
     */
    CompletableFuture<Outcome> handle(Request request);
}
