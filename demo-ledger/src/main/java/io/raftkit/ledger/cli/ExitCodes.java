package io.raftkit.ledger.cli;

/** The CLI's exit codes (documented in docs/ledger.md). */
final class ExitCodes {
    static final int OK = 0;
    /** An error with a one-line reason: a definite error answer, no node reachable, a failed check. */
    static final int FAILURE = 1;
    /** Bad command line (picocli's usage error). */
    static final int USAGE = 2;
    /** The transfer got a definite rejection (insufficient funds, unknown account): nothing moved. */
    static final int REJECTED = 3;
    /** The transfer's outcome is unknown: retry with the printed msgId. */
    static final int OUTCOME_UNKNOWN = 4;

    private ExitCodes() {
    }
}
