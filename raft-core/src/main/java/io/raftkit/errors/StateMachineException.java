package io.raftkit.errors;

/**
 * {@link io.raftkit.spi.StateMachine#apply} threw for a committed command. The node stops
 * (fail-stop): every replica applies the same commands, so going on without this one would leave
 * this replica's state diverged from the others for ever, and, were it to become leader, serve
 * reads from that state. The cause is the state machine's exception.
 *
 * <p>A state machine rejects a command it considers invalid by returning a result that says so
 * (deterministically, the same on every replica), never by throwing.
 */
public class StateMachineException extends RuntimeException {

    private final long index;

    public StateMachineException(long index, Throwable cause) {
        super("the state machine threw while applying the committed command at index " + index
                + "; the node stops so that it never serves a state that skipped a command", cause);
        this.index = index;
    }

    /** The log index of the command that could not be applied. */
    public long index() {
        return index;
    }
}
