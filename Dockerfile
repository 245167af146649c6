# The app image for docker-compose.yml: the service under gunicorn.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY service ./service
COPY index_mappings ./index_mappings
COPY samples ./samples
RUN useradd --system app
USER app
EXPOSE 8000
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8000", "service:create_app()"]
