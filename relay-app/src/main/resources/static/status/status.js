// The status page: reads this site's API every REFRESH_MS with the token the operator entered, kept in this tab's
// sessionStorage and sent only as "Authorization: Bearer" (never in a URL); /health is public and read without it.
'use strict';

(() => {
  const TOKEN_KEY = 'ops-db-relay.status.token';
  const REFRESH_MS = 2000;
  const FAILED_PAGE = 100;
  const byId = (id) => document.getElementById(id);
  const plots = {};
  let failedShown = '';
  let siteName = '';

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  async function request(method, path) {
    const headers = { Accept: 'application/json' };
    const current = token();
    if (current) {
      headers.Authorization = 'Bearer ' + current;
    }
    const response = await fetch(path, { method, headers, cache: 'no-store' });
    let body = null;
    try {
      body = await response.json();
    } catch (notJson) {
      body = null;
    }
    return { status: response.status, ok: response.ok, body };
  }

  function refusal(answer) {
    const detail = answer.body && (answer.body.detail || answer.body.title);
    return 'HTTP ' + answer.status + (detail ? ': ' + detail : '');
  }

  // What the page says: about the last refresh (replaced by the next one) or about an operator's action (kept).
  function say(text, isError, aboutAction) {
    const message = byId('message');
    message.textContent = text;
    message.className = isError ? 'error' : '';
    message.dataset.about = aboutAction ? 'action' : 'refresh';
  }

  function showOverall(state) {
    const overall = byId('overall');
    overall.textContent = state;
    overall.className = 'state ' + state.toLowerCase().replace(/ /g, '-');
  }

  function setText(id, text) {
    byId(id).textContent = text;
  }

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) {
      made.textContent = String(text);
    }
    if (className) {
      made.className = className;
    }
    return made;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
      return 'unknown';
    }
    if (seconds < 60) {
      return seconds.toFixed(1) + ' s';
    }
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) {
      return minutes + ' min ' + Math.floor(seconds % 60) + ' s';
    }
    return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function bytes(count) {
    if (count < 1024) {
      return count + ' B';
    }
    if (count < 1024 * 1024) {
      return (count / 1024).toFixed(1) + ' KiB';
    }
    return (count / 1024 / 1024).toFixed(1) + ' MiB';
  }

  function stateBadge(state) {
    return element('span', state, 'state ' + String(state).toLowerCase());
  }

  async function refreshHealth() {
    const answer = await request('GET', 'health');
    const health = answer.body;
    if (!health || !health.components) {
      showOverall('NO ANSWER');
      return;
    }
    siteName = health.site_name;
    setText('site-name', health.site_name);
    setText('site-type', health.site_type);
    document.title = 'ops-db-relay ' + health.site_name + ': ' + health.status;
    showOverall(health.status);
    const items = Object.entries(health.components).map(([name, state]) => {
      const item = element('li');
      item.dataset.component = name;
      item.append(element('span', name), stateBadge(state));
      return item;
    });
    byId('components').replaceChildren(...items, ...byId('components').querySelectorAll('li.origin'));
  }

  function showFigures(buffer, latest) {
    setText('in-flight', buffer.in_flight);
    // The site looks for the oldest at most every few seconds: with nothing in flight there is none, whatever it says.
    setText('oldest-in-flight', buffer.in_flight === 0 ? 'none' : duration(buffer.oldest_in_flight_age_seconds));
    setText(
      'replica-lag',
      duration(buffer.replica_lag_seconds) + ', ' + bytes(buffer.replica_lag_bytes || 0));
    setText(
      'apply-rate',
      latest && latest.applied_per_second !== null ? latest.applied_per_second.toFixed(1) + ' /s' : 'not yet sampled');
    setText('failed-count', buffer.failed + ' / ' + buffer.discarded);
    const list = byId('components');
    list.querySelectorAll('li.origin').forEach((item) => item.remove());
    // At the main site: each origin site's applier, with the commands waiting for it.
    Object.entries(buffer.origin_sites || {}).forEach(([site, origin]) => {
      const item = element('li', null, 'origin');
      const waiting = origin.waiting_commands === null ? '' : ', ' + origin.waiting_commands + ' waiting';
      item.append(element('span', 'applier ' + site + waiting), stateBadge(origin.state));
      if (origin.refusal) {
        item.title = origin.refusal;
      }
      list.append(item);
    });
  }

  function plot(id, label, times, values) {
    const figure = byId(id);
    const data = [times, values];
    if (window.uPlot) {
      if (!plots[id]) {
        const options = {
          width: Math.max(320, Math.min(640, window.innerWidth / 2 - 60)),
          height: 220,
          scales: { x: { time: true } },
          legend: { show: false },
          series: [{}, { label, stroke: '#2563eb', fill: 'rgba(37, 99, 235, 0.12)', width: 2 }],
        };
        plots[id] = new window.uPlot(options, data, figure.querySelector('.canvas'));
      } else {
        plots[id].setData(data);
      }
    }
    // What the plot shows, readable without looking at its canvas.
    figure.dataset.points = String(times.length);
    const last = values.length ? values[values.length - 1] : null;
    figure.dataset.last = last === null ? '' : String(last);
    figure.dataset.lastAt = times.length ? String(times[times.length - 1]) : '';
  }

  function showHistory(history) {
    const samples = history.samples;
    const times = samples.map((sample) => Date.parse(sample.at) / 1000);
    plot('in-flight-plot', 'in flight', times, samples.map((sample) => sample.in_flight));
    plot('apply-rate-plot', 'applied per second', times, samples.map((sample) => sample.applied_per_second));
    return samples.length ? samples[samples.length - 1] : null;
  }

  function actionButton(action, transactionId) {
    const button = element('button', action === 'retry' ? 'Retry' : 'Discard', action);
    button.type = 'button';
    button.dataset.action = action;
    button.dataset.transactionId = transactionId;
    return button;
  }

  function showFailed(page) {
    // Rebuilt only when it changed, so a button is not replaced under the operator's pointer.
    const shown = JSON.stringify(page.transactions.map((tx) => [tx.transaction_id, tx.attempt, tx.error]));
    if (shown === failedShown) {
      return;
    }
    failedShown = shown;
    const rows = page.transactions.map((tx) => {
      const row = element('tr');
      row.dataset.transactionId = tx.transaction_id;
      const id = element('td');
      id.append(element('code', tx.transaction_id));
      const actions = element('td', null, 'actions');
      actions.append(actionButton('retry', tx.transaction_id), ' ', actionButton('discard', tx.transaction_id));
      row.append(
        id,
        element('td', tx.site || siteName),
        element('td', tx.attempt),
        element('td', tx.acknowledged_at ? new Date(tx.acknowledged_at).toISOString().replace('T', ' ') : ''),
        element('td', tx.error, 'reason'),
        actions);
      return row;
    });
    byId('failed-rows').replaceChildren(...rows);
    byId('failed-empty').hidden = rows.length > 0;
    byId('failed-more').hidden = !page.next_cursor;
  }

  function clearData() {
    ['in-flight', 'oldest-in-flight', 'replica-lag', 'apply-rate', 'failed-count'].forEach((id) => setText(id, '–'));
    byId('failed-rows').replaceChildren();
    failedShown = '';
  }

  async function refresh() {
    try {
      await refreshHealth();
    } catch (unreachable) {
      say('The site does not answer: ' + unreachable.message, true);
      return;
    }
    setText('token-state', token() ? 'token set (this tab only)' : '');
    if (!token()) {
      clearData();
      say('Enter an API token to see the figures and the FAILED transactions.');
      return;
    }
    const [buffer, history, failed] = await Promise.all([
      request('GET', 'api/buffer'),
      request('GET', 'api/status/history'),
      request('GET', 'api/transactions?state=FAILED&limit=' + FAILED_PAGE),
    ]);
    const refused = [buffer, history, failed].find((answer) => !answer.ok);
    if (refused) {
      clearData();
      say(
        refused.status === 401
          ? 'The token was refused: enter another.'
          : 'The site refused to answer: ' + refusal(refused),
        true);
      return;
    }
    showFigures(buffer.body, showHistory(history.body));
    showFailed(failed.body);
    if (byId('message').dataset.about !== 'action') {
      say('');
    }
  }

  async function act(action, transactionId) {
    if (action === 'discard' && !window.confirm('Discard ' + transactionId + ' for good?')) {
      return;
    }
    document
      .querySelectorAll('button[data-transaction-id="' + transactionId + '"]')
      .forEach((button) => { button.disabled = true; });
    const answer = await request('POST', 'api/transactions/' + encodeURIComponent(transactionId) + '/' + action);
    if (answer.ok) {
      say((action === 'retry' ? 'Retried ' : 'Discarded ') + transactionId + ': now ' + answer.body.state
        + ', attempt ' + answer.body.attempt + '.', false, true);
    } else {
      say((action === 'retry' ? 'Retry' : 'Discard') + ' of ' + transactionId + ' refused: ' + refusal(answer),
        true, true);
      failedShown = ''; // the buttons come back with the next refresh
    }
    await refresh();
  }

  function loop() {
    refresh()
      .catch((failure) => say('Refresh failed: ' + failure.message, true))
      .finally(() => setTimeout(loop, REFRESH_MS));
  }

  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const entered = byId('token').value.trim();
    byId('token').value = '';
    if (entered) {
      sessionStorage.setItem(TOKEN_KEY, entered);
      say('');
      refresh();
    }
  });
  byId('token-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    clearData();
    refresh();
  });
  byId('failed-rows').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button) {
      act(button.dataset.action, button.dataset.transactionId)
        .catch((failure) => say('Request failed: ' + failure.message, true, true));
    }
  });
  loop();
})();
