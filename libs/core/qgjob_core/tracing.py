"""OpenTelemetry traces, off unless the standard ``OTEL_*`` variables ask for them: one
trace per job across the API, the scheduler and the worker, its context carried in the job
record as a W3C ``traceparent``.

On when ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp``, ``console``) or an OTLP
endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``);
``OTEL_SDK_DISABLED=true`` or ``OTEL_TRACES_EXPORTER=none`` keeps it off. The SDK reads the
rest itself: ``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER``,
``OTEL_EXPORTER_OTLP_*`` (OTLP over HTTP with protobuf), ``OTEL_BSP_*``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import structlog
from opentelemetry import context, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = structlog.get_logger("qgjob.tracing")
TRACER = "qgjob"
REDIS_SCOPE = "opentelemetry.instrumentation.redis"
_propagator = TraceContextTextMapPropagator()


class _State:
    enabled = False
    """Whether :func:`configure` turned tracing on in this process."""


_STATE = _State()


def wanted(env: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks for traces."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def enabled() -> bool:
    """Whether :func:`configure` turned tracing on in this process."""
    return _STATE.enabled


def configure(service: str) -> bool:
    """Set up the tracer provider and the redis and httpx instrumentation when the
    environment asks for traces; ``service`` is the default ``service.name``."""
    if _STATE.enabled or not wanted():
        return _STATE.enabled
    name = os.environ.get("OTEL_SERVICE_NAME") or service
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    for exporter in _exporters():
        provider.add_span_processor(WithoutRedisRoots(BatchSpanProcessor(exporter)))
    trace.set_tracer_provider(provider)
    # imported here: instrumenting patches redis and httpx, only wanted with tracing on
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    RedisInstrumentor().instrument(tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    _STATE.enabled = True
    log.info("tracing on", service_name=name)
    return True


def _exporters() -> list[SpanExporter]:
    names = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp"
    out: list[SpanExporter] = []
    for exporter in (n.strip() for n in names.split(",")):
        if exporter == "console":
            out.append(ConsoleSpanExporter())
        elif exporter == "otlp":
            protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
            )
            if protocol != "http/protobuf":
                log.warning("OTLP protocol not supported; using http/protobuf", protocol=protocol)
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            out.append(OTLPSpanExporter())
        elif exporter != "none":
            log.warning("unknown OTEL_TRACES_EXPORTER entry ignored", exporter=exporter)
    return out


class WithoutRedisRoots(SpanProcessor):
    """Passes spans on to ``inner`` except Redis commands outside any trace: the heartbeats,
    blocking reads and housekeeping of the service loops, which would each be a trace of
    their own. A Redis command inside a job's trace (a request, a run) is kept."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.inner.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        scope = span.instrumentation_scope
        if span.parent is None and scope is not None and scope.name == REDIS_SCOPE:
            return
        self.inner.on_end(span)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


def set_attribute(key: str, value: str | int | bool) -> None:
    """Set an attribute on the current span (none without tracing)."""
    if _STATE.enabled:
        trace.get_current_span().set_attribute(key, value)


def current_traceparent() -> str:
    """The W3C ``traceparent`` of the current span ('' when there is none, or tracing is
    off), to store in a job record."""
    if not _STATE.enabled:
        return ""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent", "")


def context_of(traceparent: str) -> Context | None:
    """The context a stored ``traceparent`` names (``None`` for '' or a malformed one)."""
    if not traceparent:
        return None
    ctx = _propagator.extract({"traceparent": traceparent})
    return ctx if trace.get_current_span(ctx).get_span_context().is_valid else None


@contextmanager
def job_span(
    name: str,
    traceparent: str,
    attributes: Mapping[str, str | int | bool] | None = None,
    others: Iterable[str] = (),
) -> Iterator[trace.Span | None]:
    """A span in the job's trace (child of its stored ``traceparent``), current inside the
    block, linked to the traces of ``others`` (traceparents of jobs that share the step);
    nothing when tracing is off or the job has no trace."""
    parent = context_of(traceparent) if _STATE.enabled else None
    if parent is None:
        yield None
        return
    tracer = trace.get_tracer(TRACER)
    with tracer.start_as_current_span(
        name, context=parent, kind=SpanKind.INTERNAL, attributes=attributes, links=links(others)
    ) as span:
        yield span


@contextmanager
def batch_spans(
    name: str, jobs: Iterable[tuple[str, str]], attributes: Mapping[str, str] | None = None
) -> Iterator[None]:
    """One span per job (``(job_id, traceparent)`` pairs), each in its job's trace, around
    one step done for all of them together (grouping a batch, dispatching a group)."""
    if not _STATE.enabled:
        yield
        return
    tracer = trace.get_tracer(TRACER)
    spans = []
    for job_id, traceparent in jobs:
        parent = context_of(traceparent)
        if parent is not None:
            spans.append(
                tracer.start_span(
                    name, context=parent, attributes={"qgjob.job_id": job_id, **(attributes or {})}
                )
            )
    token = context.attach(trace.set_span_in_context(spans[0])) if spans else None
    try:
        yield
    finally:
        if token is not None:
            context.detach(token)
        for span in spans:
            span.end()


def record_spans(
    name: str,
    jobs: Iterable[tuple[str, str]],
    start_ns: int,
    attributes: Mapping[str, str] | None = None,
) -> None:
    """One span per job, each in its job's trace, for a step that began at ``start_ns``
    (``time.time_ns()``) and ends now: for steps whose jobs are known only afterwards (the
    jobs of the groups a dispatch gave to workers)."""
    if not _STATE.enabled:
        return
    tracer = trace.get_tracer(TRACER)
    for job_id, traceparent in jobs:
        parent = context_of(traceparent)
        if parent is not None:
            attrs = {"qgjob.job_id": job_id, **(attributes or {})}
            tracer.start_span(name, context=parent, attributes=attrs, start_time=start_ns).end()


def links(traceparents: Iterable[str]) -> list[Link]:
    """Links to the traces of other jobs that share a step (one install for a group)."""
    out = []
    for tp in traceparents:
        ctx = context_of(tp)
        if ctx is not None:
            out.append(Link(trace.get_current_span(ctx).get_span_context()))
    return out
