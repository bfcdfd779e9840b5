package io.raftkit.sim.lin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates key-value histories from a real sequential execution: every operation gets a call
 * time, a linearization point strictly inside its interval and a return time; the operations
 * are applied to a real map in the order of their linearization points to compute the outputs.
 * The histories are therefore linearizable by construction. Each client has one operation
 * outstanding at a time, except that an operation with an unknown outcome may take effect
 * (or not) long after the client moved on.
 */
final class RandomKvHistories {

    /** The generator's knobs. */
    record Config(int operations, int clients, int keys, double unknownRate, boolean appendAndCas) {
    }

    private RandomKvHistories() {
    }

    static History<KvInput, KvOutput> generate(long seed, Config config) {
        Random random = new Random(seed);
        long[] nextCall = new long[config.clients()];
        for (int c = 0; c < nextCall.length; c++) {
            nextCall[c] = random.nextInt(10);
        }
        List<Planned> planned = new ArrayList<>();
        Map<String, List<String>> written = new HashMap<>();
        for (int id = 0; id < config.operations(); id++) {
            int client = 0;
            for (int c = 1; c < nextCall.length; c++) {
                if (nextCall[c] < nextCall[client]) {
                    client = c;
                }
            }
            String key = "k" + random.nextInt(config.keys());
            String value = "v" + id;
            KvInput input;
            // without append and cas: half gets, half puts; with them: 40% get, 30% put, 20% append, 10% cas
            int kind = config.appendAndCas() ? random.nextInt(10) : random.nextInt(2) * 4;
            if (kind < 4) {
                input = KvInput.get(key);
            } else if (kind < 7) {
                input = KvInput.put(key, value);
            } else if (kind < 9) {
                input = KvInput.append(key, "+" + id);
            } else {
                List<String> seen = written.getOrDefault(key, List.of());
                String expected = seen.isEmpty() || random.nextInt(4) == 0
                        ? null
                        : seen.get(seen.size() - 1 - random.nextInt(Math.min(3, seen.size())));
                input = KvInput.cas(key, expected, value);
            }
            if (input instanceof KvInput.Put || input instanceof KvInput.Cas) {
                written.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
            long call = nextCall[client];
            boolean unknown = random.nextDouble() < config.unknownRate();
            long lin = call + 1 + random.nextInt(unknown ? 60 : 20);
            long ret = lin + 1 + random.nextInt(20);
            boolean takesEffect = !unknown || random.nextBoolean();
            long clientResumes = unknown ? call + 30 : ret;
            nextCall[client] = clientResumes + 1 + random.nextInt(10);
            planned.add(new Planned(id, client, input, call, lin, ret, unknown, takesEffect));
        }

        List<Planned> byLin = new ArrayList<>(planned);
        byLin.sort(Comparator.comparingLong(Planned::lin).thenComparingInt(Planned::id));
        Map<String, String> store = new HashMap<>();
        KvOutput[] outputs = new KvOutput[planned.size()];
        for (Planned p : byLin) {
            if (p.takesEffect()) {
                outputs[p.id()] = apply(store, p.input());
            }
        }
        List<Operation<KvInput, KvOutput>> ops = new ArrayList<>();
        for (Planned p : planned) {
            ops.add(p.unknown()
                    ? Operation.unknown(p.id(), p.client(), p.input(), p.call())
                    : Operation.completed(p.id(), p.client(), p.input(), outputs[p.id()], p.call(), p.ret()));
        }
        return new History<>(ops);
    }

    private static KvOutput apply(Map<String, String> store, KvInput input) {
        if (input instanceof KvInput.Get get) {
            return KvOutput.value(store.get(get.key()));
        }
        if (input instanceof KvInput.Put put) {
            store.put(put.key(), put.value());
            return KvOutput.done();
        }
        if (input instanceof KvInput.Append append) {
            store.merge(append.key(), append.suffix(), String::concat);
            return KvOutput.done();
        }
        KvInput.Cas cas = (KvInput.Cas) input;
        boolean matches = Objects.equals(store.get(cas.key()), cas.expected());
        if (matches) {
            store.put(cas.key(), cas.update());
        }
        return KvOutput.swapped(matches);
    }

    private record Planned(int id, int client, KvInput input, long call, long lin, long ret, boolean unknown,
            boolean takesEffect) {
    }
}
