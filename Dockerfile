# The Aluzio service image: `aluzio serve` by default; fly.toml runs `aluzio worker` and the
# release command `aluzio db upgrade` from the same image.
#
# Two stages: uv installs the locked runtime dependencies and the project (as a wheel, not
# editable) into /app/.venv; the final stage copies only that environment onto a clean Python
# image. No uv, no build tools, no dev dependency group and no source tree in the final image.

ARG PYTHON_IMAGE=python:3.11-slim
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9

FROM ${UV_IMAGE} AS uv

FROM ${PYTHON_IMAGE} AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first: this layer is reused while only the code changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-editable --no-install-project --no-cache
COPY README.md ./
COPY src ./src
RUN uv sync --locked --no-dev --no-editable --no-cache

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 aluzio \
    && useradd --system --uid 10001 --gid aluzio --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin aluzio
COPY --from=build /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
USER 10001:10001
EXPOSE 8080
# uvicorn shuts down gracefully on SIGTERM (see fly.toml's kill_signal and kill_timeout).
STOPSIGNAL SIGTERM
CMD ["aluzio", "serve"]
