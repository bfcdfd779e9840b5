// The ledger's dashboard. Plain JavaScript, no build step, no library.
//
// The page opens one server-sent event stream per member (GET /events on each node), so every
// card shows what that node itself reports. A member whose stream is silent (a proxy that buffers
// event streams, a stream still connecting) is polled instead, at most once a second. The node the
// page came from is the one it talks to (transfers, controls) while it is up; when it stops
// answering, the page switches to another member that still answers and says so in the banner.
'use strict';

(function () {
  const STALE_MS = 2500;        // a member that sent nothing for this long is shown as down
  const POLL_AFTER_MS = 1500;   // a stream silent for this long: ask GET /dashboard/state instead
  const POLL_TIMEOUT_MS = 1000;
  const RENDER_MS = 500;
  const startedAt = Date.now();
  const STATES = {};            // nodeId -> {state, lastSeen, source, url, error}
  let members = [];             // [{id, httpAddress}]
  let originId = null;          // the member this page was loaded from
  let activeId = null;          // the member the page sends its requests to
  let lastTransfer = null;      // the body of the last transfer sent, for "send again"

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c);
    }
    return e;
  }

  function $(id) { return document.getElementById(id); }

  function newMsgId() {
    // crypto.randomUUID needs a secure context, which a plain-HTTP node on another host is not
    const b = new Uint8Array(8);
    crypto.getRandomValues(b);
    return 'web-' + Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString([], {hour12: false});
  }

  // The URL of a member: the page's own origin for the member it came from (whatever host name the
  // visitor used), else the member's configured HTTP address.
  function urlOf(id) {
    if (id === originId) return location.origin;
    const m = members.find(x => x.id === id);
    return 'http://' + m.httpAddress;
  }

  function isUp(id) {
    const s = STATES[id];
    return !!s && !!s.state && Date.now() - s.lastSeen < STALE_MS;
  }

  // ------------------------------------------------------------------ streams

  function watch(id) {
    const entry = STATES[id] || (STATES[id] = {state: null, lastSeen: 0, source: null});
    const source = new EventSource(urlOf(id) + '/events');
    entry.source = source;
    source.onmessage = ev => {
      try {
        entry.state = JSON.parse(ev.data);
        entry.lastSeen = Date.now();
      } catch (e) {
        console.warn('bad event from', id, e);
      }
    };
    // EventSource reconnects by itself (the node asks for 1 s); a member that is down simply
    // stops sending and is shown as down once STALE_MS has passed
  }

  // Bounded polling for the members whose stream is silent: one request at a time per member,
  // at most one a second, each given up after POLL_TIMEOUT_MS.
  function pollSilent() {
    const now = Date.now();
    for (const m of members) {
      const entry = STATES[m.id];
      if (!entry || entry.polling || now - entry.lastSeen < POLL_AFTER_MS || now - (entry.polledAt || 0) < 1000) {
        continue;
      }
      entry.polling = true;
      entry.polledAt = now;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), POLL_TIMEOUT_MS);
      fetch(urlOf(m.id) + '/dashboard/state', {cache: 'no-store', signal: abort.signal})
          .then(r => r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status)))
          .then(state => { entry.state = state; entry.lastSeen = Date.now(); })
          .catch(() => { /* down, or not answering in time: its card says so */ })
          .finally(() => { clearTimeout(timer); entry.polling = false; });
    }
  }

  // a member not heard from yet, just after the page loaded, is connecting, not down
  function isConnecting(id) {
    const s = STATES[id];
    return !isUp(id) && (!s || !s.lastSeen) && Date.now() - startedAt < STALE_MS;
  }

  function chooseActive() {
    if (isUp(originId)) return originId;
    if (activeId && activeId !== originId && isUp(activeId)) return activeId;
    const up = members.map(m => m.id).filter(isUp);
    return up.length ? up[0] : null;
  }

  function leaderState() {
    // the leader as the members that are up report it; its own stream has its samples
    for (const m of members) {
      const s = STATES[m.id];
      if (isUp(m.id) && s.state.role === 'LEADER') return s.state;
    }
    return null;
  }

  function localControls() {
    const a = activeId && STATES[activeId] && STATES[activeId].state;
    return a ? a.local : null;
  }

  // ------------------------------------------------------------------ rendering

  function render() {
    const before = activeId;
    activeId = chooseActive();
    renderBanner(before);
    renderMembers();
    renderSparks();
    renderTimeline();
    renderBalances();
    renderTransfers();
  }

  function renderBanner(before) {
    const b = $('banner');
    b.className = 'banner';
    if (!activeId) {
      b.classList.add('bad');
      b.textContent = 'No member answers. Waiting for one to come back…';
      return;
    }
    const leader = leaderState();
    const active = STATES[activeId].state;
    // the leader's own stream may not be up yet (or it may be cut off): then say whom the active node follows
    const leaderText = leader ? 'leader ' + leader.nodeId + ' (term ' + leader.term + ')'
        : active.leaderId ? 'leader ' + active.leaderId + ' as ' + activeId + ' reports it (term ' + active.term + ')'
        : 'no leader right now';
    if (activeId === originId) {
      b.textContent = 'Connected to ' + originId + ', where this page came from; ' + leaderText + '.';
    } else {
      b.classList.add('warn');
      b.textContent = originId + ', where this page came from, is down: now talking to ' + activeId
          + '; ' + leaderText + '.';
    }
    b.dataset.active = activeId;
    if (before && before !== activeId) console.info('switched from', before, 'to', activeId);
  }

  // Each card is built once and its three parts (head, body, buttons) are replaced only when what
  // they show changes: replacing a button twice a second would swallow a visitor's click that
  // straddles a refresh.
  function renderMembers() {
    const box = $('members');
    const local = localControls();
    $('controls-hint').hidden = !local;
    const stopped = new Set(local ? local.stopped : []);
    const isolated = new Set(local ? local.isolated : []);
    const leader = leaderState();
    const lagOf = {};
    if (leader) for (const f of leader.followers) lagOf[f.id] = f.lag;
    for (const m of members) {
      let card = $('member-' + m.id);
      if (!card) {
        card = el('div', {id: 'member-' + m.id},
            el('div', {class: 'head'}), el('div', {class: 'body'}), el('div', {class: 'actions'}));
        box.append(card);
      }
      const entry = STATES[m.id];
      const up = isUp(m.id);
      const s = up ? entry.state : null;
      const connecting = isConnecting(m.id);
      const role = up ? s.role : (connecting ? 'CONNECTING' : 'DOWN');
      card.className = 'member ' + role;
      card.dataset.role = role;
      const [head, body, actions] = card.children;
      update(head, [role, isolated.has(m.id), stopped.has(m.id)], () => [
        el('span', {class: 'id', text: m.id}),
        el('span', {},
            isolated.has(m.id) ? el('span', {class: 'tag cut', text: 'cut off'}) : null,
            m.id === originId ? el('span', {class: 'tag origin', text: 'this page'}) : null,
            el('span', {class: 'role ' + role,
              text: up || connecting ? role : (stopped.has(m.id) ? 'STOPPED' : 'DOWN')}))]);
      update(body, [up && s, connecting, stopped.has(m.id), lagOf[m.id]], () => cardBody(m.id, s, connecting,
          stopped.has(m.id), lagOf[m.id]));
      update(actions, [!!local, stopped.has(m.id), isolated.has(m.id)], () =>
          local ? controlsFor(m.id, stopped.has(m.id), isolated.has(m.id)) : []);
    }
  }

  // Replaces the children of a part only when the data it shows has changed.
  function update(part, data, build) {
    const sig = JSON.stringify(data, (k, v) => (k === 'at' || k === 'samples') ? undefined : v);
    if (part.dataset.sig === sig) return;
    part.dataset.sig = sig;
    part.replaceChildren(...build());
  }

  function cardBody(id, s, connecting, isStopped, lagBehind) {
    if (!s) {
      return [el('p', {class: 'hint', text: connecting ? 'Connecting to ' + urlOf(id) + '…'
          : isStopped ? 'Stopped from this page; its data is kept.'
          : 'Does not answer at ' + urlOf(id) + '.'})];
    }
    const parts = [el('dl', {},
        el('dt', {text: 'term'}), el('dd', {class: 'term', text: s.term}),
        el('dt', {text: 'leader'}), el('dd', {class: 'leader', text: s.leaderId || 'none known'}),
        el('dt', {text: 'commit'}), el('dd', {class: 'commit', text: s.commitIndex}),
        el('dt', {text: 'applied'}), el('dd', {class: 'applied', text: s.appliedIndex}),
        el('dt', {text: 'last log'}), el('dd', {text: s.lastIndex}))];
    if (s.role === 'LEADER' && s.followers.length) {
      parts.push(el('div', {class: 'lag'}, 'replication lag (entries):'));
      for (const f of s.followers) {
        parts.push(el('div', {class: 'lag', 'data-follower': f.id}, f.id + ': ' + f.lag,
            el('span', {class: 'bar', style: 'width:' + Math.min(120, f.lag) + 'px'})));
      }
    } else if (s.role !== 'LEADER' && lagBehind !== undefined) {
      parts.push(el('div', {class: 'lag'}, 'behind the leader: ' + lagBehind + ' entries'));
    }
    if (!s.running) parts.push(el('div', {class: 'lag', text: 'stopped: ' + (s.failure || 'closed')}));
    return parts;
  }

  function controlsFor(id, isStopped, isIsolated) {
    return [
        isStopped
            ? el('button', {class: 'secondary', 'data-action': 'start', onclick: () => control(id, 'start'),
              text: 'Start'})
            : el('button', {class: 'danger', 'data-action': 'stop', onclick: () => control(id, 'stop'), text: 'Stop'}),
        isIsolated
            ? el('button', {class: 'secondary', 'data-action': 'heal', onclick: () => control(id, 'heal'),
              text: 'Reconnect'})
            : el('button', {class: 'danger', 'data-action': 'isolate', onclick: () => control(id, 'isolate'),
              text: 'Cut off'})];
  }

  function sparkline(svgId, valueId, values, unit) {
    const svg = $(svgId);
    const w = 300, h = 60;
    const nums = values.map(v => (v === null || v === undefined) ? null : v);
    const max = Math.max(1, ...nums.filter(v => v !== null));
    const step = nums.length > 1 ? w / (nums.length - 1) : w;
    const points = nums.map((v, i) => v === null ? null
        : (i * step).toFixed(1) + ',' + (h - 2 - (v / max) * (h - 6)).toFixed(1));
    svg.replaceChildren();
    const ns = 'http://www.w3.org/2000/svg';
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.filter(p => p !== null).join(' '));
    svg.append(line);
    // a value with no neighbour (one busy second among idle ones) would draw no line: a dot then
    points.forEach((p, i) => {
      if (p === null || (points[i - 1] || null) !== null || (points[i + 1] || null) !== null) return;
      const [x, y] = p.split(',');
      const dot = document.createElementNS(ns, 'circle');
      dot.setAttribute('cx', x);
      dot.setAttribute('cy', y);
      dot.setAttribute('r', '2');
      svg.append(dot);
    });
    const last = nums.filter(v => v !== null).pop();
    $(valueId).textContent = last === undefined ? '-' : last + ' ' + unit;
  }

  function renderSparks() {
    const source = leaderState() || (activeId && STATES[activeId].state);
    const samples = source ? source.samples : [];
    sparkline('spark-throughput', 'spark-throughput-value', samples.map(s => s.transfersPerSec), '/s');
    sparkline('spark-latency', 'spark-latency-value', samples.map(s => s.latencyMs), 'ms');
  }

  function renderTimeline() {
    // every member's own record of leader changes, merged: the same term and leader seen by
    // several members is one event, at the time the first of them saw it
    const seen = new Map();
    for (const m of members) {
      const s = STATES[m.id] && STATES[m.id].state;
      if (!s) continue;
      for (const c of s.leaderChanges) {
        const key = c.term + '/' + (c.leaderId || '');
        const prev = seen.get(key);
        if (!prev || c.at < prev.at) seen.set(key, c);
      }
    }
    const events = [...seen.values()].sort((a, b) => b.at - a.at || b.term - a.term).slice(0, 30);
    $('timeline').replaceChildren(...events.map(c => el('li', {class: c.leaderId ? 'elected' : 'election'},
        el('time', {text: time(c.at)}),
        c.leaderId ? 'term ' + c.term + ': ' + c.leaderId + ' leads'
            : 'term ' + c.term + ': no leader, election running')));
  }

  function renderBalances() {
    const ids = new Set();
    for (const m of members) {
      const s = STATES[m.id] && STATES[m.id].state;
      if (isUp(m.id)) s.accounts.list.forEach(a => ids.add(a.id));
    }
    const leader = leaderState();
    const leaderBalances = {};
    if (leader) leader.accounts.list.forEach(a => { leaderBalances[a.id] = a.balance; });
    const head = el('tr', {}, el('th', {text: 'account'}), ...members.map(m => {
      const s = isUp(m.id) ? STATES[m.id].state : null;
      return el('th', {class: 'num'}, m.id + (s ? ' (applied ' + s.appliedIndex + ')'
          : isConnecting(m.id) ? ' (connecting)' : ' (down)'));
    }));
    const rows = [...ids].sort().map(id => el('tr', {'data-account': id}, el('td', {text: id}), ...members.map(m => {
      if (!isUp(m.id)) return el('td', {class: 'num gone', 'data-node': m.id, text: '-'});
      const a = STATES[m.id].state.accounts.list.find(x => x.id === id);
      const value = a ? a.balance : '-';
      const differs = leader && leaderBalances[id] !== undefined && value !== leaderBalances[id];
      return el('td', {class: 'num' + (differs ? ' differs' : ''), 'data-node': m.id, text: value});
    })));
    const table = $('balances');
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    if (!rows.length) table.append(el('tbody', {}, el('tr', {}, el('td', {text: 'No accounts yet: open two below.'}))));
    $('account-ids').replaceChildren(...[...ids].sort().map(id => el('option', {value: id})));
  }

  function renderTransfers() {
    const s = activeId && STATES[activeId].state;
    $('transfers-source').textContent = s ? 'as applied on ' + s.nodeId + ', newest first' : '';
    const list = s ? s.transfers : [];
    const head = el('tr', {}, ...['index', 'term', 'msgId', 'from', 'to', 'amount', 'outcome', 'created']
        .map(t => el('th', {class: t === 'amount' || t === 'index' ? 'num' : null, text: t})));
    const rows = list.map(t => el('tr', {'data-msgid': t.msgId},
        el('td', {class: 'num', text: t.index}), el('td', {text: t.term}), el('td', {text: t.msgId}),
        el('td', {text: t.from}), el('td', {text: t.to}), el('td', {class: 'num', text: t.amount}),
        el('td', {text: t.status === 'COMMITTED' ? 'committed' : 'rejected: ' + t.reason}),
        el('td', {text: t.createdAt.replace('T', ' ').replace('Z', '')})));
    $('transfers').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  }

  // ------------------------------------------------------------------ actions

  async function post(path, body) {
    const target = activeId;
    if (!target) throw new Error('no member answers');
    const response = await fetch(urlOf(target) + path, {
      method: 'POST',
      headers: body === undefined ? {} : {'Content-Type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    let json = null;
    try { json = await response.json(); } catch (e) { /* an empty answer */ }
    return {target, status: response.status, json};
  }

  function showOutcome(box, cls, ...parts) {
    box.hidden = false;
    box.className = 'outcome ' + cls;
    box.replaceChildren(...parts);
  }

  async function sendTransfer(body) {
    lastTransfer = body;
    const box = $('outcome');
    $('t-send').disabled = true;
    showOutcome(box, 'pending', 'Sending ' + body.msgId + '…');
    try {
      const r = await post('/transfers', body);
      const j = r.json || {};
      if (r.status === 200 || r.status === 422) {
        // a definite outcome: the next Send is a new transfer; "send again" repeats this one
        $('t-msgid').value = newMsgId();
      }
      if (r.status === 200) {
        showOutcome(box, 'committed' + (j.duplicate ? ' duplicate' : ''),
            el('strong', {text: j.duplicate ? 'DUPLICATE: ' : 'COMMITTED: '}),
            j.duplicate ? 'msgId ' + j.msgId + ' was already recorded at index ' + j.index
                + '; nothing moved a second time.'
                : j.amount + ' from ' + j.from + ' to ' + j.to + ' at index ' + j.index + ', term ' + j.term
                + ' (via ' + r.target + ').');
      } else if (r.status === 422) {
        showOutcome(box, 'rejected', el('strong', {text: 'REJECTED: '}), j.reason
            + (j.duplicate ? ' (duplicate: the recorded outcome)' : '') + '. Recorded for msgId ' + j.msgId + '.');
      } else if (r.status === 503 && j.error === 'UNKNOWN_OUTCOME') {
        showOutcome(box, 'unknown', el('strong', {text: 'OUTCOME UNKNOWN: '}), j.message);
      } else {
        showOutcome(box, 'error', el('strong', {text: r.status + ' ' + (j.error || '') + ': '}), j.message || '');
      }
    } catch (e) {
      showOutcome(box, 'unknown', el('strong', {text: 'NO ANSWER: '}),
          'the node did not answer (' + e.message + '). The transfer may or may not have happened: '
          + 'send it again with the same msgId to find out.');
    } finally {
      $('t-send').disabled = false;
      $('t-again').hidden = false;
    }
  }

  async function control(id, action) {
    const box = $('account-outcome');
    try {
      const r = await post('/demo/nodes/' + encodeURIComponent(id) + '/' + action);
      if (r.status >= 300) {
        showOutcome(box, 'error', (r.json && r.json.message) || ('HTTP ' + r.status));
      }
    } catch (e) {
      // stopping the node the page talks to closes the connection before it can answer
      if (!(action === 'stop' && id === activeId)) showOutcome(box, 'error', action + ' ' + id + ': ' + e.message);
    }
  }

  async function createAccount(ev) {
    ev.preventDefault();
    const box = $('account-outcome');
    try {
      const r = await post('/accounts', {id: $('a-id').value.trim(), initialBalance: $('a-balance').value.trim()});
      const j = r.json || {};
      if (r.status === 201) {
        showOutcome(box, 'committed', 'Opened ' + j.id + ' with ' + j.balance + '.');
        $('a-id').value = '';
      } else {
        showOutcome(box, 'error', el('strong', {text: r.status + ' ' + (j.error || '') + ': '}), j.message || '');
      }
    } catch (e) {
      showOutcome(box, 'error', 'no answer: ' + e.message);
    }
  }

  // ------------------------------------------------------------------ start

  async function init() {
    $('t-msgid').value = newMsgId();
    $('t-new-id').addEventListener('click', () => { $('t-msgid').value = newMsgId(); });
    $('transfer-form').addEventListener('submit', ev => {
      ev.preventDefault();
      sendTransfer({
        msgId: $('t-msgid').value.trim(), from: $('t-from').value.trim(),
        to: $('t-to').value.trim(), amount: $('t-amount').value.trim()
      });
    });
    $('t-again').addEventListener('click', () => { if (lastTransfer) sendTransfer(lastTransfer); });
    $('account-form').addEventListener('submit', createAccount);

    const first = await (await fetch('/dashboard/state', {cache: 'no-store'})).json();
    originId = first.nodeId;
    activeId = originId;
    members = first.members;
    STATES[originId] = {state: first, lastSeen: Date.now(), source: null};
    members.forEach(m => watch(m.id));
    render();
    setInterval(() => { pollSilent(); render(); }, RENDER_MS);
  }

  init().catch(e => {
    $('banner').className = 'banner bad';
    $('banner').textContent = 'The dashboard could not start: ' + e.message;
  });
})();
