# One image for the scale-out deployment: the daphne services and the one-shot `migrate`
# service of docker-compose.yml run it with different commands.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The source tree comes first on the path: templates, static files and compiled messages
    # live beside the code in /app (the installed wheel carries the Python modules only).
    PYTHONPATH=/app

WORKDIR /app
COPY . /app
RUN pip install . \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin alliance \
    && mkdir -p /app/staticfiles /data/media \
    && chown -R alliance:alliance /app/staticfiles /data/media

USER alliance
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "alliance.asgi:application"]
