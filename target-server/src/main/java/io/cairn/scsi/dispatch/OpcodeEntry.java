package io.cairn.scsi.dispatch;

import io.cairn.scsi.AluaState;
import io.cairn.scsi.cdb.CdbLayout;
import io.cairn.scsi.handler.CommandHandler;
import io.cairn.scsi.handler.SupportedCommands;
import io.cairn.scsi.pr.ConflictClass;
import java.util.Set;

/**
 * One supported command: everything the pipeline, REPORT SUPPORTED OPERATION CODES and the handler
 * dispatch need to know about it.
 *
 * @param serviceAction  the service action, or -1 for an opcode without service actions
 * @param layout         the command's CDB format, from which the core decodes it
 * @param usage          CDB USAGE DATA (SPC-4 6.35.3): a bit set for every CDB bit the device server interprets
 * @param conflict       how it behaves under a reservation held by another nexus (SPC-4 5.14.2)
 * @param alua           the ALUA states in which the command is processed (SPC-4 5.11.2.4)
 * @param writesMedium   refused with DATA PROTECT when the medium is write protected (SPC-4 7.5.8 SWP)
 * @param traits         further rules the core applies before the handler runs
 */
public record OpcodeEntry(
        int opcode,
        int serviceAction,
        String name,
        CdbLayout layout,
        DataPhase phase,
        CommandHandler handler,
        byte[] usage,
        ConflictClass conflict,
        Set<AluaState> alua,
        boolean writesMedium,
        Set<CommandTrait> traits) implements SupportedCommands.Command {

    public OpcodeEntry {
        traits = Set.copyOf(traits);
    }

    /** The CDB length the command defines. */
    @Override
    public int cdbLength() {
        return layout.length();
    }

    @Override
    public boolean hasServiceAction() {
        return serviceAction >= 0;
    }

    public boolean has(CommandTrait trait) {
        return traits.contains(trait);
    }
}
