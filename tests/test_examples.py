"""The examples work as written: the crontab line and the GitHub Actions workflow's shell
steps, run here against a site, a receiver and a git remote on loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from nightly import NightlyServer, serving
from test_alerts import receiver

BIN = str(Path(sys.executable).parent)  # where the policydiff command is installed


def _env(**extra: str) -> dict[str, str]:
    # No settings of the user's; the test run's own language cache (conftest) stays.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("POLICYDIFF_") or k == "POLICYDIFF_CACHE"
    }
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env["POLICYDIFF_ALLOW_PRIVATE"] = "1"  # the test's site is on loopback
    env.update(extra)
    return env


def _watchfile(path: Path, site: str, failing: bool) -> None:
    text = (
        '[defaults]\nnotify = ["apprise"]\n[notify.apprise]\nurls_env = "POLICYDIFF_APPRISE_URLS"\n'
        f'[[policy]]\nname = "telegram-privacy"\nurl = "{site}/telegram/privacy"\n'
    )
    if failing:
        text += f'[[policy]]\nname = "gone"\nurl = "{site}/nowhere"\n'
    path.write_text(text, "utf-8")


def test_the_crontab_line_prints_only_when_something_changed_or_failed(tmp_path: Path) -> None:
    line = next(
        entry
        for entry in (ROOT / "examples" / "crontab").read_text().splitlines()
        if re.match(r"^\d", entry)
    )
    command = line.split(None, 5)[5].replace("/srv/policydiff", str(tmp_path))
    with serving(NightlyServer()) as site, receiver() as hook:
        (tmp_path / ".env").write_text(f"export POLICYDIFF_APPRISE_URLS={hook.apprise_url}\n")
        _watchfile(tmp_path / "watch.toml", site.base, failing=False)  # type: ignore[attr-defined]
        printed = []
        for night in (0, 1, 2):
            site.night = night  # type: ignore[attr-defined]
            done = subprocess.run(
                ["sh", "-c", command], env=_env(), capture_output=True, text=True, timeout=120
            )
            printed.append(done.stdout + done.stderr)
        bodies = list(hook.bodies)
    assert printed[0] == "" and printed[1] == ""  # first capture, then nothing new: no mail
    assert "1 changed substantively" in printed[2]  # night 2 changed: cron mails the log's end
    assert len(bodies) == 1
    assert "changed substantively" in (tmp_path / "watch.log").read_text()


def _expand(value: str, outputs: dict[str, dict[str, str]], secrets: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name.startswith("secrets."):
            return secrets.get(name.split(".", 1)[1], "")
        if name.startswith("steps."):
            _, step, _, key = name.split(".")
            return outputs.get(step, {}).get(key, "")
        return {
            "github.repository_owner": "watchdogs",
            "github.event.repository.name": "policies",
        }[name]

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def _run_step(
    step: dict[str, object],
    workflow_env: dict[str, str],
    cwd: Path,
    outputs: dict[str, dict[str, str]],
    secrets: dict[str, str],
) -> int:
    output = cwd.parent / "github_output"
    output.write_text("")
    env = _env(GITHUB_OUTPUT=str(output))
    for key, value in {**workflow_env, **dict(step.get("env", {}))}.items():  # type: ignore[call-overload]
        env[key] = _expand(str(value), outputs, secrets)
    script = cwd.parent / "step.sh"
    script.write_text(_expand(str(step["run"]), outputs, secrets))
    # GitHub's default shell for run steps on Linux.
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    outputs[str(step["id"])] = dict(
        line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
    )
    return done.returncode


@pytest.mark.skipif(not os.path.exists("/usr/bin/git"), reason="needs git")
def test_the_workflow_saves_the_store_even_when_a_policy_fails(tmp_path: Path) -> None:
    workflow = yaml.safe_load(
        (ROOT / "examples" / "github-actions" / "policydiff-watch.yml").read_text()
    )
    steps = {s["id"]: s for s in workflow["jobs"]["watch"]["steps"] if "id" in s and "run" in s}
    assert list(steps) == ["check", "watch", "save", "verdict"]
    remote, repo = tmp_path / "remote.git", tmp_path / "repo"
    git_env = _env(
        GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull, GIT_TERMINAL_PROMPT="0"
    )
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    subprocess.run(["git", "clone", "-q", str(remote), str(repo)], check=True, env=git_env)
    with serving(NightlyServer()) as site, receiver() as hook:
        _watchfile(repo / "watch.toml", site.base, failing=True)  # type: ignore[attr-defined]
        secrets = {"POLICYDIFF_APPRISE_URLS": hook.apprise_url}
        outputs: dict[str, dict[str, str]] = {}
        codes = {
            name: _run_step(step, workflow["env"], repo, outputs, secrets)
            for name, step in steps.items()
        }
    assert codes == {"check": 0, "watch": 0, "save": 0, "verdict": 3}
    assert outputs["watch"] == {"code": "3"}  # "gone" failed ...
    pushed = subprocess.run(
        ["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # ... and the store and the run were saved all the same.
    assert any(p.startswith("store/") and p.endswith(".md") for p in pushed)
    assert "site/run.json" in pushed and "site/state.json" in pushed
