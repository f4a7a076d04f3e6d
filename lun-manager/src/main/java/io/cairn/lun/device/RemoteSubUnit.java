package io.cairn.lun.device;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * One sub-unit of a distributed LUN as a block device: each request goes to the sub-unit's current
 * primary ({@link PlacementStore}) with the placement's epoch (architecture.md "Consistency invariants").
 *
 * <p>Failover is invisible to the initiator: a retryable refusal or failure (stale epoch, not
 * primary, not hosted, unavailable, lost connection) waits for the placement to change (polling the
 * watched local copy with backoff; after {@link #SAME_PLACEMENT_RETRY} it retries the same primary
 * too, for transient faults) and tries again, for at most {@code failoverWait} from the first
 * failure. That must stay well inside the initiator's command timeout (30 s for Linux and ESXi),
 * so the default is 20 s; after it the request fails with {@link BlockDeviceException.Kind#UNAVAILABLE},
 * even if a retry is still in flight. The first attempt is bounded by the transport's own request
 * timeout, not here (no timer on the fast path).
 *
 * <p>Buffer ownership as {@link BlockDevice}: the request's buffers are kept until the request
 * finishes, and each attempt is given a retained duplicate of them (the service takes ownership of
 * the duplicate), so a retry still has the data; the originals are released exactly once when the
 * request finishes, whatever the outcome. A read's buffer that arrives after the request gave up is
 * released here.
 *
 * <p>A retried COMPARE AND WRITE whose first attempt was applied just before its primary died
 * reports a miscompare although the write took effect: the same ambiguity as a SCSI command
 * retried after a lost status.
 */
final class RemoteSubUnit implements BlockDevice {

    static final Duration SAME_PLACEMENT_RETRY = Duration.ofMillis(500);
    private static final long FIRST_POLL_MILLIS = 2;
    private static final long MAX_POLL_MILLIS = 100;

    private final SubUnitId id;
    private final BlockGeometry geometry;
    private final PlacementStore placements;
    private final Nodes nodes;
    private final ScheduledExecutorService timer;
    private final long failoverWaitNanos;
    private final LongSupplier nanoTime;

    RemoteSubUnit(SubUnitId id, int blockSize, long blockCount, PlacementStore placements, Nodes nodes,
                  ScheduledExecutorService timer, Duration failoverWait, LongSupplier nanoTime) {
        this.id = id;
        this.geometry = new BlockGeometry(blockSize, blockCount);
        this.placements = placements;
        this.nodes = nodes;
        this.timer = timer;
        this.failoverWaitNanos = failoverWait.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The sub-unit's share of the LUN; its primary checks every request against its own copy's. */
    @Override
    public BlockGeometry geometry() {
        return geometry;
    }

    /** The buffer returned belongs to the caller. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return new Request<ByteBuf>("read", (s, epoch) -> s.read(id, epoch, lba, blocks), true).start();
    }

    /** Takes ownership of {@code data}. */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        return new Request<Void>("write", (s, epoch) -> s.write(id, epoch, lba, data.retainedDuplicate(), fua), false)
                .releasing(data).start();
    }

    @Override
    public CompletableFuture<Void> flush() {
        return new Request<Void>("flush", (s, epoch) -> s.flush(id, epoch), false).start();
    }

    /** Takes ownership of {@code block}. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
        return new Request<Void>("write same",
                (s, epoch) -> s.writeSame(id, epoch, lba, blocks, block.retainedDuplicate(), unmap, fua), false)
                .releasing(block).start();
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return new Request<Void>("unmap", (s, epoch) -> s.unmap(id, epoch, lba, blocks), false).start();
    }

    /** Takes ownership of {@code verify} and {@code write}. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
        return new Request<Long>("compare and write", (s, epoch) -> {
            ByteBuf v = verify.retainedDuplicate();
            ByteBuf w;
            try {
                w = write.retainedDuplicate();
            } catch (RuntimeException e) {
                v.release();
                throw e;
            }
            return s.compareAndWrite(id, epoch, lba, v, w, fua);
        }, false).releasing(verify, write).start();
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) {
        return new Request<List<LbaExtent>>("get lba status", (s, epoch) -> s.lbaStatus(id, epoch, lba, maxExtents),
                false).start();
    }

    /** One block request and its retries. */
    private final class Request<T> {
        private final String what;
        private final BiFunction<ReplicaService, Long, CompletableFuture<T>> send;
        private final boolean resultIsBuffer;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private final AtomicBoolean finished = new AtomicBoolean();
        private ByteBuf[] owned = new ByteBuf[0];
        private long deadline; // set at the first failure
        private boolean failedOnce;
        private volatile Throwable lastCause;

        Request(String what, BiFunction<ReplicaService, Long, CompletableFuture<T>> send, boolean resultIsBuffer) {
            this.what = what;
            this.send = send;
            this.resultIsBuffer = resultIsBuffer;
        }

        Request<T> releasing(ByteBuf... buffers) {
            owned = buffers;
            return this;
        }

        CompletableFuture<T> start() {
            attempt();
            return result;
        }

        private void attempt() {
            SubUnitPlacement placement = placements.get(id.lunId(), id.index()).orElse(null);
            if (placement == null) {
                failed(null, new ReplicaException(ReplicaException.Kind.UNAVAILABLE, id + " is not placed"));
                return;
            }
            CompletableFuture<T> sent;
            try {
                sent = send.apply(nodes.service(placement.primary()), placement.epoch());
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((value, error) -> {
                if (error == null) {
                    if (finish()) {
                        result.complete(value);
                    } else if (resultIsBuffer) {
                        ReferenceCountUtil.safeRelease(value); // arrived after we gave up
                    }
                } else {
                    failed(placement, error);
                }
            });
        }

        private void failed(SubUnitPlacement used, Throwable error) {
            Throwable cause = unwrap(error);
            if (finished.get()) {
                return;
            }
            if (!retryable(cause)) {
                if (finish()) {
                    result.completeExceptionally(cause instanceof BlockDeviceException b ? b
                            : new BlockDeviceException(BlockDeviceException.Kind.MEDIUM_ERROR,
                                    what + " of " + id + " failed: " + cause.getMessage(), cause));
                }
                return;
            }
            long now = nanoTime.getAsLong();
            lastCause = cause;
            if (!failedOnce) {
                failedOnce = true;
                deadline = now + failoverWaitNanos;
                // bounds a retry that hangs too; finding the request finished, it does nothing
                timer.schedule(() -> giveUp(lastCause), failoverWaitNanos, TimeUnit.NANOSECONDS);
            }
            if (now - deadline >= 0) {
                giveUp(cause);
                return;
            }
            awaitChange(used, cause, FIRST_POLL_MILLIS, now);
        }

        /** Polls the placement until it differs from {@code used}, then retries (bounded by the deadline). */
        private void awaitChange(SubUnitPlacement used, Throwable cause, long delayMillis, long sinceAttempt) {
            timer.schedule(() -> {
                if (finished.get()) {
                    return;
                }
                long now = nanoTime.getAsLong();
                SubUnitPlacement current = placements.get(id.lunId(), id.index()).orElse(null);
                if ((current != null && !Objects.equals(current, used))
                        || now - sinceAttempt >= SAME_PLACEMENT_RETRY.toNanos()) {
                    attempt();
                } else if (now - deadline >= 0) {
                    giveUp(cause);
                } else {
                    awaitChange(used, cause, Math.min(delayMillis * 2, MAX_POLL_MILLIS), sinceAttempt);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        }

        private void giveUp(Throwable cause) {
            if (finish()) {
                result.completeExceptionally(new BlockDeviceException(BlockDeviceException.Kind.UNAVAILABLE,
                        what + " of " + id + ": no primary answered within the failover wait", cause));
            }
        }

        /** Marks the request finished and releases its buffers; true for the one caller that did. */
        private boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            for (ByteBuf b : owned) {
                ReferenceCountUtil.safeRelease(b);
            }
            return true;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Conditions a new primary, a settled placement or a reconnect can cure. */
    private static boolean retryable(Throwable t) {
        if (t instanceof ReplicaException r) {
            return r.kind().retryable();
        }
        return t instanceof CoordinationUnavailableException || t instanceof IOException
                || t instanceof TimeoutException;
    }
}
