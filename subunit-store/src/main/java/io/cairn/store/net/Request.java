package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import java.util.concurrent.CompletableFuture;

/** A message that names one {@link ReplicaService} method; the server dispatches by calling {@link #invoke}. */
public interface Request extends Message {

    /**
     * Calls the service method this request names. Ownership of {@link #payload()} passes to the
     * service (as {@link ReplicaService} documents), whatever happens next. The result is the response
     * message; a failed future becomes an {@link ErrorResponse}.
     */
    CompletableFuture<Message> invoke(ReplicaService service);
}
