# Installed by e2e/console_test.go into the test's private JUPYTER_CONFIG_DIR.
#
# Works around a jupyter console bug (jupyter/jupyter_console#296, fixed by
# #295, still in Debian bookworm's 6.4.4): with prompt_toolkit >= 3.0.25 the
# prompt removes the console's SIGINT handler when it returns, so Ctrl-C during
# a running cell raises KeyboardInterrupt in the console ("KeyboardInterrupt
# escaped interact()") instead of interrupting the kernel, whatever the
# kernel. This puts the console's own relay back for the time a cell runs:
# Ctrl-C then calls KernelManager.interrupt_kernel(), which sends an
# interrupt_request (interrupt_mode "message") or SIGINT, as the console means
# to.
import signal

from jupyter_console.ptshell import ZMQTerminalInteractiveShell

_run_cell = ZMQTerminalInteractiveShell.run_cell


def _run_cell_relaying_sigint(self, cell, store_history=True):
    def relay(signum, frame):
        if self._executing and self.manager is not None:
            self.manager.interrupt_kernel()
        else:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, relay)
    try:
        return _run_cell(self, cell, store_history)
    finally:
        signal.signal(signal.SIGINT, previous)


ZMQTerminalInteractiveShell.run_cell = _run_cell_relaying_sigint
