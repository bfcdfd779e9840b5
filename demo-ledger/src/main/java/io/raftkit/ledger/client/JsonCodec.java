package io.raftkit.ledger.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Maps the API's JSON (DESIGN.md §6) to the client's records. Money travels as decimal strings. */
final class JsonCodec {

    private final ObjectMapper mapper = new ObjectMapper();

    byte[] write(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode JSON", e);
        }
    }

    /** The body as JSON; a body that is empty or not JSON is an empty object. */
    JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(body);
            return node == null ? mapper.createObjectNode() : node;
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    ObjectNode member(String id, String raftAddress, String httpAddress, boolean learner) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", id);
        o.put("raftAddress", raftAddress);
        o.put("httpAddress", httpAddress);
        o.put("learner", learner);
        return o;
    }

    ObjectNode leader(String id) {
        return mapper.createObjectNode().put("id", id);
    }

    static Membership membership(JsonNode node) {
        List<String> voters = new ArrayList<>();
        node.path("voters").forEach(v -> voters.add(v.asText()));
        List<String> learners = new ArrayList<>();
        node.path("learners").forEach(v -> learners.add(v.asText()));
        return new Membership(voters, learners);
    }

    ObjectNode accountCreation(String id, BigDecimal initialBalance) {
        ObjectNode node = mapper.createObjectNode().put("id", id);
        if (initialBalance != null) {
            node.put("initialBalance", initialBalance.toPlainString());
        }
        return node;
    }

    ObjectNode transfer(TransferRequest request) {
        return mapper.createObjectNode()
                .put("msgId", request.msgId())
                .put("from", request.from())
                .put("to", request.to())
                .put("amount", request.amount().toPlainString());
    }

    static Account account(JsonNode node) {
        return new Account(text(node, "id"), money(node, "balance"));
    }

    static AccountList accountList(JsonNode node) {
        List<Account> accounts = new ArrayList<>();
        for (JsonNode a : node.path("accounts")) {
            accounts.add(account(a));
        }
        return new AccountList(node.path("index").asLong(-1), accounts);
    }

    static TransferOutcome outcome(JsonNode node) {
        String status = node.path("status").asText("");
        boolean duplicate = node.path("duplicate").asBoolean(false);
        return switch (status) {
            case "COMMITTED" -> new TransferOutcome.Committed(text(node, "msgId"), text(node, "from"),
                    text(node, "to"), money(node, "amount"), node.path("index").asLong(-1),
                    node.path("term").asLong(-1), instant(node.path("createdAt")), duplicate);
            case "REJECTED" -> new TransferOutcome.Rejected(text(node, "msgId"), text(node, "reason"),
                    optionalText(node, "from"), optionalText(node, "to"),
                    node.hasNonNull("amount") ? money(node, "amount") : null, node.path("index").asLong(-1),
                    duplicate);
            default -> throw new IllegalArgumentException("unknown transfer status '" + status + "' in " + node);
        };
    }

    static TransferPage transferPage(JsonNode node) {
        List<TransferOutcome> transfers = new ArrayList<>();
        for (JsonNode t : node.path("transfers")) {
            transfers.add(outcome(t));
        }
        return new TransferPage(transfers, node.path("nextAfterIndex").asLong(0));
    }

    static ClusterStatus clusterStatus(JsonNode node) {
        List<ClusterStatus.Member> members = new ArrayList<>();
        for (JsonNode m : node.path("members")) {
            members.add(new ClusterStatus.Member(text(m, "id"), optionalText(m, "raftAddress"),
                    optionalText(m, "httpAddress")));
        }
        return new ClusterStatus(text(node, "nodeId"), optionalText(node, "role"), node.path("term").asLong(0),
                optionalText(node, "leaderId"), node.path("commitIndex").asLong(0),
                node.path("appliedIndex").asLong(0), members);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing '" + field + "' in " + node);
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static BigDecimal money(JsonNode node, String field) {
        return new BigDecimal(text(node, field));
    }

    /** createdAt as ISO-8601 text or epoch milliseconds: the contract does not fix the form. */
    private static Instant instant(JsonNode value) {
        if (value.isNumber()) {
            return Instant.ofEpochMilli(value.asLong());
        }
        String text = value.asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(text));
            } catch (NumberFormatException notMillis) {
                throw new IllegalArgumentException("unreadable createdAt '" + text + "'");
            }
        }
    }
}
