// Package e2e tests spinlab through the front ends people use: Jupyter
// Notebook in a real (headless) Chromium, and jupyter console in a terminal.
//
// The tests build the spinlab binary, install its kernelspec into a private
// Jupyter data directory, start Debian's Jupyter Notebook server (the classic
// 6.x UI) or jupyter console against it, and check what a user would see:
// printed text, an HTML table, a plot image, a readable traceback, an
// interrupted infinite loop followed by a cell that still runs, Tab
// completion, and continuation lines indented by the kernel's is_complete.
//
// They need /usr/bin/python3 with Jupyter Notebook, jupyter console and
// ipykernel, /usr/bin/chromium, tmux, Node with playwright-core installed in
// e2e/browser (.ci/e2e-setup installs all of it as root). Without them the
// tests skip and say what is missing; with SPINLAB_REQUIRE_JUPYTER=1 they fail
// instead.
//
// Each test runs once per kernel: "spinlab", and "python3" (ipykernel), the
// reference that shows the harness itself works: when python3 passes and
// spinlab fails, look at the kernel. SPINLAB_E2E_KERNELS=spinlab (or python3)
// runs only one. Screenshots go to SPINLAB_E2E_SCREENSHOTS if set, else to a
// temporary directory that the test log names.
package e2e
