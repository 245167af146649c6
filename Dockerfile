# The app image for docker-compose.yml: the service under gunicorn's threaded workers
# (deploy/gunicorn.conf.py); docker-compose.yml puts Debian's nginx in front (deploy/nginx/).
FROM python:3.11-slim
WORKDIR /app
# Debian's Hebrew dictionaries (AGPL: installed in the image, never committed) let the entity matcher
# tell a whole word from a prefix + name (service/entities/prefix_rule.py: מפלה is not מ+פלה).
RUN apt-get update && apt-get install -y --no-install-recommends hunspell-he hspell \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY service ./service
COPY index_mappings ./index_mappings
COPY samples ./samples
COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py
RUN useradd --system app
USER app
EXPOSE 8000
ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "service:create_app()"]
