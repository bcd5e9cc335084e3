# syntax=docker/dockerfile:1
# Stage 1: build the browser client.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# Stage 2: build the Python wheel.
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY signaling/ signaling/
COPY media/ media/
COPY recording/ recording/
COPY web/__init__.py web/assets.py web/
COPY --from=web /src/web/dist web/dist
RUN pip wheel --no-deps -w /wheels .

# Stage 3: slim runtime.
FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 interview
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER interview
WORKDIR /home/interview
ENV INTERVIEW_DATA_DIR=/home/interview/var \
    INTERVIEW_LOG_FORMAT=json
VOLUME ["/home/interview/var"]
EXPOSE 8080
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
ENTRYPOINT ["interview-server"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
