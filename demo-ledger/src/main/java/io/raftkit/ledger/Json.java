package io.raftkit.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkit.ledger.proto.Account;
import io.raftkit.ledger.proto.TransferRecord;
import io.raftkit.ledger.proto.TransferStatus;
import io.raftkit.server.ServerStatus;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;

/** The API's JSON: strict parsing of request bodies and the shapes of DESIGN.md §6. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses a request body that must be one JSON object with only {@code allowed} fields. */
    static ObjectNode object(byte[] body, Set<String> allowed) {
        if (body.length == 0) {
            throw ApiException.badRequest("INVALID_JSON", "the request body is empty; expected a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("INVALID_JSON", "the request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("INVALID_JSON", "the request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("INVALID_JSON", "the request body must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("INVALID_REQUEST", "unknown field \"" + truncate(f) + "\"; allowed: "
                        + allowed);
            }
        }
        return (ObjectNode) node;
    }

    /** A string field, or null if absent; a present non-string value is an error with {@code code}. */
    static String string(ObjectNode o, String field, String code) {
        JsonNode v = o.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(code, "\"" + field + "\" must be a JSON string, was " + v.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT));
        }
        return v.textValue();
    }

    static byte[] error(String code, String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("error", code);
        o.put("message", message);
        return bytes(o);
    }

    static ObjectNode account(Account a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", a.getId());
        o.put("balance", Money.format(a.getBalanceCents()));
        return o;
    }

    /** A recorded transfer; {@code duplicate} is null when answering a read. */
    static ObjectNode transfer(TransferRecord r, Boolean duplicate) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("msgId", r.getMsgId());
        o.put("status", r.getStatus() == TransferStatus.COMMITTED ? "COMMITTED" : "REJECTED");
        if (r.getStatus() != TransferStatus.COMMITTED) {
            o.put("reason", r.getReason());
        }
        o.put("from", r.getFrom());
        o.put("to", r.getTo());
        o.put("amount", Money.format(r.getAmountCents()));
        o.put("index", r.getIndex());
        o.put("term", r.getTerm());
        o.put("createdAt", Instant.ofEpochMilli(r.getCreatedAtMillis()).toString());
        if (duplicate != null) {
            o.put("duplicate", duplicate.booleanValue());
        }
        return o;
    }

    /** A node's view of the cluster, as {@code GET /cluster} and the dashboard both show it. */
    static ObjectNode status(ServerStatus s) {
        ObjectNode o = object();
        o.put("nodeId", s.nodeId());
        o.put("role", s.role().name());
        o.put("term", s.term());
        o.put("leaderId", s.leaderId());
        o.put("commitIndex", s.commitIndex());
        o.put("appliedIndex", s.appliedIndex());
        return o;
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
