package io.cairn.store.oplog;

/**
 * What opening a log found.
 *
 * @param records  records replayed
 * @param from     position of the first of them
 * @param to       position after the last: the log goes on from here
 * @param cut      why the newest segment was cut at {@code to} (a torn or corrupt tail), or null
 */
public record Recovery(long records, long from, long to, String cut) {
}
