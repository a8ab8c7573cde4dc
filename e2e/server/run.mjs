// run.mjs drives a kernel through a Jupyter server's REST and WebSocket API
// with @jupyterlab/services, the client library JupyterLab itself uses, for
// e2e/jupyterserver_test.go and e2e/jupyterhub_test.go. It only acts and
// observes: the Go test decides what passes.
//
// Usage: node run.mjs '{"baseUrl": ..., "token": ..., "kernel": ..., "mode": ...}'
// (see serverClientConfig in jupyterserver_test.go).
//
// stdout carries one JSON object a line. {"checkpoint": NAME, ...} pauses
// the session until the test writes a line on stdin (it looks at the
// kernel's processes meanwhile): "ok" goes on, anything else stops. The last
// line is {"report": {...}}. Progress goes to stderr.
import { KernelAPI, KernelManager, ServerConnection } from '@jupyterlab/services';
import { createInterface } from 'node:readline';

// stdout is the test's channel; the library's own console lines
// ("Starting WebSocket: ...") go to stderr with the progress.
console.log = console.info = console.debug = console.warn = console.error;

const cfg = JSON.parse(process.argv[2]);
const timeout = cfg.timeoutMs || 60000;
const report = { kernelId: '', info: null, steps: {}, failure: '' };
const start = performance.now();
const now = () => Math.round(performance.now() - start);
const log = (...a) => console.error(new Date().toISOString().slice(11, 23), ...a);

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

// checkpoint tells the test where the session is and waits for its go-ahead.
async function checkpoint(name, data = {}) {
  log('checkpoint', name);
  process.stdout.write(JSON.stringify({ checkpoint: name, ...data }) + '\n');
  const { value, done } = await stdinLines.next();
  if (done || value.trim() !== 'ok') {
    throw new Error(`the test stopped the session at checkpoint ${name}: ${done ? 'stdin closed' : value}`);
  }
}

