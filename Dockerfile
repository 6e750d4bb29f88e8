# syntax=docker/dockerfile:1
# One image for every qgjob process: the Kubernetes manifests pick the program with `args`
# (qgjob-api, qgjob-scheduler, qgjob-worker, qgjob). Build from the repository root:
#   docker build -t qgjob:0.1.0 .
# The base is pinned to an exact release; pin its digest too for reproducible builds:
#   docker build --build-arg PYTHON_IMAGE=python:3.11.11-slim-bookworm@sha256:<digest> .
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

# --- build: install qgjob and its pinned dependencies into a virtual environment ---------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/qgjob
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY libs/ libs/
COPY services/ services/
COPY cli/ cli/
# A regular (not editable) install, every package pinned by constraints.txt; pip compiles
# the bytecode now, so the runtime image never writes any (its root file system is read-only).
RUN /opt/qgjob/bin/pip install -c constraints.txt . \
 && /opt/qgjob/bin/pip check

# --- runtime: the environment only, no compiler, no sources, a non-root user -------------
FROM ${PYTHON_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM (workers drain on it) and reaps the processes drivers start.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 qgjob \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin qgjob
COPY --from=build /opt/qgjob /opt/qgjob
ENV PATH=/opt/qgjob/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    QGJOB_HOST=0.0.0.0 \
    QGJOB_LOG_FORMAT=json
# Numeric, so that Kubernetes can verify runAsNonRoot without a runAsUser.
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
ENTRYPOINT ["tini", "--"]
CMD ["qgjob", "--help"]
