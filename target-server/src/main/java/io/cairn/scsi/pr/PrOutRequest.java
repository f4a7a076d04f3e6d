package io.cairn.scsi.pr;

/**
 * A decoded PERSISTENT RESERVE OUT (SPC-4 6.16): the CDB's fields and the raw parameter list
 * (validated by {@link PersistentReservations#out}).
 */
public record PrOutRequest(int serviceAction, int scope, int type, long parameterListLength, byte[] parameterList) {}
