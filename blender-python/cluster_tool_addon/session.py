"""The add-on's one piece of running work: cluster-tool calls that Blender does not wait for.

Each call is a `subprocess.Popen` whose output goes to temporary files; a `bpy.app.timers`
tick looks at it a few times a second, so the UI never blocks. A submit is three steps: the
files the scene reads (`deps --json`), the submit (`submit ... --json`), then the job's progress
(`status JOB --json`) every few seconds until it ends. What went wrong is said as a Blender
report, word for word as the CLI said it, and kept for the panel.
"""

import subprocess
import sys
import tempfile
import time

import bpy

from . import command

TICK = 0.25
STATUS_EVERY = 2.0
STATUS_TRIES = 5


class Call:
    def __init__(self, argv, on_done):
        # Files, not pipes: a child that fills a pipe nobody reads would stop.
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        self.on_done = on_done
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.err
        )

    def poll(self):
        code = self.proc.poll()
        if code is None:
            return False
        self.out.seek(0)
        self.err.seek(0)
        out = self.out.read().decode("utf-8", "replace")
        err = self.err.read().decode("utf-8", "replace")
        self.out.close()
        self.err.close()
        self.on_done(code, out, err)
        return True


class Session:
    def __init__(self):
        self.phase = "idle"  # idle, checking, submitting, running, ended, failed
        self.message = ""
        self.report = None  # (level, text): the last thing said
        self.job_id = None
        self.job = None
        self.deps = None  # `deps --json`'s files, once checked
        self.scene = None
        self.viewer_url = None
        self.calls = []
        self.cli = None
        self.settings = None
        self.next_status = 0.0
        self.status_failures = 0

    @property
    def busy(self):
        return bool(self.calls) or self.phase in ("checking", "submitting", "running")

    # --- what the operators start -------------------------------------------------------

    def check_files(self, cli, scene, then_submit_settings=None):
        self.cli, self.scene = cli, scene
        self.phase = "checking"
        self.job_id = self.job = self.viewer_url = None
        self.settings = then_submit_settings
        self.say("INFO", "Checking the files %s reads (cluster-tool deps)" % bpy.path.basename(scene))
        self.start(command.deps_args(scene), self.files_checked)

    def open_viewer(self, cli, settings):
        self.cli = cli
        self.start(command.viewer_args(self.job_id, settings), self.viewer_answered)

    # --- the steps ------------------------------------------------------------------------

    def files_checked(self, code, out, err):
        deps = command.parse_json(out) if code in (0, 1) else None
        if deps is None:
            return self.fail(command.error_text(err, out, code))
        self.deps = deps.get("files", [])
        missing = command.missing_files(deps)
        if missing:
            return self.fail(
                "The scene needs %d file(s) that are missing; nothing was sent. Find them "
                "(File > External Data > Find Missing Files) and submit again:\n%s"
                % (len(missing), "\n".join(missing))
            )
        if self.settings is None:
            self.phase = "idle"
            return self.say("INFO", "All %d file(s) the scene reads are there" % len(self.deps))
        self.phase = "submitting"
        self.say("INFO", "Submitting %s" % bpy.path.basename(self.scene))
        self.start(command.submit_args(self.scene, self.settings), self.submitted)

    def submitted(self, code, out, err):
        job = command.parse_json(out) if code == 0 else None
        if not isinstance(job, dict) or "id" not in job:
            return self.fail(command.error_text(err, out, code))
        self.job_id, self.job = job["id"], job
        self.phase = "running"
        self.next_status = time.monotonic() + STATUS_EVERY
        self.say("INFO", "Submitted job %s" % self.job_id)

    def status_answered(self, code, out, err):
        job = command.parse_json(out) if code == 0 else None
        if not isinstance(job, dict):
            self.status_failures += 1
            self.message = "status: %s" % command.error_text(err, out, code)
            if self.status_failures >= STATUS_TRIES:
                self.fail("Could not follow job %s: %s" % (self.job_id, self.message))
            return
        self.status_failures = 0
        self.job = job
        self.message = command.progress_text(job)
        if command.ended(job):
            self.phase = "ended"
            level = "INFO" if job.get("state") == "succeeded" else "ERROR"
            self.say(level, "Job " + self.message)

    def viewer_answered(self, code, out, err):
        url = command.viewer_url(out) if code == 0 else None
        if not url:
            return self.say("ERROR", command.error_text(err, out, code))
        self.viewer_url = url
        notes = [l for l in err.splitlines() if l.strip()]
        if self.settings and self.settings.get("target") == "CLUSTER":
            self.say("INFO", "\n".join(notes + [url]))
        else:
            bpy.ops.wm.url_open(url=url)

    # --- plumbing -------------------------------------------------------------------------

    def start(self, args, on_done):
        self.calls.append(Call([self.cli] + args, on_done))
        if not bpy.app.timers.is_registered(tick):
            bpy.app.timers.register(tick, first_interval=TICK, persistent=True)

    def fail(self, text):
        self.phase = "failed"
        self.say("ERROR", text)

    def say(self, level, text):
        self.report = (level, text)
        self.message = text.splitlines()[0] if text else ""
        # In background mode this is what a script or a test reads; in the UI, the console's.
        print("cluster-tool add-on: %s: %s" % (level, text), file=sys.stderr, flush=True)
        try:
            bpy.ops.cluster_tool.report(level=level, message=text)
        except (RuntimeError, AttributeError):
            pass  # an ERROR report raises in the caller; it has been recorded already
        redraw()

    def tick(self):
        for call in list(self.calls):
            if call.poll():
                self.calls.remove(call)
        if self.phase == "running" and not self.calls and time.monotonic() >= self.next_status:
            self.next_status = time.monotonic() + STATUS_EVERY
            self.start(command.status_args(self.job_id, self.settings), self.status_answered)
        redraw()
        return TICK if self.busy else None

    def wait(self, until=("ended", "failed", "idle"), timeout=600):
        """Ticks until the phase is one of `until` (for scripts and tests: background Blender
        runs no timers). True when it got there in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.tick()
            if self.phase in until and not self.calls:
                return True
            time.sleep(TICK)
        return False


SESSION = Session()


def tick():
    return SESSION.tick()


def redraw():
    wm = getattr(bpy.context, "window_manager", None)
    for window in wm.windows if wm else ():
        for area in window.screen.areas:
            if area.type == "PROPERTIES":
                area.tag_redraw()


def unregister():
    if bpy.app.timers.is_registered(tick):
        bpy.app.timers.unregister(tick)
