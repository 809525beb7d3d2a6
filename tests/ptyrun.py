"""Running focusgen as a person does: in a pseudo-terminal.

`run(argv)` starts `focusgen ARGV` in a new session whose controlling terminal is a pty of the given
size, with stdout and stderr on it (or stdout piped, as `focusgen ... | less` has it), reads all it
prints, and can type Ctrl-C (the terminal sends SIGINT to the foreground process group, as a keyboard
does). It returns the exit status and what the terminal and the pipe received.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass

FOCUSGEN = [sys.executable, "-m", "focusgen.cli"]
HIDE, SHOW = b"\x1b[?25l", b"\x1b[?25h"


@dataclass
class Ran:
    status: int
    screen: bytes           # what the terminal received (stderr, and stdout unless piped)
    piped: bytes            # stdout, when it was piped

    @property
    def text(self) -> str:
        return self.screen.decode("utf-8", "replace").replace("\r\n", "\n")

    @property
    def cursor_restored(self) -> bool:
        """Every time the cursor was hidden it was shown again afterwards."""
        return self.screen.rfind(HIDE) <= self.screen.rfind(SHOW) if HIDE in self.screen else True


def run(argv: list[str], cwd=None, cols: int = 80, rows: int = 40, pipe_stdout: bool = False,
        env: dict | None = None, interrupt_after: float | None = None, interrupt_when: bytes | None = None,
        interrupt_once_loaded: str | None = None, timeout: float = 300) -> Ran:
    """interrupt_after: Ctrl-C that many seconds after the start; interrupt_when: once the terminal shows
    these bytes; interrupt_once_loaded: once the program has loaded a library whose path holds this text
    (from /proc/PID/maps: a sign it is past Python's own start-up, whatever the machine's load)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    environment = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
    environment.pop("CI", None)         # rich treats CI as "not a terminal"; a person's shell has no CI
    environment.update(env or {})

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        # as a shell starts a foreground program: Ctrl-C at its default, whatever the test process
        # inherited (an ignored SIGINT stays ignored across exec, and Python then installs no handler)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen([*FOCUSGEN, *map(str, argv)], cwd=cwd, env=environment, stdin=slave,
                            stdout=subprocess.PIPE if pipe_stdout else slave, stderr=slave,
                            preexec_fn=controlling_terminal, close_fds=True)
    os.close(slave)
    screen, piped = bytearray(), bytearray()
    start, sent = time.monotonic(), False
    streams = [master] + ([proc.stdout.fileno()] if pipe_stdout else [])
    try:
        while streams:
            if time.monotonic() - start > timeout:
                proc.kill()
                raise TimeoutError(f"focusgen {' '.join(map(str, argv))} ran past {timeout} s")
            ready, _, _ = select.select(streams, [], [], 0.05)
            for fd in ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:         # the pty's other end closed (EIO): the program has ended
                    chunk = b""
                if not chunk:
                    streams.remove(fd)
                    continue
                (screen if fd == master else piped).extend(chunk)
            if not sent and ((interrupt_after is not None and time.monotonic() - start >= interrupt_after)
                             or (interrupt_when is not None and interrupt_when in screen)
                             or (interrupt_once_loaded is not None and _loaded(proc.pid, interrupt_once_loaded))):
                os.write(master, b"\x03")       # Ctrl-C, as typed
                sent = True
            if proc.poll() is not None and not ready:
                # the program has ended; drain what is left without waiting for children's copies
                for fd in list(streams):
                    while select.select([fd], [], [], 0.05)[0]:
                        try:
                            chunk = os.read(fd, 65536)
                        except OSError:
                            chunk = b""
                        if not chunk:
                            break
                        (screen if fd == master else piped).extend(chunk)
                break
        status = proc.wait(timeout=max(1.0, timeout - (time.monotonic() - start)))
    finally:
        os.close(master)
        if proc.stdout:
            proc.stdout.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return Ran(status, bytes(screen), bytes(piped))


def _loaded(pid: int, library: str) -> bool:
    try:
        with open(f"/proc/{pid}/maps") as maps:
            return library in maps.read()
    except OSError:
        return False


def plain(argv: list[str], cwd=None, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The same command with no terminal at all (both streams piped)."""
    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run([*FOCUSGEN, *map(str, argv)], cwd=cwd, env=environment, capture_output=True,
                          timeout=timeout)
