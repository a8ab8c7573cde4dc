// Package e2e tests spinlab through the front ends people use: Jupyter
// Notebook in a real (headless) Chromium, and jupyter console in a terminal;
// and through the servers teams run: jupyter_server driven by JupyterLab's
// client library, JupyterHub, and a provisioner's connection file.
//
// The tests build the spinlab binary, install its kernelspec into a private
// Jupyter data directory, start Debian's Jupyter Notebook server (the classic
// 6.x UI) or jupyter console against it, and check what a user would see:
// printed text, an HTML table, a plot image, a readable traceback, an
// interrupted infinite loop followed by a cell that still runs, Tab
// completion, and continuation lines indented by the kernel's is_complete.
//
// TestJupyterServer starts jupyter_server with idle culling and drives a
// spinlab kernel over its REST API and WebSocket with @jupyterlab/services
// (e2e/server/run.mjs): streamed output, %%spin, completion, inspection,
// input_request, interrupt, restart, shutdown, culling; it watches the
// kernel's processes in /proc at each step. TestJupyterHub logs a user in
// to JupyterHub (dummy authenticator, local spawner, configurable-http-proxy
// from e2e/server), starts their server and runs a cell in spinlab through
// the proxy. TestProvisionerConnectionFile checks that the kernel listens
// exactly where a connection file says (tcp on 127.0.0.2, ipc).
//
// They need /usr/bin/python3 with Jupyter Notebook, jupyter_server,
// JupyterHub, jupyter console and ipykernel, /usr/bin/chromium, tmux, Node
// with playwright-core installed in e2e/browser and @jupyterlab/services and
// configurable-http-proxy in e2e/server (.ci/e2e-setup installs all of it as
// root). Without them the tests skip and say what is missing; with
// SPINLAB_REQUIRE_JUPYTER=1 they fail instead. Everything binds to
// 127.0.0.1 (127.0.0.2 for one case) on free ports, and no process a test
// started may outlive it.
//
// The browser and console tests run once per kernel: "spinlab", and "python3" (ipykernel), the
// reference that shows the harness itself works: when python3 passes and
// spinlab fails, look at the kernel. SPINLAB_E2E_KERNELS=spinlab (or python3)
// runs only one. Screenshots go to SPINLAB_E2E_SCREENSHOTS if set, else to a
// temporary directory that the test log names.
package e2e
