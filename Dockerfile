# One image for every service and the console; what to run is the command's argument.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY shared shared
COPY contracts contracts
COPY services services
COPY tools tools
ENV PYTHONUNBUFFERED=1 HTTP_HOST=0.0.0.0
ENTRYPOINT ["python", "-m"]
CMD ["shared.run", "order_review"]
