package io.raftkit.spi.message;

/**
 * Answer to a {@link VoteRequest}.
 *
 * @param term    the responder's term; for a granted PreVote, the term of the request
 * @param preVote whether this answers a PreVote
 * @param granted whether the vote (or pre-vote) is granted
 */
public record VoteResponse(String from, String to, long term, boolean preVote, boolean granted)
        implements Message {
    @Override
    public Kind kind() {
        return Kind.VOTE_RESPONSE;
    }
}
