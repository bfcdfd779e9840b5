package io.raftkit.ledger.client;

import java.util.List;

/**
 * The cluster's configuration once a membership change has committed.
 *
 * @param voters   the voters
 * @param learners the learners (members that receive the log but do not vote)
 */
public record Membership(List<String> voters, List<String> learners) {
    public Membership {
        voters = List.copyOf(voters);
        learners = List.copyOf(learners);
    }
}
