"""The container image builds and its `aluzio` command runs (where Docker can build it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def docker(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def base_images() -> list[str]:
    """The images the Dockerfile starts from (its ARG defaults)."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    return re.findall(r"^ARG \w+_IMAGE=(\S+)\s*$", text, flags=re.MULTILINE)


def reason_not_to_build() -> str | None:
    if shutil.which("docker") is None:
        return "no docker command on this machine"
    try:
        if docker("info", timeout=20).returncode != 0:
            return "no Docker engine answers"
    except subprocess.TimeoutExpired:
        return "no Docker engine answers"
    missing = [image for image in base_images() if docker("image", "inspect", image).returncode]
    if missing:
        return (
            f"base image not present locally: {', '.join(missing)} "
            "(this test does not pull; `docker pull` it where a registry is reachable)"
        )
    return None


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    reason = reason_not_to_build()
    if reason is not None:
        pytest.skip(reason)
    tag = f"aluzio-image-test:{uuid.uuid4().hex[:12]}"
    build = docker("build", "--pull=false", "-t", tag, str(ROOT), timeout=900)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    try:
        yield tag
    finally:
        docker("image", "rm", "--force", tag)


def test_the_dockerfile_starts_from_a_python_image() -> None:
    assert any(image.startswith("python:3.11") for image in base_images())


def test_aluzio_help_runs_in_the_image(image: str) -> None:
    result = docker("run", "--rm", image, "aluzio", "--help")
    assert result.returncode == 0, result.stderr
    for command in ("serve", "db", "dev"):
        assert command in result.stdout


def test_the_image_runs_as_a_non_root_user_without_build_or_dev_tools(image: str) -> None:
    user = docker("run", "--rm", image, "id", "-u")
    assert user.returncode == 0, user.stderr
    assert user.stdout.strip() != "0"
    tools = docker("run", "--rm", image, "sh", "-c", "command -v gcc cc uv pip-compile || true")
    assert tools.stdout.strip() == ""
    dev = docker("run", "--rm", image, "python", "-c", "import pytest")
    assert dev.returncode != 0, "the dev dependency group is in the image"
    default = docker("image", "inspect", "--format", "{{json .Config.Cmd}}", image)
    assert default.stdout.strip() == '["aluzio","serve"]'
