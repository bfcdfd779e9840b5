package io.raftkit.spi.message;

/**
 * RequestVote (Raft §5.2), or a PreVote probe (thesis §9.6) that changes no state on the receiver.
 *
 * @param lastLogIndex index of the candidate's last entry
 * @param lastLogTerm  term of the candidate's last entry
 * @param preVote      true for a PreVote: "would you vote for me in {@code term}?"
 * @param transfer     true when the election was started by a leadership transfer, which may
 *                     pass a receiver that still hears from a leader
 */
public record VoteRequest(String from, String to, long term, long lastLogIndex, long lastLogTerm,
                          boolean preVote, boolean transfer) implements Message {
    @Override
    public Kind kind() {
        return Kind.VOTE_REQUEST;
    }
}
