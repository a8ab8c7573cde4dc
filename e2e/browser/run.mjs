// run.mjs drives a Jupyter Notebook 6 (classic UI) page in headless Chromium
// for e2e/browser_test.go. It only acts and observes: it prints one JSON
// report on stdout (the last line) and the Go test decides what passes.
//
// Usage: node run.mjs '{"url": ..., "token": ..., "notebook": ..., ...}'
// (see browserConfig in browser_test.go). Progress goes to stderr.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const timeout = cfg.timeoutMs || 60000;
const report = {
  newMenu: [],
  kernelIndicator: '',
  kernelLogo: '',
  busyDuringLoop: false,
  loopStopped: false,
  cells: [],
  screenshots: [],
  failure: '',
  pageErrors: [],
};

const log = (...a) => console.error(new Date().toISOString().slice(11, 23), ...a);

class StepError extends Error {}

async function main() {
  const profile = mkdtempSync(join(tmpdir(), 'spinlab-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.SPINLAB_E2E_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(timeout);
    page.on('pageerror', (e) => report.pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') report.pageErrors.push(m.text());
    });
    try {
      await session(page);
    } catch (e) {
      report.failure = e instanceof StepError ? e.message : String(e && e.stack || e);
      log('FAILED:', report.failure);
      await shot(page, 'failure.png', { fullNotebook: true }).catch(() => {});
    }
    report.cells = await cells(page).catch((e) => {
      report.failure ||= 'reading cells: ' + e;
      return [];
    });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function session(page) {
  const q = `?token=${cfg.token}`;

  log('tree page');
  await page.goto(`${cfg.url}/tree${q}`);
  await page.locator('#new-menu li[id^="kernel-"]').first().waitFor({ state: 'attached' });
  report.newMenu = await page.locator('#new-menu li[id^="kernel-"] a').allInnerTexts();
  if (report.newMenu.length === 0) {
    report.newMenu = await page.locator('#new-menu li[id^="kernel-"] a').allTextContents();
  }
  log('new menu offers', report.newMenu);

  log('open', cfg.notebook);
  await page.goto(`${cfg.url}/notebooks/${cfg.notebook}${q}`);
  await waitFor(page, 'the kernel to start and connect', () =>
    !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel &&
       Jupyter.notebook.kernel.is_connected() &&
       document.querySelector('#kernel_indicator_icon.kernel_idle_icon')));
  report.kernelIndicator = (await page.locator('.kernel_indicator_name').innerText()).trim();
  // The notebook shows the kernelspec's logo-64x64.png in its header.
  report.kernelLogo = await page.evaluate(async () => {
    const img = document.querySelector('#kernel_logo_widget img');
    if (!img || !img.getAttribute('src')) return '';
    for (let i = 0; i < 50 && !img.complete; i++) await new Promise((r) => setTimeout(r, 100));
    const shown = img.offsetWidth > 0 && getComputedStyle(img).display !== 'none' ? '' : ' (hidden)';
    return img.naturalWidth > 0 ? `${img.getAttribute('src')} ${img.naturalWidth}x${img.naturalHeight}${shown}` : `${img.getAttribute('src')} (not loaded)`;
  });
  log('kernel', report.kernelIndicator);

  // Every cell above the loop, with the menu a user would use.
  await selectCell(page, cfg.loop);
  await page.click('#celllink');
  await page.click('#run_all_cells_above a');
  await waitRan(page, [...Array(cfg.loop).keys()], 'Run All Above');
  await shot(page, 'notebook.png', { fullNotebook: true });
  await shot(page, 'spin-cell.png', { cell: cfg.spin });

  log('run the loop');
  await selectCell(page, cfg.loop);
  await page.click('button[data-jupyter-action="jupyter-notebook:run-cell-and-select-next"]');
  await waitFor(page, 'the loop cell to run with the kernel busy', (i) =>
    Jupyter.notebook.get_cell(i).input_prompt_number === '*' &&
    !!document.querySelector('#kernel_indicator_icon.kernel_busy_icon'), cfg.loop);
  report.busyDuringLoop = true;
  // Not a timing check: only so that the interrupt lands in the loop itself,
  // not in the kernel's preparation of the cell.
  await page.waitForTimeout(1000);
  await shot(page, 'loop-running.png', { cell: cfg.loop });

  log('interrupt');
  await page.click('button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]');
  await waitRan(page, [cfg.loop], 'the interrupt to stop the loop cell');
  report.loopStopped = true;

  log('run the cell after it');
  await selectCell(page, cfg.after);
  await page.click('button[data-jupyter-action="jupyter-notebook:run-cell-and-select-next"]');
  await waitRan(page, [cfg.after], 'the cell after the interrupt');
  await shot(page, 'after-interrupt.png', { fullNotebook: true });
}

async function selectCell(page, i) {
  const cell = page.locator('.cell').nth(i);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator('.input_prompt').click();
}

// waitRan waits until each cell in idx has finished (its prompt is no longer
// "*") and the kernel is idle.
async function waitRan(page, idx, what) {
  await waitFor(page, what, (idx) =>
    idx.every((i) => Jupyter.notebook.get_cell(i).input_prompt_number !== '*') &&
    !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon'), idx);
}

// waitFor polls fn in the page until it is true. It fails early, with what
// the page shows, when the kernel died or a dialog opened.
async function waitFor(page, what, fn, arg) {
  log('waiting for', what);
  const deadline = Date.now() + timeout;
  const src = `(${fn.toString()})`;
  for (;;) {
    const state = await page.evaluate(([src, arg]) => {
      const modal = document.querySelector('.modal.in, .modal.show');
      const icon = document.querySelector('#kernel_indicator_icon');
      let ok = false;
      try { ok = eval(src)(arg); } catch (e) { ok = false; }
      return {
        ok,
        modal: modal ? modal.innerText.trim() : '',
        icon: icon ? icon.className : '',
        notification: (document.querySelector('#notification_kernel') || {}).innerText || '',
      };
    }, [src, arg]);
    if (state.ok) return;
    if (state.modal) throw new StepError(`waiting for ${what}: a dialog opened: ${state.modal}`);
    if (/kernel_dead_icon/.test(state.icon)) {
      throw new StepError(`waiting for ${what}: the kernel died (${state.notification})`);
    }
    if (Date.now() > deadline) {
      throw new StepError(`waiting for ${what}: gave up after ${timeout} ms (kernel icon ${state.icon}, notification ${JSON.stringify(state.notification)})`);
    }
    await page.waitForTimeout(200);
  }
}

async function shot(page, name, { cell, fullNotebook } = {}) {
  const path = join(cfg.screenshots, name);
  if (cell === undefined && !fullNotebook) {
    await page.screenshot({ path });
  } else {
    // The notebook scrolls inside #site under a fixed header, so neither a
    // full-page nor a scrolled element screenshot shows a tall cell whole:
    // grow the viewport to the notebook's height instead.
    const h = await page.evaluate(() => {
      const c = document.querySelector('#notebook-container');
      const head = document.querySelector('#header');
      return Math.ceil((c ? c.scrollHeight : 900) + (head ? head.offsetHeight : 0) + 60);
    });
    const vp = page.viewportSize();
    await page.setViewportSize({ width: vp.width, height: Math.min(Math.max(h, vp.height), 8000) });
    await page.evaluate(() => { const s = document.querySelector('#site'); if (s) s.scrollTop = 0; });
    await page.waitForTimeout(300);
    if (cell !== undefined) {
      await page.locator('.cell').nth(cell).screenshot({ path });
    } else {
      await page.screenshot({ path });
    }
    await page.setViewportSize(vp);
  }
  report.screenshots.push(path);
  log('screenshot', path);
}

// cells reads every cell's prompt and outputs from the DOM.
async function cells(page) {
  return page.evaluate(() => [...document.querySelectorAll('#notebook-container .cell')].map((cell) => {
    const prompt = (cell.querySelector('.input_prompt') || {}).innerText || '';
    const m = /\[(\d+)\]/.exec(prompt);
    const outputs = [...cell.querySelectorAll('.output_subarea')].map((o) => {
      const images = [];
      for (const img of o.querySelectorAll('img')) {
        if (img.complete && img.naturalWidth > 0) images.push(`img ${img.naturalWidth}x${img.naturalHeight}`);
      }
      for (const svg of o.querySelectorAll('svg')) {
        const r = svg.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && svg.querySelector('path, rect, line, polyline, text, use')) {
          images.push(`svg ${Math.round(r.width)}x${Math.round(r.height)}`);
        }
      }
      return {
        classes: o.className,
        text: o.innerText,
        tables: [...o.querySelectorAll('table')].map((t) =>
          [...t.querySelectorAll('th, td')].map((c) => c.innerText.trim())),
        images,
      };
    });
    return { prompt: prompt.trim(), count: m ? Number(m[1]) : null, outputs };
  }));
}

let code = 0;
try {
  await main();
} catch (e) {
  report.failure ||= String(e && e.stack || e);
  code = 1;
}
if (report.failure) code = 1;
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(code);
