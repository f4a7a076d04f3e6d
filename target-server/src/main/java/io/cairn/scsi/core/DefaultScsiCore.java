package io.cairn.scsi.core;

import io.cairn.block.BlockDeviceException;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.UnitAttention;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.LunDirectory;
import io.cairn.scsi.NexusRegistry;
import io.cairn.scsi.ScsiCommand;
import io.cairn.scsi.ScsiCore;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.SenseWriter;
import io.cairn.scsi.SharedNexuses;
import io.cairn.scsi.TaskAborter;
import io.cairn.scsi.UnitAttentions;
import io.cairn.scsi.cdb.Cdb;
import io.cairn.scsi.cdb.CdbParser;
import io.cairn.scsi.cdb.Decoded;
import io.cairn.scsi.dispatch.CommandTrait;
import io.cairn.scsi.dispatch.DataPhase;
import io.cairn.scsi.dispatch.OpcodeEntry;
import io.cairn.scsi.dispatch.OpcodeRegistry;
import io.cairn.scsi.dispatch.PreDispatch;
import io.cairn.scsi.handler.CoreServices;
import io.cairn.scsi.handler.Outcome;
import io.cairn.scsi.handler.Request;
import io.cairn.scsi.mode.ModePages;
import io.cairn.scsi.pr.Reservations;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The SCSI core: runs each command through the fixed pre-dispatch pipeline (LUN lookup, unit
 * attention, ALUA state, reservation conflict, CDB decoding, write protection, Data-Out length)
 * and hands it to the handler its {@link OpcodeRegistry} entry names. Events that are not commands
 * (nexus created or lost, resets, port group changes, preempted tasks) are {@link LogicalUnitEvents}'.
 *
 * <p>Buffers: {@link #execute} owns {@code command.dataOut()}; it releases it on every path that
 * does not hand it to a medium handler, which then owns it. Continuations after a store update or
 * device completion run on {@code executor}.
 */
public final class DefaultScsiCore implements ScsiCore {

    private static final int DEFAULT_BLOCK_SIZE = 512;

    private final LunDirectory luns;
    private final ScsiContextStore contexts;
    private final ScsiCoreConfig config;
    private final Executor executor;
    private final OpcodeRegistry registry = OpcodeRegistry.standard();
    private final CoreServices services;
    private final LogicalUnitEvents events;

    /**
     * @param luns         which logical units each target presents
     * @param contexts     the per-LUN SCSI context store (reservations, unit attentions, mode pages)
     * @param config       INQUIRY identity, block limits, ALUA states
     * @param reservations the reservation rules ({@link Reservations#SPC4} in production)
     * @param aborter      aborts tasks of preempted nexuses (PREEMPT AND ABORT)
     * @param executor     runs continuations; never blocks
     */
    public DefaultScsiCore(LunDirectory luns, ScsiContextStore contexts, ScsiCoreConfig config,
            Reservations reservations, TaskAborter aborter, Executor executor) {
        this(luns, contexts, config, reservations, aborter, executor, SharedNexuses.NONE);
    }

    /** @param shared the nexuses of other gateways, for unit attentions raised here (a cluster) */
    public DefaultScsiCore(LunDirectory luns, ScsiContextStore contexts, ScsiCoreConfig config,
            Reservations reservations, TaskAborter aborter, Executor executor, SharedNexuses shared) {
        this.luns = luns;
        this.contexts = contexts;
        this.config = config;
        this.executor = executor;
        this.services = new CoreServices(luns, contexts, config, registry, reservations, aborter,
                new NexusRegistry(), executor, shared);
        this.events = new LogicalUnitEvents(services);
    }

    /** The production wiring: SPC-4 reservation rules. */
    public DefaultScsiCore(LunDirectory luns, ScsiContextStore contexts, ScsiCoreConfig config, TaskAborter aborter,
            Executor executor) {
        this(luns, contexts, config, Reservations.SPC4, aborter, executor);
    }

    @Override
    public CompletableFuture<ScsiResult> execute(ScsiCommand command) {
        ByteBuf dataOut = command.dataOut();
        boolean handedOver = false;
        boolean dsense = false;
        try {
            byte[] raw = command.cdb();
            if (raw == null || raw.length == 0) {
                return finish(Outcome.check(SenseReason.INVALID_COMMAND_OPERATION_CODE), false, 0, false);
            }
            int opcode = raw[0] & 0xFF;
            Optional<LogicalUnit> unit = luns.find(command.targetName(), command.lun());
            // Asked before the context is read: a context read first could predate a catch-up that
            // completed just before the question, and would then be admitted as current.
            boolean current = unit.isEmpty() || contexts.isCurrent(unit.get().id());
            ScsiContext ctx = unit.map(u -> contexts.current(u.id())).orElse(ScsiContext.EMPTY);
            dsense = ModePages.descriptorSense(ctx);
            // Looked up first because its traits steer the first steps; an unsupported command
            // (null) is refused only after them, so a missing LUN or a unit attention wins.
            int sa = registry.serviceActionOf(raw);
            OpcodeEntry entry = registry.find(opcode, sa);

            Outcome stop = PreDispatch.lunLookup(unit.isPresent(), entry);
            if (stop != null) {
                return finish(stop, dsense, 0, false);
            }
            boolean uaExempt = PreDispatch.unitAttentionExempt(entry);
            if (unit.isPresent() && !uaExempt && !current) {
                // Fail closed (architecture.md "Consistency invariants"): with reservations possibly changed elsewhere and not yet
                // seen here, nothing is admitted; BUSY makes the initiator retry (SAM-5 5.3.1).
                return finish(Outcome.status(ScsiResult.BUSY), dsense, 0, false);
            }
            if (unit.isPresent() && !uaExempt) {
                UnitAttention ua = UnitAttentions.oldest(ctx, command.nexus().key());
                if (ua != null) {
                    return reportUnitAttention(unit.get(), command.nexus(), ua, dsense);
                }
            }
            if (entry == null) {
                // SPC-4 4.5.6: unknown opcode vs. unknown service action of a known opcode
                stop = registry.knowsOpcode(opcode) ? Outcome.check(Sense.invalidCdbField(1, 4))
                        : Outcome.check(SenseReason.INVALID_COMMAND_OPERATION_CODE);
                return finish(stop, dsense, 0, false);
            }
            int blockSize = unit.map(u -> u.device().blockSize()).orElse(DEFAULT_BLOCK_SIZE);
            long capacity = unit.map(u -> u.device().blockCount()).orElse(0L);
            Decoded decoded = CdbParser.parse(raw, entry.layout(), sa, blockSize, capacity);
            if (decoded.error() != null) {
                return finish(Outcome.check(decoded.error()), dsense, 0, false);
            }
            Cdb cdb = decoded.cdb();
            final long commandBytes = cdb.dataBytes();
            if (unit.isPresent()) {
                stop = PreDispatch.alua(entry, config.portGroups().stateOf(command.nexus().targetPortGroup()));
                if (stop == null) {
                    stop = PreDispatch.reservation(services.reservations(), ctx, command.nexus(), entry);
                }
                if (stop == null) {
                    stop = PreDispatch.writeProtect(entry, ctx);
                }
                if (stop != null) {
                    return finish(stop, dsense, cdb.dataBytes(), false);
                }
            }
            ByteBuf medium = null;
            byte[] parameters = null;
            if (entry.phase() == DataPhase.MEDIUM_OUT || entry.phase() == DataPhase.PARAMETERS_OUT) {
                long need = cdb.dataBytes();
                int have = dataOut == null ? 0 : dataOut.readableBytes();
                if (entry.has(CommandTrait.REFUSES_DATA_WITHOUT_BLOCKS) && cdb.blocks() == 0 && have > 0) {
                    // SBC-4 5.3: a block count of 0 moves no data; Data-Out sent with it means the
                    // field does not say what the initiator meant.
                    return finish(Outcome.check(Sense.invalidCdbField(cdb.transferLengthOffset(), 7)), dsense, need,
                            false);
                }
                if (have < need) {
                    if (!entry.has(CommandTrait.WRITES_WHOLE_BLOCKS_RECEIVED) || have % blockSize != 0) {
                        // A partial block cannot be written: refused before anything is written.
                        return finish(Outcome.check(SenseReason.INVALID_FIELD_IN_INFORMATION_UNIT), dsense, need, false);
                    }
                    // RFC 7143 11.4.5.2: the whole blocks received are written; the transport
                    // reports the overflow from commandBytes.
                    if (have == 0) {
                        return finish(Outcome.good(), dsense, commandBytes, false);
                    }
                    cdb = cdb.withTransfer(have / blockSize, have);
                    need = have;
                }
                if (entry.phase() == DataPhase.PARAMETERS_OUT) {
                    parameters = new byte[(int) need];
                    if (need > 0) {
                        dataOut.getBytes(dataOut.readerIndex(), parameters);
                    }
                } else if (need > 0) {
                    // excess Data-Out beyond what the CDB asks for is ignored (FCP-4 9.4.2 via libiscsi)
                    medium = dataOut.writerIndex(dataOut.readerIndex() + (int) need);
                    handedOver = true;
                }
            }
            if (!handedOver) {
                release(dataOut);
                handedOver = true;
            }
            // SBC-4 6.5.5: with no write cache (a durable LUN, or WCE=0 set by MODE SELECT) every
            // write completes only once durable
            boolean writeThrough = unit.isPresent() && !ModePages.writeCacheEnabled(ctx, unit.get().device().writeCache());
            Request request = new Request(command, cdb, unit.orElse(null), ctx, medium, parameters, services, writeThrough);
            boolean in = entry.phase() == DataPhase.IN;
            boolean ds = dsense;
            CompletableFuture<Outcome> run;
            try {
                run = entry.handler().handle(request);
            } catch (RuntimeException e) {
                run = CompletableFuture.failedFuture(e);
            }
            return run.handleAsync((o, err) -> err != null ? toResult(failure(err, entry), ds, commandBytes, false)
                    : toResult(o, ds, commandBytes, in), executor);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(toResult(failure(e, null), dsense, 0, false));
        } finally {
            if (!handedOver) {
                release(dataOut);
            }
        }
    }

    @Override
    public CompletableFuture<ScsiResult> fail(ScsiCommand command, SenseReason reason) {
        release(command.dataOut());
        boolean dsense = luns.find(command.targetName(), command.lun())
                .map(u -> ModePages.descriptorSense(contexts.current(u.id()))).orElse(false);
        return finish(Outcome.check(reason), dsense, 0, false);
    }

    /** SAM-5 5.14: reports the oldest pending unit attention and removes it from the nexus's queue. */
    private CompletableFuture<ScsiResult> reportUnitAttention(LogicalUnit unit, ItNexus nexus, UnitAttention ua,
            boolean dsense) {
        Outcome outcome = Outcome.check(UnitAttentions.reasonOf(ua));
        return contexts.<Void>update(unit.id(), c -> new Update<>(UnitAttentions.consume(c, nexus.key(), ua), null))
                .handleAsync((v, err) -> toResult(err == null ? outcome : failure(err, null), dsense, 0, false),
                        executor);
    }

    private CompletableFuture<ScsiResult> finish(Outcome o, boolean dsense, long commandBytes, boolean in) {
        return CompletableFuture.completedFuture(toResult(o, dsense, commandBytes, in));
    }

    /** For Data-In commands the CDB yields exactly the (allocation-length-truncated) Data-In produced. */
    private static ScsiResult toResult(Outcome o, boolean dsense, long commandBytes, boolean in) {
        byte[] sense = o.sense() == null ? null : SenseWriter.encode(o.sense(), dsense);
        long bytes = in && o.status() == ScsiResult.GOOD ? (o.dataIn() == null ? 0 : o.dataIn().readableBytes())
                : commandBytes;
        return new ScsiResult(o.status(), sense, o.dataIn(), bytes);
    }

    /** Maps a failed device or store operation to what the initiator sees. */
    static Outcome failure(Throwable err, OpcodeEntry entry) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof BlockDeviceException bde) {
            boolean writes = entry != null && (entry.writesMedium() || entry.phase() == DataPhase.MEDIUM_OUT);
            return Outcome.check(switch (bde.kind()) {
                case MEDIUM_ERROR -> writes ? SenseReason.WRITE_ERROR : SenseReason.UNRECOVERED_READ_ERROR;
                case WRITE_PROTECTED -> SenseReason.WRITE_PROTECTED;
                case SPACE_EXHAUSTED -> SenseReason.SPACE_ALLOCATION_FAILED_WRITE_PROTECT;
                case UNAVAILABLE -> SenseReason.LUN_NOT_ACCESSIBLE_TARGET_PORT_UNAVAILABLE;
            });
        }
        if (t instanceof CoordinationUnavailableException) {
            // fail closed (architecture.md "Consistency invariants"): the initiator retries, or multipath moves to another gateway
            return Outcome.status(ScsiResult.BUSY);
        }
        return Outcome.check(SenseReason.INTERNAL_TARGET_FAILURE);
    }

    private static void release(ByteBuf buf) {
        if (buf != null && buf.refCnt() > 0) {
            buf.release();
        }
    }

    @Override
    public List<Long> luns(String targetName) {
        return luns.luns(targetName);
    }

    @Override
    public CompletableFuture<Void> logicalUnitReset(ItNexus nexus, String targetName, long lun) {
        return events.logicalUnitReset(nexus, targetName, lun);
    }

    @Override
    public CompletableFuture<Void> targetReset(ItNexus nexus, String targetName, boolean cold) {
        return events.targetReset(nexus, targetName, cold);
    }

    @Override
    public void nexusCreated(ItNexus nexus, String targetName) {
        events.nexusCreated(nexus, targetName);
    }

    @Override
    public CompletableFuture<Void> nexusLost(ItNexus nexus, String targetName) {
        return events.nexusLost(nexus, targetName);
    }

    /** The opcode table this core dispatches with (read-only). */
    public OpcodeRegistry registry() {
        return registry;
    }
}
