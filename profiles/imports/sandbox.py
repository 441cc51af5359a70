"""Reading untrusted documents in a child process with hard limits (docs/security.md).

A crafted file of a few kilobytes can make a reader spend gigabytes or hours: a PDF
stream that inflates to gigabytes of spaces, a DOCX with 20,000 styles, YAML aliases
nested eight deep. The readers have limits of their own for the common cases; this is
the backstop for everything they did not foresee. `run_limited(func, ...)` forks the
worker, runs `func` in the child under

- an address-space ceiling (RLIMIT_AS: what the worker already uses plus
  IMPORT_READER_MEMORY_MB),
- a CPU-seconds limit (RLIMIT_CPU = IMPORT_READER_CPU_SECONDS),
- a wall-clock limit (IMPORT_READER_WALL_SECONDS: the parent kills the child), and
- a cap on what it may send back (IMPORT_READER_RESULT_MB, pickled),

and returns the child's result, or raises `ReaderLimit` with a sentence for the member
("this PDF needs more than 512 MB of memory to read"). Exceptions the reader raises
(CvReadError, SiteReadError …) are raised again in the parent as they were.

The child reads only: it never touches the database (its inherited connections are
dropped, not closed, so the parent's stay usable) and leaves with os._exit, running no
clean-up of the parent's. Nothing is written before the parent has the result, so a
limit leaves nothing half-written, and the worker process itself goes on to the next job.

Fork is the mechanism (Linux, the BSDs, macOS); where there is none, or with
IMPORT_READER_SANDBOX = False, the reader runs in-process (its own limits still hold).
"""

import contextlib
import os
import pickle
import resource
import select
import signal
import struct
import time
from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024
_HEADER = struct.Struct("!Q")


class ReaderLimit(Exception):
    """A document went over one of the reader's limits; the message says which, for the member."""


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 512
    cpu_seconds: int = 60
    wall_seconds: int = 120
    result_mb: int = 256

    @classmethod
    def from_settings(cls):
        return cls(
            memory_mb=getattr(settings, "IMPORT_READER_MEMORY_MB", cls.memory_mb),
            cpu_seconds=getattr(settings, "IMPORT_READER_CPU_SECONDS", cls.cpu_seconds),
            wall_seconds=getattr(settings, "IMPORT_READER_WALL_SECONDS", cls.wall_seconds),
            result_mb=getattr(settings, "IMPORT_READER_RESULT_MB", cls.result_mb),
        )


def enabled():
    return getattr(settings, "IMPORT_READER_SANDBOX", True) and hasattr(os, "fork")


def run_limited(func, *args, what="this file", limits=None, **kwargs):
    """func(*args, **kwargs) in a child process under `limits` (default: the settings); see the module."""
    if not enabled():
        return func(*args, **kwargs)
    limits = limits or Limits.from_settings()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(write_end, limits, func, args, kwargs)
    os.close(write_end)
    try:
        payload = _receive(read_end, pid, limits, what)
    finally:
        os.close(read_end)
    status = _reap(pid)
    if payload is None:
        raise ReaderLimit(_why_it_died(status, limits, what))
    outcome, value = pickle.loads(payload)
    if outcome == "ok":
        return value
    if outcome == "raised":
        raise value
    raise ReaderLimit(_message(outcome, value, limits, what))


# --- The child ------------------------------------------------------------------------------


def _child(write_end, limits, func, args, kwargs):
    status = 0
    try:
        _forget_connections()
        _set_limits(limits)
        payload = _outcome(func, args, kwargs, limits)
        with os.fdopen(write_end, "wb") as out:
            out.write(_HEADER.pack(len(payload)))
            out.write(payload)
    except BaseException:  # nothing may escape the child: the parent reports its death
        status = 70
    finally:
        os._exit(status)


def _outcome(func, args, kwargs, limits):
    """The pickled (outcome, value) the child sends back: its result, its exception, or the limit it met."""
    try:
        value = ("ok", func(*args, **kwargs))
    except MemoryError:
        value = ("memory", None)
    except RecursionError:
        value = ("nested", None)
    except Exception as exc:  # the reader's own refusal (CvReadError …) or its bug: raised again in the parent
        value = ("memory", None) if _out_of_memory(exc) else ("raised", exc)
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps(("memory", None))
    except Exception as exc:  # an exception or result that cannot be pickled
        return pickle.dumps(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")))
    if len(payload) > limits.result_mb * MB:
        return pickle.dumps(("result", len(payload)))
    return payload


def _out_of_memory(exc):
    """True when a reader turned a MemoryError into an error of its own ("not a readable PDF (MemoryError)")."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _forget_connections():
    """Drop (without closing) the database connections inherited from the parent: they stay the parent's."""
    with contextlib.suppress(Exception):
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.connection = None


def _address_space():
    """The bytes of address space this process maps now (Linux; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _set_limits(limits):
    base = _address_space()
    if base:  # the ceiling is what the worker already maps plus the reader's allowance
        ceiling = base + limits.memory_mb * MB
        _lower(resource.RLIMIT_AS, ceiling)
    _lower(resource.RLIMIT_CPU, limits.cpu_seconds, hard_extra=2)
    _lower(resource.RLIMIT_CORE, 0)


def _lower(which, soft, hard_extra=0):
    _old_soft, old_hard = resource.getrlimit(which)
    hard = soft + hard_extra
    if old_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, old_hard), min(hard, old_hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(which, (soft, hard))


# --- The parent -----------------------------------------------------------------------------


def _receive(fd, pid, limits, what):
    """The child's payload (None when it died first); kills it and raises at the wall-clock limit."""
    deadline = time.monotonic() + limits.wall_seconds
    chunks, wanted, got = [], None, 0
    poller = select.poll()  # not select(): a busy worker may hold descriptors above 1024
    poller.register(fd, select.POLLIN | select.POLLHUP)
    while wanted is None or got < wanted:
        left = deadline - time.monotonic()
        ready = poller.poll(left * 1000) if left > 0 else []
        if not ready:
            _kill(pid)
            raise ReaderLimit(f"reading {what} took longer than {limits.wall_seconds} s, the limit")
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
        if wanted is None and got >= _HEADER.size:
            head = b"".join(chunks)
            wanted = _HEADER.unpack(head[: _HEADER.size])[0] + _HEADER.size
            chunks = [head]
    return b"".join(chunks)[_HEADER.size :]


def _kill(pid):
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid):
    with contextlib.suppress(ChildProcessError):
        return os.waitpid(pid, 0)[1]
    return 0


def _why_it_died(status, limits, what):
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return f"reading {what} used more than {limits.cpu_seconds} s of processor time, the limit"
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSEGV:
        return f"{what} needs more than {limits.memory_mb} MB of memory to read, the limit"
    return f"the reader stopped unexpectedly on {what} (exit status {status}); nothing was written"


def _message(outcome, value, limits, what):
    if outcome == "memory":
        return f"{what} expands beyond {limits.memory_mb} MB in memory, the limit; it cannot be read"
    if outcome == "nested":
        return f"{what} is nested too deeply to read"
    return f"what {what} holds is {value / MB:.0f} MB once read; the limit is {limits.result_mb} MB"