function bounded(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// summarize keeps what the test checks of an iopub message.
function summarize(msg) {
  const c = msg.content;
  switch (msg.header.msg_type) {
    case 'status':
      return { state: c.execution_state };
    case 'stream':
      return { name: c.name, text: c.text };
    case 'display_data':
    case 'update_display_data':
    case 'execute_result':
      return { data: c.data };
    case 'error':
      return { ename: c.ename, evalue: c.evalue, traceback: c.traceback };
    default:
      return {};
  }
}

// execute runs code and records every message it caused with its arrival
// time (ms after the request was sent). answer, if given, answers each
// input_request with answer(prompt).
async function execute(kernel, code, { answer, ms = timeout, onBusy } = {}) {
  const t0 = performance.now();
  const at = () => Math.round(performance.now() - t0);
  const rec = { code, iopub: [], stdin: [], reply: null, replyAt: -1, idleAt: -1 };
  const future = kernel.requestExecute({
    code,
    allow_stdin: !!answer,
    stop_on_error: true,
    store_history: true,
  });
  future.onIOPub = (msg) => {
    const e = { at: at(), type: msg.header.msg_type, ...summarize(msg) };
    rec.iopub.push(e);
    if (e.type === 'status' && e.state === 'idle') rec.idleAt = e.at;
    if (e.type === 'status' && e.state === 'busy' && onBusy) onBusy();
  };
  future.onStdin = (msg) => {
    rec.stdin.push({ at: at(), type: msg.header.msg_type, prompt: msg.content.prompt, password: msg.content.password });
    if (answer && msg.header.msg_type === 'input_request') {
      kernel.sendInputReply({ status: 'ok', value: answer(msg.content.prompt) }, msg.header);
    }
  };
  future.onReply = (msg) => {
    rec.replyAt = at();
    rec.reply = { status: msg.content.status, execution_count: msg.content.execution_count, ename: msg.content.ename, evalue: msg.content.evalue };
  };
  try {
    await bounded(future.done, ms, `execute ${JSON.stringify(code.slice(0, 40))}`);
  } finally {
    rec.doneAt = at();
    future.dispose();
  }
  return rec;
}

async function waitIdle(kernel, what) {
  if (kernel.status === 'idle') return;
  await bounded(
    new Promise((resolve) => {
      const f = (_, status) => {
        if (status === 'idle') {
          kernel.statusChanged.disconnect(f);
          resolve();
        }
      };
      kernel.statusChanged.connect(f);
    }),
    timeout,
    what,
  );
}

async function step(name, fn) {
  log('step', name);
  const t0 = performance.now();
  try {
    report.steps[name] = (await fn()) ?? {};
  } catch (e) {
    report.steps[name] = { failure: String(e && e.stack || e) };
    throw new Error(`step ${name}: ${e && e.message || e}`);
  } finally {
    if (report.steps[name]) report.steps[name].ms = Math.round(performance.now() - t0);
  }
}

async function startKernel(manager) {
  const kernel = await bounded(manager.startNew({ name: cfg.kernel }), timeout, 'start kernel');
  report.kernelId = kernel.id;
  kernel.connectionStatusChanged.connect((_, s) => log('connection', s));
  const info = await bounded(kernel.info, timeout, 'kernel_info');
  report.info = {
    protocol_version: info.protocol_version,
    implementation: info.implementation,
    language: info.language_info && info.language_info.name,
    wsProtocol: kernel._ws ? kernel._ws.protocol : '', // private; only reported
  };
  log('kernel', kernel.id, JSON.stringify(report.info));
  return kernel;
}

// smoke is the JupyterHub session: one cell, then shutdown.
async function smoke(settings, manager) {
  const kernel = await startKernel(manager);
  await checkpoint('started', { kernelId: kernel.id });
  await step('execute', () => execute(kernel, cfg.cell));
  await shutdown(settings, kernel);
}

async function shutdown(settings, kernel) {
  await step('shutdown', async () => {
    await bounded(kernel.shutdown(), timeout, 'shutdown (DELETE /api/kernels/ID)');
    const running = await KernelAPI.listRunning(settings);
    return { running: running.map((k) => k.id), status: kernel.status };
  });
  await checkpoint('shutdown');
}

// full is the jupyter_server session: every request a notebook front end makes.
async function full(settings, manager) {
  const kernel = await startKernel(manager);
  await checkpoint('started', { kernelId: kernel.id });

  await step('stream', () => execute(kernel, cfg.cells.stream));
  await step('spin', () => execute(kernel, cfg.cells.spin, { ms: 120000 }));
  await step('complete', async () => {
    const r = await bounded(kernel.requestComplete(cfg.complete), timeout, 'complete_request');
    return { status: r.content.status, matches: r.content.matches, cursor_start: r.content.cursor_start, cursor_end: r.content.cursor_end };
  });
  await step('inspect', async () => {
    const r = await bounded(kernel.requestInspect(cfg.inspect), timeout, 'inspect_request');
    return { status: r.content.status, found: r.content.found, data: r.content.data };
  });
  await step('input', () => execute(kernel, cfg.cells.input, { answer: () => cfg.inputAnswer }));
  await step('interrupt', async () => {
    let busy;
    const isBusy = new Promise((resolve) => (busy = resolve));
    const running = execute(kernel, cfg.cells.sleep, { ms: timeout, onBusy: busy });
    await bounded(isBusy, timeout, 'busy status of the sleeping cell');
    // The cell is running (busy); give it a moment to be inside the sleep.
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    await bounded(kernel.interrupt(), timeout, 'interrupt (POST /api/kernels/ID/interrupt)');
    const rec = await running;
    rec.interruptToDone = Math.round(performance.now() - t0);
    return rec;
  });
  await step('afterInterrupt', () => execute(kernel, cfg.cells.afterInterrupt));

  await checkpoint('before-restart');
  await step('restart', async () => {
    const t0 = performance.now();
    await bounded(kernel.restart(), timeout, 'restart (POST /api/kernels/ID/restart)');
    await waitIdle(kernel, 'idle after restart');
    return { restartMs: Math.round(performance.now() - t0) };
  });
  await step('stateGone', () => execute(kernel, cfg.cells.stateGone));
  await step('afterRestart', () => execute(kernel, cfg.cells.afterRestart));
  await checkpoint('restarted');

  await shutdown(settings, kernel);
}

async function main() {
  const settings = ServerConnection.makeSettings({ baseUrl: cfg.baseUrl, token: cfg.token });
  const manager = new KernelManager({ serverSettings: settings });
  await bounded(manager.ready, timeout, 'kernel manager ready (GET /api/kernels)');
  try {
    if (cfg.mode === 'smoke') await smoke(settings, manager);
    else await full(settings, manager);
  } catch (e) {
    report.failure = String(e && e.message || e);
    log('FAILED:', report.failure);
  } finally {
    manager.dispose();
  }
}

main()
  .catch((e) => {
    report.failure ||= String(e && e.stack || e);
  })
  .finally(() => {
    report.totalMs = now();
    // Lumino pollers and the readline interface would keep Node alive; exit
    // once the report is out (a pipe is written asynchronously).
    process.stdout.write(JSON.stringify({ report }) + '\n', () => process.exit(0));
  });
