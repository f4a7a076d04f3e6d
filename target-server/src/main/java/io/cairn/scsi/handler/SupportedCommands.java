package io.cairn.scsi.handler;

import java.util.List;

/**
 * The opcode table as REPORT SUPPORTED OPERATION CODES reads it (SPC-4 6.35). It belongs to the
 * handlers so that reading the table needs nothing from the package that builds it; the opcode
 * registry implements it.
 */
public interface SupportedCommands {

    /** One supported command, as SPC-4 6.35.2 and 6.35.3 describe it. */
    interface Command {

        int opcode();

        /** The service action, or -1 for an opcode without service actions. */
        int serviceAction();

        int cdbLength();

        /** CDB USAGE DATA (SPC-4 6.35.3), {@link #cdbLength} bytes; not to be modified. */
        byte[] usage();

        default boolean hasServiceAction() {
            return serviceAction() >= 0;
        }
    }

    /** Every supported command, ascending by opcode then service action. */
    List<? extends Command> entries();

    /** The command for {@code opcode} and {@code serviceAction} (-1 for none), or null. */
    Command find(int opcode, int serviceAction);

    /** Whether the opcode is supported and carries a service action field (SPC-4 6.35.2 SERVACTV). */
    boolean hasServiceActions(int opcode);
}
