"""Start a kernel the way a Jupyter kernel provisioner does, for
e2e/provisioner_test.go.

With "manager": true, jupyter_client's KernelManager (through its
LocalProvisioner) picks the ports, writes the connection file with the
transport and ip given here, and starts the kernelspec's argv with it. The
LocalProvisioner only accepts the ip of a local interface; a remote
provisioner (a gateway's) writes whatever address the kernel's host has, so
without "manager" this script does what it does: jupyter_client's
write_connection_file picks free ports on that ip, and the kernelspec's argv
starts with the file. Either way a client then connects with the file alone.

Usage: python3 provision.py '{"kernel": ..., "transport": ..., "ip": ..., "code": ..., "manager": true}'

stdout: one JSON line {"pid": ..., "connection": {...}} once the kernel
answers, then (after the test writes a line on stdin, having looked at the
kernel's sockets) {"stdout": ..., "status": ...} for the cell, last.
"""
import json
import os
import subprocess
import sys

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from jupyter_core.paths import jupyter_runtime_dir

cfg = json.loads(sys.argv[1])
if cfg.get("manager"):
    km = KernelManager(kernel_name=cfg["kernel"], transport=cfg["transport"], ip=cfg["ip"])
    km.start_kernel()
    connection_file, pid = km.connection_file, km.provisioner.pid
else:
    km = None
    connection_file = os.path.join(jupyter_runtime_dir(), "kernel-provisioned-%d.json" % os.getpid())
    write_connection_file(connection_file, ip=cfg["ip"], transport=cfg["transport"], kernel_name=cfg["kernel"])
    spec = KernelSpecManager().get_kernel_spec(cfg["kernel"])
    argv = [a.replace("{connection_file}", connection_file) for a in spec.argv]
    proc = subprocess.Popen(argv)
    pid = proc.pid
report = {}
try:
    # A client that knows only the connection file, like a gateway's.
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    with open(connection_file) as f:
        written = json.load(f)
    written.pop("key", None)
    print(json.dumps({"pid": pid, "connection": written, "file": connection_file}), flush=True)
    sys.stdin.readline()

    out = []

    def hook(msg):
        if msg["header"]["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = kc.execute_interactive(cfg["code"], timeout=60, output_hook=hook)
    report = {"status": reply["content"]["status"], "stdout": "".join(out)}
    if km is None:
        kc.shutdown()
    kc.stop_channels()
except Exception as e:  # reported, not raised: the kernel must still stop
    report = {"error": repr(e)}
finally:
    if km is not None:
        km.shutdown_kernel(now=False)
        km.cleanup_resources()
    else:
        try:
            report["exit"] = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            report["exit"] = "killed: no exit within 10 s of shutdown_request"
        os.remove(connection_file)
print(json.dumps(report), flush=True)
