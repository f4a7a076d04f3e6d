package io.cairn.coord.scsi;

import io.cairn.coord.session.ZkSession;
import io.cairn.coord.SessionState;
import io.cairn.coord.lun.LunCatalog;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this gateway may trust its copy of the SCSI contexts (architecture.md "Consistency invariants": "A gateway that loses
 * its ZooKeeper session stops serving the affected LUNs until it has caught up again"). Closed
 * from the moment the session is suspended or lost; opened again only after every LUN's context
 * has been read fresh on the new connection.
 *
 * <p>"Suspended" includes a lapse of the session lease ({@link ZkSession#isConnected()}): a
 * gateway that was paused past its session timeout is closed the moment it resumes, before Curator
 * has noticed, because others may have changed a reservation without waiting for it.
 */
final class SessionGate {
    private static final Logger log = LoggerFactory.getLogger(SessionGate.class);

    private final ZkSession session;
    private final LunCatalog catalog;
    private final VersionedScsiContextStore contexts;
    private final ScheduledExecutorService timer;
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean open = true;

    SessionGate(ZkSession session, LunCatalog catalog, VersionedScsiContextStore contexts,
                ScheduledExecutorService timer) {
        this.session = session;
        this.catalog = catalog;
        this.contexts = contexts;
        this.timer = timer;
        session.addConnectionListener(this::onState);
    }

    boolean isOpen() {
        // Lease first: the session reports a lapse (closing us) before it installs a renewed lease,
        // so seeing the renewed lease here means seeing the closed flag too.
        return session.isConnected() && open;
    }

    private void onState(SessionState state) {
        if (state.isConnected()) {
            catchUp(generation.incrementAndGet());
        } else {
            generation.incrementAndGet();
            if (open) {
                log.warn("ZooKeeper session {}: admitting no I/O until caught up", state);
            }
            open = false;
        }
    }

    /** Reads every LUN's context fresh; opens the gate if nothing interrupted meanwhile, else retries. */
    private void catchUp(long gen) {
        CompletableFuture<?>[] reads;
        try {
            reads = catalog.list().stream().map(l -> contexts.fresh(l.id())).toArray(CompletableFuture[]::new);
        } catch (RuntimeException e) {
            timer.schedule(() -> catchUp(gen), 1, TimeUnit.SECONDS);
            return;
        }
        CompletableFuture.allOf(reads).whenComplete((v, e) -> {
            if (gen != generation.get()) {
                return; // interrupted again: a later catch-up decides
            }
            if (e == null && session.isConnected()) {
                if (!open) {
                    log.info("caught up with ZooKeeper: admitting I/O again");
                }
                open = true;
            } else {
                timer.schedule(() -> catchUp(gen), 1, TimeUnit.SECONDS);
            }
        });
    }
}
